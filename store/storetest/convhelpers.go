package storetest

import (
	"fmt"
	"testing"

	"github.com/parleychat/parley"
)

// send appends m and touches its conversation in one transaction, as the
// chat service sends a message (but for the sender's read receipt), and
// returns m's id.
func send(t testing.TB, s parley.Store, appID string, m *parley.Message) int64 {
	t.Helper()
	must(t, appendAndTouch(t, s, appID, false, m), fmt.Sprintf("send %s → %s", m.Sender, m.Receiver))
	return m.ID
}

// appendAndTouch appends ms and touches their conversations (logRead as
// TouchConversation takes it) in one transaction.
func appendAndTouch(t testing.TB, s parley.Store, appID string, logRead bool, ms ...*parley.Message) error {
	return s.InTx(t.Context(), func(tx parley.Tx) error {
		if err := tx.AppendMessages(t.Context(), appID, ms...); err != nil {
			return err
		}
		return tx.TouchConversation(t.Context(), appID, logRead, ms...)
	})
}

// actionMessage returns a group action message (a membership change) by sender.
func actionMessage(guid, sender, action string) *parley.Message {
	m := groupMessage(guid, sender)
	m.Category, m.Type, m.Data = parley.CategoryAction, parley.TypeGroupMember, parley.MessageData{Action: action}
	return m
}

// mustConversation returns viewer's view of a conversation.
func mustConversation(t testing.TB, s parley.Tx, appID, viewer, id string) *parley.Conversation {
	t.Helper()
	c, err := s.Conversation(t.Context(), appID, viewer, id)
	if err != nil {
		t.Fatalf("Conversation(%q, %q): %v", viewer, id, err)
	}
	return c
}

// wantUnread fails the test unless viewer has count unread messages in the
// conversation, mentions of them of which, as Conversation, Conversations
// and UnreadCounts all count them.
func wantUnread(t testing.TB, s parley.Tx, appID, viewer, id string, count, mentions int) {
	t.Helper()
	c := mustConversation(t, s, appID, viewer, id)
	wantEqual(t, [2]int{count, mentions}, [2]int{c.UnreadMessageCount, c.UnreadMentionsCount},
		fmt.Sprintf("%s's unread and mentions in %s (Conversation)", viewer, id))
	cs, _, err := s.Conversations(t.Context(), appID, parley.ConversationFilter{Viewer: viewer})
	must(t, err, "Conversations")
	for _, lc := range cs {
		if lc.ConversationID == id {
			wantEqual(t, [2]int{count, mentions}, [2]int{lc.UnreadMessageCount, lc.UnreadMentionsCount},
				fmt.Sprintf("%s's unread and mentions in %s (Conversations)", viewer, id))
		}
	}
	ucs, err := s.UnreadCounts(t.Context(), appID, viewer)
	must(t, err, "UnreadCounts")
	got := 0
	for _, uc := range ucs {
		if uc.ConversationID == id {
			if uc.Count == 0 {
				t.Errorf("UnreadCounts lists %s with 0", id)
			}
			got = uc.Count
		}
	}
	wantEqual(t, count, got, fmt.Sprintf("%s's unread in %s (UnreadCounts)", viewer, id))
}

// conversationIDs returns the ids of cs, in order.
func conversationIDs(cs []*parley.Conversation) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.ConversationID)
	}
	return out
}

// listConversations runs Conversations with f and returns the ids listed
// and the total.
func listConversations(t testing.TB, s parley.Tx, appID string, f parley.ConversationFilter) ([]string, int) {
	t.Helper()
	cs, total, err := s.Conversations(t.Context(), appID, f)
	if err != nil {
		t.Fatalf("Conversations(%q, %+v): %v", appID, f, err)
	}
	return conversationIDs(cs), total
}

// wantConversationIDs fails the test unless Conversations with f lists
// exactly want, in order, out of a total of len(want).
func wantConversationIDs(t testing.TB, s parley.Tx, appID string, f parley.ConversationFilter, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	got, total := listConversations(t, s, appID, f)
	wantEqual(t, want, got, fmt.Sprintf("conversations for %+v", f))
	if total != len(want) {
		t.Errorf("conversations total = %d, want %d", total, len(want))
	}
}

// wantMarks fails the test unless the receipt log of a conversation from
// minID on is want.
func wantMarks(t testing.TB, s parley.Tx, appID, conversationID string, minID int64, want ...parley.ReceiptMark) {
	t.Helper()
	got, err := s.ReceiptMarks(t.Context(), appID, conversationID, minID)
	must(t, err, "ReceiptMarks")
	if want == nil {
		want = []parley.ReceiptMark{}
	}
	if got == nil {
		got = []parley.ReceiptMark{}
	}
	wantEqual(t, want, got, fmt.Sprintf("receipt marks of %s from %d", conversationID, minID))
}
