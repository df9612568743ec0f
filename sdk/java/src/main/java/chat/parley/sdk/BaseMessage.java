package chat.parley.sdk;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A message of the log (docs/api.md §12): the base of {@link TextMessage}, {@link MediaMessage},
 * {@link CustomMessage}, {@link InteractiveMessage}, {@link Action} and {@link Call}. Ids are
 * {@code long}: the server's ids are one dense, rising log per app.
 */
public abstract class BaseMessage {
    private long id;
    private String muid;
    private String conversationId;
    private User sender;
    private String receiverUid;
    private String receiverType;
    private AppEntity receiver;
    private String category;
    private String type;
    private long sentAt;
    private long updatedAt;
    private long editedAt;
    private String editedBy;
    private long deletedAt;
    private String deletedBy;
    private long deliveredAt;
    private long readAt;
    private long parentMessageId;
    private int replyCount;
    private long quotedMessageId;
    private JsonObject metadata;
    private List<String> tags = new ArrayList<String>();
    private List<ReactionCount> reactions = new ArrayList<ReactionCount>();
    private List<User> mentionedUsers = new ArrayList<User>();
    private JsonObject raw;

    BaseMessage(String receiverUid, String receiverType, String category, String type) {
        this.receiverUid = receiverUid;
        this.receiverType = receiverType;
        this.category = category;
        this.type = type;
    }

    /** Reads a message of any category into its class. */
    static BaseMessage fromJson(JsonObject o) {
        if (o == null) {
            return null;
        }
        String category = Json.str(o, "category");
        String type = Json.str(o, "type");
        BaseMessage m;
        if (ParleyConstants.CATEGORY_ACTION.equals(category)) {
            m = new Action();
        } else if (ParleyConstants.CATEGORY_CALL.equals(category)) {
            m = new Call();
        } else if (ParleyConstants.CATEGORY_CUSTOM.equals(category)) {
            m = new CustomMessage();
        } else if (ParleyConstants.CATEGORY_INTERACTIVE.equals(category)) {
            m = new InteractiveMessage();
        } else if (type == null || ParleyConstants.MESSAGE_TYPE_TEXT.equals(type)) {
            m = new TextMessage();
        } else {
            m = new MediaMessage();
        }
        m.readBase(o);
        m.readData(Json.obj(o, "data"));
        return m;
    }

    private void readBase(JsonObject o) {
        raw = o;
        id = Json.lng(o, "id");
        muid = Json.str(o, "muid");
        conversationId = Json.str(o, "conversationId");
        receiverUid = Json.str(o, "receiver");
        receiverType = Json.str(o, "receiverType");
        category = Json.str(o, "category");
        type = Json.str(o, "type");
        sentAt = Json.lng(o, "sentAt");
        updatedAt = Json.lng(o, "updatedAt");
        editedAt = Json.lng(o, "editedAt");
        editedBy = Json.str(o, "editedBy");
        deletedAt = Json.lng(o, "deletedAt");
        deletedBy = Json.str(o, "deletedBy");
        deliveredAt = Json.lng(o, "deliveredAt");
        readAt = Json.lng(o, "readAt");
        parentMessageId = Json.lng(o, "parentId");
        replyCount = (int) Json.lng(o, "replyCount");
        quotedMessageId = Json.lng(o, "quotedMessageId");
        tags = Json.strings(o, "tags");
        JsonObject data = Json.obj(o, "data");
        metadata = Json.obj(data, "metadata");
        JsonObject entities = Json.obj(data, "entities");
        Object s = Json.entity(Json.obj(entities, "sender"));
        sender = s instanceof User ? (User) s : null;
        if (sender == null) {
            sender = new User();
            sender.setUid(Json.str(o, "sender"));
        }
        Object r = Json.entity(Json.obj(entities, "receiver"));
        receiver = r instanceof AppEntity ? (AppEntity) r : null;
        JsonArray rs = Json.arr(data, "reactions");
        reactions = new ArrayList<ReactionCount>();
        if (rs != null) {
            for (JsonElement e : rs) {
                if (e.isJsonObject()) {
                    reactions.add(ReactionCount.fromJson(e.getAsJsonObject()));
                }
            }
        }
        mentionedUsers = new ArrayList<User>();
        JsonObject mentions = Json.obj(data, "mentions");
        if (mentions != null) {
            for (Map.Entry<String, JsonElement> e : mentions.entrySet()) {
                if (e.getValue().isJsonObject()) {
                    mentionedUsers.add(User.fromJson(e.getValue().getAsJsonObject()));
                }
            }
        }
    }

