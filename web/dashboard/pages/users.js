// @ts-check
// Users: search, create, auth tokens (a new one shown once), deactivate and
// reactivate, and "open as this user" in the demo chat.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { CopyField, ErrorBox, JsonButton, PageTitle, field, html, useAction, useLoad, when } from '../components.js';

/** @typedef {import('../api.js').Session} Session */

const PER_PAGE = 25;

/** @param {{session: Session}} props */
export function UsersPage({ session }) {
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [deactivated, setDeactivated] = useState(false);
  const [selected, setSelected] = useState(/** @type {string} */ (''));
  const users = useLoad((signal) => api(session, '/v3/users', { signal, query: { searchKey: search, page, perPage: PER_PAGE, withDeactivated: deactivated || undefined } }).then((data) => data),
    [session.appId, search, page, deactivated]);
  const create = useAction();
  /** @param {SubmitEvent} e */
  const submit = (e) => {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.currentTarget);
    create.run(async () => {
      const u = await api(session, '/v3/users', { method: 'POST', body: { uid: field(form, 'uid'), name: field(form, 'name') } });
      form.reset();
      users.reload();
      setSelected(u.uid);
    });
  };
  /** @type {any[]} */
  const list = users.data ?? [];
  return html`<${PageTitle}>Users</${PageTitle}>
    <form class="inline-form" role="search" onSubmit=${(/** @type {SubmitEvent} */ e) => { e.preventDefault(); setPage(1); setSearch(field(/** @type {HTMLFormElement} */ (e.currentTarget), 'q')); }}>
      <label for="user-search">Search users</label>
      <input id="user-search" name="q" type="search" placeholder="uid or name prefix" />
      <button type="submit">Search</button>
      <label class="check"><input type="checkbox" checked=${deactivated} onChange=${(/** @type {Event} */ e) => setDeactivated(/** @type {HTMLInputElement} */ (e.target).checked)} /> Include deactivated</label>
    </form>
    <${ErrorBox} error=${users.error} />
    <div class="table-wrap"><table>
      <caption class="visually-hidden">Users</caption>
      <thead><tr><th scope="col">UID</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Role</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${list.map((u) => html`<tr class=${u.uid === selected ? 'selected' : ''}>
        <td><code>${u.uid}</code>${u.deactivatedAt ? html` <span class="badge">deactivated</span>` : null}</td><td>${u.name}</td><td>${u.status}</td><td>${u.role}</td>
        <td class="actions">
          <button type="button" class="secondary small" aria-expanded=${u.uid === selected} onClick=${() => setSelected(u.uid === selected ? '' : u.uid)}>Manage<span class="visually-hidden"> ${u.uid}</span></button>
          <${JsonButton} value=${u} label=${`user ${u.uid}`} />
        </td></tr>`)}</tbody>
    </table></div>
    ${list.length === 0 && !users.loading ? html`<p class="muted">No users${search ? ` matching “${search}”` : ''}.</p>` : null}
    <div class="pager">
      <button type="button" class="secondary small" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>Previous page</button>
      <span>Page ${page}</span>
      <button type="button" class="secondary small" disabled=${list.length < PER_PAGE} onClick=${() => setPage(page + 1)}>Next page</button>
    </div>
    ${selected ? html`<${UserPanel} key=${selected} session=${session} uid=${selected} onChange=${users.reload} />` : null}
    <form class="inline-form" onSubmit=${submit} aria-labelledby="new-user-h">
      <h2 id="new-user-h">New user</h2>
      <label for="user-uid">UID</label><input id="user-uid" name="uid" required />
      <label for="user-name">Name</label><input id="user-name" name="name" required />
      <button type="submit" disabled=${create.busy}>Create user</button>
    </form>
    <${ErrorBox} error=${create.error} />`;
}

/**
 * One user's tokens and actions.
 * @param {{session: Session, uid: string, onChange: () => void}} props
 */
function UserPanel({ session, uid, onChange }) {
  const path = `/v3/users/${encodeURIComponent(uid)}`;
  const user = useLoad((signal) => api(session, path, { signal }), [uid]);
  const tokens = useLoad((signal) => api(session, `${path}/auth_tokens`, { signal }), [uid]);
  const act = useAction();
  const [token, setToken] = useState(/** @type {string} */ (''));
  const newToken = () => act.run(async () => {
    const t = await api(session, `${path}/auth_tokens`, { method: 'POST' });
    setToken(t.authToken);
    tokens.reload();
  });
  const openAs = () => act.run(async () => {
    // A fresh token: the demo signs in from the URL's fragment, which
    // never reaches the server.
    const t = await api(session, `${path}/auth_tokens`, { method: 'POST' });
    tokens.reload();
    const href = `/demo/#appId=${encodeURIComponent(session.appId ?? '')}&authToken=${encodeURIComponent(t.authToken)}&uid=${encodeURIComponent(uid)}`;
    window.open(href, '_blank', 'noopener');
  });
  const u = user.data;
  const deactivated = Boolean(u?.deactivatedAt);
  const toggle = () => act.run(async () => {
    if (deactivated) {
      await api(session, '/v3/users', { method: 'PUT', body: { uidsToActivate: [uid] } });
    } else {
      if (!confirm(`Deactivate ${uid}? Their sessions end.`)) return;
      await api(session, '/v3/users', { method: 'DELETE', body: { uidsToDeactivate: [uid] } });
    }
    user.reload();
    onChange();
  });
  /** @type {any[]} */
  const list = tokens.data ?? [];
  return html`<section class="panel" aria-labelledby="user-panel-h">
    <h2 id="user-panel-h">User <code>${uid}</code></h2>
    <${ErrorBox} error=${user.error || tokens.error || act.error} />
    ${u ? html`<p>${u.name} · ${u.status} · created ${when(u.createdAt)} <${JsonButton} value=${u} label=${`user ${uid}`} /></p>` : null}
    <div class="row wrap">
      <button type="button" onClick=${newToken} disabled=${act.busy || deactivated}>New auth token</button>
      <button type="button" onClick=${openAs} disabled=${act.busy || deactivated}>Open as this user</button>
      <button type="button" class=${deactivated ? '' : 'danger'} onClick=${toggle} disabled=${act.busy}>${deactivated ? 'Reactivate' : 'Deactivate'}</button>
    </div>
    ${token ? html`<${CopyField} label=${`Auth token of ${uid}`} value=${token} />` : null}
    <h3>Auth tokens</h3>
    ${list.length ? html`<ul class="plain">${list.map((t) => html`<li><code>${t.authToken}</code> · ${when(t.createdAt)} <${JsonButton} value=${t} label="auth token" /></li>`)}</ul>`
      : html`<p class="muted">No tokens.</p>`}
  </section>`;
}
