package chat.parley.sdk;

/** The string constants of the API, named as CometChat's {@code CometChatConstants}. */
public final class ParleyConstants {
    private ParleyConstants() {
    }

    /**
     * How long after a received "started" with no "ended" the SDK calls onTypingEnded by itself
     * (the typist may have dropped): 5 seconds, as docs/protocol.md advises.
     */
    public static final long TYPING_TIMEOUT_MS = 5000;

    public static final String RECEIVER_TYPE_USER = "user";
    public static final String RECEIVER_TYPE_GROUP = "group";

    public static final String CATEGORY_MESSAGE = "message";
    public static final String CATEGORY_ACTION = "action";
    public static final String CATEGORY_CALL = "call";
    public static final String CATEGORY_CUSTOM = "custom";
    public static final String CATEGORY_INTERACTIVE = "interactive";

    public static final String MESSAGE_TYPE_TEXT = "text";
    public static final String MESSAGE_TYPE_IMAGE = "image";
    public static final String MESSAGE_TYPE_VIDEO = "video";
    public static final String MESSAGE_TYPE_AUDIO = "audio";
    public static final String MESSAGE_TYPE_FILE = "file";

    public static final String GROUP_TYPE_PUBLIC = "public";
    public static final String GROUP_TYPE_PASSWORD = "password";
    public static final String GROUP_TYPE_PRIVATE = "private";

    public static final String SCOPE_ADMIN = "admin";
    public static final String SCOPE_MODERATOR = "moderator";
    public static final String SCOPE_PARTICIPANT = "participant";

    public static final String USER_STATUS_ONLINE = "available";
    public static final String USER_STATUS_OFFLINE = "offline";

    public static final String CONVERSATION_TYPE_USER = "user";
    public static final String CONVERSATION_TYPE_GROUP = "group";

    public static final String WS_STATE_CONNECTED = "connected";
    public static final String WS_STATE_CONNECTING = "connecting";
    public static final String WS_STATE_DISCONNECTED = "disconnected";

    public static final String CALL_TYPE_AUDIO = "audio";
    public static final String CALL_TYPE_VIDEO = "video";
    public static final String CALL_STATUS_INITIATED = "initiated";
    public static final String CALL_STATUS_ONGOING = "ongoing";
    public static final String CALL_STATUS_REJECTED = "rejected";
    public static final String CALL_STATUS_BUSY = "busy";
    public static final String CALL_STATUS_CANCELLED = "cancelled";
    public static final String CALL_STATUS_UNANSWERED = "unanswered";
    public static final String CALL_STATUS_ENDED = "ended";

    public static final String ACTION_JOINED = "joined";
    public static final String ACTION_LEFT = "left";
    public static final String ACTION_ADDED = "added";
    public static final String ACTION_KICKED = "kicked";
    public static final String ACTION_BANNED = "banned";
    public static final String ACTION_UNBANNED = "unbanned";
    public static final String ACTION_SCOPE_CHANGED = "scopeChanged";
    public static final String ACTION_OWNERSHIP_TRANSFERRED = "ownershipTransferred";
    public static final String ACTION_EDITED = "edited";
    public static final String ACTION_DELETED = "deleted";
}