    /** Reads the category's own fields of {@code data}. */
    abstract void readData(JsonObject data);

    /** The category's own fields of {@code data}, for sending. */
    abstract void writeData(JsonObject data);

    /** The body of {@code POST /v3/messages}. */
    JsonObject toSendJson() {
        JsonObject o = new JsonObject();
        o.addProperty("receiver", receiverUid);
        o.addProperty("receiverType", receiverType);
        o.addProperty("category", category);
        o.addProperty("type", type);
        JsonObject data = new JsonObject();
        writeData(data);
        if (metadata != null) {
            data.add("metadata", metadata);
        }
        o.add("data", data);
        if (tags != null && !tags.isEmpty()) {
            o.add("tags", Json.array(tags));
        }
        if (muid != null) {
            o.addProperty("muid", muid);
        }
        if (parentMessageId > 0) {
            o.addProperty("parentId", String.valueOf(parentMessageId));
        }
        if (quotedMessageId > 0) {
            o.addProperty("quotedMessageId", String.valueOf(quotedMessageId));
        }
        return o;
    }

    public long getId() {
        return id;
    }

    /** The id the sender gave the message; set it before sending to recognise the echo. */
    public String getMuid() {
        return muid;
    }

    public void setMuid(String muid) {
        this.muid = muid;
    }

    public String getConversationId() {
        return conversationId;
    }

    /** The sender, as they were when the message was sent. */
    public User getSender() {
        return sender;
    }

    /** The uid or guid the message was sent to. */
    public String getReceiverUid() {
        return receiverUid;
    }

    /** {@link ParleyConstants#RECEIVER_TYPE_USER} or {@link ParleyConstants#RECEIVER_TYPE_GROUP}. */
    public String getReceiverType() {
        return receiverType;
    }

    /** The receiving {@link User} or {@link Group} as it was when sent (null when not given). */
    public AppEntity getReceiver() {
        return receiver;
    }

    public String getCategory() {
        return category;
    }

    public String getType() {
        return type;
    }

    public long getSentAt() {
        return sentAt;
    }

    public long getUpdatedAt() {
        return updatedAt;
    }

    public long getEditedAt() {
        return editedAt;
    }

    public String getEditedBy() {
        return editedBy;
    }

    public long getDeletedAt() {
        return deletedAt;
    }

    public String getDeletedBy() {
        return deletedBy;
    }

    /** For the sender of a one-to-one message: when the other user received it (0: not yet). */
    public long getDeliveredAt() {
        return deliveredAt;
    }

    /** For the sender of a one-to-one message: when the other user read it (0: not yet). */
    public long getReadAt() {
        return readAt;
    }

    /** The thread's parent message, for a reply; 0 otherwise. */
    public long getParentMessageId() {
        return parentMessageId;
    }

    /** Send the message as a reply in this message's thread. */
    public void setParentMessageId(long parentMessageId) {
        this.parentMessageId = parentMessageId;
    }

    public int getReplyCount() {
        return replyCount;
    }

    public long getQuotedMessageId() {
        return quotedMessageId;
    }

    public void setQuotedMessageId(long quotedMessageId) {
        this.quotedMessageId = quotedMessageId;
    }

    public JsonObject getMetadata() {
        return metadata;
    }

    public void setMetadata(JsonObject metadata) {
        this.metadata = metadata;
    }

    public List<String> getTags() {
        return tags;
    }

    public void setTags(List<String> tags) {
        this.tags = tags;
    }

    /** The reactions, one per emoji in the order first used, with counts. */
    public List<ReactionCount> getReactions() {
        return Collections.unmodifiableList(reactions);
    }

    /** The users the text mentions ({@code <@uid:UID>}). */
    public List<User> getMentionedUsers() {
        return Collections.unmodifiableList(mentionedUsers);
    }

    /** The message as the server sent it, for fields this class does not name. */
    public JsonObject getRawMessage() {
        return raw;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{id=" + id + ", " + category + "/" + type + ", from "
                + (sender == null ? null : sender.getUid()) + " to " + receiverType + " " + receiverUid + "}";
    }
}
