package chat.parley.sdk;

import static chat.parley.sdk.ParleyConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** Resuming past the server's replay limit, and a session the server ends for good. */
class ResumeTest extends Fixture {
    /**
     * A server that replays at most 5 missed messages: Bob is away for 12; on connect() the SDK
     * fetches the ones past the limit over REST, and his listener gets every message once, in order.
     */
    @Test
    void resumePastTheReplayLimitStillDeliversEachMessageOnceInOrder() throws Exception {
        server = TestServer.startWith("--resume-limit", "5");
        try {
            ParleyClient alice = user("alice", server.settings(server.url, "a").autoEstablishSocketConnection(false), null);
            Recorder rb = new Recorder();
            ParleyClient bob = user("bob", server.settings(server.url, "b").autoEstablishSocketConnection(false), rb);
            Fixture.<String>call(bob::connect);
            List<Long> sent = new ArrayList<>();
            String to = uid("bob");
            sent.add(Fixture.<TextMessage>call(a -> alice.sendMessage(new TextMessage(to, "before", RECEIVER_TYPE_USER), a)).getId());
            rb.await("text", (TextMessage m) -> m.getId() == sent.get(0));
            Fixture.<String>call(bob::disconnect);
            for (int i = 0; i < 12; i++) {
                String text = "away " + i;
                sent.add(Fixture.<TextMessage>call(a -> alice.sendMessage(new TextMessage(to, text, RECEIVER_TYPE_USER), a)).getId());
            }
            Fixture.<String>call(bob::connect);
            sent.add(Fixture.<TextMessage>call(a -> alice.sendMessage(new TextMessage(to, "back", RECEIVER_TYPE_USER), a)).getId());
            Await.until(() -> rb.count("text") >= sent.size(), () -> rb.count("text") + " of " + sent.size() + " heard");
            List<Long> got = new ArrayList<>();
            for (Recorder.Ev e : rb.of("text")) {
                got.add(((TextMessage) e.value).getId());
            }
            assertEquals(sent, got);
        } finally {
            server.stop();
        }
    }

    /**
     * Bob's token is revoked by the app's backend while he is connected: the server closes his
     * socket (4004), the connection listener hears onConnectionError with that close code, and the
     * SDK does not reconnect.
     */
    @Test
    void aRevokedTokenEndsTheSessionWithoutReconnecting() throws Exception {
        Recorder rb = new Recorder();
        ParleyClient bob = connected("bob", rb);
        String token = bob.getUserAuthToken();
        Request del = new Request.Builder().url(server.url + "/v3/users/" + uid("bob") + "/auth_tokens/" + token)
                .header("appid", server.appId).header("apikey", server.restKey).delete().build();
        try (Response r = new OkHttpClient().newCall(del).execute()) {
            assertEquals(200, r.code());
        }
        ParleyException e = rb.await("connectionError", (ParleyException x) -> true);
        assertEquals(4004, e.getCloseCode(), "closed as revoked: " + e);
        assertEquals(WS_STATE_DISCONNECTED, bob.getConnectionStatus());
        assertEquals(1, rb.count("connecting"), "no reconnection attempt: " + rb.all());
    }
}
