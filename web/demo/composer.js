// @ts-check
// Writing: Enter sends (Shift+Enter a new line), typing is signalled while keys come (ended
// 3 s after the last, or on send), and a file picked is sent as a media message.
import { useRef } from 'preact/hooks';
import { html } from './html.js';

/**
 * @param {{chat: import('@parley/sdk').Parley, to: import('@parley/sdk').Receiver, name: string,
 *   onError: (code: string) => void}} props
 */
export function Composer({ chat, to, name, onError }) {
  const typing = useRef(/** @type {ReturnType<typeof setTimeout> | null} */ (null));
  const area = useRef(/** @type {HTMLTextAreaElement | null} */ (null));

  const signal = (/** @type {boolean} */ on) => {
    try {
      if (on) chat.startTyping(to);
      else chat.endTyping(to);
    } catch {
      // not connected: typing is best effort
    }
  };
  const stopTyping = () => {
    if (typing.current) clearTimeout(typing.current);
    if (typing.current) signal(false);
    typing.current = null;
  };
  const onInput = () => {
    if (!typing.current) signal(true);
    else clearTimeout(typing.current);
    typing.current = setTimeout(stopTyping, 3000);
  };
  const send = async () => {
    const el = /** @type {HTMLTextAreaElement} */ (area.current);
    const text = el.value.trim();
    if (!text) return;
    el.value = '';
    stopTyping();
    try {
      onError('');
      await chat.sendText(to, text);
    } catch (e) {
      el.value = text;
      onError(/** @type {any} */ (e).code);
    }
  };
  /** @param {KeyboardEvent} e */
  const onKey = (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      send();
    }
  };
  /** @param {Event} e */
  const onFile = async (e) => {
    const input = /** @type {HTMLInputElement} */ (e.target);
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      onError('');
      await chat.sendMedia(to, [file]);
    } catch (err) {
      onError(/** @type {any} */ (err).code);
    }
  };
  return html`<form class="composer" onSubmit=${(/** @type {Event} */ e) => (e.preventDefault(), send())}>
    <label class="btn icon file" title="Send a file">📎<span class="visually-hidden">Send a file</span>
      <input type="file" onChange=${onFile} /></label>
    <label class="visually-hidden" for="composer-text">Message to ${name}</label>
    <textarea id="composer-text" ref=${area} rows="1" placeholder=${'Message ' + name} onInput=${onInput} onKeyDown=${onKey}></textarea>
    <button class="btn primary" type="submit">Send</button>
  </form>`;
}
