// @ts-check
// echobot.mjs: a Parley bot in a few lines of the JavaScript SDK on Node: it logs in as a bot
// user with the Auth Key and answers every text message it receives, one-to-one or in a group,
// until interrupted (docs/sdk-js.md).
//
//   node --experimental-websocket examples/echobot-js/echobot.mjs --url http://127.0.0.1:8080 --app $APP --key $AUTH
//   (Node 22+: without the flag; on Node 20 without it, pass a WebSocket such as the ws package's)
import { parseArgs } from 'node:util';
import { Parley, ParleyError } from '../../web/sdk/index.js';

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    app: { type: 'string', default: process.env.PARLEY_APP_ID ?? '' },
    key: { type: 'string', default: process.env.PARLEY_API_KEY ?? '' },
    uid: { type: 'string', default: 'echobot' },
  },
});

const chat = new Parley({ baseUrl: opt.url, appId: opt.app, deviceId: 'echobot-js' });
// The bot's user: create it once; "already exists" is fine.
await chat.createUser(opt.key, { uid: opt.uid, name: 'Echo Bot' }).catch((e) => {
  if (!(e instanceof ParleyError && e.code === 'ERR_UID_ALREADY_EXISTS')) throw e;
});
// Listen before logging in: in auto mode login connects at once.
chat.on('message', (m) => {
  if (m.sender === chat.user?.uid || m.type !== 'text') return; // its own answers come back too
  chat.sendText(chat.peer(m), `${m.sender} said: ${m.data.text}`).catch((e) => console.error('answer', m.id, e.code));
});
chat.on('connection', (state) => console.log('connection:', state));
await chat.login({ uid: opt.uid, authKey: opt.key });

process.once('SIGINT', () => chat.logout().finally(() => process.exit(0))); // the token made for this run goes with it
process.once('SIGTERM', () => chat.logout().finally(() => process.exit(0)));
