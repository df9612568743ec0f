package chat.parley.sdk;

/** A reaction added to or removed from a message, as listeners receive it. */
public class ReactionEvent {
    private final Reaction reaction;
    private final String receiverId;
    private final String receiverType;

    ReactionEvent(Reaction reaction, String receiverId, String receiverType) {
        this.reaction = reaction;
        this.receiverId = receiverId;
        this.receiverType = receiverType;
    }

    public Reaction getReaction() {
        return reaction;
    }

    /** The conversation: in a one-to-one conversation the other user as seen from the reactor. */
    public String getReceiverId() {
        return receiverId;
    }

    public String getReceiverType() {
        return receiverType;
    }
}
