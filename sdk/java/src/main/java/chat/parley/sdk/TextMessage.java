package chat.parley.sdk;

import com.google.gson.JsonObject;

/** A text message. */
public class TextMessage extends BaseMessage {
    private String text;

    TextMessage() {
        super(null, null, ParleyConstants.CATEGORY_MESSAGE, ParleyConstants.MESSAGE_TYPE_TEXT);
    }

    /** A text to send to a user or a group ({@link ParleyConstants#RECEIVER_TYPE_USER}, ...). */
    public TextMessage(String receiverId, String text, String receiverType) {
        super(receiverId, receiverType, ParleyConstants.CATEGORY_MESSAGE, ParleyConstants.MESSAGE_TYPE_TEXT);
        this.text = text;
    }

    @Override
    void readData(JsonObject data) {
        text = Json.str(data, "text");
    }

    @Override
    void writeData(JsonObject data) {
        data.addProperty("text", text);
    }

    public String getText() {
        return text;
    }

    /** Sets the text; with {@link Parley#editMessage} this is the edit. */
    public void setText(String text) {
        this.text = text;
    }
}
