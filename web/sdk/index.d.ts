// Types of @parley/sdk, written by hand (the SDK ships as plain ES modules, no build step).
// The guide is docs/sdk-js.md; the server's objects are described in docs/api.md and the
// WebSocket frames in docs/protocol.md. Objects may carry more fields than typed here.

/** Query parameters of a REST call; lists are sent comma-joined. */
export type Query = Record<string, string | number | boolean | (string | number)[] | undefined>;

/** A conversation's other side: a user, or a group. */
export type Receiver = { uid: string } | { guid: string };

/** The WebSocket's state, as CometChat's `CONNECTION_STATUS`. */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'featureThrottled';

export interface Settings {
  /** The App ID. */
  appId: string;
  /** The server, e.g. `https://chat.example.com`; in a browser, the page's origin by default. */
  baseUrl?: string;
  /** Whose presence (and profile updates) the connection receives; none by default. */
  presence?: 'ALL_USERS' | 'ROLES' | 'FRIENDS' | 'NONE';
  /** With `presence: 'ROLES'`: the roles. */
  roles?: string[];
  /** false: manual mode, no connection until `connect()`. Auto by default. */
  autoConnect?: boolean;
  /** This device, sent with the WebSocket's auth frame and on tokens made with an Auth Key. */
  deviceId?: string;
  /** Resume after this message id on the first connection (a saved `lastMessageId`). */
  lastMessageId?: number;
  /**
   * Seconds, 25–300: how often this client promises to ping when idle, declared in the auth frame;
   * the server then pings it only after that long and closes it after 1.2 times that. Longer saves
   * battery and server CPU, finds a dead connection later. 25 by default.
   */
  keepalive?: number;
  /** Keepalive ping interval in ms (`keepalive` seconds, 25 000 by default; the server closes a connection silent for 1.2 × keepalive). */
  pingInterval?: number;
  /** Bounds of the full-jitter exponential reconnection backoff, in ms (500, 30 000). */
  reconnectMin?: number;
  reconnectMax?: number;
  /** How many times a send is retried (same muid) when the server can't be reached or answers 5xx (4). */
  sendRetries?: number;
  /** The WebSocket constructor: needed on Node 20 (e.g. `ws`'s); the global one elsewhere. */
  WebSocket?: new (url: string) => WebSocket;
  /** The fetch function; the global one by default. */
  fetch?: typeof fetch;
}

export interface Entity<T> {
  entity: T;
  entityType: 'user' | 'group' | 'message';
}

export interface User {
  uid: string;
  name: string;
  avatar?: string;
  link?: string;
  statusMessage?: string;
  role?: string;
  metadata?: Record<string, unknown>;
  tags?: string[];
  status?: 'available' | 'offline';
  lastActiveAt?: number;
  createdAt?: number;
  updatedAt?: number;
  blockedByMe?: boolean;
  hasBlockedMe?: boolean;
  conversationId?: string;
  [more: string]: unknown;
}

export interface Group {
  guid: string;
  name: string;
  type: 'public' | 'password' | 'private';
  icon?: string;
  description?: string;
  metadata?: Record<string, unknown>;
  tags?: string[];
  owner?: string;
  membersCount?: number;
  hasJoined?: boolean;
  scope?: Scope;
  joinedAt?: number;
  conversationId?: string;
  createdAt?: number;
  updatedAt?: number;
  [more: string]: unknown;
}

export type Scope = 'admin' | 'moderator' | 'participant';

export interface Member extends User {
  scope: Scope;
  joinedAt: number;
}

export interface Attachment {
  url: string;
  name?: string;
  mimeType?: string;
  extension?: string;
  size?: number;
}

export interface Message {
  /** An integer in a string, as the REST API writes it. */
  id: string;
  muid?: string;
  conversationId: string;
  sender: string;
  receiver: string;
  receiverType: 'user' | 'group';
  category: 'message' | 'custom' | 'interactive' | 'action' | 'call';
  type: string;
  data: {
    text?: string;
    metadata?: Record<string, unknown>;
    attachments?: Attachment[];
    customData?: Record<string, unknown>;
    interactiveData?: Record<string, unknown>;
    entities?: Record<string, Entity<any>>;
    mentions?: Record<string, User>;
    reactions?: { reaction: string; count: number; reactedByMe?: boolean }[];
    action?: string;
    extras?: Record<string, unknown>;
    [more: string]: unknown;
  };
  tags?: string[];
  parentId?: string;
  replyCount?: number;
  quotedMessageId?: string;
  sentAt: number;
  updatedAt?: number;
  editedAt?: number;
  editedBy?: string;
  deletedAt?: number;
  deletedBy?: string;
  deliveredAt?: number;
  readAt?: number;
  [more: string]: unknown;
}

