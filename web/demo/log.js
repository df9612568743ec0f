// @ts-check
// The message list as an ARIA log managed by hand: each message is its own small Preact root,
// so a new message is one appended <li> (the list is never re-rendered), an update re-renders
// one message, history is prepended with the scroll position kept, and at most MAX messages
// stay in the DOM (the far end is trimmed and read again when scrolled back to).
import { render } from 'preact';
import { html } from './html.js';
import { MessageView } from './message.js';

export const MAX = 300;

/** @typedef {import('./message.js').Message} Message */

export class MessageLog {
  /**
   * @param {HTMLElement} scroller the scrolling element
   * @param {HTMLOListElement} ol the log
   * @param {import('./message.js').MessageContext} ctx
   */
  constructor(scroller, ol, ctx) {
    this.scroller = scroller;
    this.ol = ol;
    this.ctx = ctx;
    /** @type {Map<string, {m: Message, li: HTMLLIElement}>} */
    this.items = new Map();
    /** Newer messages were trimmed: live ones are not appended until they are read again. */
    this.trimmedNewer = false;
  }

  /** @param {{m: Message, li: HTMLLIElement}} it */
  paint(it) {
    render(html`<${MessageView} m=${it.m} ctx=${this.ctx} />`, it.li);
  }

  /** @param {Message} m */
  item(m) {
    const li = document.createElement('li');
    li.dataset.id = m.id;
    const it = { m, li };
    this.items.set(m.id, it);
    this.paint(it);
    return it;
  }

  nearBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
  }

  /**
   * Runs fn (which adds or removes messages) keeping anchor where it is on screen.
   * @param {Element | null} anchor
   * @param {() => void} fn
   */
  keep(anchor, fn) {
    const top = anchor?.getBoundingClientRect().top ?? 0;
    fn();
    if (anchor?.isConnected) this.scroller.scrollTop += anchor.getBoundingClientRect().top - top;
  }

  /**
   * Appends messages (ascending ids) at the end; keeps the view at the bottom if it was there.
   * @param {Message[]} ms
   * @param {boolean} [force] scroll to the bottom anyway
   */
  append(ms, force = false) {
    const stick = force || this.nearBottom();
    for (const m of ms) {
      if (this.items.has(m.id)) this.update(m.id, () => m);
      else this.ol.append(this.item(m).li);
    }
    if (this.items.size > MAX) this.keep(this.ol.lastElementChild, () => this.trim('top'));
    if (stick) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /**
   * Prepends older messages (ascending ids), keeping what is on screen where it is.
   * @param {Message[]} ms
   */
  prepend(ms) {
    this.keep(this.ol.firstElementChild, () => {
      const frag = document.createDocumentFragment();
      for (const m of ms) if (!this.items.has(m.id)) frag.append(this.item(m).li);
      this.ol.prepend(frag);
      if (this.items.size > MAX) this.trim('bottom');
    });
  }

  /** Removes messages at one end down to MAX. @param {'top' | 'bottom'} end */
  trim(end) {
    while (this.items.size > MAX) {
      const li = /** @type {HTMLLIElement} */ (end === 'top' ? this.ol.firstElementChild : this.ol.lastElementChild);
      render(null, li);
      li.remove();
      this.items.delete(/** @type {string} */ (li.dataset.id));
    }
    if (end === 'bottom') this.trimmedNewer = true;
  }

  /** The ids at either end. */
  first() {
    return /** @type {HTMLElement | null} */ (this.ol.firstElementChild)?.dataset.id;
  }
  last() {
    return /** @type {HTMLElement | null} */ (this.ol.lastElementChild)?.dataset.id;
  }

  /**
   * Re-renders one message with what fn makes of it.
   * @param {string} id
   * @param {(m: Message) => Message} fn
   */
  update(id, fn) {
    const it = this.items.get(id);
    if (!it) return;
    it.m = fn(it.m);
    this.paint(it);
  }

  /**
   * Re-renders the messages pred picks.
   * @param {(m: Message) => boolean} pred
   * @param {(m: Message) => Message} fn
   */
  updateWhere(pred, fn) {
    for (const it of this.items.values()) if (pred(it.m)) this.update(it.m.id, fn);
  }

  /** Unmounts every message. */
  clear() {
    for (const it of this.items.values()) render(null, it.li);
    this.items.clear();
    this.ol.textContent = '';
  }
}
