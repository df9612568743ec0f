package chat.parley.sdk;

import com.google.gson.JsonObject;

/**
 * A call message: each change of a call's status is one (docs/calls.md). Parley does signalling
 * only; the audio and video run on the app's WebRTC service, in a room named by the session id.
 */
public class Call extends BaseMessage {
    private String sessionId;
    private String callStatus;
    private String callInitiator;
    private String callReceiver;
    private long initiatedAt;
    private long joinedAt;
    private Object actionBy;

    Call() {
        super(null, null, ParleyConstants.CATEGORY_CALL, null);
    }

    /** A call to start with {@link Parley#initiateCall}: callType audio or video. */
    public Call(String receiverId, String receiverType, String callType) {
        super(receiverId, receiverType, ParleyConstants.CATEGORY_CALL, callType);
    }

    @Override
    void readData(JsonObject data) {
        callStatus = Json.str(data, "action");
        JsonObject ents = Json.obj(data, "entities");
        actionBy = Json.entity(Json.obj(ents, "by"));
        JsonObject call = Json.obj(Json.obj(ents, "on"), "entity");
        sessionId = Json.str(call, "sessionid");
        if (call != null && Json.str(call, "status") != null) {
            callStatus = Json.str(call, "status");
        }
        callInitiator = Json.str(call, "initiator");
        callReceiver = Json.str(call, "receiver");
        initiatedAt = Json.lng(call, "initiatedAt");
        joinedAt = Json.lng(call, "joinedAt");
    }

    @Override
    void writeData(JsonObject data) {
    }

    public String getSessionId() {
        return sessionId;
    }

    /** initiated, ongoing, rejected, busy, cancelled, unanswered or ended. */
    public String getCallStatus() {
        return callStatus;
    }

    public String getCallInitiator() {
        return callInitiator;
    }

    public String getCallReceiver() {
        return callReceiver;
    }

    public long getInitiatedAt() {
        return initiatedAt;
    }

    public long getJoinedAt() {
        return joinedAt;
    }

    /** Who made this change (a {@link User}). */
    public Object getActionBy() {
        return actionBy;
    }
}
