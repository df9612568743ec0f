package chat.parley.sdk;

import java.util.HashMap;
import java.util.List;

/**
 * The SDK's entry point, shaped as CometChat's {@code CometChat} class: {@link #init}, then
 * {@link #login}, listeners by id, and a static method per call. Every call answers through a
 * {@link CallbackListener} on the callback executor (see
 * {@link AppSettings.AppSettingsBuilder#setCallbackExecutor}). The static methods act on the
 * {@link ParleyClient} {@link #init} made; {@link #getClient()} returns it.
 */
public final class Parley {
    private static volatile ParleyClient client;

    private Parley() {
    }

    /** The answer of a call: {@link #onSuccess} with the result, or {@link #onError} with the server's code. */
    public abstract static class CallbackListener<T> {
        public abstract void onSuccess(T result);

        public abstract void onError(ParleyException e);
    }

    /** Messages and what happens to them. Override the callbacks wanted; the others do nothing. */
    public abstract static class MessageListener {
        public void onTextMessageReceived(TextMessage message) {
        }

        public void onMediaMessageReceived(MediaMessage message) {
        }

        public void onCustomMessageReceived(CustomMessage message) {
        }

        public void onInteractiveMessageReceived(InteractiveMessage message) {
        }

        /** The message as edited (replace the copy with the same id). */
        public void onMessageEdited(BaseMessage message) {
        }

        /** The message as deleted: its content emptied, {@code getDeletedAt()} set. */
        public void onMessageDeleted(BaseMessage message) {
        }

        public void onTypingStarted(TypingIndicator typingIndicator) {
        }

        public void onTypingEnded(TypingIndicator typingIndicator) {
        }

        /** A delivered watermark moved: every message up to {@code getMessageId()}. */
        public void onMessagesDelivered(MessageReceipt receipt) {
        }

        /** A read watermark moved: every message up to {@code getMessageId()}. */
        public void onMessagesRead(MessageReceipt receipt) {
        }

        public void onTransientMessageReceived(TransientMessage message) {
        }

        public void onMessageReactionAdded(ReactionEvent event) {
        }

        public void onMessageReactionRemoved(ReactionEvent event) {
        }

        public void onInteractionGoalCompleted(InteractionReceipt receipt) {
        }
    }

    /** Presence and profile changes (with a presence subscription in {@link AppSettings}). */
    public abstract static class UserListener {
        public void onUserOnline(User user) {
        }

        public void onUserOffline(User user) {
        }

        /** A user's profile changed (Parley's addition). */
        public void onUserUpdated(User user) {
        }
    }

    /** Group membership changes (each is an {@link Action} message of the group) and group updates. */
    public abstract static class GroupListener {
        public void onGroupMemberJoined(Action action, User joinedUser, Group joinedGroup) {
        }

        public void onGroupMemberLeft(Action action, User leftUser, Group leftGroup) {
        }

        public void onGroupMemberKicked(Action action, User kickedUser, User kickedBy, Group kickedFrom) {
        }

        public void onGroupMemberBanned(Action action, User bannedUser, User bannedBy, Group bannedFrom) {
        }

        public void onGroupMemberUnbanned(Action action, User unbannedUser, User unbannedBy, Group unbannedFrom) {
        }

        public void onGroupMemberScopeChanged(Action action, User updatedBy, User updatedUser, String scopeChangedTo,
                                              String scopeChangedFrom, Group group) {
        }

        public void onMemberAddedToGroup(Action action, User addedby, User userAdded, Group addedTo) {
        }

        /** The group's owner changed (Parley's addition; the new owner is {@code action.getActionOn()}). */
        public void onGroupOwnershipChanged(Action action, Group group) {
        }

        /** The group's details changed (Parley's addition). */
        public void onGroupUpdated(Group group) {
        }

        /** The group was deleted (Parley's addition). */
        public void onGroupDeleted(Group group) {
        }
    }

    /** Call signalling: each change of a call's status. */
    public abstract static class CallListener {
        public void onIncomingCallReceived(Call call) {
        }

        public void onOutgoingCallAccepted(Call call) {
        }

        public void onOutgoingCallRejected(Call call) {
        }

        public void onIncomingCallCancelled(Call call) {
        }

        public void onCallEndedMessageReceived(Call call) {
        }

