package chat.parley.sdk;

import com.google.gson.JsonObject;

/**
 * An action message the server writes: a group member change ({@code type} groupMember,
 * {@link #getAction()} joined, left, added, kicked, banned, unbanned, scopeChanged,
 * ownershipTransferred) or a message's edit or delete ({@code type} message, edited or deleted).
 */
public class Action extends BaseMessage {
    private String action;
    private Object actionBy;
    private Object actionOn;
    private Object actionFor;
    private String oldScope;
    private String newScope;

    Action() {
        super(null, null, ParleyConstants.CATEGORY_ACTION, null);
    }

    @Override
    void readData(JsonObject data) {
        action = Json.str(data, "action");
        JsonObject ents = Json.obj(data, "entities");
        actionBy = Json.entity(Json.obj(ents, "by"));
        actionOn = Json.entity(Json.obj(ents, "on"));
        actionFor = Json.entity(Json.obj(ents, "for"));
        JsonObject scope = Json.obj(Json.obj(data, "extras"), "scope");
        oldScope = Json.str(scope, "old");
        newScope = Json.str(scope, "new");
    }

    @Override
    void writeData(JsonObject data) {
    }

    public String getAction() {
        return action;
    }

    /** Who acted: a {@link User}. */
    public Object getActionBy() {
        return actionBy;
    }

    /** What was acted on: a {@link User} (member actions) or a {@link BaseMessage} (edits, deletes). */
    public Object getActionOn() {
        return actionOn;
    }

    /** Where: the {@link Group}, or the receiving {@link User}. */
    public Object getActionFor() {
        return actionFor;
    }

    /** A scope change's old scope. */
    public String getOldScope() {
        return oldScope;
    }

    /** A scope change's new scope. */
    public String getNewScope() {
        return newScope;
    }
}
