package chat.parley.sdk;

import static chat.parley.sdk.ParleyConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two SDK users chat one-to-one and in a group, and a third member sees the group's events. */
class ChatTest extends Fixture {
    private final OkHttpClient http = new OkHttpClient();

    @AfterEach
    void resetParley() {
        ParleyClient c = Parley.getClient();
        if (c != null) {
            c.shutdown();
        }
    }

    private byte[] download(String url) throws Exception {
        try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
            assertEquals(200, r.code(), "GET " + url);
            return r.body().bytes();
        }
    }

    /**
     * Alice (on the static Parley API) and Bob (a ParleyClient) exchange text, media from a File
     * and from an InputStream, a custom message; react, type, mark delivered and read, edit and
     * delete; each sees the other's events, on the callback thread.
     */
    @Test
    void twoUsersChatOneToOneThroughTheStaticApi() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Parley.init(server.appId, server.settings(server.url, "alice-phone").subscribePresenceForAllUsers().build());
        ra.attach(Parley.getClient());
        final String alice = uid("alice");
        Fixture.<User>call(a -> Parley.createUser(new User(alice, "Alice"), server.authKey, a));
        User me = Fixture.<User>call(a -> Parley.login(alice, server.authKey, a));
        assertEquals(alice, me.getUid());
        assertEquals(alice, Parley.getLoggedInUser().getUid());
        ra.await("loginSuccess", (User u) -> alice.equals(u.getUid()));
        Await.until(() -> WS_STATE_CONNECTED.equals(Parley.getConnectionStatus()), () -> "alice never connected");

        ParleyClient bobC = connected("bob", rb);
        String bob = uid("bob");
        ra.await("online", (User u) -> bob.equals(u.getUid()));

        // text
        TextMessage sent = Fixture.<TextMessage>call(a -> Parley.sendMessage(new TextMessage(bob, "hi bob", RECEIVER_TYPE_USER), a));
        assertTrue(sent.getId() > 0);
        TextMessage got = rb.await("text", (TextMessage m) -> m.getId() == sent.getId());
        assertEquals("hi bob", got.getText());
        assertEquals(alice, got.getSender().getUid());
        assertEquals("Alice", got.getSender().getName());
        assertEquals(bob, got.getReceiverUid());
        assertEquals(RECEIVER_TYPE_USER, got.getReceiverType());

        // media from a File
        File f = File.createTempFile("notes", ".txt");
        f.deleteOnExit();
        Files.write(f.toPath(), "the notes".getBytes(StandardCharsets.UTF_8));
        MediaMessage file = Fixture.<MediaMessage>call(a -> Parley.sendMediaMessage(
                new MediaMessage(bob, f, MESSAGE_TYPE_FILE, RECEIVER_TYPE_USER), a));
        MediaMessage gotFile = rb.await("media", (MediaMessage m) -> m.getId() == file.getId());
        assertEquals(MESSAGE_TYPE_FILE, gotFile.getType());
        assertEquals(f.getName(), gotFile.getAttachment().getFileName());
        assertEquals(9, gotFile.getAttachment().getFileSize());
        assertArrayEquals("the notes".getBytes(StandardCharsets.UTF_8), download(bobC.getMediaUrl(gotFile.getAttachment())));

        // media from an InputStream, with a caption
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0};
        MediaMessage img = new MediaMessage(bob, new ByteArrayInputStream(png), "dot.png", "image/png", MESSAGE_TYPE_IMAGE,
                RECEIVER_TYPE_USER);
        img.setCaption("a dot");
        MediaMessage imgSent = Fixture.<MediaMessage>call(a -> Parley.sendMediaMessage(img, a));
        MediaMessage gotImg = rb.await("media", (MediaMessage m) -> m.getId() == imgSent.getId());
        assertEquals("a dot", gotImg.getCaption());
        assertEquals("image/png", gotImg.getAttachment().getFileMimeType());
        assertArrayEquals(png, download(bobC.getMediaUrl(gotImg.getAttachment())));

        // custom, from bob
        JsonObject loc = new JsonObject();
        loc.addProperty("lat", 45.1);
        CustomMessage custom = Fixture.<CustomMessage>call(a -> bobC.sendCustomMessage(
                new CustomMessage(alice, RECEIVER_TYPE_USER, "location", loc), a));
        CustomMessage gotCustom = ra.await("custom", (CustomMessage m) -> m.getId() == custom.getId());
        assertEquals("location", gotCustom.getType());
        assertEquals(45.1, gotCustom.getCustomData().get("lat").getAsDouble());

        // reactions
        BaseMessage reacted = Fixture.<BaseMessage>call(a -> bobC.addReaction(sent.getId(), "👍", a));
        assertEquals(1, reacted.getReactions().size());
        assertTrue(reacted.getReactions().get(0).getReactedByMe());
        ReactionEvent added = ra.await("reactionAdded", (ReactionEvent r) -> r.getReaction().getMessageId() == sent.getId());
        assertEquals("👍", added.getReaction().getReaction());
        assertEquals(bob, added.getReaction().getUid());
        Fixture.<BaseMessage>call(a -> bobC.removeReaction(sent.getId(), "👍", a));
        ra.await("reactionRemoved", (ReactionEvent r) -> r.getReaction().getMessageId() == sent.getId());

        // typing and transient messages
        bobC.startTyping(new TypingIndicator(alice, RECEIVER_TYPE_USER));
        TypingIndicator typing = ra.await("typingStarted", (TypingIndicator t) -> bob.equals(t.getSender().getUid()));
        assertEquals(RECEIVER_TYPE_USER, typing.getReceiverType());
        bobC.endTyping(new TypingIndicator(alice, RECEIVER_TYPE_USER));
        ra.await("typingEnded", (TypingIndicator t) -> bob.equals(t.getSender().getUid()));
        JsonObject cursor = new JsonObject();
        cursor.addProperty("x", 12);
        Parley.sendTransientMessage(new TransientMessage(bob, RECEIVER_TYPE_USER, cursor));
        TransientMessage tr = rb.await("transient", (TransientMessage t) -> alice.equals(t.getSender().getUid()));
        assertEquals(12, tr.getData().get("x").getAsInt());

        // receipts: bob's watermarks reach alice
        Fixture.<Void>call(a -> bobC.markAsDelivered(got, a));
        MessageReceipt delivered = ra.await("delivered", (MessageReceipt r) -> r.getMessageId() == sent.getId());
        assertEquals(bob, delivered.getSender().getUid());
        assertEquals(MessageReceipt.RECEIPT_TYPE_DELIVERED, delivered.getReceiptType());
        Fixture.<Void>call(a -> bobC.markAsRead(gotImg, a));
        MessageReceipt read = ra.await("read", (MessageReceipt r) -> r.getMessageId() == imgSent.getId());
        assertEquals(bob, read.getSender().getUid());
        BaseMessage details = Fixture.<BaseMessage>call(a -> Parley.getMessageDetails(sent.getId(), a));
        assertTrue(details.getReadAt() > 0, "readAt after bob read a later message");

        // edit and delete
        sent.setText("hi bob!");
        BaseMessage edited = Fixture.<BaseMessage>call(a -> Parley.editMessage(sent, a));
        assertEquals("hi bob!", ((TextMessage) edited).getText());
        assertTrue(edited.getEditedAt() > 0);
        BaseMessage gotEdit = rb.await("edited", (BaseMessage m) -> m.getId() == sent.getId());
        assertEquals("hi bob!", ((TextMessage) gotEdit).getText());
        BaseMessage deleted = Fixture.<BaseMessage>call(a -> Parley.deleteMessage(sent.getId(), a));
        assertTrue(deleted.getDeletedAt() > 0);
        BaseMessage gotDelete = rb.await("deleted", (BaseMessage m) -> m.getId() == sent.getId());
        assertEquals(alice, gotDelete.getDeletedBy());

        // conversations and unread counts
        HashMap<String, HashMap<String, Integer>> unread = Fixture.<HashMap<String, HashMap<String, Integer>>>call(
                Parley::getUnreadMessageCount);
        assertEquals(Integer.valueOf(1), unread.get(RECEIVER_TYPE_USER).get(bob), "alice has bob's custom message unread");
        Conversation conv = Fixture.<Conversation>call(a -> Parley.getConversation(bob, CONVERSATION_TYPE_USER, a));
        assertEquals(bob, ((User) conv.getConversationWith()).getUid());
        assertEquals(1, conv.getUnreadMessageCount());

        for (String t : rb.threads) {
            assertTrue(t.startsWith("parley-callbacks"), "a callback ran on " + t);
        }
        Fixture.<String>call(Parley::logout);
        assertNull(Parley.getLoggedInUser());
    }

    /**
     * Alice and Bob chat in a group Carol joined: messages of every kind, an edit, a reaction,
     * typing and a read receipt reach the members; Carol's group listener sees Bob added, his
     * scope changed, kicked, banned and unbanned, each with who did it.
     */
    @Test
    void groupChatWithAThirdMemberSeeingGroupEvents() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Recorder rc = new Recorder();
        ParleyClient aliceC = connected("alice", ra);
        ParleyClient bobC = connected("bob", rb);
        ParleyClient carolC = connected("carol", rc);
        String alice = uid("alice");
        String bob = uid("bob");
        String carol = uid("carol");
        String guid = uid("crew");

        Group g = Fixture.<Group>call(a -> aliceC.createGroup(new Group(guid, "Crew", GROUP_TYPE_PUBLIC, null), a));
        assertEquals(guid, g.getGuid());
        assertEquals(alice, g.getOwner());
        Group joined = Fixture.<Group>call(a -> carolC.joinGroup(guid, GROUP_TYPE_PUBLIC, null, a));
        assertTrue(joined.isJoined());
        rc.await("joined", (Action act) -> carol.equals(((User) act.getActionOn()).getUid()));
        HashMap<String, String> res = Fixture.<HashMap<String, String>>call(a -> aliceC.addMembersToGroup(guid,
                Collections.singletonList(new GroupMember(bob, SCOPE_PARTICIPANT)), null, a));
        assertEquals("success", res.get(bob));
        Recorder.Ev add = awaitEv(rc, "added", bob);
        assertEquals(alice, ((User) add.more[0]).getUid(), "added by");
        assertEquals(guid, ((Group) add.more[2]).getGuid());

        // messages of each kind reach the other members
        TextMessage t = Fixture.<TextMessage>call(a -> bobC.sendMessage(new TextMessage(guid, "hello crew", RECEIVER_TYPE_GROUP), a));
        TextMessage atCarol = rc.await("text", (TextMessage m) -> m.getId() == t.getId());
        assertEquals(RECEIVER_TYPE_GROUP, atCarol.getReceiverType());
        assertEquals(guid, atCarol.getReceiverUid());
        ra.await("text", (TextMessage m) -> m.getId() == t.getId());
        MediaMessage media = Fixture.<MediaMessage>call(a -> aliceC.sendMediaMessage(new MediaMessage(guid,
                new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)), "a.txt", "text/plain",
                MESSAGE_TYPE_FILE, RECEIVER_TYPE_GROUP), a));
        rb.await("media", (MediaMessage m) -> m.getId() == media.getId());
        rc.await("media", (MediaMessage m) -> m.getId() == media.getId());
        JsonObject form = new JsonObject();
        form.addProperty("title", "Lunch?");
        InteractiveMessage poll = new InteractiveMessage(guid, RECEIVER_TYPE_GROUP, "form", form);
        poll.setInteractionGoal(new InteractionGoal(InteractionGoal.ANY_OF, Arrays.asList("yes")));
        InteractiveMessage pollSent = Fixture.<InteractiveMessage>call(a -> aliceC.sendInteractiveMessage(poll, a));
        InteractiveMessage pollAtBob = rb.await("interactive", (InteractiveMessage m) -> m.getId() == pollSent.getId());
        assertEquals(InteractionGoal.ANY_OF, pollAtBob.getInteractionGoal().getType());
        Fixture.<Void>call(a -> bobC.markAsInteracted(pollSent.getId(), "yes", a));
        ra.await("interactionCompleted", (InteractionReceipt r) -> r.getMessageId() == pollSent.getId());

        // an edit, a reaction, typing, a read receipt
        t.setText("hello crew!");
        Fixture.<BaseMessage>call(a -> bobC.editMessage(t, a));
        BaseMessage edit = rc.await("edited", (BaseMessage m) -> m.getId() == t.getId());
        assertEquals("hello crew!", ((TextMessage) edit).getText());
        Fixture.<BaseMessage>call(a -> carolC.addReaction(media.getId(), "🎉", a));
        ra.await("reactionAdded", (ReactionEvent r) -> r.getReaction().getMessageId() == media.getId()
                && carol.equals(r.getReaction().getUid()));
        bobC.startTyping(new TypingIndicator(guid, RECEIVER_TYPE_GROUP));
        TypingIndicator typing = rc.await("typingStarted", (TypingIndicator x) -> bob.equals(x.getSender().getUid()));
        assertEquals(guid, typing.getReceiverId());
        ra.await("typingStarted", (TypingIndicator x) -> bob.equals(x.getSender().getUid()));
        Fixture.<Void>call(a -> carolC.markAsRead(atCarol, a));
        MessageReceipt rr = rb.await("read", (MessageReceipt r) -> carol.equals(r.getSender().getUid()));
        assertEquals(t.getId(), rr.getMessageId());

        // member changes, as Carol sees them
        Fixture.<String>call(a -> aliceC.updateGroupMemberScope(bob, guid, SCOPE_MODERATOR, a));
        Recorder.Ev sc = awaitEv(rc, "scopeChanged", alice);
        assertEquals(bob, ((User) sc.more[1]).getUid());
        assertEquals(SCOPE_MODERATOR, sc.more[2]);
        assertEquals(SCOPE_PARTICIPANT, sc.more[3]);
        List<GroupMember> members = Fixture.<List<GroupMember>>call(a -> new GroupMembersRequest.GroupMembersRequestBuilder(guid)
                .setClient(carolC).setLimit(10).build().fetchNext(a));
        assertEquals(3, members.size());
        Fixture.<String>call(a -> aliceC.kickGroupMember(bob, guid, a));
        Recorder.Ev kick = awaitEv(rc, "kicked", bob);
        assertEquals(alice, ((User) kick.more[1]).getUid(), "kicked by");
        Fixture.<String>call(a -> aliceC.banGroupMember(bob, guid, a));
        awaitEv(rc, "banned", bob);
        List<GroupMember> banned = Fixture.<List<GroupMember>>call(a -> new BannedGroupMembersRequest
                .BannedGroupMembersRequestBuilder(guid).setClient(aliceC).build().fetchNext(a));
        assertEquals(1, banned.size());
        assertEquals(bob, banned.get(0).getUid());
        ParleyException notMember = Fixture.<TextMessage>failure(a -> bobC.sendMessage(
                new TextMessage(guid, "let me in", RECEIVER_TYPE_GROUP), a));
        assertEquals("ERR_BANNED_GROUPMEMBER", notMember.getCode());
        Fixture.<String>call(a -> aliceC.unbanGroupMember(bob, guid, a));
        awaitEv(rc, "unbanned", bob);
        Fixture.<String>call(a -> carolC.leaveGroup(guid, a));
        awaitEv(ra, "left", carol);
    }

    /** Waits for a group event whose first user argument (or, for scope changes, "by") is uid. */
    private static Recorder.Ev awaitEv(Recorder r, String kind, String uid) throws InterruptedException {
        Recorder.Ev[] found = new Recorder.Ev[1];
        Await.until(() -> {
            for (Recorder.Ev e : r.of(kind)) {
                Object first = e.more.length > 0 ? e.more[0] : null;
                if (first instanceof User && uid.equals(((User) first).getUid())
                        || kind.equals("added") && uid.equals(((User) e.more[1]).getUid())) {
                    found[0] = e;
                    return true;
                }
            }
            return false;
        }, () -> "no " + kind + " about " + uid + "; heard " + r.all());
        return found[0];
    }
}
