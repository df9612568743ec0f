package chat.parley.sdk;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.File;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An image, video, audio or file message: a file uploaded with it (from a {@link File} or an
 * {@link InputStream}) and/or attachments the app hosts (URLs).
 */
public class MediaMessage extends BaseMessage {
    private String caption;
    private List<Attachment> attachments = new ArrayList<Attachment>();
    private File file;
    private InputStream stream;
    private String streamName;
    private String streamMimeType;

    MediaMessage() {
        super(null, null, ParleyConstants.CATEGORY_MESSAGE, ParleyConstants.MESSAGE_TYPE_FILE);
    }

    /** A message carrying {@code file}, uploaded when sent; messageType is image, video, audio or file. */
    public MediaMessage(String receiverId, File file, String messageType, String receiverType) {
        super(receiverId, receiverType, ParleyConstants.CATEGORY_MESSAGE, messageType);
        this.file = file;
    }

    /**
     * A message carrying the bytes of {@code in} as a file named {@code fileName} (its type
     * {@code mimeType}, or guessed by the server from the name when null). The stream is read
     * once when the message is sent, and closed.
     */
    public MediaMessage(String receiverId, InputStream in, String fileName, String mimeType, String messageType,
                        String receiverType) {
        super(receiverId, receiverType, ParleyConstants.CATEGORY_MESSAGE, messageType);
        this.stream = in;
        this.streamName = fileName;
        this.streamMimeType = mimeType;
    }

    /** A message whose files the app hosts: add them with {@link #setAttachment} or {@link #addAttachment}. */
    public MediaMessage(String receiverId, String messageType, String receiverType) {
        super(receiverId, receiverType, ParleyConstants.CATEGORY_MESSAGE, messageType);
    }

    @Override
    void readData(JsonObject data) {
        caption = Json.str(data, "text");
        attachments = new ArrayList<Attachment>();
        JsonArray as = Json.arr(data, "attachments");
        if (as != null) {
            for (JsonElement e : as) {
                if (e.isJsonObject()) {
                    attachments.add(Attachment.fromJson(e.getAsJsonObject()));
                }
            }
        }
    }

    @Override
    void writeData(JsonObject data) {
        if (caption != null) {
            data.addProperty("text", caption);
        }
        if (!attachments.isEmpty()) {
            JsonArray as = new JsonArray();
            for (Attachment a : attachments) {
                as.add(a.toJson());
            }
            data.add("attachments", as);
        }
    }

    File getFile() {
        return file;
    }

    InputStream getStream() {
        return stream;
    }

    String getStreamName() {
        return streamName;
    }

    String getStreamMimeType() {
        return streamMimeType;
    }

    /** The caption (the message's text), or null. */
    public String getCaption() {
        return caption;
    }

    public void setCaption(String caption) {
        this.caption = caption;
    }

    /** The first attachment, or null. */
    public Attachment getAttachment() {
        return attachments.isEmpty() ? null : attachments.get(0);
    }

    /** Replaces the attachments with one the app hosts. */
    public void setAttachment(Attachment a) {
        attachments = new ArrayList<Attachment>();
        attachments.add(a);
    }

    public void addAttachment(Attachment a) {
        attachments.add(a);
    }

    public List<Attachment> getAttachments() {
        return Collections.unmodifiableList(attachments);
    }
}
