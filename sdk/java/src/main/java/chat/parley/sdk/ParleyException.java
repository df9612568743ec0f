package chat.parley.sdk;

/**
 * A failed call: the server's error code ({@code ERR_UID_NOT_FOUND}, {@code ERR_NOT_A_MEMBER},
 * {@code AUTH_ERR_AUTH_TOKEN_NOT_FOUND}, ... as listed in docs/api.md), or one of the SDK's own
 * codes ({@link #ERR_NOT_LOGGED_IN}, {@link #ERR_CONNECTION}, ...). As CometChat's
 * {@code CometChatException}: {@link #getCode()}, {@link #getMessage()}, {@link #getDetails()}.
 */
public class ParleyException extends Exception {
    private static final long serialVersionUID = 1L;

    /** No user is logged in (or {@link Parley#init} was not called). */
    public static final String ERR_NOT_LOGGED_IN = "ERR_NOT_LOGGED_IN";
    /** The server could not be reached, or the connection broke; the cause says why. */
    public static final String ERR_CONNECTION = "ERR_CONNECTION";
    /** The server closed the WebSocket; {@link #getCloseCode()} says how. */
    public static final String ERR_CONNECTION_CLOSED = "ERR_CONNECTION_CLOSED";
    /** The server's answer could not be read. */
    public static final String ERR_BAD_RESPONSE = "ERR_BAD_RESPONSE";
    /** A call needs the WebSocket (typing, transient messages, ping) and it is not connected. */
    public static final String ERR_NOT_CONNECTED = "ERR_NOT_CONNECTED";
    /** An argument the SDK refuses before calling the server. */
    public static final String ERR_INVALID_ARGUMENT = "ERR_INVALID_ARGUMENT";

    private final String code;
    private final int httpStatus;
    private final int closeCode;

    /** An error with a code and a message, as the server or the SDK gives them. */
    public ParleyException(String code, String message) {
        this(code, message, 0, 0, null);
    }

    ParleyException(String code, String message, int httpStatus, int closeCode, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.httpStatus = httpStatus;
        this.closeCode = closeCode;
    }

    /** The error code: stable, meant for programs. */
    public String getCode() {
        return code;
    }

    /** The same as {@link #getMessage()}: CometChat's name for the human-readable text. */
    public String getDetails() {
        return getMessage();
    }

    /** The HTTP status of a REST error (400, 404, ...), 0 for errors that had none. */
    public int getHttpStatus() {
        return httpStatus;
    }

    /** The WebSocket close code when the server closed the connection (4001, 4004, ...), else 0. */
    public int getCloseCode() {
        return closeCode;
    }

    @Override
    public String toString() {
        return "ParleyException{" + code + ": " + getMessage() + "}";
    }
}
