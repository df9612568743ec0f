package chat.parley.sdk;

import com.google.gson.JsonArray;

/** An interactive message reached its goal for a user. */
public class InteractionReceipt {
    private final long messageId;
    private final User sender;
    private final String receiverId;
    private final String receiverType;
    private final JsonArray interactions;

    InteractionReceipt(long messageId, User sender, String receiverId, String receiverType, JsonArray interactions) {
        this.messageId = messageId;
        this.sender = sender;
        this.receiverId = receiverId;
        this.receiverType = receiverType;
        this.interactions = interactions;
    }

    public long getMessageId() {
        return messageId;
    }

    /** The user who interacted. */
    public User getSender() {
        return sender;
    }

    public String getReceiverId() {
        return receiverId;
    }

    public String getReceiverType() {
        return receiverType;
    }

    /** {@code [{uid, elementId, interactedAt}]}. */
    public JsonArray getInteractions() {
        return interactions;
    }
}
