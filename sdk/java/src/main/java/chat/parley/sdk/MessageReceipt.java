package chat.parley.sdk;

/**
 * A delivered or read receipt: a watermark, "every message of the conversation up to
 * {@link #getMessageId()}" was delivered to or read by {@link #getSender()}.
 */
public class MessageReceipt {
    public static final String RECEIPT_TYPE_DELIVERED = "delivered";
    public static final String RECEIPT_TYPE_READ = "read";

    private final long messageId;
    private final User sender;
    private final String receiverId;
    private final String receiverType;
    private final String receiptType;
    private final long timestamp;
    private final String conversationId;

    MessageReceipt(long messageId, User sender, String receiverId, String receiverType, String receiptType,
                   long timestamp, String conversationId) {
        this.messageId = messageId;
        this.sender = sender;
        this.receiverId = receiverId;
        this.receiverType = receiverType;
        this.receiptType = receiptType;
        this.timestamp = timestamp;
        this.conversationId = conversationId;
    }

    public long getMessageId() {
        return messageId;
    }

    /** The reader. */
    public User getSender() {
        return sender;
    }

    /** The conversation's peer as seen from the reader: the other user, or the group. */
    public String getReceiverId() {
        return receiverId;
    }

    public String getReceiverType() {
        return receiverType;
    }

    /** {@link #RECEIPT_TYPE_DELIVERED} or {@link #RECEIPT_TYPE_READ}. */
    public String getReceiptType() {
        return receiptType;
    }

    public long getTimestamp() {
        return timestamp;
    }

    public String getConversationId() {
        return conversationId;
    }
}
