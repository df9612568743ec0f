// @ts-check
// One message: text or media, reactions (toggled with a click), and for the user's own
// messages whether they were delivered and read: one-to-one, from the message's deliveredAt and
// readAt; in a group, by how many members (readBy, deliveredTo: what the thread learnt from
// receipt events and GET /v3/messages/{id}).
import { html, time, actionText } from './html.js';

/** @typedef {import('@parley/sdk').Message & {readBy?: string[], deliveredTo?: string[]}} Message */
/**
 * @typedef {object} MessageContext
 * @property {string} me the user's uid
 * @property {string} base the server's origin (media URLs are relative to it)
 * @property {(m: Message, reaction: string) => void} react toggles the user's reaction
 */

const QUICK = ['👍', '❤️', '😂'];

/** @param {{m: Message, ctx: MessageContext}} props */
export function MessageView({ m, ctx }) {
  if (m.category === 'action') return html`<p class="action msg">${actionText(m)}</p>`;
  const mine = m.sender === ctx.me;
  const sender = /** @type {any} */ (m.data.entities?.sender?.entity)?.name ?? m.sender;
  const reactions = m.data.reactions ?? [];
  const status = !mine ? '' : m.receiverType === 'user' ? (m.readAt ? 'Read' : m.deliveredAt ? 'Delivered' : 'Sent') : groupStatus(m);
  return html`<article class=${'msg' + (mine ? ' mine' : '')} aria-label=${`${mine ? 'You' : sender} at ${time(m.sentAt)}`}>
    <div class="bubble">
      ${!mine && m.receiverType === 'group' && html`<strong>${sender}</strong><br />`}
      ${m.deletedAt ? html`<span class="deleted">This message was deleted</span>` : html`<${Body} m=${m} base=${ctx.base} />`}
    </div>
    ${!m.deletedAt && reactions.length > 0 && html`<div class="reactions">
      ${reactions.map((r) => html`<button type="button" class="chip" aria-pressed=${!!r.reactedByMe}
          aria-label=${`${r.reaction} ${r.count}${r.reactedByMe ? ', yours' : ''}`} onClick=${() => ctx.react(m, r.reaction)}>${r.reaction} ${r.count}</button>`)}
    </div>`}
    ${!m.deletedAt && html`<div class="quick">
      ${QUICK.filter((q) => !reactions.some((r) => r.reaction === q)).map((q) => html`<button type="button" class="chip add"
          aria-label=${'React with ' + q} onClick=${() => ctx.react(m, q)}>${q}</button>`)}
    </div>`}
    <div class="meta"><time>${time(m.sentAt)}</time>${m.editedAt && !m.deletedAt && html`<span>edited</span>`}${status && html`<span class="receipt">${status}</span>`}</div>
  </article>`;
}

/** @param {{m: Message, base: string}} props */
function Body({ m, base }) {
  const files = m.data.attachments ?? [];
  return html`${m.data.text && html`<span class="text">${m.data.text}</span>`}
    ${files.map((a) => {
      const url = a.url.startsWith('/') ? base + a.url : a.url;
      return m.type === 'image'
        ? html`<a href=${url} target="_blank" rel="noopener"><img src=${url} alt=${a.name ?? 'image'} loading="lazy" /></a>`
        : html`<a href=${url} target="_blank" rel="noopener" download=${a.name}>${a.name ?? 'file'}</a>`;
    })}
    ${m.category === 'custom' && html`<code>${JSON.stringify(m.data.customData)}</code>`}`;
}

/**
 * A group message's receipt line: read by (or else delivered to) how many members.
 * @param {Message} m
 */
function groupStatus(m) {
  if (m.readBy?.length) return `Read by ${m.readBy.length}`;
  if (m.deliveredTo?.length) return `Delivered to ${m.deliveredTo.length}`;
  return 'Sent';
}

/**
 * The group message m with uid's receipt counted: delivered, and read too when read.
 * @param {Message} m
 * @param {string} uid
 * @param {boolean} read
 * @returns {Message}
 */
export function withReceipt(m, uid, read) {
  const add = (/** @type {string[] | undefined} */ list) => (list?.includes(uid) ? list : [...(list ?? []), uid]);
  return { ...m, deliveredTo: add(m.deliveredTo), readBy: read ? add(m.readBy) : m.readBy };
}

/**
 * Whether m already counts uid's receipt of this kind.
 * @param {Message} m
 * @param {string} uid
 * @param {boolean} read
 */
export function hasReceipt(m, uid, read) {
  return !!(read ? m.readBy : m.deliveredTo)?.includes(uid);
}
