// @ts-check
// The dashboard's shell: sign-in with the operator token (kept in
// sessionStorage, so it leaves with the tab), the app picker, the
// navigation and the page of the URL's hash (#/users, #/events, …).
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { ErrorBox, html, useAction, useLoad, field } from './components.js';
import { OverviewPage } from './pages/overview.js';
import { AppsPage } from './pages/apps.js';
import { UsersPage } from './pages/users.js';
import { GroupsPage } from './pages/groups.js';
import { MessagesPage } from './pages/messages.js';
import { EventsPage } from './pages/events.js';
import { SettingsPage } from './pages/settings.js';

const TOKEN = 'parley.operatorToken';
const APP = 'parley.appId';

/** The pages, by the hash route that opens them. */
const pages = [
  { path: '', label: 'Overview', page: OverviewPage },
  { path: 'apps', label: 'Apps & keys', page: AppsPage },
  { path: 'users', label: 'Users', page: UsersPage },
  { path: 'groups', label: 'Groups', page: GroupsPage },
  { path: 'messages', label: 'Messages', page: MessagesPage },
  { path: 'events', label: 'Live events', page: EventsPage },
  { path: 'settings', label: 'Settings', page: SettingsPage },
];

/** The route of the URL's hash: "#/users" → "users". */
function route() {
  return location.hash.replace(/^#\/?/, '').split('/')[0];
}

/** The whole dashboard. */
export function App() {
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN) ?? '');
  const signOut = () => {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(APP);
    setToken('');
  };
  if (!token) {
    return html`<${SignIn} onSignIn=${(/** @type {string} */ t) => { sessionStorage.setItem(TOKEN, t); setToken(t); }} />`;
  }
  return html`<${Shell} token=${token} onSignOut=${signOut} />`;
}

/**
 * The sign-in form: the token is checked by listing the apps.
 * @param {{onSignIn: (token: string) => void}} props
 */
function SignIn({ onSignIn }) {
  const action = useAction();
  /** @param {SubmitEvent} e */
  const submit = (e) => {
    e.preventDefault();
    const token = field(/** @type {HTMLFormElement} */ (e.currentTarget), 'token');
    action.run(async () => {
      await api({ token }, '/v3/apps');
      onSignIn(token);
    });
  };
  return html`<main class="signin" id="main">
    <h1>Parley dashboard</h1>
    <form onSubmit=${submit} aria-describedby="signin-help">
      <label for="token">Operator token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
      <p id="signin-help" class="muted">The token <code>parley serve</code> printed on its first start
        (or <code>--operator-token</code>). It is kept in this tab only (sessionStorage).</p>
      <button type="submit" disabled=${action.busy}>Sign in</button>
    </form>
    <${ErrorBox} error=${action.error} />
  </main>`;
}

/**
 * The signed-in dashboard.
 * @param {{token: string, onSignOut: () => void}} props
 */
function Shell({ token, onSignOut }) {
  const [path, setPath] = useState(route);
  const [appId, setAppId] = useState(() => sessionStorage.getItem(APP) ?? '');
  const apps = useLoad((signal) => api({ token }, '/v3/apps', { signal }), [token]);
  useEffect(() => {
    const on = () => setPath(route());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  /** @type {any[]} */
  const list = apps.data ?? [];
  // The chosen app, else the first one, once the list is known.
  useEffect(() => {
    if (!apps.data) return;
    if (!list.some((a) => a.appId === appId)) choose(list[0]?.appId ?? '');
  }, [apps.data]);
  /** @param {string} id */
  const choose = (id) => {
    if (id) sessionStorage.setItem(APP, id);
    else sessionStorage.removeItem(APP);
    setAppId(id);
  };
  const session = { token, appId };
  const current = pages.find((p) => p.path === path) ?? pages[0];
  const Page = current.page;
  return html`<a class="skip" href="#main" onClick=${(/** @type {Event} */ e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
  <header class="top">
    <span class="brand">Parley</span>
    <label class="app-picker">
      <span>App</span>
      <select value=${appId} onChange=${(/** @type {Event} */ e) => choose(/** @type {HTMLSelectElement} */ (e.target).value)}
          aria-label="App the pages act in">
        ${list.map((a) => html`<option value=${a.appId}>${a.name} (${a.appId})</option>`)}
      </select>
    </label>
    <button type="button" class="secondary" onClick=${onSignOut}>Sign out</button>
  </header>
  <nav aria-label="Dashboard">
    <ul>
      ${pages.map((p) => html`<li><a href=${`#/${p.path}`} aria-current=${p === current ? 'page' : undefined}>${p.label}</a></li>`)}
    </ul>
  </nav>
  <main id="main" tabindex="-1">
    <${ErrorBox} error=${apps.error} />
    ${appId || current.path === 'apps' || current.path === 'settings'
      ? html`<${Page} key=${current.path === 'apps' ? 'apps' : `${current.path}/${appId}`} session=${session} apps=${list} reloadApps=${apps.reload} chooseApp=${choose} />`
      : apps.loading ? html`<p>Loading…</p>` : html`<p>No app yet: <a href="#/apps">create one</a>.</p>`}
  </main>`;
}
