// @ts-check
// Settings: the theme (kept in localStorage), the chosen app's details,
// and deleting it.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorBox, JsonButton, PageTitle, html, useAction, useLoad, when } from '../components.js';

/** @typedef {import('../api.js').Session} Session */

const THEME = 'parley.theme';

/** Applies the stored theme: "light", "dark" or the system's. */
export function applyTheme() {
  const t = localStorage.getItem(THEME);
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
}

/**
 * @param {{session: Session, reloadApps: () => void, chooseApp: (id: string) => void}} props
 */
export function SettingsPage({ session, reloadApps, chooseApp }) {
  const [theme, setTheme] = useState(() => localStorage.getItem(THEME) ?? 'system');
  /** @param {string} t */
  const pick = (t) => {
    if (t === 'system') localStorage.removeItem(THEME);
    else localStorage.setItem(THEME, t);
    setTheme(t);
    applyTheme();
  };
  const app = useLoad((signal) => session.appId ? api(session, `/v3/apps/${encodeURIComponent(session.appId)}`, { signal, app: null }) : Promise.resolve(null), [session.appId]);
  const del = useAction();
  const remove = () => {
    if (!session.appId || !confirm(`Delete app ${session.appId} and everything in it? This can't be undone.`)) return;
    del.run(async () => {
      await api(session, `/v3/apps/${encodeURIComponent(session.appId ?? '')}`, { method: 'DELETE', app: null });
      chooseApp('');
      reloadApps();
    });
  };
  return html`<${PageTitle}>Settings</${PageTitle}>
    <fieldset>
      <legend>Theme</legend>
      ${['system', 'light', 'dark'].map((t) => html`<label class="check"><input type="radio" name="theme" value=${t} checked=${theme === t} onChange=${() => pick(t)} /> ${t}</label>`)}
    </fieldset>
    <section aria-labelledby="app-h">
      <h2 id="app-h">App</h2>
      <${ErrorBox} error=${app.error || del.error} />
      ${app.data ? html`<dl class="details">
        <dt>Name</dt><dd>${app.data.name}</dd>
        <dt>App ID</dt><dd><code>${app.data.appId}</code></dd>
        <dt>Region</dt><dd>${app.data.region}</dd>
        <dt>Created</dt><dd>${when(app.data.createdAt)}</dd>
      </dl>
      <p><${JsonButton} value=${app.data} label=${`app ${app.data.name}`} /></p>
      <button type="button" class="danger" onClick=${remove} disabled=${del.busy}>Delete this app</button>` : html`<p class="muted">No app chosen.</p>`}
    </section>`;
}
