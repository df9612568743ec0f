package chat.parley.sdk;

import static chat.parley.sdk.ParleyConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/** The request builders page every item once, messages both ways. */
class PagingTest extends Fixture {
    private static <T> List<List<T>> pages(Consumer<Await<List<T>>> fetch) throws Exception {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            List<T> p = Fixture.<List<T>>call(fetch);
            if (p.isEmpty()) {
                return out;
            }
            out.add(p);
        }
        throw new AssertionError("more than 100 pages");
    }

    private static List<Long> ids(List<BaseMessage> ms) {
        List<Long> out = new ArrayList<>();
        for (BaseMessage m : ms) {
            out.add(m.getId());
        }
        return out;
    }

    /**
     * 23 messages paged 5 at a time: fetchPrevious from the newest and fetchNext from the oldest
     * each return every message once, each page in ascending order; fetchNext from a message id
     * returns exactly those after it.
     */
    @Test
    void messagesRequestPagesEveryMessageOnceBothWays() throws Exception {
        AppSettings.AppSettingsBuilder manual = server.settings(server.url, "d").autoEstablishSocketConnection(false);
        ParleyClient alice = user("alice", manual, null);
        ParleyClient bob = user("bob", server.settings(server.url, "d").autoEstablishSocketConnection(false), null);
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            String text = "m" + i;
            sent.add(Fixture.<TextMessage>call(a -> alice.sendMessage(new TextMessage(uid("bob"), text, RECEIVER_TYPE_USER), a))
                    .getId());
        }

        MessagesRequest back = new MessagesRequest.MessagesRequestBuilder().setClient(bob).setUID(uid("alice"))
                .setLimit(5).build();
        List<List<BaseMessage>> older = pages(back::fetchPrevious);
        assertEquals(5, older.size(), "23 messages in pages of 5");
        List<Long> got = new ArrayList<>();
        for (int i = older.size() - 1; i >= 0; i--) {
            List<Long> page = ids(older.get(i));
            List<Long> sorted = new ArrayList<>(page);
            Collections.sort(sorted);
            assertEquals(sorted, page, "a page is in ascending order");
            got.addAll(page);
        }
        assertEquals(sent, got, "fetchPrevious: every message once");

        MessagesRequest fwd = new MessagesRequest.MessagesRequestBuilder().setClient(bob).setUID(uid("alice"))
                .setLimit(5).build();
        List<Long> forward = new ArrayList<>();
        for (List<BaseMessage> p : pages(fwd::fetchNext)) {
            forward.addAll(ids(p));
        }
        assertEquals(sent, forward, "fetchNext: every message once");

        MessagesRequest after = new MessagesRequest.MessagesRequestBuilder().setClient(alice).setUID(uid("bob"))
                .setMessageId(sent.get(10)).setLimit(100).build();
        List<Long> rest = new ArrayList<>();
        for (List<BaseMessage> p : pages(after::fetchNext)) {
            rest.addAll(ids(p));
        }
        assertEquals(sent.subList(11, 23), rest);
    }

    /** Users, groups and conversations page by number: every item once, then an empty page. */
    @Test
    void entityRequestsPageEveryItemOnce() throws Exception {
        ParleyClient alice = user("alice", server.settings(server.url, "d").autoEstablishSocketConnection(false), null);
        HashSet<String> want = new HashSet<>();
        want.add(uid("alice"));
        for (int i = 0; i < 6; i++) {
            String u = uid("u" + i);
            Fixture.<User>call(a -> alice.createUser(new User(u, "U"), server.authKey, a));
            want.add(u);
        }
        UsersRequest users = new UsersRequest.UsersRequestBuilder().setClient(alice).setSearchKeyword(prefix).setLimit(3)
                .build();
        List<String> seen = new ArrayList<>();
        for (List<User> p : pages(users::fetchNext)) {
            assertTrue(p.size() <= 3);
            for (User u : p) {
                seen.add(u.getUid());
            }
        }
        assertEquals(want.size(), seen.size(), "each user once: " + seen);
        assertEquals(want, new HashSet<>(seen));

        HashSet<String> groups = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            String g = uid("g" + i);
            Fixture.<Group>call(a -> alice.createGroup(new Group(g, "G", GROUP_TYPE_PUBLIC, null), a));
            groups.add(g);
        }
        GroupsRequest gr = new GroupsRequest.GroupsRequestBuilder().setClient(alice).setSearchKeyWord(prefix)
                .joinedOnly(true).setLimit(3).build();
        List<String> gseen = new ArrayList<>();
        for (List<Group> p : pages(gr::fetchNext)) {
            for (Group g : p) {
                gseen.add(g.getGuid());
            }
        }
        assertEquals(4, gseen.size());
        assertEquals(groups, new HashSet<>(gseen));

        for (int i = 0; i < 3; i++) {
            String to = uid("u" + i);
            Fixture.<TextMessage>call(a -> alice.sendMessage(new TextMessage(to, "hi", RECEIVER_TYPE_USER), a));
        }
        ConversationsRequest cr = new ConversationsRequest.ConversationsRequestBuilder().setClient(alice)
                .setConversationType(CONVERSATION_TYPE_USER).setLimit(2).build();
        List<String> cseen = new ArrayList<>();
        for (List<Conversation> p : pages(cr::fetchNext)) {
            for (Conversation c : p) {
                cseen.add(((User) c.getConversationWith()).getUid());
            }
        }
        assertEquals(3, cseen.size(), "three one-to-one conversations, newest first: " + cseen);
        assertEquals(uid("u2"), cseen.get(0));
    }
}
