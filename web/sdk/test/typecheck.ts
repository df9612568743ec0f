// Compiled by tsc --noEmit only (never run): index.d.ts describes the API as a program uses it.
import { Parley, ParleyError, type Message, type Receiver } from '../index.js';

export async function typed(): Promise<void> {
  const chat = new Parley({ appId: 'a', baseUrl: 'http://localhost:8080', presence: 'ALL_USERS', autoConnect: false });
  const me = await chat.login({ uid: 'alice', authKey: 'k' });
  const uid: string = me.uid;
  const off: () => void = chat.on('message', (m: Message) => void m.data.text);
  chat.on('typing', (t) => void (t.action === 'started' && t.sender));
  chat.on('connection', (s) => void (s === 'featureThrottled'));
  chat.on('error', (e: ParleyError) => void e.code);
  off();
  const to: Receiver = { guid: 'team' };
  const sent = await chat.sendText(to, 'hi ' + uid, { tags: ['x'] });
  await chat.addReaction(sent.id, '👍');
  for await (const m of chat.messages().group('team').limit(50).hideReplies().categories(['message', 'custom'])) void m.id;
  const page = await chat.users().searchKey('al').status('available').limit(10).fetch();
  void page.pagination.total_pages;
  const older: Message[] = await chat.messages().user('bob').fetchPrevious();
  void older;
  for await (const ev of chat.events(['message', 'presence'])) {
    if (ev.type === 'presence') void ev.data.user.uid;
    else void ev.data.conversationId;
  }
  const convs = await chat.conversations().unread().fetch();
  void convs.items[0]?.unreadMessageCount;
  chat.startTyping(to);
  await chat.markRead(to, sent.id);
}
