// @ts-check
// The overview: the chosen app's usage figures (GET /v3/stats).
import { api } from '../api.js';
import { ErrorBox, JsonButton, PageTitle, html, useLoad } from '../components.js';

/** @typedef {import('../api.js').Session} Session */

/** The figures, in the order shown, with their labels. */
const figures = [
  ['users', 'Active users'],
  ['onlineUsers', 'Online now'],
  ['deactivatedUsers', 'Deactivated users'],
  ['groups', 'Groups'],
  ['messages', 'Messages (whole log)'],
  ['apiKeys', 'API keys'],
];

/** @param {{session: Session}} props */
export function OverviewPage({ session }) {
  const stats = useLoad((signal) => api(session, '/v3/stats', { signal }), [session.appId]);
  return html`<${PageTitle}>Overview</${PageTitle}>
    <p class="muted">Usage figures of app <code>${session.appId}</code>, read when the page opened.
      <button type="button" class="secondary small" onClick=${stats.reload}>Refresh</button>
      ${stats.data ? html` <${JsonButton} value=${stats.data} label="usage figures" />` : null}</p>
    <${ErrorBox} error=${stats.error} />
    ${stats.data ? html`<dl class="figures">
      ${figures.map(([k, label]) => html`<div class="figure"><dt>${label}</dt><dd data-figure=${k}>${stats.data[k]}</dd></div>`)}
    </dl>` : null}`;
}