/** What `send` takes: the body of POST /v3/messages, with `to` for receiver + receiverType. */
export interface NewMessage {
  to?: Receiver;
  category?: 'message' | 'custom' | 'interactive';
  type?: string;
  data?: Message['data'] & { interactionGoal?: { type: string; elementIds?: string[] }; allowSenderInteraction?: boolean };
  tags?: string[];
  /** The client's id for the message; made by the SDK when absent. Sending it again sends nothing twice. */
  muid?: string;
  /** Send as a reply in this message's thread (`to` defaults to its conversation). */
  parentId?: string | number;
  quotedMessageId?: string | number;
  [more: string]: unknown;
}

export interface Conversation {
  conversationId: string;
  conversationType: 'user' | 'group';
  conversationWith: User | Group;
  lastMessage?: Message;
  latestMessageId?: string;
  lastReadMessageId?: string;
  /** A string of digits, as CometChat writes it. */
  unreadMessageCount: string;
  unreadMentionsCount: number;
  tags?: string[];
  createdAt?: number;
  updatedAt?: number;
}

/** What conversation events carry besides their body: the frame's envelope. */
export interface Envelope {
  sender: string;
  receiver?: string;
  receiverType?: 'user' | 'group';
  deviceId?: string;
}

export interface Reaction {
  id?: string;
  messageId: string;
  uid: string;
  reaction: string;
  reactedAt: number;
  reactedBy: User;
}

export interface MemberAction {
  action: 'added' | 'joined' | 'left' | 'kicked' | 'banned' | 'unbanned' | 'scopeChanged' | 'ownershipTransferred';
  by: User;
  on: User;
  group: Group;
  extras?: Record<string, unknown>;
  message: Message;
}

/** A WebSocket frame as the server sent it (protocol.md §2). */
export interface Frame extends Partial<Envelope> {
  appId?: string;
  type: string;
  body: any;
}

/** Every event `on()` and `events()` know, with what its listeners receive. */
export interface Events {
  /** A message users send (categories message, custom, interactive), new, each once, in id order. */
  message: Message;
  /** A message was edited: the message as it is now (the frame holds the action message). */
  edited: Message;
  /** A message was deleted: the message as deleted. */
  deleted: Message;
  /** A group membership changed. */
  groupMember: MemberAction;
  /** A call message (each status change of a call). */
  call: Message;
  reaction: Envelope & { action: 'message_reaction_added' | 'message_reaction_removed'; reaction: Reaction };
  receipt: Envelope & { action: 'delivered' | 'read'; messageId: string; conversationId: string; timestamp: number; user: User };
  typing: Envelope & { action: 'started' | 'ended'; metadata?: Record<string, unknown>; timestamp: number };
  transient: Envelope & { data: Record<string, unknown>; timestamp: number };
  presence: Envelope & { status: 'online' | 'offline'; timestamp: number; user: User };
  userUpdated: Envelope & User;
  groupUpdated: Envelope & Group;
  groupDeleted: Envelope & Group;
  interactionCompleted: Envelope & { messageId: string; interactions: unknown[]; interactionCompleted: boolean };
  /** The server skipped messages on resume; the SDK fetches them over REST before the live ones. */
  resumeTruncated: { lastMessageId: string; resumeUntil: string };
  /** The connection's state changed. */
  connection: ConnectionState;
  /** The connection was lost (or refused): why. The SDK reconnects unless the error is final. */
  disconnected: ParleyError;
  /** An error frame from the server (a refused typing/receipt/transient frame names it in `frame`). */
  error: ParleyError;
  /** Every frame, as received. */
  event: Frame;
  /** Every event, as `{type, data}`. */
  '*': { [K in Exclude<keyof Events, '*'>]: { type: K; data: Events[K] } }[Exclude<keyof Events, '*'>];
}

export type EventOf = Events['*'];

