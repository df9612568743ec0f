package chat.parley.sdk;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** A user, as the server shows them (docs/api.md §5). Setters are for creating and updating. */
public class User implements AppEntity {
    private String uid;
    private String name;
    private String avatar;
    private String link;
    private String role;
    private String statusMessage;
    private String status;
    private JsonObject metadata;
    private List<String> tags = new ArrayList<String>();
    private long lastActiveAt;
    private long createdAt;
    private long updatedAt;
    private boolean blockedByMe;
    private boolean hasBlockedMe;
    private String conversationId;

    /** An empty user, to fill with setters. */
    public User() {
    }

    /** A user with a uid and a name, for {@link Parley#createUser}. */
    public User(String uid, String name) {
        this.uid = uid;
        this.name = name;
    }

    static User fromJson(JsonObject o) {
        if (o == null) {
            return null;
        }
        User u = new User();
        u.read(o);
        return u;
    }

    void read(JsonObject o) {
        uid = Json.str(o, "uid");
        name = Json.str(o, "name");
        avatar = Json.str(o, "avatar");
        link = Json.str(o, "link");
        role = Json.str(o, "role");
        statusMessage = Json.str(o, "statusMessage");
        status = Json.str(o, "status");
        metadata = Json.obj(o, "metadata");
        tags = Json.strings(o, "tags");
        lastActiveAt = Json.lng(o, "lastActiveAt");
        createdAt = Json.lng(o, "createdAt");
        updatedAt = Json.lng(o, "updatedAt");
        blockedByMe = Json.bool(o, "blockedByMe");
        hasBlockedMe = Json.bool(o, "hasBlockedMe");
        conversationId = Json.str(o, "conversationId");
    }

    /** The fields the app set, as a create or update body. */
    JsonObject toJson() {
        JsonObject o = new JsonObject();
        if (uid != null) {
            o.addProperty("uid", uid);
        }
        if (name != null) {
            o.addProperty("name", name);
        }
        if (avatar != null) {
            o.addProperty("avatar", avatar);
        }
        if (link != null) {
            o.addProperty("link", link);
        }
        if (role != null) {
            o.addProperty("role", role);
        }
        if (statusMessage != null) {
            o.addProperty("statusMessage", statusMessage);
        }
        if (metadata != null) {
            o.add("metadata", metadata);
        }
        if (tags != null && !tags.isEmpty()) {
            o.add("tags", Json.array(tags));
        }
        return o;
    }

    public String getUid() {
        return uid;
    }

    public void setUid(String uid) {
        this.uid = uid;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getAvatar() {
        return avatar;
    }

    public void setAvatar(String avatar) {
        this.avatar = avatar;
    }

    public String getLink() {
        return link;
    }

    public void setLink(String link) {
        this.link = link;
    }

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
    }

    public String getStatusMessage() {
        return statusMessage;
    }

    public void setStatusMessage(String statusMessage) {
        this.statusMessage = statusMessage;
    }

    /** {@code available} or {@code offline}. */
    public String getStatus() {
        return status;
    }

    public JsonObject getMetadata() {
        return metadata;
    }

    public void setMetadata(JsonObject metadata) {
        this.metadata = metadata;
    }

    public List<String> getTags() {
        return tags;
    }

    public void setTags(List<String> tags) {
        this.tags = tags;
    }

    public long getLastActiveAt() {
        return lastActiveAt;
    }

    public long getCreatedAt() {
        return createdAt;
    }

    public long getUpdatedAt() {
        return updatedAt;
    }

    /** Whether the logged-in user blocked this user. */
    public boolean isBlockedByMe() {
        return blockedByMe;
    }

    /** Whether this user blocked the logged-in user. */
    public boolean isHasBlockedMe() {
        return hasBlockedMe;
    }

    public String getConversationId() {
        return conversationId;
    }

    @Override
    public String toString() {
        return "User{" + uid + "}";
    }
}
