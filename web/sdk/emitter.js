// @ts-check

/** @typedef {(data: any, frame?: any) => void} Listener */

/** Listeners by event name, called in the order the server sent the events. */
export class Emitter {
  constructor() {
    /** @type {Map<string, Set<Listener>>} */
    this.ls = new Map();
  }

  /** Adds a listener; returns its remover. @param {string} name @param {Listener} fn @returns {() => void} */
  on(name, fn) {
    const set = this.ls.get(name) ?? new Set();
    this.ls.set(name, set.add(fn));
    return () => void set.delete(fn);
  }

  /** Calls the listeners of name, then those of '*' with {type, data}. @param {string} name @param {unknown} data @param {unknown} [frame] */
  emit(name, data, frame) {
    for (const fn of [...(this.ls.get(name) ?? [])]) call(fn, data, frame);
    for (const fn of [...(this.ls.get('*') ?? [])]) call(fn, { type: name, data }, frame);
  }

  /**
   * The events (of types, or all) as {type, data}, from now, queued while the loop is busy,
   * until it breaks or signal aborts. @param {string[]} [types] @param {{signal?: AbortSignal}} [opts]
   */
  events(types = [], opts = {}) {
    /** @type {{type: string, data: any}[]} */
    const queue = [];
    let wake = () => {};
    const off = this.on('*', (ev) => {
      if (!types.length || types.includes(ev.type)) queue.push(ev);
      wake();
    });
    opts.signal?.addEventListener('abort', () => (off(), wake()));
    return (async function* () {
      try {
        while (!opts.signal?.aborted) {
          const ev = queue.shift();
          if (ev) yield ev;
          else await new Promise((r) => (wake = /** @type {() => void} */ (r)));
        }
      } finally {
        off();
      }
    })();
  }
}

/** A listener that throws does not stop the others; its error is reported. @param {Listener} fn @param {unknown} data @param {unknown} frame */
function call(fn, data, frame) {
  try {
    fn(data, frame);
  } catch (e) {
    const g = /** @type {any} */ (globalThis);
    g.reportError ? g.reportError(e) : console.error(e);
  }
}
