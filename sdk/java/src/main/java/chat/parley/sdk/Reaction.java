package chat.parley.sdk;

import com.google.gson.JsonObject;

/** One user's reaction on a message. */
public class Reaction {
    private long id;
    private long messageId;
    private String uid;
    private String reaction;
    private long reactedAt;
    private User reactedBy;

    static Reaction fromJson(JsonObject o) {
        Reaction r = new Reaction();
        r.id = Json.lng(o, "id");
        r.messageId = Json.lng(o, "messageId");
        r.uid = Json.str(o, "uid");
        r.reaction = Json.str(o, "reaction");
        r.reactedAt = Json.lng(o, "reactedAt");
        r.reactedBy = User.fromJson(Json.obj(o, "reactedBy"));
        return r;
    }

    public long getId() {
        return id;
    }

    public long getMessageId() {
        return messageId;
    }

    public String getUid() {
        return uid;
    }

    public String getReaction() {
        return reaction;
    }

    public long getReactedAt() {
        return reactedAt;
    }

    public User getReactedBy() {
        return reactedBy;
    }
}