/** An error of the server (its `code`) or of the SDK (`ERR_CONNECTION`, `ERR_NOT_LOGGED_IN`, `ERR_NOT_CONNECTED`, `ERR_INVALID_ARGUMENT`, `ERR_BAD_RESPONSE`, `ERR_CONNECTION_CLOSED`). */
export class ParleyError extends Error {
  constructor(code: string, message: string, more?: { status?: number; closeCode?: number; frame?: string; cause?: unknown });
  code: string;
  /** The HTTP status; 0 when there is none. */
  status: number;
  /** The WebSocket close code, for connection errors. */
  closeCode?: number;
  /** The client frame an error frame answers (`typing_indicator`, …). */
  frame?: string;
}

export interface Pagination {
  total: number;
  count: number;
  per_page: number;
  current_page: number;
  total_pages: number;
}

/** A list request, iterable with `for await`. */
interface ListRequest<T> extends AsyncIterable<T> {
  /** Sets any query parameter (undefined removes it). */
  set(name: string, value: unknown): this;
  /** The next page; [] after the last (cursor lists: [] when up to date, and may be polled). */
  fetchNext(): Promise<T[]>;
}

/** Lists paged by message id: pages are in ascending id order. */
export interface CursorRequest<T> extends ListRequest<T> {
  limit(n: number): this;
  before(id: string | number): this;
  after(id: string | number): this;
  beforeTime(unixSeconds: number): this;
  afterTime(unixSeconds: number): this;
  fromStart(): this;
  /** One page at the request's cursor (or the one given), and the cursors to go on from it. */
  fetch(cursor?: Query): Promise<{ items: T[]; previous?: string; next?: string }>;
  /** The page before the last one read: first the newest (or the one before `before(id)`). */
  fetchPrevious(): Promise<T[]>;
}

/** Lists paged by number. */
export interface PageRequest<T> extends ListRequest<T> {
  /** The page size. */
  limit(n: number): this;
  /** The first page, from 1. */
  page(n: number): this;
  fetch(page?: number): Promise<{ items: T[]; pagination: Pagination }>;
}

type ListOf = string | string[];

/** The filters of GET /v3/messages (docs/api.md §12), each a method named after its parameter. */
export interface MessageFilters {
  category(c: ListOf): this;
  categories(c: ListOf): this;
  type(t: ListOf): this;
  types(t: ListOf): this;
  tags(t: ListOf): this;
  withTags(on?: boolean): this;
  sender(uid: string): this;
  searchKey(s: string): this;
  hasAttachments(on?: boolean): this;
  attachmentTypes(t: ListOf): this;
  hasMentions(on?: boolean): this;
  mentionedUids(uids: ListOf): this;
  myMentionsOnly(on?: boolean): this;
  hasReactions(on?: boolean): this;
  hideReplies(on?: boolean): this;
  hideDeleted(on?: boolean): this;
  onlyDeleted(on?: boolean): this;
  hideMessagesFromBlockedUsers(on?: boolean): this;
  fromTimestamp(unixSeconds: number): this;
  toTimestamp(unixSeconds: number): this;
  /** Updated (sent, edited, deleted) at or after this time. */
  updatedAt(unixSeconds: number): this;
  /** With `updatedAt`: only messages edited or deleted since then. */
  onlyUpdates(on?: boolean): this;
}

export interface MessagesRequest extends CursorRequest<Message>, MessageFilters {
  /** The conversation with this user. */
  user(uid: string): this;
  /** The group's messages. */
  group(guid: string): this;
  /** The replies of a message. */
  thread(parentId: string | number): this;
}

export interface Thread {
  parentMessageId: string;
  parentMessage: Message;
  replyCount: number;
  lastReply?: Message;
  unreadReplyCount?: number;
  subscribed?: boolean;
  updatedAt: number;
  conversationId: string;
  receiverType: 'user' | 'group';
  receiver: string;
}

export interface ThreadsRequest extends CursorRequest<Thread>, MessageFilters {
  user(uid: string): this;
  group(guid: string): this;
  participatedByMe(on?: boolean): this;
}

export interface ReactionsRequest extends CursorRequest<Reaction> {
  /** Only this reaction. */
  reaction(r: string): this;
}

