// @ts-check
// Groups: search, create (with an owner), and one group's members: add
// with a scope, kick.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorBox, JsonButton, PageTitle, field, html, useAction, useLoad, when } from '../components.js';

/** @typedef {import('../api.js').Session} Session */

const PER_PAGE = 25;

/** @param {{session: Session}} props */
export function GroupsPage({ session }) {
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState('');
  const groups = useLoad((signal) => api(session, '/v3/groups', { signal, query: { searchKey: search, page, perPage: PER_PAGE } }),
    [session.appId, search, page]);
  const create = useAction();
  const [type, setType] = useState('public');
  /** @param {SubmitEvent} e */
  const submit = (e) => {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.currentTarget);
    create.run(async () => {
      const g = await api(session, '/v3/groups', { method: 'POST', body: {
        guid: field(form, 'guid'), name: field(form, 'name'), type: field(form, 'type'),
        password: field(form, 'password') || undefined, owner: field(form, 'owner'),
      } });
      form.reset();
      setType('public');
      groups.reload();
      setSelected(g.guid);
    });
  };
  /** @type {any[]} */
  const list = groups.data ?? [];
  return html`<${PageTitle}>Groups</${PageTitle}>
    <form class="inline-form" role="search" onSubmit=${(/** @type {SubmitEvent} */ e) => { e.preventDefault(); setPage(1); setSearch(field(/** @type {HTMLFormElement} */ (e.currentTarget), 'q')); }}>
      <label for="group-search">Search groups</label>
      <input id="group-search" name="q" type="search" placeholder="guid or name prefix" />
      <button type="submit">Search</button>
    </form>
    <${ErrorBox} error=${groups.error} />
    <div class="table-wrap"><table>
      <caption class="visually-hidden">Groups</caption>
      <thead><tr><th scope="col">GUID</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Members</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${list.map((g) => html`<tr class=${g.guid === selected ? 'selected' : ''}>
        <td><code>${g.guid}</code></td><td>${g.name}</td><td>${g.type}</td><td>${g.membersCount}</td>
        <td class="actions">
          <button type="button" class="secondary small" aria-expanded=${g.guid === selected} onClick=${() => setSelected(g.guid === selected ? '' : g.guid)}>Members<span class="visually-hidden"> of ${g.guid}</span></button>
          <${JsonButton} value=${g} label=${`group ${g.guid}`} />
        </td></tr>`)}</tbody>
    </table></div>
    ${list.length === 0 && !groups.loading ? html`<p class="muted">No groups${search ? ` matching “${search}”` : ''}.</p>` : null}
    <div class="pager">
      <button type="button" class="secondary small" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>Previous page</button>
      <span>Page ${page}</span>
      <button type="button" class="secondary small" disabled=${list.length < PER_PAGE} onClick=${() => setPage(page + 1)}>Next page</button>
    </div>
    ${selected ? html`<${Members} key=${selected} session=${session} guid=${selected} onChange=${groups.reload} />` : null}
    <form class="inline-form" onSubmit=${submit} aria-labelledby="new-group-h">
      <h2 id="new-group-h">New group</h2>
      <label for="group-guid">GUID</label><input id="group-guid" name="guid" required />
      <label for="group-name">Name</label><input id="group-name" name="name" required />
      <label for="group-type">Type</label>
      <select id="group-type" name="type" value=${type} onChange=${(/** @type {Event} */ e) => setType(/** @type {HTMLSelectElement} */ (e.target).value)}>
        <option value="public">public</option><option value="private">private</option><option value="password">password</option>
      </select>
      ${type === 'password' ? html`<label for="group-password">Password</label><input id="group-password" name="password" type="password" required />` : null}
      <label for="group-owner">Owner (uid)</label><input id="group-owner" name="owner" required />
      <button type="submit" disabled=${create.busy}>Create group</button>
    </form>
    <${ErrorBox} error=${create.error} />`;
}

/**
 * A group's members.
 * @param {{session: Session, guid: string, onChange: () => void}} props
 */
function Members({ session, guid, onChange }) {
  const path = `/v3/groups/${encodeURIComponent(guid)}/members`;
  const members = useLoad((signal) => api(session, path, { signal, query: { perPage: 100 } }), [guid]);
  const act = useAction();
  const [result, setResult] = useState(/** @type {any} */ (null));
  /** @param {SubmitEvent} e */
  const add = (e) => {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.currentTarget);
    act.run(async () => {
      const scope = field(form, 'scope');
      const uids = field(form, 'uids').split(/[\s,]+/).filter(Boolean);
      const res = await api(session, path, { method: 'POST', body: { [scope]: uids } });
      setResult(res);
      form.reset();
      members.reload();
      onChange();
    });
  };
  /** @param {string} uid */
  const kick = (uid) => act.run(async () => {
    await api(session, `${path}/${encodeURIComponent(uid)}`, { method: 'DELETE' });
    members.reload();
    onChange();
  });
  /** @type {any[]} */
  const list = members.data ?? [];
  // Per uid failures of an add, as the API answered them.
  /** @type {string[]} */
  const failed = [];
  for (const byUID of Object.values(result ?? {})) {
    for (const [uid, r] of Object.entries(/** @type {Record<string, any>} */ (byUID ?? {}))) {
      if (r && r.success === false) failed.push(`${uid}: ${r.error?.code} ${r.error?.message ?? ''}`);
    }
  }
  return html`<section class="panel" aria-labelledby="members-h">
    <h2 id="members-h">Members of <code>${guid}</code></h2>
    <${ErrorBox} error=${members.error || act.error} />
    <div class="table-wrap"><table>
      <caption class="visually-hidden">Members</caption>
      <thead><tr><th scope="col">UID</th><th scope="col">Name</th><th scope="col">Scope</th><th scope="col">Joined</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${list.map((m) => html`<tr><td><code>${m.uid}</code></td><td>${m.name}</td><td>${m.scope}</td><td>${when(m.joinedAt)}</td>
        <td class="actions"><${JsonButton} value=${m} label=${`member ${m.uid}`} />
          <button type="button" class="danger small" onClick=${() => kick(m.uid)} disabled=${act.busy}>Kick<span class="visually-hidden"> ${m.uid}</span></button></td></tr>`)}</tbody>
    </table></div>
    <form class="inline-form" onSubmit=${add} aria-label=${`Add members to ${guid}`}>
      <label for="member-uids">Add users (uids)</label><input id="member-uids" name="uids" required placeholder="alice, bob" />
      <label for="member-scope">as</label>
      <select id="member-scope" name="scope"><option value="participants">participants</option><option value="moderators">moderators</option><option value="admins">admins</option></select>
      <button type="submit" disabled=${act.busy}>Add</button>
    </form>
    ${failed.length ? html`<div class="error" role="alert"><p>Not added:</p><ul>${failed.map((f) => html`<li>${f}</li>`)}</ul></div>` : null}
    ${result ? html`<p><${JsonButton} value=${result} label="add members answer" /></p>` : null}
  </section>`;
}
