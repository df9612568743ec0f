package chat.parley.sdk;

import static chat.parley.sdk.ParleyConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Collections;
import java.util.HashMap;

import org.junit.jupiter.api.Test;

/** Failed calls carry the server's code and status; refused socket frames reach onError. */
class ErrorsTest extends Fixture {
    @Test
    void errorsCarryTheServersCodes() throws Exception {
        Recorder ra = new Recorder();
        ParleyClient alice = connected("alice", ra);
        ParleyClient bob = user("bob", server.settings(server.url, "b").autoEstablishSocketConnection(false), null);
        String bobUid = uid("bob");

        ParleyClient stranger = ParleyClient.create(server.appId, server.settings(server.url, "x").build());
        clients.add(stranger);
        Recorder rs = new Recorder();
        rs.attach(stranger);
        ParleyException badToken = Fixture.<User>failure(a -> stranger.login("not-a-token", a));
        assertEquals("AUTH_ERR_AUTH_TOKEN_NOT_FOUND", badToken.getCode());
        assertEquals(401, badToken.getHttpStatus());
        rs.await("loginFailure", (ParleyException e) -> "AUTH_ERR_AUTH_TOKEN_NOT_FOUND".equals(e.getCode()));
        assertEquals(ParleyException.ERR_NOT_LOGGED_IN,
                Fixture.<User>failure(a -> stranger.getUser(bobUid, a)).getCode());

        ParleyException noUser = Fixture.<User>failure(a -> alice.getUser(uid("nobody"), a));
        assertEquals("ERR_UID_NOT_FOUND", noUser.getCode());
        assertEquals(404, noUser.getHttpStatus());
        assertEquals("ERR_EMPTY_MESSAGE_TEXT", Fixture.<TextMessage>failure(a -> alice.sendMessage(
                new TextMessage(bobUid, " ", RECEIVER_TYPE_USER), a)).getCode());
        String guid = uid("g");
        Fixture.<Group>call(a -> bob.createGroup(new Group(guid, "G", GROUP_TYPE_PRIVATE, null), a));
        assertEquals("ERR_GUID_NOT_FOUND", Fixture.<TextMessage>failure(a -> alice.sendMessage(
                new TextMessage(guid, "hi", RECEIVER_TYPE_GROUP), a)).getCode());
        assertEquals("ERR_GROUP_JOIN_NOT_ALLOWED", Fixture.<Group>failure(a -> alice.joinGroup(guid, GROUP_TYPE_PRIVATE,
                null, a)).getCode());

        TextMessage m = Fixture.<TextMessage>call(a -> alice.sendMessage(new TextMessage(bobUid, "hi", RECEIVER_TYPE_USER), a));
        Fixture.<BaseMessage>call(a -> bob.addReaction(m.getId(), "👍", a));
        assertEquals("ERR_ALREADY_REACTED", Fixture.<BaseMessage>failure(a -> bob.addReaction(m.getId(), "👍", a)).getCode());
        m.setText("not yours");
        assertEquals("ERR_MESSAGE_NOT_A_SENDER", Fixture.<BaseMessage>failure(a -> bob.editMessage(m, a)).getCode());

        HashMap<String, String> blocked = Fixture.<HashMap<String, String>>call(a -> bob.blockUsers(
                Collections.singletonList(uid("alice")), a));
        assertEquals("success", blocked.get(uid("alice")));
        assertEquals("ERR_BLOCKED_SENDER", Fixture.<TextMessage>failure(a -> alice.sendMessage(
                new TextMessage(bobUid, "hello?", RECEIVER_TYPE_USER), a)).getCode());
        HashMap<String, String> again = Fixture.<HashMap<String, String>>call(a -> bob.blockUsers(
                Collections.singletonList(uid("alice")), a));
        assertEquals("ERR_ALREADY_BLOCKED", again.get(uid("alice")));
        java.util.List<User> blockedList = Fixture.<java.util.List<User>>call(a -> new BlockedUsersRequest
                .BlockedUsersRequestBuilder().setClient(bob).build().fetchNext(a));
        assertEquals(1, blockedList.size());
        assertTrue(blockedList.get(0).isBlockedByMe());
        Fixture.<HashMap<String, String>>call(a -> bob.unblockUsers(Collections.singletonList(uid("alice")), a));

        // a typing frame the server refuses comes back as the connection listener's onError
        alice.startTyping(new TypingIndicator(guid, RECEIVER_TYPE_GROUP));
        ParleyException frame = ra.await("error", (ParleyException e) -> true);
        assertEquals("ERR_GUID_NOT_FOUND", frame.getCode());

        // logout revokes the token and closes the connection
        Fixture.<String>call(alice::logout);
        assertNull(alice.getLoggedInUser());
        assertEquals(WS_STATE_DISCONNECTED, alice.getConnectionStatus());
    }
}