export interface UserFilters {
  searchKey(s: string): this;
  searchIn(fields: ListOf): this;
  status(s: 'available' | 'offline'): this;
  role(r: string): this;
  roles(r: ListOf): this;
  tags(t: ListOf): this;
  withTags(on?: boolean): this;
  uids(uids: ListOf): this;
  friendsOnly(on?: boolean): this;
  hideBlockedUsers(on?: boolean): this;
  onlyDeactivated(on?: boolean): this;
  withDeactivated(on?: boolean): this;
  sortBy(by: 'name' | 'uid' | 'status' | 'createdAt'): this;
  sortOrder(o: 'asc' | 'desc'): this;
}

export interface UsersRequest extends PageRequest<User>, UserFilters {}

export interface BlockedUsersRequest extends PageRequest<User>, UserFilters {
  direction(d: 'blockedByMe' | 'hasBlockedMe' | 'both'): this;
}

export interface GroupsRequest extends PageRequest<Group> {
  searchKey(s: string): this;
  searchIn(fields: ListOf): this;
  type(t: ListOf): this;
  types(t: ListOf): this;
  tags(t: ListOf): this;
  withTags(on?: boolean): this;
  hasJoined(on?: boolean): this;
  sortBy(by: 'name' | 'guid' | 'createdAt'): this;
  sortOrder(o: 'asc' | 'desc'): this;
}

export interface MembersRequest extends PageRequest<Member> {
  scopes(s: Scope | Scope[]): this;
  status(s: 'available' | 'offline'): this;
  searchKey(s: string): this;
}

export interface BannedMembersRequest extends PageRequest<User & { bannedAt: number; bannedBy: string }> {
  searchKey(s: string): this;
}

export interface ConversationsRequest extends PageRequest<Conversation> {
  conversationType(t: 'user' | 'group'): this;
  searchKey(s: string): this;
  tags(t: ListOf): this;
  withTags(on?: boolean): this;
  withUserAndGroupTags(on?: boolean): this;
  userTags(t: ListOf): this;
  groupTags(t: ListOf): this;
  unread(on?: boolean): this;
}

export interface Role {
  role: string;
  name: string;
  description?: string;
  [more: string]: unknown;
}

/** Per-uid results of bulk calls. */
export type BulkResult = Record<string, { success: boolean; message?: string; data?: Message; error?: { code: string; message: string } }>;

export interface Success {
  success: boolean;
  message: string;
}

/** A Parley client: one user's session on one server. */
export class Parley {
  constructor(settings: Settings);
  readonly settings: Settings & { baseUrl: string };
  /** The logged-in user (as login found them), or null. */
  user: User | null;
  authToken: string | null;
  readonly connectionState: ConnectionState;
  /** The id of the last message the listeners received (0 before any): save it for `settings.lastMessageId`. */
  readonly lastMessageId: number;

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(name: K, fn: (data: Events[K], frame?: Frame) => void): () => void;
  /** The events (of `types`, or all) as an async iterator of `{type, data}`, until the loop breaks or `signal` aborts. */
  events<K extends Exclude<keyof Events, '*'>>(types?: K[], opts?: { signal?: AbortSignal }): AsyncIterableIterator<Extract<EventOf, { type: K }>>;

  /** A REST call under /v3 as the logged-in user: `{data, meta}`. */
  rest(method: string, path: string, opts?: { query?: Query; body?: unknown; signal?: AbortSignal }): Promise<{ data: any; meta?: any }>;

  login(cred: string | { authToken: string } | { uid: string; authKey: string }): Promise<User>;
  logout(): Promise<void>;
  /** Disconnects and forgets the session without logging the token out. */
  close(): void;
  connect(): Promise<void>;
  disconnect(): void;
  createUser(authKey: string, user: { uid: string; name: string; [more: string]: unknown }): Promise<User>;
  createAuthToken(authKey: string, uid: string): Promise<{ uid: string; authToken: string; [more: string]: unknown }>;

  me(): Promise<User>;
  updateMe(fields: Partial<User> & { unset?: string[] }): Promise<User>;
  getUser(uid: string): Promise<User>;
  users(): UsersRequest;
  blockedUsers(): BlockedUsersRequest;
  blockUsers(uids: string[]): Promise<BulkResult>;
  unblockUsers(uids: string[]): Promise<BulkResult>;
  roles(): PageRequest<Role>;

