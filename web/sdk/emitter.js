// @ts-check

/** @typedef {(data: any, frame?: any) => void} Listener */

/**
 * Listeners by event name, each called in the order the server sent the events. A listener that
 * throws does not stop the others; its error is reported (reportError in browsers, console.error
 * elsewhere).
 */
export class Emitter {
  constructor() {
    /** @type {Map<string, Set<Listener>>} */
    this.ls = new Map();
  }

  /**
   * Adds a listener; returns the function that removes it.
   * @param {string} name
   * @param {Listener} fn
   * @returns {() => void}
   */
  on(name, fn) {
    let set = this.ls.get(name);
    if (!set) this.ls.set(name, (set = new Set()));
    const entry = (/** @type {any} */ d, /** @type {any} */ f) => fn(d, f);
    set.add(entry);
    return () => void set.delete(entry);
  }

  /**
   * Calls the listeners of name, then those of '*' (with the name).
   * @param {string} name
   * @param {unknown} data
   * @param {unknown} [frame]
   */
  emit(name, data, frame) {
    for (const fn of [...(this.ls.get(name) ?? [])]) call(fn, data, frame);
    for (const fn of [...(this.ls.get('*') ?? [])]) call(fn, { type: name, data }, frame);
  }

  /**
   * The events as an async iterator of `{type, data}`: those named in types (all when empty),
   * from now until the loop breaks or signal aborts. Events wait in a queue while the loop
   * is busy.
   * @param {string[]} [types]
   * @param {{signal?: AbortSignal}} [opts]
   * @returns {AsyncIterableIterator<{type: string, data: any}>}
   */
  events(types = [], opts = {}) {
    /** @type {{type: string, data: any}[]} */
    const queue = [];
    /** @type {((r: IteratorResult<{type: string, data: any}>) => void) | null} */
    let wake = null;
    let done = false;
    const off = this.on('*', (/** @type {{type: string, data: any}} */ ev) => {
      if (types.length && !types.includes(ev.type)) return;
      if (wake) {
        const w = wake;
        wake = null;
        w({ value: ev, done: false });
      } else queue.push(ev);
    });
    const finish = () => {
      done = true;
      off();
      queue.length = 0;
      if (wake) wake({ value: undefined, done: true });
      wake = null;
    };
    opts.signal?.addEventListener('abort', finish, { once: true });
    if (opts.signal?.aborted) finish();
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next() {
        const ev = queue.shift();
        if (ev) return Promise.resolve({ value: ev, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((r) => (wake = r));
      },
      return() {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/**
 * @param {Listener} fn
 * @param {unknown} data
 * @param {unknown} frame
 */
function call(fn, data, frame) {
  try {
    fn(data, frame);
  } catch (e) {
    const g = /** @type {any} */ (globalThis);
    if (typeof g.reportError === 'function') g.reportError(e);
    else console.error(e);
  }
}
