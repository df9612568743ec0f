package chat.parley.sdk;

import static chat.parley.sdk.ParleyConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Call signalling through the call listeners. */
class CallsTest extends Fixture {
    /**
     * Alice calls Bob: Bob hears onIncomingCallReceived, accepts, Alice hears
     * onOutgoingCallAccepted; Alice ends it and both hear onCallEndedMessageReceived, all with the
     * same session id.
     */
    @Test
    void aCallIsOfferedAcceptedAndEnded() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        ParleyClient alice = connected("alice", ra);
        ParleyClient bob = connected("bob", rb);
        Call started = Fixture.<Call>call(a -> alice.initiateCall(new Call(uid("bob"), RECEIVER_TYPE_USER, CALL_TYPE_VIDEO), a));
        String session = started.getSessionId();
        assertNotNull(session);
        assertEquals(CALL_STATUS_INITIATED, started.getCallStatus());
        Call incoming = rb.await("incomingCall", (Call c) -> session.equals(c.getSessionId()));
        assertEquals(uid("alice"), incoming.getCallInitiator());
        assertEquals(CALL_TYPE_VIDEO, incoming.getType());
        Fixture.<Call>call(a -> bob.acceptCall(session, a));
        ra.await("callAccepted", (Call c) -> session.equals(c.getSessionId()));
        Call ended = Fixture.<Call>call(a -> alice.endCall(session, a));
        assertEquals(CALL_STATUS_ENDED, ended.getCallStatus());
        ra.await("callEnded", (Call c) -> session.equals(c.getSessionId()));
        rb.await("callEnded", (Call c) -> session.equals(c.getSessionId()));
        assertEquals(0, ra.count("incomingCall"), "the caller's own call is not incoming (its echo came before the end)");
        assertEquals("ERR_CALL_TERMINATED", Fixture.<Call>failure(a -> bob.endCall(session, a)).getCode());
    }
}
