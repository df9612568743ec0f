package chat.parley.sdk;

import static chat.parley.sdk.ParleyConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** A declared keepalive: sent in the auth frame, taken by the server, checked before connecting. */
class KeepaliveTest extends Fixture {
    /**
     * Bob declares a 120 s keepalive: the server takes it (a refused auth would never connect),
     * his pings default to it, and messages reach him; values outside 25–300 are refused by the
     * builder, before anything is sent.
     */
    @Test
    void declaredKeepaliveConnectsAndOutOfRangeIsRefused() throws Exception {
        ParleyClient alice = connected("alice", null);
        Recorder rb = new Recorder();
        AppSettings.AppSettingsBuilder s = server.settings(server.url, "bob-phone").setKeepalive(120);
        ParleyClient bob = user("bob", s, rb);
        Await.until(() -> WS_STATE_CONNECTED.equals(bob.getConnectionStatus()), () -> "bob never connected");
        assertEquals(120, bob.settings().getKeepalive());
        assertEquals(120_000, bob.settings().getPingIntervalMillis(), "pings follow the keepalive");
        String bobUid = uid("bob");
        TextMessage sent = Fixture.<TextMessage>call(a -> alice.sendMessage(new TextMessage(bobUid, "still there",
                RECEIVER_TYPE_USER), a));
        rb.await("text", (TextMessage m) -> m.getId() == sent.getId());

        assertEquals(25_000, server.settings(server.url, "d").build().getPingIntervalMillis(), "the default");
        assertEquals(0, server.settings(server.url, "d").build().getKeepalive(), "not declared by default");
        for (int bad : new int[] {24, 301, 0}) {
            assertThrows(IllegalArgumentException.class, () -> new AppSettings.AppSettingsBuilder().setKeepalive(bad));
        }
    }
}
