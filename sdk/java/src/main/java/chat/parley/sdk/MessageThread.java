package chat.parley.sdk;

import com.google.gson.JsonObject;

/**
 * A thread as the thread lists show it ({@link ThreadsRequest}): its parent message, how many
 * replies it has, the newest reply, the caller's unread replies and whether they follow it.
 */
public class MessageThread {
    private long parentMessageId;
    private BaseMessage parentMessage;
    private int replyCount;
    private BaseMessage lastReply;
    private int unreadReplyCount;
    private boolean subscribed;
    private long updatedAt;
    private String conversationId;
    private String receiverType;
    private String receiverId;

    static MessageThread fromJson(JsonObject o) {
        MessageThread t = new MessageThread();
        t.parentMessageId = Json.lng(o, "parentMessageId");
        JsonObject p = Json.obj(o, "parentMessage");
        t.parentMessage = p == null ? null : BaseMessage.fromJson(p);
        t.replyCount = (int) Json.lng(o, "replyCount");
        JsonObject last = Json.obj(o, "lastReply");
        t.lastReply = last == null ? null : BaseMessage.fromJson(last);
        t.unreadReplyCount = (int) Json.lng(o, "unreadReplyCount");
        t.subscribed = Json.bool(o, "subscribed");
        t.updatedAt = Json.lng(o, "updatedAt");
        t.conversationId = Json.str(o, "conversationId");
        t.receiverType = Json.str(o, "receiverType");
        t.receiverId = Json.str(o, "receiver");
        return t;
    }

    /** The id of the message the thread hangs from. */
    public long getParentMessageId() {
        return parentMessageId;
    }

    public BaseMessage getParentMessage() {
        return parentMessage;
    }

    public int getReplyCount() {
        return replyCount;
    }

    /** The newest reply the caller may see, or null when there is none yet. */
    public BaseMessage getLastReply() {
        return lastReply;
    }

    /** Replies after the caller's read watermark of the conversation (at most 1000). */
    public int getUnreadReplyCount() {
        return unreadReplyCount;
    }

    /** Whether the logged-in user follows the thread ({@link Parley#subscribeToThread}). */
    public boolean isSubscribed() {
        return subscribed;
    }

    /** The later of the parent's and the last reply's updatedAt (Unix seconds). */
    public long getUpdatedAt() {
        return updatedAt;
    }

    public String getConversationId() {
        return conversationId;
    }

    /** {@link ParleyConstants#RECEIVER_TYPE_USER} or GROUP. */
    public String getReceiverType() {
        return receiverType;
    }

    /** The group, or the other user of the one-to-one conversation, as the server names it. */
    public String getReceiverId() {
        return receiverId;
    }

    @Override
    public String toString() {
        return "MessageThread{" + parentMessageId + ", replies=" + replyCount + ", subscribed=" + subscribed + "}";
    }
}
