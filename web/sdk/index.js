// @ts-check
// @parley/sdk: the JavaScript SDK of Parley. Types: index.d.ts; guide: docs/sdk-js.md.
export { Parley } from './client.js';
export { ParleyError } from './rest.js';
export { messageEvent } from './connection.js';
