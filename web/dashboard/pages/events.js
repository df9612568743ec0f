// @ts-check
// The live event inspector: the app's events as the server streams them
// (GET /v3/events, Server-Sent Events read with fetch so that the operator
// token travels in a header), filtered by type, user and group on the
// server. The newest 200 events are kept.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, streamEvents } from '../api.js';
import { ErrorBox, JsonButton, PageTitle, field, html } from '../components.js';

/** @typedef {import('../api.js').Session} Session */

const KEEP = 200;
const TYPES = ['message', 'typing_indicator', 'receipts', 'transient_message', 'presence', 'reaction',
  'interaction_completed', 'user_updated', 'group_updated', 'group_deleted'];

/** @param {{session: Session}} props */
export function EventsPage({ session }) {
  const [filters, setFilters] = useState(/** @type {Record<string, string>} */ ({}));
  const [events, setEvents] = useState(/** @type {{id: string, event: string, data: any, at: Date}[]} */ ([]));
  const [state, setState] = useState('connecting');
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [paused, setPaused] = useState(false);
  useEffect(() => {
    if (paused) { setState('paused'); return undefined; }
    const ctl = new AbortController();
    setState('connecting');
    setError(null);
    streamEvents(session, filters, (ev) => {
      if (ev.event === 'ready') { setState('live'); return; }
      if (ev.event === 'error') { setError(new ApiError(0, ev.data.code, ev.data.message)); return; }
      setEvents((list) => [{ ...ev, at: new Date() }, ...list].slice(0, KEEP));
    }, ctl.signal).then(
      () => { if (!ctl.signal.aborted) setState('ended'); },
      (err) => { if (!ctl.signal.aborted) { setError(err); setState('failed'); } },
    );
    return () => ctl.abort();
  }, [session.appId, filters, paused]);
  /** @param {SubmitEvent} e */
  const apply = (e) => {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.currentTarget);
    setFilters({ type: field(form, 'type'), uid: field(form, 'uid'), guid: field(form, 'guid') });
  };
  return html`<${PageTitle}>Live events</${PageTitle}>
    <form class="inline-form" onSubmit=${apply} aria-label="Event filters">
      <label for="ev-type">Type</label>
      <select id="ev-type" name="type"><option value="">any</option>${TYPES.map((t) => html`<option value=${t}>${t}</option>`)}</select>
      <label for="ev-uid">User</label><input id="ev-uid" name="uid" placeholder="uid" />
      <label for="ev-guid">Group</label><input id="ev-guid" name="guid" placeholder="guid" />
      <button type="submit">Apply filters</button>
      <button type="button" class="secondary" onClick=${() => setPaused(!paused)}>${paused ? 'Resume' : 'Pause'}</button>
      <button type="button" class="secondary" onClick=${() => setEvents([])}>Clear</button>
    </form>
    <p role="status" class="muted">Stream: <strong data-state=${state}>${state}</strong> · ${events.length} event(s) shown, newest first</p>
    <${ErrorBox} error=${error} />
    <ol class="events" aria-label="Events">
      ${events.map((ev) => html`<li class="event">
        <span class="badge">${ev.event}</span> <span class="muted">${ev.at.toLocaleTimeString()}</span>
        ${ev.data.sender ? html` <span>from <code>${ev.data.sender}</code></span>` : null}
        ${ev.data.receiver ? html` <span>to ${ev.data.receiverType} <code>${ev.data.receiver}</code></span>` : null}
        ${' '}<${JsonButton} value=${ev.data} label=${`${ev.event} event ${ev.id}`} />
      </li>`)}
    </ol>`;
}
