// @ts-check
// An open conversation: header (presence, members), the message log, who is typing, the
// composer. Events of this conversation update the log in place; older history loads when
// the log is scrolled to its top.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html, initials } from './html.js';
import { MessageLog } from './log.js';
import { Composer } from './composer.js';
import { Members } from './members.js';
import { withReceipt, hasReceipt } from './message.js';

/** @typedef {import('@parley/sdk').Parley} Parley */
/** @typedef {import('./message.js').Message} Message */
/** @typedef {import('@parley/sdk').Receiver} Receiver */

/**
 * @param {{chat: Parley, conv: import('./conversations.js').Conv, onBack: () => void,
 *   onRead: (id: string) => void, statusOf: (uid: string, fallback?: string) => string | undefined}} props
 */
export function Thread({ chat, conv, onBack, onRead, statusOf }) {
  const w = /** @type {any} */ (conv.conversationWith);
  /** @type {Receiver} */
  const to = w.guid ? { guid: w.guid } : { uid: w.uid };
  const name = w.name ?? w.uid ?? w.guid;
  const scroller = useRef(/** @type {HTMLDivElement | null} */ (null));
  const ol = useRef(/** @type {HTMLOListElement | null} */ (null));
  const [typing, setTyping] = useState(/** @type {Record<string, string>} */ ({}));
  const [showMembers, setShowMembers] = useState(false);
  const [error, setError] = useState('');
  const me = /** @type {string} */ (chat.user?.uid);
  const status = w.uid ? statusOf(w.uid, w.status) : undefined;

  useEffect(() => {
    const ctx = {
      me,
      base: chat.settings.baseUrl,
      /** @param {Message} m @param {string} r */
      react(m, r) {
        const mineAlready = m.data.reactions?.some((x) => x.reaction === r && x.reactedByMe);
        (mineAlready ? chat.removeReaction(m.id, r) : chat.addReaction(m.id, r))
          .then((fresh) => log.update(m.id, () => fresh))
          .catch((e) => setError(e.code));
      },
    };
    const log = new MessageLog(/** @type {HTMLDivElement} */ (scroller.current), /** @type {HTMLOListElement} */ (ol.current), ctx);
    const history = chat.messages().limit(50).hideReplies();
    if ('guid' in to) history.group(to.guid);
    else history.user(to.uid);
    let loading = false;
    let done = false;
    const older = async () => {
      if (loading || done) return;
      loading = true;
      try {
        const page = await history.fetchPrevious();
        done = page.length === 0;
        if (log.items.size === 0) log.append(page, true);
        else log.prepend(page);
      } finally {
        loading = false;
      }
    };
    const newer = async () => {
      if (loading || !log.trimmedNewer) return;
      loading = true;
      try {
        const q = chat.messages().limit(50).hideReplies().after(/** @type {string} */ (log.last()));
        const page = await ('guid' in to ? q.group(to.guid) : q.user(to.uid)).fetch();
        log.trimmedNewer = page.items.length === 50;
        log.append(page.items);
      } finally {
        loading = false;
      }
    };
    /** The newest message not marked read while the page was hidden. @type {string | null} */
    let unseen = null;
    const read = (/** @type {string} */ id) => {
      if (document.visibilityState !== 'visible') return void (unseen = id);
      unseen = null;
      chat.markRead(to, id).catch(() => {});
      onRead(conv.conversationId);
    };
    const onVisible = () => unseen && read(unseen);
    document.addEventListener('visibilitychange', onVisible);
    /**
     * Counts uid's receipt on the user's own group messages up to the watermark upTo.
     * @param {string} uid @param {boolean} isRead @param {number} upTo
     */
    const groupReceipt = (uid, isRead, upTo) => log.updateWhere(
      (m) => m.sender === me && Number(m.id) <= upTo && !hasReceipt(m, uid, isRead),
      (m) => withReceipt(m, uid, isRead),
    );
    older().then(() => {
      const last = log.last();
      if (last) read(last);
      // A group's receipts so far: the members whose watermarks reached the user's newest message
      // here (GET /v3/messages/{id} gives them to its sender); later ones come as events.
      const mine = [...log.items.values()].map((it) => it.m).filter((m) => m.sender === me && !m.deletedAt);
      const newest = mine.reduce((a, m) => (!a || Number(m.id) > Number(a.id) ? m : a), /** @type {Message | null} */ (null));
      if ('guid' in to && newest) {
        chat.getMessage(newest.id).then((full) => {
          for (const r of full.receipts ?? []) groupReceipt(r.uid, !!r.readAt, Number(newest.id));
        }, () => {});
      }
      // Fill the screen, so that there is something to scroll up from.
      const s = /** @type {HTMLDivElement} */ (scroller.current);
      if (s.scrollHeight <= s.clientHeight) older();
    });
    const s = /** @type {HTMLDivElement} */ (scroller.current);
    const onScroll = () => {
      if (s.scrollTop < 100) older();
      else if (log.nearBottom()) newer();
    };
    s.addEventListener('scroll', onScroll, { passive: true });
    const ours = (/** @type {{conversationId?: string}} */ m) => m.conversationId === conv.conversationId;
    /** A user's name: the peer's, or as a message of theirs in the log gives it. @param {string} uid */
    const nameOf = (uid) => {
      if ('uid' in to) return name;
      for (const it of log.items.values()) {
        const e = /** @type {any} */ (it.m.data.entities?.sender?.entity);
        if (e?.uid === uid && e.name) return /** @type {string} */ (e.name);
      }
      return uid;
    };
    const typers = /** @type {Record<string, ReturnType<typeof setTimeout>>} */ ({});
    const offs = [
      chat.on('message', (m) => {
        if (!ours(m) || m.parentId || log.trimmedNewer) return;
        log.append([m], m.sender === me);
        if (m.sender !== me) read(m.id);
        setTyping((t) => ({ ...t, [m.sender]: '' }));
      }),
      chat.on('groupMember', (a) => ours(a.message) && log.append([a.message])),
      chat.on('edited', (m) => ours(m) && log.update(m.id, (old) => ({ ...m, readBy: old.readBy, deliveredTo: old.deliveredTo, data: { ...m.data, reactions: old.data.reactions } }))),
      chat.on('deleted', (m) => ours(m) && log.update(m.id, () => m)),
      chat.on('reaction', (ev) => {
        const r = ev.reaction;
        // Our own (from this device or another): read the message again, counts and all.
        if (r.uid === me) return void chat.getMessage(r.messageId).then((m) => log.update(m.id, () => m), () => {});
        const add = ev.action === 'message_reaction_added' ? 1 : -1;
        log.update(r.messageId, (m) => {
          const list = [...(m.data.reactions ?? [])];
          const i = list.findIndex((x) => x.reaction === r.reaction);
          if (i < 0 && add > 0) list.push({ reaction: r.reaction, count: 1, reactedByMe: false });
          else if (i >= 0) list[i] = { ...list[i], count: list[i].count + add };
          return { ...m, data: { ...m.data, reactions: list.filter((x) => x.count > 0) } };
        });
      }),
      chat.on('receipt', (ev) => {
        if (ev.conversationId !== conv.conversationId || ev.sender === me) return;
        const upTo = Number(ev.messageId);
        if ('guid' in to) return void groupReceipt(/** @type {string} */ (ev.sender), ev.action === 'read', upTo);
        const field = ev.action === 'read' ? 'readAt' : 'deliveredAt';
        log.updateWhere(
          (m) => m.sender === me && Number(m.id) <= upTo && !m[field],
          (m) => ({ ...m, deliveredAt: m.deliveredAt ?? ev.timestamp, [field]: ev.timestamp }),
        );
      }),
      chat.on('typing', (ev) => {
        const here = 'guid' in to ? ev.receiverType === 'group' && ev.receiver === to.guid : ev.receiverType === 'user' && ev.sender === to.uid;
        if (!here) return;
        clearTimeout(typers[ev.sender]);
        const who = /** @type {string} */ (ev.sender);
        setTyping((t) => ({ ...t, [who]: ev.action === 'started' ? nameOf(who) : '' }));
        // A typist who dropped never sends "ended": forget them after 5 s.
        if (ev.action === 'started') typers[who] = setTimeout(() => setTyping((t) => ({ ...t, [who]: '' })), 5000);
      }),
    ];
    return () => {
      offs.forEach((off) => off());
      Object.values(typers).forEach(clearTimeout);
      s.removeEventListener('scroll', onScroll);
      document.removeEventListener('visibilitychange', onVisible);
      log.clear();
    };
  }, [chat, conv.conversationId]);

  const typists = Object.values(typing).filter(Boolean);
  return html`
    <header>
      <button class="btn icon back" type="button" onClick=${onBack} aria-label="Back to conversations">←</button>
      <span class="avatar" aria-hidden="true">${initials(name)}${status && html`<span class=${'dot' + (status === 'available' ? ' online' : '')}></span>`}</span>
      <div class="grow">
        <h2>${name}</h2>
        <span class="sub presence">${w.guid ? `${w.membersCount ?? ''} members` : status === 'available' ? 'online' : 'offline'}</span>
      </div>
      ${w.guid && html`<button class="btn" type="button" aria-expanded=${showMembers} aria-controls="members" onClick=${() => setShowMembers(!showMembers)}>Members</button>`}
    </header>
    <div class="body">
      <div class="scroller" ref=${scroller} tabindex="0" role="log" aria-live="polite" aria-label=${'Messages with ' + name}>
        <ol class="log" ref=${ol}></ol>
      </div>
      ${showMembers && w.guid && html`<${Members} chat=${chat} guid=${w.guid} statusOf=${statusOf} />`}
    </div>
    <p class="typing" aria-live="polite">${typists.length ? `${typists.join(', ')} ${typists.length > 1 ? 'are' : 'is'} typing…` : ''}${error && html` <span class="error">${error}</span>`}</p>
    <${Composer} chat=${chat} to=${to} name=${name} onError=${setError} />`;
}
