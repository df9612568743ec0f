package chat.parley.sdk;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** A group (docs/api.md §11). Setters are for creating and updating. */
public class Group implements AppEntity {
    private String guid;
    private String name;
    private String groupType;
    private String password;
    private String icon;
    private String description;
    private String owner;
    private JsonObject metadata;
    private List<String> tags = new ArrayList<String>();
    private int membersCount;
    private long createdAt;
    private long updatedAt;
    private boolean hasJoined;
    private String scope;
    private long joinedAt;

    public Group() {
    }

    /** A group to create: type {@link ParleyConstants#GROUP_TYPE_PUBLIC}, password or private. */
    public Group(String guid, String name, String groupType, String password) {
        this.guid = guid;
        this.name = name;
        this.groupType = groupType;
        this.password = password;
    }

    static Group fromJson(JsonObject o) {
        if (o == null) {
            return null;
        }
        Group g = new Group();
        g.guid = Json.str(o, "guid");
        g.name = Json.str(o, "name");
        g.groupType = Json.str(o, "type");
        g.icon = Json.str(o, "icon");
        g.description = Json.str(o, "description");
        g.owner = Json.str(o, "owner");
        g.metadata = Json.obj(o, "metadata");
        g.tags = Json.strings(o, "tags");
        g.membersCount = (int) Json.lng(o, "membersCount");
        g.createdAt = Json.lng(o, "createdAt");
        g.updatedAt = Json.lng(o, "updatedAt");
        g.hasJoined = Json.bool(o, "hasJoined");
        g.scope = Json.str(o, "scope");
        g.joinedAt = Json.lng(o, "joinedAt");
        return g;
    }

    JsonObject toJson(boolean create) {
        JsonObject o = new JsonObject();
        if (create && guid != null) {
            o.addProperty("guid", guid);
        }
        if (name != null) {
            o.addProperty("name", name);
        }
        if (groupType != null) {
            o.addProperty("type", groupType);
        }
        if (password != null && !password.isEmpty()) {
            o.addProperty("password", password);
        }
        if (icon != null) {
            o.addProperty("icon", icon);
        }
        if (description != null) {
            o.addProperty("description", description);
        }
        if (metadata != null) {
            o.add("metadata", metadata);
        }
        if (tags != null && !tags.isEmpty()) {
            o.add("tags", Json.array(tags));
        }
        return o;
    }

    public String getGuid() {
        return guid;
    }

    public void setGuid(String guid) {
        this.guid = guid;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** {@code public}, {@code password} or {@code private}. */
    public String getGroupType() {
        return groupType;
    }

    public void setGroupType(String groupType) {
        this.groupType = groupType;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getIcon() {
        return icon;
    }

    public void setIcon(String icon) {
        this.icon = icon;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public String getOwner() {
        return owner;
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

    public int getMembersCount() {
        return membersCount;
    }

    public long getCreatedAt() {
        return createdAt;
    }

    public long getUpdatedAt() {
        return updatedAt;
    }

    /** Whether the logged-in user is a member. */
    public boolean isJoined() {
        return hasJoined;
    }

    /** The logged-in user's scope in the group, when a member. */
    public String getScope() {
        return scope;
    }

    public long getJoinedAt() {
        return joinedAt;
    }

    @Override
    public String toString() {
        return "Group{" + guid + "}";
    }
}
