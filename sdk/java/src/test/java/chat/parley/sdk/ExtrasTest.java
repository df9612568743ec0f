package chat.parley.sdk;

import static chat.parley.sdk.ParleyConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The smaller calls: a group made with members, unread counts, group receipts, who reacted, online count. */
class ExtrasTest extends Fixture {
    @Test
    void groupWithMembersUnreadCountsReceiptsAndReactionPages() throws Exception {
        ParleyClient alice = user("alice", server.settings(server.url, "a").autoEstablishSocketConnection(false), null);
        ParleyClient bob = user("bob", server.settings(server.url, "b").autoEstablishSocketConnection(false), null);
        String guid = uid("g");
        HashMap<String, Object> made = Fixture.<HashMap<String, Object>>call(a -> alice.createGroupWithMembers(
                new Group(guid, "G", GROUP_TYPE_PUBLIC, null),
                Collections.singletonList(new GroupMember(uid("bob"), SCOPE_PARTICIPANT)), null, a));
        assertEquals(guid, ((Group) made.get("group")).getGuid());
        assertEquals("success", ((HashMap<?, ?>) made.get("members")).get(uid("bob")));

        for (int i = 0; i < 2; i++) {
            Fixture.<TextMessage>call(a -> bob.sendMessage(new TextMessage(guid, "in the group", RECEIVER_TYPE_GROUP), a));
        }
        Fixture.<TextMessage>call(a -> bob.sendMessage(new TextMessage(uid("alice"), "to you", RECEIVER_TYPE_USER), a));
        assertEquals(Integer.valueOf(2), Fixture.<HashMap<String, Integer>>call(
                a -> alice.getUnreadMessageCountForGroup(guid, a)).get(guid));
        assertEquals(Integer.valueOf(1), Fixture.<HashMap<String, Integer>>call(
                a -> alice.getUnreadMessageCountForUser(uid("bob"), a)).get(uid("bob")));
        assertEquals(Integer.valueOf(1), Fixture.<HashMap<String, Integer>>call(
                alice::getUnreadMessageCountForAllUsers).get(uid("bob")));
        assertEquals(Integer.valueOf(2), Fixture.<HashMap<String, Integer>>call(
                alice::getUnreadMessageCountForAllGroups).get(guid));

        TextMessage report = Fixture.<TextMessage>call(a -> alice.sendMessage(new TextMessage(guid, "report", RECEIVER_TYPE_GROUP), a));
        Fixture.<Void>call(a -> bob.markAsRead(report, a));
        List<MessageReceipt> receipts = Fixture.<List<MessageReceipt>>call(a -> alice.getMessageReceipts(report.getId(), a));
        List<String> kinds = new ArrayList<>();
        for (MessageReceipt r : receipts) {
            assertEquals(uid("bob"), r.getSender().getUid());
            kinds.add(r.getReceiptType());
        }
        assertEquals(List.of(MessageReceipt.RECEIPT_TYPE_DELIVERED, MessageReceipt.RECEIPT_TYPE_READ), kinds,
                "read implies delivered");

        Fixture.<BaseMessage>call(a -> alice.addReaction(report.getId(), "👍", a));
        Fixture.<BaseMessage>call(a -> bob.addReaction(report.getId(), "👍", a));
        Fixture.<BaseMessage>call(a -> bob.addReaction(report.getId(), "🎉", a));
        ReactionsRequest thumbs = new ReactionsRequest.ReactionsRequestBuilder().setClient(bob)
                .setMessageId(report.getId()).setReaction("👍").setLimit(1).build();
        List<String> who = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            List<Reaction> page = Fixture.<List<Reaction>>call(thumbs::fetchNext);
            if (page.isEmpty()) {
                break;
            }
            assertEquals(1, page.size());
            who.add(page.get(0).getUid());
        }
        assertEquals(List.of(uid("alice"), uid("bob")), who, "each 👍 once, in the order given");
    }

    @Test
    void onlineUserCountCountsAConnectedUser() throws Exception {
        ParleyClient bob = connected("bob", null);
        Await.until(() -> {
            try {
                return Fixture.<Integer>call(bob::getOnlineUserCount) >= 1;
            } catch (Exception e) {
                return false;
            }
        }, () -> "bob is connected but no user counts as online");
    }
}