        /** Every call message, whatever its status (Parley's addition). */
        public void onCallMessage(Call call) {
        }
    }

    /** The WebSocket's state. */
    public abstract static class ConnectionListener {
        public void onConnecting() {
        }

        public void onConnected() {
        }

        /** The connection is down; unless {@link #onConnectionError} follows, the SDK reconnects. */
        public void onDisconnected() {
        }

        /** The server refused the session for good (token revoked, user deactivated): log in again. */
        public void onConnectionError(ParleyException e) {
        }

        /** A frame was refused for going too fast ({@code ERR_TOO_MANY_REQUESTS}). */
        public void onFeatureThrottled() {
        }

        /** The server refused a typing, transient or receipt frame (Parley's addition): the code says why. */
        public void onError(ParleyException e) {
        }
    }

    /** Logins and logouts. */
    public abstract static class LoginListener {
        public void loginSuccess(User user) {
        }

        public void loginFailure(ParleyException e) {
        }

        public void logoutSuccess() {
        }

        public void logoutFailure(ParleyException e) {
        }
    }

    // ---- init and the client ----

    /**
     * Sets the SDK up for app {@code appId}; no Android {@code Context} is needed. Call it once,
     * at start (again replaces the client, shutting the old one down).
     */
    public static void init(String appId, AppSettings settings) {
        ParleyClient old = client;
        client = ParleyClient.create(appId, settings);
        if (old != null) {
            old.shutdown();
        }
    }

    /** {@link #init(String, AppSettings)} answering through a callback, as CometChat's. */
    public static void init(String appId, AppSettings settings, CallbackListener<String> cb) {
        try {
            init(appId, settings);
        } catch (IllegalArgumentException e) {
            cb.onError(new ParleyException(ParleyException.ERR_INVALID_ARGUMENT, e.getMessage()));
            return;
        }
        client.succeed(cb, "initialized");
    }

    /** The client {@link #init} made, or null. */
    public static ParleyClient getClient() {
        return client;
    }

    /** The client a request builder uses: its own, else Parley's; null (and cb told) when none. */
    static <T> ParleyClient resolve(ParleyClient own, CallbackListener<T> cb) {
        ParleyClient c = own != null ? own : client;
        if (c == null && cb != null) {
            cb.onError(new ParleyException(ParleyException.ERR_NOT_LOGGED_IN, "Parley.init was not called"));
        }
        return c;
    }

    private static ParleyClient c() {
        ParleyClient c = client;
        if (c == null) {
            throw new IllegalStateException("Parley.init was not called");
        }
        return c;
    }

    // ---- the static API: each delegates to the ParleyClient of init ----

    public static void createUser(User user, String authKey, CallbackListener<User> cb) {
        c().createUser(user, authKey, cb);
    }

    public static void login(String authToken, CallbackListener<User> cb) {
        c().login(authToken, cb);
    }

    public static void login(String uid, String authKey, CallbackListener<User> cb) {
        c().login(uid, authKey, cb);
    }

    public static void logout(CallbackListener<String> cb) {
        c().logout(cb);
    }

    public static User getLoggedInUser() {
        ParleyClient c = client;
        return c == null ? null : c.getLoggedInUser();
    }

    public static String getUserAuthToken() {
        ParleyClient c = client;
        return c == null ? null : c.getUserAuthToken();
    }

    public static void updateCurrentUserDetails(User user, CallbackListener<User> cb) {
        c().updateCurrentUserDetails(user, cb);
    }

    public static void getUser(String uid, CallbackListener<User> cb) {
        c().getUser(uid, cb);
    }

    public static void blockUsers(List<String> uids, CallbackListener<HashMap<String, String>> cb) {
        c().blockUsers(uids, cb);
    }

    public static void unblockUsers(List<String> uids, CallbackListener<HashMap<String, String>> cb) {
        c().unblockUsers(uids, cb);
    }

    public static void connect(CallbackListener<String> cb) {
        c().connect(cb);
    }

    public static void disconnect(CallbackListener<String> cb) {
        c().disconnect(cb);
    }

    public static void ping(CallbackListener<Void> cb) {
        c().ping(cb);
    }

    public static String getConnectionStatus() {
        ParleyClient c = client;
        return c == null ? ParleyConstants.WS_STATE_DISCONNECTED : c.getConnectionStatus();
    }

