// @ts-check
// The dashboard's building blocks: error boxes that show the API's code,
// a raw-JSON viewer one click away, a copyable secret, and a hook that
// loads data.
import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import { ApiError } from './api.js';

/** htm bound to Preact: html`<p>…</p>` makes vnodes. */
export const html = htm.bind(h);

/**
 * An error as the API answered it: its code first, as documented.
 * @param {{error: unknown}} props
 */
export function ErrorBox({ error }) {
  if (!error) return null;
  if (error instanceof ApiError) {
    return html`<div class="error" role="alert">
      <strong class="code">${error.code}</strong>${error.status ? html` <span class="muted">(HTTP ${error.status})</span>` : null}
      <div>${error.message}</div>
    </div>`;
  }
  return html`<div class="error" role="alert">${error instanceof Error ? error.message : String(error)}</div>`;
}

/**
 * A button that shows value as JSON in a modal dialog.
 * @param {{value: any, label?: string}} props label names the object for screen readers
 */
export function JsonButton({ value, label = 'object' }) {
  const ref = useRef(/** @type {HTMLDialogElement | null} */ (null));
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open) ref.current?.showModal();
  }, [open]);
  const close = () => { ref.current?.close(); };
  return html`<button type="button" class="secondary small" aria-label=${`Raw JSON of ${label}`}
      onClick=${() => setOpen(true)}>JSON</button>
    ${open ? html`<dialog ref=${ref} class="json" aria-label=${`Raw JSON of ${label}`} onClose=${() => setOpen(false)}>
      <div class="dialog-head"><h2>${label}</h2><button type="button" onClick=${close}>Close</button></div>
      <pre tabindex="0">${JSON.stringify(value, null, 2)}</pre>
    </dialog>` : null}`;
}

/**
 * A secret shown once: read only, selectable, with a copy button.
 * @param {{label: string, value: string}} props
 */
export function CopyField({ label, value }) {
  const [copied, setCopied] = useState(false);
  const input = useRef(/** @type {HTMLInputElement | null} */ (null));
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      input.current?.select(); // no clipboard permission: select it for Ctrl-C
    }
    setCopied(true);
  };
  const id = `copy-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return html`<div class="copy-field">
    <label for=${id}>${label}</label>
    <div class="row">
      <input id=${id} ref=${input} readonly value=${value} class="mono" onFocus=${(/** @type {FocusEvent} */ e) => /** @type {HTMLInputElement} */ (e.target).select()} />
      <button type="button" onClick=${copy}>Copy</button>
    </div>
    <span role="status" class="muted">${copied ? 'Copied.' : ''}</span>
  </div>`;
}

/**
 * @template T
 * @typedef {object} Loaded
 * @property {T} [data]
 * @property {unknown} error
 * @property {boolean} loading
 * @property {() => void} reload
 */

/**
 * Loads data with fn whenever deps change; reload() loads it again.
 * @template T
 * @param {(signal: AbortSignal) => Promise<T>} fn
 * @param {any[]} deps
 * @returns {Loaded<T>}
 */
export function useLoad(fn, deps) {
  const [state, setState] = useState(/** @type {{data?: T, error: unknown, loading: boolean}} */ ({ error: null, loading: true }));
  const [n, setN] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    fn(ctl.signal).then(
      (data) => { if (!ctl.signal.aborted) setState({ data, error: null, loading: false }); },
      (error) => { if (!ctl.signal.aborted) setState({ error, loading: false }); },
    );
    return () => ctl.abort();
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { ...state, reload };
}

/**
 * Runs an action (a form's submit), keeping its error and busy state.
 * @returns {{busy: boolean, error: unknown, run: (fn: () => Promise<void>) => Promise<void>, clear: () => void}}
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const run = useCallback(async (/** @type {() => Promise<void>} */ fn) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}

/**
 * A page's heading, focused when the page opens so that keyboard and
 * screen reader users start there.
 * @param {{children: any}} props
 */
export function PageTitle({ children }) {
  const ref = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  useEffect(() => { ref.current?.focus(); }, []);
  return html`<h1 ref=${ref} tabindex="-1">${children}</h1>`;
}

/**
 * Formats a Unix time in seconds.
 * @param {number | undefined} t
 */
export function when(t) {
  return t ? new Date(t * 1000).toLocaleString() : '';
}

/**
 * The value of a form's named field.
 * @param {HTMLFormElement} form
 * @param {string} name
 */
export function field(form, name) {
  const el = form.elements.namedItem(name);
  return el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement ? el.value.trim() : '';
}
