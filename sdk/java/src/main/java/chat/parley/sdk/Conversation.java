package chat.parley.sdk;

import com.google.gson.JsonObject;

import java.util.List;

/** A conversation as the logged-in user sees it (docs/api.md §13). */
public class Conversation {
    private String conversationId;
    private String conversationType;
    private AppEntity conversationWith;
    private BaseMessage lastMessage;
    private int unreadMessageCount;
    private int unreadMentionsCount;
    private long lastReadMessageId;
    private long latestMessageId;
    private List<String> tags;
    private long updatedAt;

    static Conversation fromJson(JsonObject o) {
        if (o == null) {
            return null;
        }
        Conversation c = new Conversation();
        c.conversationId = Json.str(o, "conversationId");
        c.conversationType = Json.str(o, "conversationType");
        JsonObject with = Json.obj(o, "conversationWith");
        if (ParleyConstants.CONVERSATION_TYPE_GROUP.equals(c.conversationType)) {
            c.conversationWith = Group.fromJson(with);
        } else {
            c.conversationWith = User.fromJson(with);
        }
        c.lastMessage = BaseMessage.fromJson(Json.obj(o, "lastMessage"));
        c.unreadMessageCount = (int) Json.lng(o, "unreadMessageCount");
        c.unreadMentionsCount = (int) Json.lng(o, "unreadMentionsCount");
        c.lastReadMessageId = Json.lng(o, "lastReadMessageId");
        c.latestMessageId = Json.lng(o, "latestMessageId");
        c.tags = Json.strings(o, "tags");
        c.updatedAt = Json.lng(o, "updatedAt");
        return c;
    }

    public String getConversationId() {
        return conversationId;
    }

    /** {@code user} or {@code group}. */
    public String getConversationType() {
        return conversationType;
    }

    /** The other {@link User}, or the {@link Group}. */
    public AppEntity getConversationWith() {
        return conversationWith;
    }

    public BaseMessage getLastMessage() {
        return lastMessage;
    }

    public int getUnreadMessageCount() {
        return unreadMessageCount;
    }

    public int getUnreadMentionsCount() {
        return unreadMentionsCount;
    }

    public long getLastReadMessageId() {
        return lastReadMessageId;
    }

    public long getLatestMessageId() {
        return latestMessageId;
    }

    public List<String> getTags() {
        return tags;
    }

    public long getUpdatedAt() {
        return updatedAt;
    }
}