  /** Sends a message (a muid makes retries safe: the SDK resends on network errors and 5xx). Files go as multipart. */
  send(m: NewMessage, files?: Blob[]): Promise<Message>;
  sendText(to: Receiver, text: string, more?: Partial<NewMessage>): Promise<Message>;
  sendMedia(to: Receiver, files: Blob[], more?: Partial<NewMessage> & { type?: 'image' | 'video' | 'audio' | 'file' }): Promise<Message>;
  sendCustom(to: Receiver, type: string, customData: Record<string, unknown>, more?: Partial<NewMessage>): Promise<Message>;
  sendInteractive(to: Receiver, type: string, interactiveData: Record<string, unknown>, goal?: { type: 'anyAction' | 'anyOf' | 'allOf' | 'none'; elementIds?: string[] }, more?: Partial<NewMessage>): Promise<Message>;
  getMessage(id: string | number): Promise<Message & { receipts?: { uid: string; deliveredAt?: number; readAt?: number }[] }>;
  /** Resolves with the message as edited. */
  editMessage(id: string | number, update: { data?: { text?: string; metadata?: Record<string, unknown> }; tags?: string[] }): Promise<Message>;
  /** Resolves with the message as deleted. */
  deleteMessage(id: string | number, opts?: { permanent?: boolean }): Promise<Message>;
  addReaction(id: string | number, reaction: string): Promise<Message>;
  removeReaction(id: string | number, reaction: string): Promise<Message>;
  interact(id: string | number, elementIds: string[]): Promise<{ messageId: string; interactions: unknown[]; interactionCompleted: boolean }>;
  subscribeThread(id: string | number): Promise<Success>;
  unsubscribeThread(id: string | number): Promise<Success>;
  messages(): MessagesRequest;
  threads(): ThreadsRequest;
  reactions(id: string | number): ReactionsRequest;
  /** The conversation of a message, from this user's side: where to answer it. */
  peer(m: { sender: string; receiver: string; receiverType: string }): Receiver;

  /** Receipts are watermarks: that message and every earlier one (the latest when absent). */
  markDelivered(to: Receiver, messageId?: string | number): Promise<Success>;
  markRead(to: Receiver, messageId?: string | number): Promise<Success>;
  markUnread(to: Receiver, messageId: string | number): Promise<Success>;
  unreadCounts(): Promise<{ conversationId: string; count: number }[]>;
  /** Sends a conversation frame on the WebSocket; throws ERR_NOT_CONNECTED when it is down. */
  signal(type: 'typing_indicator' | 'transient_message' | 'receipts', to: Receiver, body: object): void;
  startTyping(to: Receiver, metadata?: Record<string, unknown>): void;
  endTyping(to: Receiver, metadata?: Record<string, unknown>): void;
  sendTransient(to: Receiver, data: Record<string, unknown>): void;

  createGroup(g: { guid: string; name: string; type: Group['type']; password?: string; members?: { admins?: string[]; moderators?: string[]; participants?: string[]; usersToBan?: string[] }; [more: string]: unknown }): Promise<Group & { members?: Record<string, BulkResult> }>;
  getGroup(guid: string): Promise<Group>;
  groups(): GroupsRequest;
  updateGroup(guid: string, update: Partial<Group> & { password?: string; unset?: string[] }): Promise<Group>;
  deleteGroup(guid: string): Promise<Success>;
  joinGroup(guid: string, password?: string): Promise<Group>;
  leaveGroup(guid: string): Promise<Success>;
  addMembers(guid: string, lists: { admins?: string[]; moderators?: string[]; participants?: string[]; usersToBan?: string[] }): Promise<Record<string, BulkResult>>;
  members(guid: string): MembersRequest;
  bannedMembers(guid: string): BannedMembersRequest;
  changeScope(guid: string, uid: string, scope: Scope): Promise<{ guid: string; uid: string; scope: Scope; joinedAt: number }>;
  kickMember(guid: string, uid: string): Promise<Success>;
  banMember(guid: string, uid: string): Promise<Success>;
  unbanMember(guid: string, uid: string): Promise<Success>;
  transferOwnership(guid: string, uid: string): Promise<Group>;

  conversations(): ConversationsRequest;
  getConversation(to: Receiver): Promise<Conversation>;
  tagConversation(to: Receiver, tags: string[]): Promise<Conversation>;
  deleteConversation(to: Receiver): Promise<Success>;
}

/** The event name of a message: 'message', 'edited', 'deleted', 'groupMember' or 'call'. */
export function messageEvent(m: Message): 'message' | 'edited' | 'deleted' | 'groupMember' | 'call';
