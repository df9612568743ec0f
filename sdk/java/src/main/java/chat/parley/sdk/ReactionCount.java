package chat.parley.sdk;

import com.google.gson.JsonObject;

/** One emoji's reactions on a message: how many, and whether the reader is among them. */
public class ReactionCount {
    private String reaction;
    private int count;
    private boolean reactedByMe;

    static ReactionCount fromJson(JsonObject o) {
        ReactionCount r = new ReactionCount();
        r.reaction = Json.str(o, "reaction");
        r.count = (int) Json.lng(o, "count");
        r.reactedByMe = Json.bool(o, "reactedByMe");
        return r;
    }

    public String getReaction() {
        return reaction;
    }

    public int getCount() {
        return count;
    }

    public boolean getReactedByMe() {
        return reactedByMe;
    }
}
