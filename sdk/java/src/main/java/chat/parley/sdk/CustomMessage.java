package chat.parley.sdk;

import com.google.gson.JsonObject;

/**
 * A message of the app's own type with the app's own data. CometChat's Android SDK takes an
 * {@code org.json.JSONObject}; this SDK takes Gson's {@link JsonObject}, which a plain JVM has too.
 */
public class CustomMessage extends BaseMessage {
    private JsonObject customData;

    CustomMessage() {
        super(null, null, ParleyConstants.CATEGORY_CUSTOM, null);
    }

    /** A custom message of type {@code customType} (1–100 characters) carrying {@code customData}. */
    public CustomMessage(String receiverId, String receiverType, String customType, JsonObject customData) {
        super(receiverId, receiverType, ParleyConstants.CATEGORY_CUSTOM, customType);
        this.customData = customData;
    }

    @Override
    void readData(JsonObject data) {
        customData = Json.obj(data, "customData");
    }

    @Override
    void writeData(JsonObject data) {
        if (customData != null) {
            data.add("customData", customData);
        }
    }

    public JsonObject getCustomData() {
        return customData;
    }

    public void setCustomData(JsonObject customData) {
        this.customData = customData;
    }
}
