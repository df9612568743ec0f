// @ts-check
// The demo chat: signs in from #appId=…&authToken=… alone (the fragment never reaches the
// server) and shows the user's conversations, built only on the public SDK (@parley/sdk).
import { render } from 'preact';
import { useEffect, useState, useCallback } from 'preact/hooks';
import { Parley } from '@parley/sdk';
import { html } from './html.js';
import { ConversationList, useConversations } from './conversations.js';
import { Thread } from './thread.js';

/** @typedef {import('@parley/sdk').Receiver} Receiver */

const KEY = 'parley-demo';

/**
 * The sign-in of the fragment (#appId=…&authToken=…), kept for this tab in sessionStorage and
 * taken out of the address bar (so that it is not copied or bookmarked with the page).
 */
function credentials() {
  const p = new URLSearchParams(location.hash.slice(1));
  const appId = p.get('appId');
  const authToken = p.get('authToken');
  if (appId && authToken) {
    sessionStorage.setItem(KEY, JSON.stringify({ appId, authToken }));
    history.replaceState(null, '', location.pathname + location.search);
    return { appId, authToken };
  }
  const saved = JSON.parse(sessionStorage.getItem(KEY) ?? '{}');
  return { appId: String(saved.appId ?? ''), authToken: String(saved.authToken ?? '') };
}

/** Asks for an App ID and an auth token when the fragment has none. @param {{error?: string}} props */
function SignIn({ error }) {
  /** @param {SubmitEvent} e */
  const submit = (e) => {
    e.preventDefault();
    const f = new FormData(/** @type {HTMLFormElement} */ (e.target));
    location.hash = new URLSearchParams({ appId: String(f.get('appId')), authToken: String(f.get('authToken')) }).toString();
    location.reload();
  };
  return html`<main class="signin">
    <h1>Parley demo chat</h1>
    <p>Open this page from the dashboard ("open as this user"), or give an App ID and an auth token.</p>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <form onSubmit=${submit}>
      <label for="appId">App ID</label><input id="appId" name="appId" required autocomplete="off" />
      <label for="authToken">Auth token</label><input id="authToken" name="authToken" required autocomplete="off" />
      <p><button class="btn primary" type="submit">Sign in</button></p>
    </form>
  </main>`;
}

/** The chat once signed in. @param {{chat: Parley}} props */
function App({ chat }) {
  const [state, setState] = useState(chat.connectionState);
  const [open, setOpen] = useState(/** @type {import('./conversations.js').Conv | null} */ (null));
  const [presence, setPresence] = useState(/** @type {Record<string, string>} */ ({}));
  const convs = useConversations(chat, open?.conversationId ?? null);

  useEffect(() => chat.on('connection', setState), [chat]);
  useEffect(
    () => chat.on('presence', (p) => setPresence((all) => ({ ...all, [p.user.uid]: p.status === 'online' ? 'available' : 'offline' }))),
    [chat],
  );
  const select = useCallback((/** @type {import('./conversations.js').Conv} */ c) => {
    setOpen(c);
    convs.markRead(c.conversationId);
  }, [convs.markRead]);
  const statusOf = (/** @type {string} */ uid, /** @type {string | undefined} */ fallback) => presence[uid] ?? fallback;
  const signOut = () => {
    sessionStorage.removeItem(KEY);
    chat.logout().finally(() => location.reload());
  };
  const toggleTheme = () => {
    const root = document.documentElement;
    const dark = root.dataset.theme ? root.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
    root.dataset.theme = dark ? 'light' : 'dark';
  };

  return html`<div class="app" data-view=${open ? 'thread' : 'list'}>
    <header class="bar">
      <h1>Parley · ${chat.user?.name}</h1>
      <span class=${'state ' + state} role="status">${state}</span>
      <button class="btn icon" type="button" onClick=${toggleTheme} aria-label="Toggle dark mode">◐</button>
      <button class="btn" type="button" onClick=${signOut}>Sign out</button>
    </header>
    <${ConversationList} convs=${convs.list} selected=${open?.conversationId} onSelect=${select} statusOf=${statusOf} typing=${convs.typing} />
    <main class="thread" aria-label="Conversation">
      ${open
        ? html`<${Thread} key=${open.conversationId} chat=${chat} conv=${open} statusOf=${statusOf} onBack=${() => setOpen(null)} onRead=${convs.markRead} />`
        : html`<p class="empty">Pick a conversation.</p>`}
    </main>
  </div>`;
}

async function main() {
  const root = /** @type {HTMLElement} */ (document.getElementById('app'));
  const show = (/** @type {import('preact').ComponentChild} */ v) => ((root.textContent = ''), render(v, root));
  const { appId, authToken } = credentials();
  if (!appId || !authToken) return show(html`<${SignIn} />`);
  const chat = new Parley({ appId, presence: 'ALL_USERS', deviceId: 'demo-' + Math.random().toString(36).slice(2, 8) });
  try {
    await chat.login(authToken);
  } catch (e) {
    const err = /** @type {import('@parley/sdk').ParleyError} */ (e);
    return show(html`<${SignIn} error=${`Sign-in failed: ${err.code} (${err.message})`} />`);
  }
  show(html`<${App} chat=${chat} />`);
}

main();
