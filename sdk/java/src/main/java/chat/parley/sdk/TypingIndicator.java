package chat.parley.sdk;

import com.google.gson.JsonObject;

/** Someone typing: sent with {@link Parley#startTyping} / {@link Parley#endTyping}, received by listeners. */
public class TypingIndicator {
    private final String receiverId;
    private final String receiverType;
    private JsonObject metadata;
    private User sender;
    private long lastTimestamp;

    /** Typing to a user or in a group. */
    public TypingIndicator(String receiverId, String receiverType) {
        this.receiverId = receiverId;
        this.receiverType = receiverType;
    }

    /** Typing with metadata (any JSON object of at most 4 KiB). */
    public TypingIndicator(String receiverId, String receiverType, JsonObject metadata) {
        this(receiverId, receiverType);
        this.metadata = metadata;
    }

    static TypingIndicator received(String receiverId, String receiverType, JsonObject metadata, User sender,
                                    long timestamp) {
        TypingIndicator t = new TypingIndicator(receiverId, receiverType, metadata);
        t.sender = sender;
        t.lastTimestamp = timestamp;
        return t;
    }

    /** The user or group typed to; for a one-to-one indicator received, the logged-in user. */
    public String getReceiverId() {
        return receiverId;
    }

    public String getReceiverType() {
        return receiverType;
    }

    public JsonObject getMetadata() {
        return metadata;
    }

    public void setMetadata(JsonObject metadata) {
        this.metadata = metadata;
    }

    /** Who is typing (received indicators). */
    public User getSender() {
        return sender;
    }

    public long getLastTimestamp() {
        return lastTimestamp;
    }
}
