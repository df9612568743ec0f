package chat.parley.sdk;

import com.google.gson.JsonObject;

import java.util.List;

/** A message with elements the receivers act on (a form, buttons): see {@link Parley#markAsInteracted}. */
public class InteractiveMessage extends BaseMessage {
    private JsonObject interactiveData;
    private InteractionGoal interactionGoal;
    private boolean allowSenderInteraction;

    InteractiveMessage() {
        super(null, null, ParleyConstants.CATEGORY_INTERACTIVE, null);
    }

    /** An interactive message of type {@code type} carrying {@code interactiveData}. */
    public InteractiveMessage(String receiverId, String receiverType, String type, JsonObject interactiveData) {
        super(receiverId, receiverType, ParleyConstants.CATEGORY_INTERACTIVE, type);
        this.interactiveData = interactiveData;
    }

    @Override
    void readData(JsonObject data) {
        interactiveData = Json.obj(data, "interactiveData");
        JsonObject g = Json.obj(data, "interactionGoal");
        if (g != null) {
            interactionGoal = new InteractionGoal(Json.str(g, "type"), Json.strings(g, "elementIds"));
        }
        allowSenderInteraction = Json.bool(data, "allowSenderInteraction");
    }

    @Override
    void writeData(JsonObject data) {
        if (interactiveData != null) {
            data.add("interactiveData", interactiveData);
        }
        if (interactionGoal != null) {
            JsonObject g = new JsonObject();
            g.addProperty("type", interactionGoal.getType());
            List<String> ids = interactionGoal.getElementIds();
            if (ids != null && !ids.isEmpty()) {
                g.add("elementIds", Json.array(ids));
            }
            data.add("interactionGoal", g);
        }
        if (allowSenderInteraction) {
            data.addProperty("allowSenderInteraction", true);
        }
    }

    public JsonObject getInteractiveData() {
        return interactiveData;
    }

    public InteractionGoal getInteractionGoal() {
        return interactionGoal;
    }

    public void setInteractionGoal(InteractionGoal goal) {
        this.interactionGoal = goal;
    }

    public boolean isAllowSenderInteraction() {
        return allowSenderInteraction;
    }

    public void setAllowSenderInteraction(boolean allow) {
        this.allowSenderInteraction = allow;
    }
}
