// @ts-check
// A group's members, with their scope and presence.
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';

/**
 * @param {{chat: import('@parley/sdk').Parley, guid: string,
 *   statusOf: (uid: string, fallback?: string) => string | undefined}} props
 */
export function Members({ chat, guid, statusOf }) {
  const [members, setMembers] = useState(/** @type {import('@parley/sdk').Member[] | null} */ (null));
  useEffect(() => {
    let live = true;
    const load = () => chat.members(guid).limit(100).fetch().then((p) => live && setMembers(p.items));
    load();
    const off = chat.on('groupMember', (a) => a.group?.guid === guid && load());
    return () => {
      live = false;
      off();
    };
  }, [chat, guid]);
  return html`<aside class="members" id="members" aria-label="Members">
    <h3>Members</h3>
    ${members === null ? html`<p>Loading…</p>` : html`<ul>
      ${members.map((m) => {
        const online = statusOf(m.uid, m.status) === 'available';
        return html`<li key=${m.uid} class="member"><span class="avatar" aria-hidden="true">${m.name[0]}<span class=${'dot' + (online ? ' online' : '')}></span></span>
          <span>${m.name}<span class="visually-hidden">, ${online ? 'online' : 'offline'}</span> <span class="scope">${m.scope}</span></span></li>`;
      })}
    </ul>`}
  </aside>`;
}
