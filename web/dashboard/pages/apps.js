// @ts-check
// Apps (operator only) and the chosen app's API keys. A new app's keys and
// a new key are shown in full once, with a copy button: they are stored
// hashed.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { CopyField, ErrorBox, JsonButton, PageTitle, field, html, useAction, useLoad, when } from '../components.js';

/** @typedef {import('../api.js').Session} Session */

/**
 * @param {{session: Session, apps: any[], reloadApps: () => void, chooseApp: (id: string) => void}} props
 */
export function AppsPage({ session, apps, reloadApps, chooseApp }) {
  const create = useAction();
  const [made, setMade] = useState(/** @type {any} */ (null));
  /** @param {SubmitEvent} e */
  const submit = (e) => {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.currentTarget);
    create.run(async () => {
      const app = await api(session, '/v3/apps', { method: 'POST', app: null, body: { name: field(form, 'name'), region: field(form, 'region') || undefined } });
      setMade(app);
      form.reset();
      reloadApps();
      chooseApp(app.appId);
    });
  };
  return html`<${PageTitle}>Apps & keys</${PageTitle}>
    <section aria-labelledby="apps-h">
      <h2 id="apps-h">Apps</h2>
      <div class="table-wrap"><table>
        <caption class="visually-hidden">Apps of this server</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">App ID</th><th scope="col">Region</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${apps.map((a) => html`<tr>
          <td>${a.name}</td><td><code>${a.appId}</code></td><td>${a.region}</td><td>${when(a.createdAt)}</td>
          <td class="actions">
            ${a.appId === session.appId ? html`<span class="badge">chosen</span>` : html`<button type="button" class="secondary small" onClick=${() => chooseApp(a.appId)}>Choose<span class="visually-hidden"> ${a.name}</span></button>`}
            <${JsonButton} value=${a} label=${`app ${a.name}`} />
          </td></tr>`)}</tbody>
      </table></div>
      <form class="inline-form" onSubmit=${submit} aria-labelledby="new-app-h">
        <h3 id="new-app-h">New app</h3>
        <label for="app-name">Name</label><input id="app-name" name="name" required />
        <label for="app-region">Region</label><input id="app-region" name="region" placeholder="optional" />
        <button type="submit" disabled=${create.busy}>Create app</button>
      </form>
      <${ErrorBox} error=${create.error} />
      ${made ? html`<div class="notice" role="status">
        <p>App <strong>${made.name}</strong> created: <code>${made.appId}</code>. Its keys are shown this once.</p>
        ${(made.keys ?? []).map((/** @type {any} */ k) => html`<${CopyField} label=${`${k.name} (${k.scope})`} value=${k.apiKey} />`)}
      </div>` : null}
    </section>
    ${session.appId ? html`<${Keys} session=${session} key=${session.appId} />` : null}`;
}

/**
 * The chosen app's API keys.
 * @param {{session: Session}} props
 */
function Keys({ session }) {
  const keys = useLoad((signal) => api(session, '/v3/apikeys', { signal, query: { perPage: 100 } }), [session.appId]);
  const create = useAction();
  const remove = useAction();
  const [made, setMade] = useState(/** @type {any} */ (null));
  /** @param {SubmitEvent} e */
  const submit = (e) => {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.currentTarget);
    create.run(async () => {
      setMade(await api(session, '/v3/apikeys', { method: 'POST', body: { name: field(form, 'name'), scope: field(form, 'scope') } }));
      form.reset();
      keys.reload();
    });
  };
  /** @param {any} k */
  const del = (k) => {
    if (!confirm(`Delete the key ${k.name}? Clients using it stop working.`)) return;
    remove.run(async () => {
      await api(session, `/v3/apikeys/${encodeURIComponent(k.id)}`, { method: 'DELETE' });
      keys.reload();
    });
  };
  /** @type {any[]} */
  const list = keys.data ?? [];
  return html`<section aria-labelledby="keys-h">
    <h2 id="keys-h">API keys of <code>${session.appId}</code></h2>
    <${ErrorBox} error=${keys.error || remove.error} />
    <div class="table-wrap"><table>
      <caption class="visually-hidden">API keys</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Scope</th><th scope="col">Key</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${list.map((k) => html`<tr>
        <td>${k.name}</td><td>${k.scope}</td><td><code>${k.apiKey}</code></td><td>${when(k.createdAt)}</td>
        <td class="actions"><${JsonButton} value=${k} label=${`key ${k.name}`} />
          <button type="button" class="danger small" onClick=${() => del(k)}>Delete<span class="visually-hidden"> key ${k.name}</span></button></td>
      </tr>`)}</tbody>
    </table></div>
    <form class="inline-form" onSubmit=${submit} aria-labelledby="new-key-h">
      <h3 id="new-key-h">New key</h3>
      <label for="key-name">Name</label><input id="key-name" name="name" required />
      <label for="key-scope">Scope</label>
      <select id="key-scope" name="scope"><option value="fullAccess">fullAccess (REST API Key)</option><option value="authOnly">authOnly (Auth Key)</option></select>
      <button type="submit" disabled=${create.busy}>Create key</button>
    </form>
    <${ErrorBox} error=${create.error} />
    ${made ? html`<div class="notice" role="status"><p>Key <strong>${made.name}</strong> created. It is shown in full this once:</p>
      <${CopyField} label=${`New key ${made.name}`} value=${made.apiKey} /></div>` : null}
  </section>`;
}
