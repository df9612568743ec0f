package chat.parley.sdk;

import com.google.gson.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * One app and one logged-in user: what {@link Parley}'s static methods act on. An app uses
 * {@link Parley} (one user per process, as CometChat's SDK); a program that holds several users
 * at once (a test, a bot hosting many) makes a ParleyClient each with {@link #create}. Every
 * method with a {@link Parley.CallbackListener} runs its call on an SDK thread and answers on the
 * callback executor ({@link AppSettings.AppSettingsBuilder#setCallbackExecutor}).
 */
public final class ParleyClient {
    /** A call to the server, run on an SDK thread. */
    interface Task<T> {
        T run() throws ParleyException;
    }

    private final String appId;
    private final AppSettings settings;
    private final Rest rest;
    private final ExecutorService io;
    private final ScheduledExecutorService timer;
    private final ExecutorService ownCallbacks;
    private final Events events;
    private final Realtime realtime;
    private final Object lock = new Object();
    private String authToken;
    private User me;

    private ParleyClient(String appId, AppSettings settings) {
        this.appId = appId;
        this.settings = settings;
        OkHttpClient http = settings.getOkHttpClient();
        if (http == null) {
            http = new OkHttpClient.Builder().connectTimeout(15, TimeUnit.SECONDS).readTimeout(60, TimeUnit.SECONDS)
                    .writeTimeout(60, TimeUnit.SECONDS).build();
        }
        HttpUrl base = HttpUrl.parse(settings.getBaseUrl());
        if (base == null) {
            throw new IllegalArgumentException("AppSettings: the base URL is not an http(s) URL: " + settings.getBaseUrl());
        }
        rest = new Rest(http, base, appId, settings.getDeviceId());
        io = Executors.newCachedThreadPool(threads("parley-io"));
        timer = Executors.newSingleThreadScheduledExecutor(threads("parley-socket"));
        if (settings.getCallbackExecutor() != null) {
            ownCallbacks = null;
            events = new Events(this, settings.getCallbackExecutor(), timer);
        } else {
            ownCallbacks = Executors.newSingleThreadExecutor(threads("parley-callbacks"));
            events = new Events(this, ownCallbacks, timer);
        }
        realtime = new Realtime(this, http, timer, settings.getLastMessageId());
    }

    /** A client of app {@code appId}; it makes no call until login. */
    public static ParleyClient create(String appId, AppSettings settings) {
        if (appId == null || appId.trim().isEmpty()) {
            throw new IllegalArgumentException("the App ID is required");
        }
        if (settings == null || settings.getBaseUrl() == null) {
            throw new IllegalArgumentException("AppSettings with a base URL are required");
        }
        return new ParleyClient(appId.trim(), settings);
    }

    private static ThreadFactory threads(final String name) {
        return new ThreadFactory() {
            private int n;

            @Override
            public synchronized Thread newThread(Runnable r) {
                Thread t = new Thread(r, name + "-" + (++n));
                t.setDaemon(true);
                return t;
            }
        };
    }

    /** Stops the SDK's threads and the connection; the user stays logged in on the server. */
    public void shutdown() {
        realtime.stop();
        io.shutdown();
        timer.shutdownNow();
        if (ownCallbacks != null) {
            ownCallbacks.shutdown();
        }
    }

    // ---- internals the other classes use ----

    String appId() {
        return appId;
    }

    AppSettings settings() {
        return settings;
    }

    Rest rest() {
        return rest;
    }

    Events events() {
        return events;
    }

    Realtime realtime() {
        return realtime;
    }

    String authToken() {
        synchronized (lock) {
            return authToken;
        }
    }

    String requireToken() throws ParleyException {
        String t = authToken();
        if (t == null) {
            throw new ParleyException(ParleyException.ERR_NOT_LOGGED_IN, "no user is logged in: call login first");
        }
        return t;
    }

    <T> void async(final Parley.CallbackListener<T> cb, final Task<T> task) {
        if (io.isShutdown()) {
            fail(cb, new ParleyException(ParleyException.ERR_INVALID_ARGUMENT, "the client was shut down"));
            return;
        }
        io.execute(new Runnable() {
            @Override
            public void run() {
                try {
                    succeed(cb, task.run());
                } catch (ParleyException e) {
                    fail(cb, e);
                } catch (RuntimeException e) {
                    fail(cb, new ParleyException(ParleyException.ERR_BAD_RESPONSE, String.valueOf(e), 0, 0, e));
                }
            }
        });
    }

    <T> void succeed(final Parley.CallbackListener<T> cb, final T v) {
        if (cb != null) {
            events.run(new Runnable() {
                @Override
                public void run() {
                    cb.onSuccess(v);
                }
            });
        }
    }

    <T> void fail(final Parley.CallbackListener<T> cb, final ParleyException e) {
        if (cb != null) {
            events.run(new Runnable() {
                @Override
                public void run() {
                    cb.onError(e);
                }
            });
        }
    }

    Rest.Answer get(HttpUrl url) throws ParleyException {
        return rest.call("GET", url, null, requireToken(), null);
    }

    Rest.Answer send(String method, HttpUrl url, JsonObject body) throws ParleyException {
        return rest.call(method, url, body == null ? null : Rest.json(body), requireToken(), null);
    }

    private static String successMessage(Rest.Answer a) {
        String m = Json.str(a.obj(), "message");
        return m == null ? "success" : m;
    }

    /** Sets (or, with nulls, ends) the session: the auth token and the user. */
    void session(String token, User u) {
        synchronized (lock) {
            authToken = token;
            me = u;
        }
    }

    // ---- users and sessions: see UsersApi for their bodies ----

    /** Creates a user with the Auth Key (development; production apps create users from their backend). */
    public void createUser(User user, String authKey, Parley.CallbackListener<User> cb) {
        UsersApi.createUser(this, user, authKey, cb);
    }

    /** Logs in with an auth token the app's backend made; in auto mode connects the WebSocket. */
    public void login(String token, Parley.CallbackListener<User> cb) {
        UsersApi.login(this, token, cb);
    }

    /** Logs in with a uid and the Auth Key, making an auth token for this device (development and bots). */
    public void login(String uid, String authKey, Parley.CallbackListener<User> cb) {
        UsersApi.login(this, uid, authKey, cb);
    }

    /** Logs out: the auth token stops working at once and the WebSocket closes. */
    public void logout(Parley.CallbackListener<String> cb) {
        UsersApi.logout(this, cb);
    }

    /** The user as login found them, or null. */
    public User getLoggedInUser() {
        synchronized (lock) {
            return me;
        }
    }

    /** The auth token of the session, or null. */
    public String getUserAuthToken() {
        return authToken();
    }

    /** Changes the logged-in user's profile (name, avatar, link, statusMessage, metadata, tags). */
    public void updateCurrentUserDetails(User user, Parley.CallbackListener<User> cb) {
        UsersApi.updateMe(this, user, cb);
    }

    public void getUser(String uid, Parley.CallbackListener<User> cb) {
        UsersApi.getUser(this, uid, cb);
    }

    /** Blocks users; the answer maps each uid to "success" or the error code that refused it. */
    public void blockUsers(List<String> uids, Parley.CallbackListener<HashMap<String, String>> cb) {
        UsersApi.blocks(this, "POST", uids, cb);
    }

    public void unblockUsers(List<String> uids, Parley.CallbackListener<HashMap<String, String>> cb) {
        UsersApi.blocks(this, "DELETE", uids, cb);
    }

    // ---- the connection ----

    /** Opens the WebSocket (manual mode; in auto mode login does); cb hears when it is up or its first failure. */
    public void connect(Parley.CallbackListener<String> cb) {
        if (authToken() == null) {
            fail(cb, new ParleyException(ParleyException.ERR_NOT_LOGGED_IN, "no user is logged in: call login first"));
            return;
        }
        realtime.start(cb);
    }

    /** Closes the WebSocket and stops reconnecting until {@link #connect}. */
    public void disconnect(Parley.CallbackListener<String> cb) {
        realtime.stop();
        succeed(cb, "disconnected");
    }

    /** Pings the server now; cb hears its pong. The SDK also pings by itself while connected. */
    public void ping(Parley.CallbackListener<Void> cb) {
        realtime.ping(cb);
    }

    /** {@link ParleyConstants#WS_STATE_CONNECTED}, CONNECTING or DISCONNECTED. */
    public String getConnectionStatus() {
        return realtime.state();
    }

    /** The id of the last message the listeners received: save it for {@link AppSettings.AppSettingsBuilder#setLastMessageId}. */
    public long getLastDeliveredMessageId() {
        return realtime.delivered();
    }

    public void addMessageListener(String id, Parley.MessageListener l) {
        events.addMessageListener(id, l);
    }

    public void removeMessageListener(String id) {
        events.removeMessageListener(id);
    }

    public void addUserListener(String id, Parley.UserListener l) {
        events.addUserListener(id, l);
    }

    public void removeUserListener(String id) {
        events.removeUserListener(id);
    }

    public void addGroupListener(String id, Parley.GroupListener l) {
        events.addGroupListener(id, l);
    }

    public void removeGroupListener(String id) {
        events.removeGroupListener(id);
    }

    public void addCallListener(String id, Parley.CallListener l) {
        events.addCallListener(id, l);
    }

    public void removeCallListener(String id) {
        events.removeCallListener(id);
    }

    public void addConnectionListener(String id, Parley.ConnectionListener l) {
        events.addConnectionListener(id, l);
    }

    public void removeConnectionListener(String id) {
        events.removeConnectionListener(id);
    }

    public void addLoginListener(String id, Parley.LoginListener l) {
        events.addLoginListener(id, l);
    }

    public void removeLoginListener(String id) {
        events.removeLoginListener(id);
    }

    // ---- signals on the socket ----

    public void startTyping(TypingIndicator t) {
        Signals.typing(this, t, "started");
    }

    public void endTyping(TypingIndicator t) {
        Signals.typing(this, t, "ended");
    }

    public void sendTransientMessage(TransientMessage m) {
        Signals.transientMessage(this, m);
    }

    /** An attachment's URL made absolute against the base URL (uploaded files' URLs are relative). */
    public String getMediaUrl(Attachment a) {
        if (a == null || a.getFileUrl() == null) {
            return null;
        }
        HttpUrl u = rest.base().resolve(a.getFileUrl());
        return u == null ? a.getFileUrl() : u.toString();
    }

    // ---- messages ----

    public void sendMessage(TextMessage m, Parley.CallbackListener<TextMessage> cb) {
        MessagesApi.send(this, m, TextMessage.class, cb);
    }

    public void sendCustomMessage(CustomMessage m, Parley.CallbackListener<CustomMessage> cb) {
        MessagesApi.send(this, m, CustomMessage.class, cb);
    }

    public void sendInteractiveMessage(InteractiveMessage m, Parley.CallbackListener<InteractiveMessage> cb) {
        MessagesApi.send(this, m, InteractiveMessage.class, cb);
    }

    /** Sends a media message, uploading its file or stream (multipart) when it has one. */
    public void sendMediaMessage(MediaMessage m, Parley.CallbackListener<MediaMessage> cb) {
        MessagesApi.sendMedia(this, m, cb);
    }

    public void getMessageDetails(long id, Parley.CallbackListener<BaseMessage> cb) {
        MessagesApi.details(this, id, cb);
    }

    /** Edits a message: its text (a {@link TextMessage}), metadata and tags. Answers the message as edited. */
    public void editMessage(BaseMessage m, Parley.CallbackListener<BaseMessage> cb) {
        MessagesApi.edit(this, m, cb);
    }

    /** Deletes a message (soft: it stays listed, emptied). Answers the message as deleted. */
    public void deleteMessage(long id, Parley.CallbackListener<BaseMessage> cb) {
        MessagesApi.delete(this, id, cb);
    }

    public void addReaction(long id, String reaction, Parley.CallbackListener<BaseMessage> cb) {
        MessagesApi.reaction(this, "POST", id, reaction, cb);
    }

    public void removeReaction(long id, String reaction, Parley.CallbackListener<BaseMessage> cb) {
        MessagesApi.reaction(this, "DELETE", id, reaction, cb);
    }

    /** Records that the user acted on an element of an interactive message. */
    public void markAsInteracted(long id, String elementId, Parley.CallbackListener<Void> cb) {
        MessagesApi.interacted(this, id, elementId, cb);
    }

    public void markAsDelivered(BaseMessage m, Parley.CallbackListener<Void> cb) {
        MessagesApi.mark(this, "POST", m, "delivered", cb);
    }

    public void markAsRead(BaseMessage m, Parley.CallbackListener<Void> cb) {
        MessagesApi.mark(this, "POST", m, "read", cb);
    }

    /** Marks the conversation unread from this message on (the read watermark goes back before it). */
    public void markMessageAsUnread(BaseMessage m, Parley.CallbackListener<Void> cb) {
        MessagesApi.mark(this, "DELETE", m, "read", cb);
    }

    /** The other side of a message's conversation as the logged-in user sees it: the group, or the other user. */
    String peerOf(BaseMessage m) {
        if (ParleyConstants.RECEIVER_TYPE_GROUP.equals(m.getReceiverType())) {
            return m.getReceiverUid();
        }
        User u = getLoggedInUser();
        String sender = m.getSender() == null ? null : m.getSender().getUid();
        if (u != null && u.getUid() != null && u.getUid().equals(m.getReceiverUid())) {
            return sender;
        }
        return m.getReceiverUid();
    }

    HttpUrl.Builder conversationUrl(String with, String type) {
        boolean group = ParleyConstants.RECEIVER_TYPE_GROUP.equals(type);
        return rest.url(group ? "groups" : "users", with, "conversation");
    }

    // ---- groups, conversations and calls: see GroupsApi for their bodies ----

    public void createGroup(Group g, Parley.CallbackListener<Group> cb) {
        GroupsApi.createGroup(this, g, cb);
    }

    public void getGroup(String guid, Parley.CallbackListener<Group> cb) {
        GroupsApi.getGroup(this, guid, cb);
    }

    public void updateGroup(Group g, Parley.CallbackListener<Group> cb) {
        GroupsApi.updateGroup(this, g, cb);
    }

    public void deleteGroup(String guid, Parley.CallbackListener<String> cb) {
        GroupsApi.simple(this, "DELETE", rest.url("groups", guid).build(), null, cb);
    }

    public void joinGroup(String guid, String groupType, String password, Parley.CallbackListener<Group> cb) {
        GroupsApi.joinGroup(this, guid, password, cb);
    }

    public void leaveGroup(String guid, Parley.CallbackListener<String> cb) {
        GroupsApi.simple(this, "DELETE", rest.url("groups", guid, "members").build(), null, cb);
    }

    public void addMembersToGroup(String guid, List<GroupMember> members, List<String> bannedUids,
                                  Parley.CallbackListener<HashMap<String, String>> cb) {
        GroupsApi.addMembers(this, guid, members, bannedUids, cb);
    }

    public void kickGroupMember(String uid, String guid, Parley.CallbackListener<String> cb) {
        GroupsApi.simple(this, "DELETE", rest.url("groups", guid, "members", uid).build(), null, cb);
    }

    public void banGroupMember(String uid, String guid, Parley.CallbackListener<String> cb) {
        GroupsApi.simple(this, "POST", rest.url("groups", guid, "bannedusers", uid).build(), null, cb);
    }

    public void unbanGroupMember(String uid, String guid, Parley.CallbackListener<String> cb) {
        GroupsApi.simple(this, "DELETE", rest.url("groups", guid, "bannedusers", uid).build(), null, cb);
    }

    public void updateGroupMemberScope(String uid, String guid, String scope, Parley.CallbackListener<String> cb) {
        JsonObject body = new JsonObject();
        body.addProperty("scope", scope);
        GroupsApi.simple(this, "PUT", rest.url("groups", guid, "members", uid).build(), body, cb);
    }

    public void transferGroupOwnership(String guid, String uid, Parley.CallbackListener<String> cb) {
        JsonObject body = new JsonObject();
        body.addProperty("owner", uid);
        GroupsApi.simple(this, "PATCH", rest.url("groups", guid, "owner").build(), body, cb);
    }

    public void getConversation(String conversationWith, String conversationType, Parley.CallbackListener<Conversation> cb) {
        GroupsApi.conversation(this, "GET", conversationWith, conversationType, null, cb);
    }

    public void tagConversation(String conversationWith, String conversationType, List<String> tags,
                                Parley.CallbackListener<Conversation> cb) {
        JsonObject body = new JsonObject();
        body.add("tags", Json.array(tags));
        GroupsApi.conversation(this, "PUT", conversationWith, conversationType, body, cb);
    }

    /** Resets the conversation for the logged-in user only (the other side keeps everything). */
    public void deleteConversation(String conversationWith, String conversationType, Parley.CallbackListener<String> cb) {
        GroupsApi.simple(this, "DELETE", conversationUrl(conversationWith, conversationType).build(), null, cb);
    }

    /** Marks every message of a conversation read. */
    public void markConversationAsRead(String conversationWith, String conversationType, Parley.CallbackListener<String> cb) {
        GroupsApi.simple(this, "POST", conversationUrl(conversationWith, conversationType).addPathSegment("read").build(),
                null, cb);
    }

    /** Unread counts: {"user": {uid: n}, "group": {guid: n}}, as CometChat's getUnreadMessageCount. */
    public void getUnreadMessageCount(Parley.CallbackListener<HashMap<String, HashMap<String, Integer>>> cb) {
        GroupsApi.unreadCounts(this, cb);
    }

    /** The unread counts of the one-to-one conversations: uid → count. */
    public void getUnreadMessageCountForAllUsers(Parley.CallbackListener<HashMap<String, Integer>> cb) {
        ExtrasApi.unread(this, ParleyConstants.RECEIVER_TYPE_USER, null, cb);
    }

    /** The unread counts of the groups' conversations: guid → count. */
    public void getUnreadMessageCountForAllGroups(Parley.CallbackListener<HashMap<String, Integer>> cb) {
        ExtrasApi.unread(this, ParleyConstants.RECEIVER_TYPE_GROUP, null, cb);
    }

    /** The unread count of the conversation with one user: {uid: count}. */
    public void getUnreadMessageCountForUser(String uid, Parley.CallbackListener<HashMap<String, Integer>> cb) {
        ExtrasApi.unread(this, ParleyConstants.RECEIVER_TYPE_USER, uid, cb);
    }

    /** The unread count of one group's conversation: {guid: count}. */
    public void getUnreadMessageCountForGroup(String guid, Parley.CallbackListener<HashMap<String, Integer>> cb) {
        ExtrasApi.unread(this, ParleyConstants.RECEIVER_TYPE_GROUP, guid, cb);
    }

    /** How many users of the app are online now. */
    public void getOnlineUserCount(Parley.CallbackListener<Integer> cb) {
        ExtrasApi.onlineUserCount(this, cb);
    }

    /** How many members of each group are online now: guid → count (as CometChat's getOnlineGroupMemberCount). */
    public void getOnlineGroupMemberCount(List<String> guids, Parley.CallbackListener<HashMap<String, Integer>> cb) {
        ExtrasApi.onlineGroupMemberCount(this, guids, cb);
    }

    /** Follows the thread of a message (one with no reply yet too): it shows in {@link ThreadsRequest}s participatedByMe. */
    public void subscribeToThread(long parentMessageId, Parley.CallbackListener<String> cb) {
        GroupsApi.simple(this, "POST", threadSubscription(parentMessageId), null, cb);
    }

    /** Stops following a thread, until the user replies there or is mentioned there again. */
    public void unsubscribeFromThread(long parentMessageId, Parley.CallbackListener<String> cb) {
        GroupsApi.simple(this, "DELETE", threadSubscription(parentMessageId), null, cb);
    }

    private HttpUrl threadSubscription(long id) {
        return rest.url("messages", String.valueOf(id), "thread", "subscription").build();
    }

    /** Who received and read a group message: for its sender; a delivered and a read receipt per member. */
    public void getMessageReceipts(long id, Parley.CallbackListener<List<MessageReceipt>> cb) {
        ExtrasApi.receipts(this, id, cb);
    }

    /** Creates a group with its members: {"group": Group, "members": uid → "success" or the uid's code}. */
    public void createGroupWithMembers(Group g, List<GroupMember> members, List<String> bannedUids,
                                       Parley.CallbackListener<HashMap<String, Object>> cb) {
        ExtrasApi.createGroupWithMembers(this, g, members, bannedUids, cb);
    }

    /** Starts a call (signalling: docs/calls.md). Answers the call's first message. */
    public void initiateCall(Call call, Parley.CallbackListener<Call> cb) {
        GroupsApi.initiateCall(this, call, cb);
    }

    public void acceptCall(String sessionId, Parley.CallbackListener<Call> cb) {
        GroupsApi.updateCall(this, sessionId, ParleyConstants.CALL_STATUS_ONGOING, cb);
    }

    /** Rejects (rejected or busy) or cancels (cancelled) a call. */
    public void rejectCall(String sessionId, String status, Parley.CallbackListener<Call> cb) {
        GroupsApi.updateCall(this, sessionId, status, cb);
    }

    public void endCall(String sessionId, Parley.CallbackListener<Call> cb) {
        GroupsApi.updateCall(this, sessionId, ParleyConstants.CALL_STATUS_ENDED, cb);
    }

    static String successOf(Rest.Answer a) {
        return successMessage(a);
    }
}
