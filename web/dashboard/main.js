// @ts-check
// The dashboard's entry point: applies the theme and renders the app.
import { render } from 'preact';
import { html } from './components.js';
import { App } from './app.js';
import { applyTheme } from './pages/settings.js';

applyTheme();
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
