package chat.parley.sdk;

import static chat.parley.sdk.ParleyConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Thread lists and subscriptions, unread-only message pages, and the online members of groups. */
class ThreadsTest extends Fixture {
    private ParleyClient offline(String name) throws Exception {
        return user(name, server.settings(server.url, name + "-d").autoEstablishSocketConnection(false), null);
    }

    private static List<Long> parents(List<MessageThread> ts) {
        List<Long> out = new ArrayList<>();
        for (MessageThread t : ts) {
            out.add(t.getParentMessageId());
        }
        return out;
    }

    private static List<Long> ids(List<BaseMessage> ms) {
        List<Long> out = new ArrayList<>();
        for (BaseMessage m : ms) {
            out.add(m.getId());
        }
        return out;
    }

    /** Every page of a request, walking one way until the empty page. */
    private static List<List<Long>> pages(ThreadsRequest r, boolean back) throws Exception {
        List<List<Long>> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            List<MessageThread> page = Fixture.<List<MessageThread>>call(a -> {
                if (back) {
                    r.fetchPrevious(a);
                } else {
                    r.fetchNext(a);
                }
            });
            if (page.isEmpty()) {
                return out;
            }
            out.add(parents(page));
        }
        throw new AssertionError("no end after 10 pages: " + out);
    }

    private ThreadsRequest.ThreadsRequestBuilder threads(ParleyClient c) {
        return new ThreadsRequest.ThreadsRequestBuilder().setClient(c);
    }

    private TextMessage send(ParleyClient c, String to, String type, String text, long parent) throws Exception {
        TextMessage m = new TextMessage(to, text, type);
        m.setParentMessageId(parent);
        return Fixture.<TextMessage>call(a -> c.sendMessage(m, a));
    }

    @Test
    void threadListsAndSubscriptionsShowWhatEachUserFollows() throws Exception {
        ParleyClient alice = offline("alice");
        ParleyClient bob = offline("bob");
        String guid = uid("g");
        Fixture.<HashMap<String, Object>>call(a -> alice.createGroupWithMembers(new Group(guid, "G", GROUP_TYPE_PUBLIC, null),
                Collections.singletonList(new GroupMember(uid("bob"), SCOPE_PARTICIPANT)), null, a));
        long p1 = send(alice, guid, RECEIVER_TYPE_GROUP, "plan", 0).getId();
        long p2 = send(alice, guid, RECEIVER_TYPE_GROUP, "budget", 0).getId();
        long p3 = send(alice, uid("bob"), RECEIVER_TYPE_USER, "lunch?", 0).getId();
        TextMessage reply = send(bob, guid, RECEIVER_TYPE_GROUP, "on it", p1);
        assertEquals(p1, reply.getParentMessageId());

        // bob follows p1 (he replied) and p2 (he subscribes), not p3
        assertNotNull(Fixture.<String>call(a -> bob.subscribeToThread(p2, a)));
        List<MessageThread> followed = Fixture.<List<MessageThread>>call(
                threads(bob).setParticipatedByMe(true).build()::fetchPrevious);
        assertEquals(List.of(p1, p2), parents(followed));
        MessageThread t1 = followed.get(0);
        assertEquals(1, t1.getReplyCount());
        assertEquals(reply.getId(), t1.getLastReply().getId());
        assertEquals("plan", ((TextMessage) t1.getParentMessage()).getText());
        assertTrue(t1.isSubscribed());
        assertEquals(RECEIVER_TYPE_GROUP, t1.getReceiverType());
        assertEquals(guid, t1.getReceiverId());
        assertEquals(0, followed.get(1).getReplyCount());
        assertNull(followed.get(1).getLastReply(), "a followed thread with no reply yet");

        Fixture.<String>call(a -> bob.unsubscribeFromThread(p2, a));
        assertEquals(List.of(p1), parents(Fixture.<List<MessageThread>>call(
                threads(bob).setParticipatedByMe(true).build()::fetchPrevious)));
        ParleyException nested = Fixture.<String>failure(a -> bob.subscribeToThread(reply.getId(), a));
        assertEquals("ERR_MESSAGE_THREAD_NESTING", nested.getCode());

        // all threads: the messages with replies; scoped to a user's or a group's conversation
        send(alice, uid("bob"), RECEIVER_TYPE_USER, "12:30", p3);
        assertEquals(List.of(List.of(p3), List.of(p1)), pages(threads(bob).setLimit(1).build(), true),
                "back from the newest parent, each once");
        assertEquals(List.of(List.of(p1), List.of(p3)), pages(threads(bob).setLimit(1).build(), false),
                "forward from the oldest parent, each once");
        assertEquals(List.of(List.of(p3)), pages(threads(bob).setUID(uid("alice")).build(), true));
        assertEquals(List.of(List.of(p1)), pages(threads(bob).setGUID(guid).build(), true));

        // alice has not read bob's reply in the group
        List<MessageThread> hers = Fixture.<List<MessageThread>>call(threads(alice).setGUID(guid).build()::fetchPrevious);
        assertEquals(1, hers.get(0).getUnreadReplyCount());
    }

    @Test
    void unreadMessagesArePagedFromTheReadWatermarkBothWays() throws Exception {
        ParleyClient alice = offline("alice");
        ParleyClient bob = offline("bob");
        List<TextMessage> sent = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            sent.add(send(bob, uid("alice"), RECEIVER_TYPE_USER, "m" + i, 0));
        }
        Fixture.<Void>call(a -> alice.markAsRead(sent.get(1), a));
        long m3 = sent.get(2).getId();
        long m4 = sent.get(3).getId();
        long m5 = sent.get(4).getId();

        MessagesRequest fwd = new MessagesRequest.MessagesRequestBuilder().setClient(alice).setUID(uid("bob"))
                .setUnread(true).setLimit(2).build();
        assertEquals(List.of(m3, m4), ids(Fixture.<List<BaseMessage>>call(fwd::fetchNext)));
        assertEquals(List.of(m5), ids(Fixture.<List<BaseMessage>>call(fwd::fetchNext)));
        assertEquals(List.of(), ids(Fixture.<List<BaseMessage>>call(fwd::fetchNext)));

        MessagesRequest back = new MessagesRequest.MessagesRequestBuilder().setClient(alice).setUID(uid("bob"))
                .setUnread(true).setLimit(2).build();
        assertEquals(List.of(m4, m5), ids(Fixture.<List<BaseMessage>>call(back::fetchPrevious)));
        assertEquals(List.of(m3), ids(Fixture.<List<BaseMessage>>call(back::fetchPrevious)), "stops at the watermark");
        assertEquals(List.of(), ids(Fixture.<List<BaseMessage>>call(back::fetchPrevious)));

        ParleyException noConv = Fixture.<List<BaseMessage>>failure(new MessagesRequest.MessagesRequestBuilder()
                .setClient(alice).setUnread(true).build()::fetchNext);
        assertEquals(ParleyException.ERR_INVALID_ARGUMENT, noConv.getCode());
    }

    @Test
    void onlineGroupMemberCountCountsConnectedMembersOnly() throws Exception {
        ParleyClient alice = connected("alice", null);
        ParleyClient bob = offline("bob");
        connected("carol", null);
        String guid = uid("g");
        Fixture.<HashMap<String, Object>>call(a -> alice.createGroupWithMembers(new Group(guid, "G", GROUP_TYPE_PUBLIC, null),
                Collections.singletonList(new GroupMember(uid("bob"), SCOPE_PARTICIPANT)), null, a));
        assertEquals(Integer.valueOf(1), Fixture.<HashMap<String, Integer>>call(
                a -> alice.getOnlineGroupMemberCount(List.of(guid), a)).get(guid), "alice online; bob not; carol no member");

        Fixture.<String>call(bob::connect);
        Await.until(() -> {
            try {
                return Integer.valueOf(2).equals(Fixture.<HashMap<String, Integer>>call(
                        a -> alice.getOnlineGroupMemberCount(List.of(guid), a)).get(guid));
            } catch (Exception e) {
                return false;
            }
        }, () -> "bob connected but the group does not count him online");
        ParleyException unknown = Fixture.<HashMap<String, Integer>>failure(
                a -> alice.getOnlineGroupMemberCount(List.of(uid("nope")), a));
        assertEquals("ERR_GUID_NOT_FOUND", unknown.getCode());
    }
}
