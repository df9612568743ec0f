package chat.parley.sdk;

import static chat.parley.sdk.ParleyConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The socket's other events reaching the listeners of the users they concern: presence, profile and group updates, hosted media, transient messages, typing. */
class EventsTest extends Fixture {
    /** A client subscribed to everyone's presence, logged in and connected. */
    private ParleyClient watcher(String name, Recorder rec) throws Exception {
        ParleyClient c = user(name, server.settings(server.url, name + "-device").subscribePresenceForAllUsers(), rec);
        Await.until(() -> WS_STATE_CONNECTED.equals(c.getConnectionStatus()), () -> name + " never connected");
        return c;
    }

    @Test
    void presenceOfAnotherUserReachesASubscriberWhenTheyConnectAndDisconnect() throws Exception {
        Recorder ra = new Recorder();
        watcher("alice", ra);
        String bob = uid("bob");
        ParleyClient bobC = connected("bob", null);
        User on = ra.await("online", (User u) -> bob.equals(u.getUid()));
        assertEquals(USER_STATUS_ONLINE, on.getStatus());
        assertEquals("bob", on.getName());

        Fixture.<String>call(bobC::disconnect);
        User off = ra.await("offline", (User u) -> bob.equals(u.getUid()));
        assertEquals(USER_STATUS_OFFLINE, off.getStatus());
        assertTrue(off.getLastActiveAt() > 0, "an offline user carries when they were last active");
        for (Recorder.Ev e : ra.all()) {
            if (e.kind.equals("online") || e.kind.equals("offline")) {
                assertNotEquals(uid("alice"), ((User) e.value).getUid(), "never one's own presence");
            }
        }
    }

    @Test
    void profileAndGroupUpdatesReachTheUsersTheyConcern() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Recorder rc = new Recorder();
        ParleyClient alice = watcher("alice", ra);
        ParleyClient bob = connected("bob", rb);
        ParleyClient carol = connected("carol", rc);
        String guid = uid("g");

        // bob's profile change reaches alice, who watches everyone's presence
        User change = new User();
        change.setStatusMessage("on the trail");
        Fixture.<User>call(a -> bob.updateCurrentUserDetails(change, a));
        User seen = ra.await("userUpdated", (User u) -> uid("bob").equals(u.getUid()));
        assertEquals("on the trail", seen.getStatusMessage());

        // the group's members hear of its update and deletion; carol, not a member, does not
        Fixture.<java.util.HashMap<String, Object>>call(a -> alice.createGroupWithMembers(
                new Group(guid, "Hikers", GROUP_TYPE_PUBLIC, null),
                Collections.singletonList(new GroupMember(uid("bob"), SCOPE_PARTICIPANT)), null, a));
        Group rename = new Group(guid, "Trail crew", GROUP_TYPE_PUBLIC, null);
        Fixture.<Group>call(a -> alice.updateGroup(rename, a));
        Group updated = rb.await("groupUpdated", (Group g) -> guid.equals(g.getGuid()));
        assertEquals("Trail crew", updated.getName());
        assertEquals(2, updated.getMembersCount());
        Fixture.<String>call(a -> alice.deleteGroup(guid, a));
        Group deleted = rb.await("groupDeleted", (Group g) -> guid.equals(g.getGuid()));
        assertEquals("Trail crew", deleted.getName());
        ra.await("groupDeleted", (Group g) -> guid.equals(g.getGuid()));

