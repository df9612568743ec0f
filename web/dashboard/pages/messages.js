// @ts-check
// The message browser, in three panes: a user, their conversations, and
// the messages of one conversation as that user sees them (a group's whole
// history). Older messages load on demand.
import { useState } from 'preact/hooks';
import { api, request } from '../api.js';
import { ErrorBox, JsonButton, PageTitle, field, html, useAction, useLoad, when } from '../components.js';

/** @typedef {import('../api.js').Session} Session */

const LIMIT = 50;

/** @param {{session: Session}} props */
export function MessagesPage({ session }) {
  const [search, setSearch] = useState('');
  const [uid, setUID] = useState('');
  const [conv, setConv] = useState(/** @type {any} */ (null));
  const users = useLoad((signal) => api(session, '/v3/users', { signal, query: { searchKey: search, perPage: 50 } }), [session.appId, search]);
  /** @type {any[]} */
  const userList = users.data ?? [];
  return html`<${PageTitle}>Messages</${PageTitle}>
    <div class="three-pane">
      <section class="pane" aria-labelledby="pane-users-h">
        <h2 id="pane-users-h">Users</h2>
        <form role="search" class="row" onSubmit=${(/** @type {SubmitEvent} */ e) => { e.preventDefault(); setSearch(field(/** @type {HTMLFormElement} */ (e.currentTarget), 'q')); }}>
          <label for="msg-user-search" class="visually-hidden">Search users</label>
          <input id="msg-user-search" name="q" type="search" placeholder="Search users" />
          <button type="submit" class="small">Search</button>
        </form>
        <${ErrorBox} error=${users.error} />
        <ul class="pick" aria-label="Users">
          ${userList.map((u) => html`<li><button type="button" aria-pressed=${u.uid === uid} onClick=${() => { setUID(u.uid); setConv(null); }}>
            <span>${u.name}</span> <code class="muted">${u.uid}</code></button></li>`)}
        </ul>
      </section>
      <section class="pane" aria-labelledby="pane-convs-h">
        <h2 id="pane-convs-h">Conversations${uid ? html` of <code>${uid}</code>` : null}</h2>
        ${uid ? html`<${Conversations} key=${uid} session=${session} uid=${uid} current=${conv} onPick=${setConv} />`
          : html`<p class="muted">Choose a user.</p>`}
      </section>
      <section class="pane thread" aria-labelledby="pane-msgs-h">
        <h2 id="pane-msgs-h">${conv ? html`Messages with ${title(conv)}` : 'Messages'}</h2>
        ${conv ? html`<${Thread} key=${`${uid}/${conv.conversationId}`} session=${session} uid=${uid} conv=${conv} />`
          : html`<p class="muted">Choose a conversation.</p>`}
      </section>
    </div>`;
}

/** @param {any} conv */
function title(conv) {
  const w = conv.conversationWith ?? {};
  return w.name ?? w.uid ?? w.guid ?? conv.conversationId;
}

/**
 * A user's conversations, newest first.
 * @param {{session: Session, uid: string, current: any, onPick: (c: any) => void}} props
 */
function Conversations({ session, uid, current, onPick }) {
  const convs = useLoad((signal) => api(session, '/v3/conversations', { signal, onBehalfOf: uid, query: { perPage: 50 } }), [uid]);
  /** @type {any[]} */
  const list = convs.data ?? [];
  return html`<${ErrorBox} error=${convs.error} />
    ${list.length === 0 && !convs.loading ? html`<p class="muted">No conversations.</p>` : null}
    <ul class="pick" aria-label="Conversations">
      ${list.map((c) => html`<li><button type="button" aria-pressed=${c.conversationId === current?.conversationId} onClick=${() => onPick(c)}>
        <span>${title(c)}</span> <span class="muted">${c.conversationType}</span>
        ${Number(c.unreadMessageCount) > 0 ? html` <span class="badge" aria-label=${`${c.unreadMessageCount} unread`}>${c.unreadMessageCount}</span>` : null}
      </button></li>`)}
    </ul>`;
}

/**
 * One conversation's messages, oldest first, with a button for older ones.
 * @param {{session: Session, uid: string, conv: any}} props
 */
function Thread({ session, uid, conv }) {
  const w = conv.conversationWith ?? {};
  const group = conv.conversationType === 'group';
  const path = group ? `/v3/groups/${encodeURIComponent(w.guid)}/messages` : `/v3/users/${encodeURIComponent(w.uid)}/messages`;
  // A group's whole history as the server reads it; a one-to-one
  // conversation as its user sees it.
  const call = group ? {} : { onBehalfOf: uid };
  const [older, setOlder] = useState(/** @type {any[]} */ ([]));
  const [cursor, setCursor] = useState(/** @type {any} */ (undefined));
  const first = useLoad(async (signal) => {
    const res = await request(session, path, { ...call, signal, query: { limit: LIMIT } });
    setCursor(res.data?.length === LIMIT ? res.meta?.previous : null);
    return res.data;
  }, [path]);
  const more = useAction();
  const loadOlder = () => more.run(async () => {
    const res = await request(session, path, { ...call, query: { limit: LIMIT, id: cursor.id, affix: 'prepend' } });
    setOlder((o) => [...res.data, ...o]);
    setCursor(res.data.length === LIMIT ? res.meta?.previous : null);
  });
  const list = [...older, ...(first.data ?? [])];
  return html`<${ErrorBox} error=${first.error || more.error} />
    ${cursor ? html`<button type="button" class="secondary small" onClick=${loadOlder} disabled=${more.busy}>Load older messages</button>` : null}
    <ol class="messages" role="log" aria-label=${`Messages with ${title(conv)}`}>
      ${list.map((m) => html`<li class="message">
        <div class="meta"><strong>${m.sender}</strong> <span class="muted">${when(m.sentAt)} · #${m.id}${m.deletedAt ? ' · deleted' : ''}</span>
          <${JsonButton} value=${m} label=${`message ${m.id}`} /></div>
        <div class="text">${m.category === 'message' && m.type === 'text' ? m.data?.text : html`<em>${m.category}/${m.type}</em>`}</div>
      </li>`)}
    </ol>
    ${list.length === 0 && !first.loading ? html`<p class="muted">No messages.</p>` : null}`;
}
