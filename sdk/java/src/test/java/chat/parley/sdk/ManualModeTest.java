package chat.parley.sdk;

import static chat.parley.sdk.ParleyConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Manual mode: no connection until connect(); disconnect() and connect() resume without loss. */
class ManualModeTest extends Fixture {
    /**
     * Bob logs in with autoEstablishSocketConnection(false): until connect() the server shows him
     * offline, no connection callback runs and ping has no socket; after it he is online and
     * receives messages; messages sent while he was disconnected arrive after the next
     * connect(), once each.
     */
    @Test
    void manualModeMakesNoConnectionUntilConnect() throws Exception {
        ParleyClient alice = connected("alice", null);
        Recorder rb = new Recorder();
        try (DropProxy proxy = new DropProxy(server.url)) {
            AppSettings.AppSettingsBuilder s = server.settings(proxy.url(), "bob-phone").autoEstablishSocketConnection(false);
            ParleyClient bob = user("bob", s, rb);
            assertFalse(bob.settings().shouldAutoEstablishSocketConnection());
            String bobUid = uid("bob");
            TextMessage early = Fixture.<TextMessage>call(a -> alice.sendMessage(new TextMessage(bobUid, "before connect",
                    RECEIVER_TYPE_USER), a));
            User seen = Fixture.<User>call(a -> alice.getUser(bobUid, a));
            assertEquals(USER_STATUS_OFFLINE, seen.getStatus(), "no socket: bob is offline");
            assertEquals(WS_STATE_DISCONNECTED, bob.getConnectionStatus());
            assertEquals(0, rb.count("connecting"), "no connection attempt before connect()");
            ParleyException notConnected = Fixture.<Void>failure(bob::ping);
            assertEquals(ParleyException.ERR_NOT_CONNECTED, notConnected.getCode());

            assertEquals("connected", Fixture.<String>call(bob::connect));
            assertEquals(WS_STATE_CONNECTED, bob.getConnectionStatus());
            Fixture.<Void>call(bob::ping);
            Await.until(() -> {
                try {
                    return USER_STATUS_ONLINE.equals(Fixture.<User>call(a -> alice.getUser(bobUid, a)).getStatus());
                } catch (Exception e) {
                    return false;
                }
            }, () -> "bob never came online");
            TextMessage live = Fixture.<TextMessage>call(a -> alice.sendMessage(new TextMessage(bobUid, "live",
                    RECEIVER_TYPE_USER), a));
            rb.await("text", (TextMessage m) -> m.getId() == live.getId());

            Fixture.<String>call(bob::disconnect);
            assertEquals(WS_STATE_DISCONNECTED, bob.getConnectionStatus());
            TextMessage away = Fixture.<TextMessage>call(a -> alice.sendMessage(new TextMessage(bobUid, "while away",
                    RECEIVER_TYPE_USER), a));
            Fixture.<String>call(bob::connect);
            rb.await("text", (TextMessage m) -> m.getId() == away.getId());
            for (Recorder.Ev e : rb.of("text")) {
                assertNotEquals(early.getId(), ((TextMessage) e.value).getId(),
                        "a message sent before the first connect is history, not a live event");
            }
            assertEquals(2, rb.count("text"), "live and away, once each: " + rb.of("text"));
        }
    }
}
