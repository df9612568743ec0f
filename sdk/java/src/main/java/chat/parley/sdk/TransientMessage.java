package chat.parley.sdk;

import com.google.gson.JsonObject;

/** An ephemeral payload (a live location, a cursor): never stored, never replayed. */
public class TransientMessage {
    private final String receiverId;
    private final String receiverType;
    private final JsonObject data;
    private User sender;
    private long timestamp;

    /** A payload (any JSON object of at most 4 KiB) for a user or a group. */
    public TransientMessage(String receiverId, String receiverType, JsonObject data) {
        this.receiverId = receiverId;
        this.receiverType = receiverType;
        this.data = data;
    }

    static TransientMessage received(String receiverId, String receiverType, JsonObject data, User sender,
                                     long timestamp) {
        TransientMessage t = new TransientMessage(receiverId, receiverType, data);
        t.sender = sender;
        t.timestamp = timestamp;
        return t;
    }

    public String getReceiverId() {
        return receiverId;
    }

    public String getReceiverType() {
        return receiverType;
    }

    public JsonObject getData() {
        return data;
    }

    public User getSender() {
        return sender;
    }

    public long getTimestamp() {
        return timestamp;
    }
}
