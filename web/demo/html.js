// @ts-check
// htm bound to Preact's h: the demo's templates, with no build step.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);

/**
 * The conversation id of a receiver from a user's side (docs/api.md §13).
 * @param {string} me
 * @param {import('@parley/sdk').Receiver} to
 */
export function conversationId(me, to) {
  return 'guid' in to ? 'group_' + to.guid : [me, to.uid].sort().join('_user_');
}

/**
 * A short time for a Unix time in seconds.
 * @param {number | undefined} t
 */
export function time(t) {
  return t ? new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
}

/**
 * What a message says in one line (the conversation list, screen readers).
 * @param {import('@parley/sdk').Message | undefined} m
 */
export function preview(m) {
  if (!m) return '';
  if (m.deletedAt) return 'Message deleted';
  if (m.category === 'action') return actionText(m);
  if (m.type !== 'text') return (m.data.text ? m.data.text + ' ' : '') + '(' + m.type + ')';
  return m.data.text ?? '';
}

/**
 * An action message in words.
 * @param {import('@parley/sdk').Message} m
 */
export function actionText(m) {
  const e = m.data.entities ?? {};
  const by = e.by?.entity?.name ?? m.sender;
  const on = e.on?.entity?.name ?? '';
  switch (m.data.action) {
    case 'joined': return `${by} joined`;
    case 'left': return `${by} left`;
    case 'added': return `${by} added ${on}`;
    case 'kicked': return `${by} removed ${on}`;
    case 'banned': return `${by} banned ${on}`;
    case 'unbanned': return `${by} unbanned ${on}`;
    case 'scopeChanged': return `${by} made ${on} ${/** @type {any} */ (m.data.extras)?.scope?.new ?? ''}`;
    case 'ownershipTransferred': return `${on} now owns the group`;
    case 'edited': return `${by} edited a message`;
    case 'deleted': return `${by} deleted a message`;
  }
  return String(m.data.action ?? m.type);
}

/**
 * Initials for an avatar.
 * @param {string} name
 */
export function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('');
}
