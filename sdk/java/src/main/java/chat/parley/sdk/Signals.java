package chat.parley.sdk;

import com.google.gson.JsonObject;

/** The frames a client sends on the socket: typing indicators and transient messages. */
final class Signals {
    private Signals() {
    }

    static void typing(ParleyClient c, TypingIndicator t, String action) {
        JsonObject body = new JsonObject();
        body.addProperty("action", action);
        if (t.getMetadata() != null) {
            body.add("metadata", t.getMetadata());
        }
        frame(c, "typing_indicator", t.getReceiverId(), t.getReceiverType(), body);
    }

    static void transientMessage(ParleyClient c, TransientMessage m) {
        JsonObject body = new JsonObject();
        body.add("data", m.getData() == null ? new JsonObject() : m.getData());
        frame(c, "transient_message", m.getReceiverId(), m.getReceiverType(), body);
    }

    private static void frame(ParleyClient c, String type, String receiver, String receiverType, JsonObject body) {
        JsonObject f = new JsonObject();
        f.addProperty("type", type);
        f.addProperty("receiver", receiver);
        f.addProperty("receiverType", receiverType);
        f.add("body", body);
        if (!c.realtime().send(f)) {
            c.events().frameError(new ParleyException(ParleyException.ERR_NOT_CONNECTED,
                    "the WebSocket is not connected: " + type + " not sent"));
        }
    }
}
