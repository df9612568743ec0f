// @ts-check
// The dashboard's entry point: renders the app into #app.
import { h, render } from 'preact';

const root = document.getElementById('app');
if (root) render(h('p', null, 'Parley dashboard'), root);