    public static long getLastDeliveredMessageId() {
        return c().getLastDeliveredMessageId();
    }

    public static void addMessageListener(String id, MessageListener l) {
        c().addMessageListener(id, l);
    }

    public static void removeMessageListener(String id) {
        c().removeMessageListener(id);
    }

    public static void addUserListener(String id, UserListener l) {
        c().addUserListener(id, l);
    }

    public static void removeUserListener(String id) {
        c().removeUserListener(id);
    }

    public static void addGroupListener(String id, GroupListener l) {
        c().addGroupListener(id, l);
    }

    public static void removeGroupListener(String id) {
        c().removeGroupListener(id);
    }

    public static void addCallListener(String id, CallListener l) {
        c().addCallListener(id, l);
    }

    public static void removeCallListener(String id) {
        c().removeCallListener(id);
    }

    public static void addConnectionListener(String id, ConnectionListener l) {
        c().addConnectionListener(id, l);
    }

    public static void removeConnectionListener(String id) {
        c().removeConnectionListener(id);
    }

    public static void addLoginListener(String id, LoginListener l) {
        c().addLoginListener(id, l);
    }

    public static void removeLoginListener(String id) {
        c().removeLoginListener(id);
    }

    public static void startTyping(TypingIndicator t) {
        c().startTyping(t);
    }

    public static void endTyping(TypingIndicator t) {
        c().endTyping(t);
    }

    public static void sendTransientMessage(TransientMessage m) {
        c().sendTransientMessage(m);
    }

    public static String getMediaUrl(Attachment a) {
        return c().getMediaUrl(a);
    }

    public static void sendMessage(TextMessage m, CallbackListener<TextMessage> cb) {
        c().sendMessage(m, cb);
    }

    public static void sendMediaMessage(MediaMessage m, CallbackListener<MediaMessage> cb) {
        c().sendMediaMessage(m, cb);
    }

    public static void sendCustomMessage(CustomMessage m, CallbackListener<CustomMessage> cb) {
        c().sendCustomMessage(m, cb);
    }

    public static void sendInteractiveMessage(InteractiveMessage m, CallbackListener<InteractiveMessage> cb) {
        c().sendInteractiveMessage(m, cb);
    }

    public static void getMessageDetails(long id, CallbackListener<BaseMessage> cb) {
        c().getMessageDetails(id, cb);
    }

    public static void editMessage(BaseMessage m, CallbackListener<BaseMessage> cb) {
        c().editMessage(m, cb);
    }

    public static void deleteMessage(long id, CallbackListener<BaseMessage> cb) {
        c().deleteMessage(id, cb);
    }

    public static void addReaction(long id, String reaction, CallbackListener<BaseMessage> cb) {
        c().addReaction(id, reaction, cb);
    }

    public static void removeReaction(long id, String reaction, CallbackListener<BaseMessage> cb) {
        c().removeReaction(id, reaction, cb);
    }

    public static void markAsInteracted(long id, String elementId, CallbackListener<Void> cb) {
        c().markAsInteracted(id, elementId, cb);
    }

    public static void markAsDelivered(BaseMessage m) {
        c().markAsDelivered(m, null);
    }

    public static void markAsDelivered(BaseMessage m, CallbackListener<Void> cb) {
        c().markAsDelivered(m, cb);
    }

    public static void markAsRead(BaseMessage m) {
        c().markAsRead(m, null);
    }

    public static void markAsRead(BaseMessage m, CallbackListener<Void> cb) {
        c().markAsRead(m, cb);
    }

    public static void markMessageAsUnread(BaseMessage m, CallbackListener<Void> cb) {
        c().markMessageAsUnread(m, cb);
    }

    public static void markConversationAsRead(String conversationWith, String conversationType, CallbackListener<String> cb) {
        c().markConversationAsRead(conversationWith, conversationType, cb);
    }

    public static void getUnreadMessageCount(CallbackListener<HashMap<String, HashMap<String, Integer>>> cb) {
        c().getUnreadMessageCount(cb);
    }

    public static void getUnreadMessageCountForAllUsers(CallbackListener<HashMap<String, Integer>> cb) {
        c().getUnreadMessageCountForAllUsers(cb);
    }

    public static void getUnreadMessageCountForAllGroups(CallbackListener<HashMap<String, Integer>> cb) {
        c().getUnreadMessageCountForAllGroups(cb);
    }

