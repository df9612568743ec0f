// @ts-check
// The conversation list: newest activity first, unread counts, presence, typing; a listbox
// the keyboard walks with the arrow keys, Home and End (one tab stop, the selected or first).
import { useEffect, useRef, useState, useCallback } from 'preact/hooks';
import { html, preview, initials } from './html.js';

/** @typedef {import('@parley/sdk').Conversation & {unread: number}} Conv */
/** @typedef {import('@parley/sdk').Parley} Parley */

/**
 * The user's conversations, kept current from the events: a message moves its conversation
 * to the top and counts as unread unless it is the open one or the user's own.
 * @param {Parley} chat
 * @param {string | null} openId the open conversation
 */
export function useConversations(chat, openId) {
  const [list, setList] = useState(/** @type {Conv[]} */ ([]));
  const [typing, setTyping] = useState(/** @type {Record<string, string>} */ ({}));
  const openRef = useRef(openId);
  openRef.current = openId;

  const reload = useCallback(async () => {
    const page = await chat.conversations().limit(100).fetch();
    setList(page.items.map((c) => ({ ...c, unread: c.conversationId === openRef.current ? 0 : Number(c.unreadMessageCount) })));
  }, [chat]);

  useEffect(() => {
    reload();
    /** @type {Record<string, ReturnType<typeof setTimeout>>} */
    const typers = {};
    const offs = [
      chat.on('message', (m) => {
        const mine = m.sender === chat.user?.uid;
        if (!mine) chat.markDelivered(chat.peer(m), m.id).catch(() => {});
        setList((all) => {
          const c = all.find((x) => x.conversationId === m.conversationId);
          if (!c) {
            reload();
            return all;
          }
          const unread = mine || m.conversationId === openRef.current ? c.unread : c.unread + (m.parentId ? 0 : 1);
          return [{ ...c, lastMessage: m, unread }, ...all.filter((x) => x !== c)];
        });
      }),
      chat.on('groupMember', (a) => a.on?.uid === chat.user?.uid && reload()),
      chat.on('typing', (t) => {
        const id = t.receiverType === 'group' ? 'group_' + t.receiver : [t.sender, t.receiver].sort().join('_user_');
        const who = t.action === 'started' ? t.sender : '';
        setTyping((all) => ({ ...all, [id]: who }));
        // A typist who dropped never sends "ended": forget them after 5 s.
        clearTimeout(typers[id]);
        if (who) typers[id] = setTimeout(() => setTyping((all) => ({ ...all, [id]: all[id] === who ? '' : all[id] })), 5000);
      }),
      // Live events are not replayed after a reconnection: read the list again.
      chat.on('connection', (s) => s === 'connected' && reload()),
    ];
    return () => {
      offs.forEach((off) => off());
      Object.values(typers).forEach(clearTimeout);
    };
  }, [chat, reload]);

  const markRead = useCallback((/** @type {string} */ id) => {
    setList((all) => all.map((c) => (c.conversationId === id && c.unread ? { ...c, unread: 0 } : c)));
  }, []);
  return { list, typing, markRead };
}

/**
 * @param {{convs: Conv[], selected?: string, onSelect: (c: Conv) => void,
 *   statusOf: (uid: string, fallback?: string) => string | undefined, typing: Record<string, string>}} props
 */
export function ConversationList({ convs, selected, onSelect, statusOf, typing }) {
  const ul = useRef(/** @type {HTMLUListElement | null} */ (null));
  const [active, setActive] = useState(0);
  const current = Math.min(active, Math.max(convs.length - 1, 0));

  /** @param {KeyboardEvent} e */
  const onKey = (e) => {
    const last = convs.length - 1;
    let next = current;
    if (e.key === 'ArrowDown') next = Math.min(current + 1, last);
    else if (e.key === 'ArrowUp') next = Math.max(current - 1, 0);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = last;
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (convs[current]) onSelect(convs[current]);
      return;
    } else return;
    e.preventDefault();
    setActive(next);
    /** @type {HTMLElement | undefined} */ (ul.current?.children[next])?.focus();
  };

  return html`<nav class="convs" aria-label="Conversations">
    <h2 id="convs-title">Conversations</h2>
    <ul role="listbox" aria-labelledby="convs-title" ref=${ul} onKeyDown=${onKey}>
      ${convs.map((c, i) => {
        const w = /** @type {any} */ (c.conversationWith);
        const name = w.name ?? w.uid ?? w.guid;
        const status = w.uid ? statusOf(w.uid, w.status) : undefined;
        const who = typing[c.conversationId];
        return html`<li key=${c.conversationId} id=${'conv-' + c.conversationId} class="conv" role="option"
            aria-selected=${c.conversationId === selected} tabindex=${i === current ? 0 : -1}
            onClick=${() => (setActive(i), onSelect(c))} data-conversation=${c.conversationId}>
          <span class="avatar" aria-hidden="true">${initials(name)}${status && html`<span class=${'dot' + (status === 'available' ? ' online' : '')}></span>`}</span>
          <span class="who">
            <span class="name">${name}${status ? html`<span class="visually-hidden">, ${status === 'available' ? 'online' : 'offline'}</span>` : ''}</span>
            <span class="last">${who ? `${w.uid ? name : who} is typing…` : preview(c.lastMessage)}</span>
          </span>
          ${c.unread > 0 && html`<span class="badge" aria-label=${c.unread + ' unread'}>${c.unread}</span>`}
        </li>`;
      })}
    </ul>
  </nav>`;
}
