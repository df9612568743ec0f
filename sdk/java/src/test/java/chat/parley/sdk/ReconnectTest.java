package chat.parley.sdk;

import static chat.parley.sdk.ParleyConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** Auto mode: the connection is cut while another user keeps sending; nothing is lost or repeated. */
class ReconnectTest extends Fixture {
    /**
     * Bob's socket goes through a proxy that cuts his connections three times (no close frame)
     * while Alice sends 60 messages, one-to-one and in a group; the SDK reconnects by itself,
     * resuming after the last message it received, and Bob's listener ends with every message
     * exactly once, in the order sent.
     */
    @Test
    void droppedSocketWhileAnotherUserSendsDeliversEveryMessageOnceInOrder() throws Exception {
        ParleyClient alice = user("alice", server.settings(server.url, "a").autoEstablishSocketConnection(false), null);
        Recorder rb = new Recorder();
        try (DropProxy proxy = new DropProxy(server.url)) {
            ParleyClient bob = user("bob", server.settings(proxy.url(), "bob-phone"), rb);
            Await.until(() -> WS_STATE_CONNECTED.equals(bob.getConnectionStatus()), () -> "bob never connected");
            String guid = uid("g");
            Group g = new Group(guid, "G", GROUP_TYPE_PUBLIC, null);
            Fixture.<Group>call(a -> alice.createGroup(g, a));
            Fixture.<java.util.HashMap<String, String>>call(a -> alice.addMembersToGroup(guid,
                    Collections.singletonList(new GroupMember(uid("bob"), SCOPE_PARTICIPANT)), null, a));

            final int n = 60;
            List<Long> sent = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread sender = new Thread(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        String to = i % 3 == 2 ? guid : uid("bob");
                        String type = i % 3 == 2 ? RECEIVER_TYPE_GROUP : RECEIVER_TYPE_USER;
                        String text = "m" + i;
                        sent.add(Fixture.<TextMessage>call(a -> alice.sendMessage(new TextMessage(to, text, type), a)).getId());
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            sender.start();
            int[] after = {5, 20, 35};
            for (int i = 0; i < after.length; i++) {
                final int want = after[i];
                final int conns = i + 1;
                Await.until(() -> rb.count("text") >= want && rb.count("connected") == conns,
                        () -> "drop " + conns + ": " + rb.count("text") + " heard, " + rb.count("connected") + " connections");
                proxy.dropAll();
            }
            sender.join(60000);
            assertNull(failed.get(), "sending failed");
            Await.until(() -> rb.count("text") >= n, () -> rb.count("text") + " of " + n + " heard");
            List<Long> got = new ArrayList<>();
            for (Recorder.Ev e : rb.of("text")) {
                got.add(((TextMessage) e.value).getId());
            }
            assertEquals(sent, got, "every message once, in order");
            // the last drop may come after the last message: the SDK still comes back by itself
            Await.until(() -> rb.count("connected") >= 4, () -> rb.count("connected") + " connections for 3 drops");
            assertTrue(rb.count("disconnected") >= 3);
            assertEquals(0, rb.count("connectionError"), "a dropped connection is not final");
            long last = sent.get(n - 1);
            Await.until(() -> bob.getLastDeliveredMessageId() == last,
                    () -> "last delivered " + bob.getLastDeliveredMessageId() + ", want " + last);
        }
    }
}