    public static void getUnreadMessageCountForUser(String uid, CallbackListener<HashMap<String, Integer>> cb) {
        c().getUnreadMessageCountForUser(uid, cb);
    }

    public static void getUnreadMessageCountForGroup(String guid, CallbackListener<HashMap<String, Integer>> cb) {
        c().getUnreadMessageCountForGroup(guid, cb);
    }

    public static void getOnlineUserCount(CallbackListener<Integer> cb) {
        c().getOnlineUserCount(cb);
    }

    public static void getOnlineGroupMemberCount(List<String> guids, CallbackListener<HashMap<String, Integer>> cb) {
        c().getOnlineGroupMemberCount(guids, cb);
    }

    public static void subscribeToThread(long parentMessageId, CallbackListener<String> cb) {
        c().subscribeToThread(parentMessageId, cb);
    }

    public static void unsubscribeFromThread(long parentMessageId, CallbackListener<String> cb) {
        c().unsubscribeFromThread(parentMessageId, cb);
    }

    public static void getMessageReceipts(long id, CallbackListener<List<MessageReceipt>> cb) {
        c().getMessageReceipts(id, cb);
    }

    public static void createGroupWithMembers(Group g, List<GroupMember> members, List<String> bannedUids,
                                              CallbackListener<HashMap<String, Object>> cb) {
        c().createGroupWithMembers(g, members, bannedUids, cb);
    }

    public static void createGroup(Group g, CallbackListener<Group> cb) {
        c().createGroup(g, cb);
    }

    public static void getGroup(String guid, CallbackListener<Group> cb) {
        c().getGroup(guid, cb);
    }

    public static void updateGroup(Group g, CallbackListener<Group> cb) {
        c().updateGroup(g, cb);
    }

    public static void deleteGroup(String guid, CallbackListener<String> cb) {
        c().deleteGroup(guid, cb);
    }

    public static void joinGroup(String guid, String groupType, String password, CallbackListener<Group> cb) {
        c().joinGroup(guid, groupType, password, cb);
    }

    public static void leaveGroup(String guid, CallbackListener<String> cb) {
        c().leaveGroup(guid, cb);
    }

    public static void addMembersToGroup(String guid, List<GroupMember> members, List<String> bannedUids,
                                         CallbackListener<HashMap<String, String>> cb) {
        c().addMembersToGroup(guid, members, bannedUids, cb);
    }

    public static void kickGroupMember(String uid, String guid, CallbackListener<String> cb) {
        c().kickGroupMember(uid, guid, cb);
    }

    public static void banGroupMember(String uid, String guid, CallbackListener<String> cb) {
        c().banGroupMember(uid, guid, cb);
    }

    public static void unbanGroupMember(String uid, String guid, CallbackListener<String> cb) {
        c().unbanGroupMember(uid, guid, cb);
    }

    public static void updateGroupMemberScope(String uid, String guid, String scope, CallbackListener<String> cb) {
        c().updateGroupMemberScope(uid, guid, scope, cb);
    }

    public static void transferGroupOwnership(String guid, String uid, CallbackListener<String> cb) {
        c().transferGroupOwnership(guid, uid, cb);
    }

    public static void getConversation(String conversationWith, String conversationType, CallbackListener<Conversation> cb) {
        c().getConversation(conversationWith, conversationType, cb);
    }

    public static void tagConversation(String conversationWith, String conversationType, List<String> tags,
                                       CallbackListener<Conversation> cb) {
        c().tagConversation(conversationWith, conversationType, tags, cb);
    }

    public static void deleteConversation(String conversationWith, String conversationType, CallbackListener<String> cb) {
        c().deleteConversation(conversationWith, conversationType, cb);
    }

    public static void initiateCall(Call call, CallbackListener<Call> cb) {
        c().initiateCall(call, cb);
    }

    public static void acceptCall(String sessionId, CallbackListener<Call> cb) {
        c().acceptCall(sessionId, cb);
    }

    public static void rejectCall(String sessionId, String status, CallbackListener<Call> cb) {
        c().rejectCall(sessionId, status, cb);
    }

    public static void endCall(String sessionId, CallbackListener<Call> cb) {
        c().endCall(sessionId, cb);
    }
}
