package chat.parley.sdk;

import com.google.gson.JsonObject;

/** A file of a media message: uploaded with it (a signed URL) or a URL the app hosts. */
public class Attachment {
    private String fileUrl;
    private String fileName;
    private String fileMimeType;
    private String fileExtension;
    private long fileSize;

    public Attachment() {
    }

    static Attachment fromJson(JsonObject o) {
        Attachment a = new Attachment();
        a.fileUrl = Json.str(o, "url");
        a.fileName = Json.str(o, "name");
        a.fileMimeType = Json.str(o, "mimeType");
        a.fileExtension = Json.str(o, "extension");
        a.fileSize = Json.lng(o, "size");
        return a;
    }

    JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("url", fileUrl);
        if (fileName != null) {
            o.addProperty("name", fileName);
        }
        if (fileMimeType != null) {
            o.addProperty("mimeType", fileMimeType);
        }
        if (fileExtension != null) {
            o.addProperty("extension", fileExtension);
        }
        if (fileSize > 0) {
            o.addProperty("size", fileSize);
        }
        return o;
    }

    /**
     * The file's URL. An uploaded file's URL is signed, valid for an hour, and relative to the
     * server (resolve it against the base URL; {@link Parley#getMediaUrl} does).
     */
    public String getFileUrl() {
        return fileUrl;
    }

    public void setFileUrl(String fileUrl) {
        this.fileUrl = fileUrl;
    }

    public String getFileName() {
        return fileName;
    }

    public void setFileName(String fileName) {
        this.fileName = fileName;
    }

    public String getFileMimeType() {
        return fileMimeType;
    }

    public void setFileMimeType(String fileMimeType) {
        this.fileMimeType = fileMimeType;
    }

    public String getFileExtension() {
        return fileExtension;
    }

    public void setFileExtension(String fileExtension) {
        this.fileExtension = fileExtension;
    }

    public long getFileSize() {
        return fileSize;
    }

    public void setFileSize(long fileSize) {
        this.fileSize = fileSize;
    }
}