        // a fence: once carol has a message sent after the deletion, she would have had the group's events
        TextMessage after = Fixture.<TextMessage>call(a -> alice.sendMessage(
                new TextMessage(uid("carol"), "after", RECEIVER_TYPE_USER), a));
        rc.await("text", (TextMessage m) -> m.getId() == after.getId());
        assertEquals(0, rc.count("groupUpdated") + rc.count("groupDeleted"), "a non-member hears nothing of the group");
        assertNotNull(carol.getLoggedInUser());
    }

    @Test
    void hostedMediaAndTransientMessagesReachTheOtherUser() throws Exception {
        Recorder rb = new Recorder();
        ParleyClient alice = connected("alice", null);
        ParleyClient bob = connected("bob", rb);

        MediaMessage m = new MediaMessage(uid("bob"), MESSAGE_TYPE_IMAGE, RECEIVER_TYPE_USER);
        Attachment hosted = new Attachment();
        hosted.setFileUrl("https://cdn.example.com/p/cat.png");
        hosted.setFileName("cat.png");
        hosted.setFileMimeType("image/png");
        hosted.setFileExtension("png");
        hosted.setFileSize(1234);
        m.setAttachment(hosted);
        m.setCaption("our cat");
        MediaMessage sent = Fixture.<MediaMessage>call(a -> alice.sendMediaMessage(m, a));
        MediaMessage got = rb.await("media", (MediaMessage x) -> x.getId() == sent.getId());
        assertEquals("our cat", got.getCaption());
        assertEquals(MESSAGE_TYPE_IMAGE, got.getType());
        Attachment a = got.getAttachment();
        assertEquals("https://cdn.example.com/p/cat.png", a.getFileUrl(), "a hosted URL is kept as given");
        assertEquals("https://cdn.example.com/p/cat.png", bob.getMediaUrl(a));
        assertEquals("cat.png", a.getFileName());
        assertEquals("image/png", a.getFileMimeType());
        assertEquals("png", a.getFileExtension());
        assertEquals(1234, a.getFileSize());

        JsonObject where = new JsonObject();
        where.addProperty("live", "location");
        where.addProperty("lat", 45.1);
        alice.sendTransientMessage(new TransientMessage(uid("bob"), RECEIVER_TYPE_USER, where));
        TransientMessage t = rb.await("transient", (TransientMessage x) -> uid("alice").equals(x.getSender().getUid()));
        assertEquals(where, t.getData());
        assertEquals(RECEIVER_TYPE_USER, t.getReceiverType());
        assertEquals(uid("bob"), t.getReceiverId(), "a one-to-one transient message names its receiver");
        assertTrue(t.getTimestamp() > 0);
    }

    /**
     * Bob sees Alice's typing with its metadata; a "started" with no "ended" ends by itself after
     * TYPING_TIMEOUT_MS, and the late "ended" is then not passed on a second time; an "ended" that
     * comes in time is passed on.
     */
    @Test
    void typingReachesTheOtherUserAndAStartWithNoEndEndsByItself() throws Exception {
        Recorder rb = new Recorder();
        ParleyClient alice = connected("alice", null);
        connected("bob", rb);
        String a = uid("alice");

        JsonObject meta = new JsonObject();
        meta.addProperty("composing", "text");
        alice.startTyping(new TypingIndicator(uid("bob"), RECEIVER_TYPE_USER, meta));
        TypingIndicator started = rb.await("typingStarted", (TypingIndicator t) -> a.equals(t.getSender().getUid()));
        assertEquals(uid("bob"), started.getReceiverId());
        assertEquals(RECEIVER_TYPE_USER, started.getReceiverType());
        assertEquals(meta, started.getMetadata());
        assertTrue(started.getLastTimestamp() > 0);

        TypingIndicator ended = rb.await("typingEnded", (TypingIndicator t) -> a.equals(t.getSender().getUid()));
        long waited = TimeUnit.NANOSECONDS.toMillis(rb.find("typingEnded", ended).at - rb.find("typingStarted", started).at);
        assertTrue(waited >= TYPING_TIMEOUT_MS - 100, "ended by itself after " + waited + " ms, want ~" + TYPING_TIMEOUT_MS);
        assertEquals(meta, ended.getMetadata(), "the timeout ends the indicator that started");

        // the late "ended", then a new typing: typing frames of one typist arrive in order, so the
        // second start is a fence for the late end
        alice.endTyping(new TypingIndicator(uid("bob"), RECEIVER_TYPE_USER));
        alice.startTyping(new TypingIndicator(uid("bob"), RECEIVER_TYPE_USER));
        Await.until(() -> rb.count("typingStarted") == 2, () -> "no second typingStarted: " + rb.all());
        assertEquals(1, rb.count("typingEnded"), "the late ended is not passed on again: " + rb.all());
        alice.endTyping(new TypingIndicator(uid("bob"), RECEIVER_TYPE_USER));
        Await.until(() -> rb.count("typingEnded") == 2, () -> "no ended for the second typing: " + rb.all());
        List<Recorder.Ev> all = rb.all();
        assertEquals("typingEnded", all.get(all.size() - 1).kind);
    }
}
