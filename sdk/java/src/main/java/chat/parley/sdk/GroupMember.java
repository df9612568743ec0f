package chat.parley.sdk;

import com.google.gson.JsonObject;

/** A member of a group: a user with a scope. Also the argument of {@link Parley#addMembersToGroup}. */
public class GroupMember extends User {
    private String scope;
    private long joinedAt;
    private long bannedAt;

    public GroupMember() {
    }

    /** A user to add to a group with a scope ({@link ParleyConstants#SCOPE_PARTICIPANT}, ...). */
    public GroupMember(String uid, String scope) {
        setUid(uid);
        this.scope = scope;
    }

    static GroupMember fromJson(JsonObject o) {
        if (o == null) {
            return null;
        }
        GroupMember m = new GroupMember();
        m.read(o);
        m.scope = Json.str(o, "scope");
        m.joinedAt = Json.lng(o, "joinedAt");
        m.bannedAt = Json.lng(o, "bannedAt");
        return m;
    }

    public String getScope() {
        return scope;
    }

    public void setScope(String scope) {
        this.scope = scope;
    }

    public long getJoinedAt() {
        return joinedAt;
    }

    /** When the member was banned: set on the items of {@link BannedGroupMembersRequest} only. */
    public long getBannedAt() {
        return bannedAt;
    }
}
