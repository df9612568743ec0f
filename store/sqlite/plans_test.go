package sqlite

import (
	"slices"
	"strings"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/store/storetest"
)

// queryPlan returns the lines of EXPLAIN QUERY PLAN of query.
func queryPlan(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.rdb.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}

// wantPlan fails the test unless the plan of query has each of want (in
// some line) and no line ending with one of refused.
func wantPlan(t *testing.T, s *Store, name, query string, args []any, want []string, refused ...string) {
	t.Helper()
	plan := queryPlan(t, s, query, args...)
	for _, w := range want {
		if !strings.Contains(plan, w) {
			t.Errorf("%s: plan lacks %q:\n%s", name, w, plan)
		}
	}
	for _, line := range strings.Split(plan, "\n") {
		for _, r := range refused {
			if strings.HasSuffix(line, r) {
				t.Errorf("%s: plan has %q:\n%s", name, line, plan)
			}
		}
	}
}

// TestMessagingQueryPlans checks the plans of the queries Messages and the
// conversation reads build: pages of a conversation along
// messages_conversation whatever bounds the range, unread counts as ranges
// of it, a viewer's conversations from the peer and membership indexes.
func TestMessagingQueryPlans(t *testing.T) {
	t.Parallel()
	s := newStore(t).(*Store)
	type F = parley.MessageFilter
	const byConversation = `SEARCH m USING COVERING INDEX messages_conversation (app_id=? AND conversation_id=?`
	for _, tc := range []struct {
		name string
		f    F
		want string
	}{
		{"ConversationLatest", F{ConversationID: "c", Viewer: "u", Limit: 50}, byConversation + ` AND id>?)`},
		{"ConversationBefore", F{ConversationID: "c", Viewer: "u", BeforeID: 9, Limit: 50}, byConversation + ` AND id>? AND id<?)`},
		{"ConversationAfter", F{ConversationID: "c", Viewer: "u", AfterID: 9, Limit: 1}, byConversation + ` AND id>?)`},
		{"ConversationBetween", F{ConversationID: "c", Viewer: "u", AfterID: 3, BeforeID: 9}, byConversation + ` AND id>? AND id<?)`},
		{"GroupLatest", F{ConversationID: parley.GroupConversationID("g"), Viewer: "u", Limit: 50}, byConversation + ` AND id>?)`},
		{"GroupBefore", F{ConversationID: parley.GroupConversationID("g"), Viewer: "u", BeforeID: 9, Limit: 50}, byConversation + ` AND id>? AND id<?)`},
		{"ConversationNoViewer", F{ConversationID: "c", AfterID: 3, BeforeID: 9}, byConversation + ` AND id>? AND id<?)`},
		{"ConversationSearch", F{ConversationID: "c", SearchKey: "hello", Limit: 50}, byConversation + `)`},
		{"Thread", F{ConversationID: "c", ParentID: 7, Viewer: "u"}, `USING INDEX messages_parent (app_id=? AND parent_id=?`},
		{"AllViewer", F{Viewer: "u", Limit: 50}, `USING INDEX sqlite_autoindex_messages_1 (app_id=?)`},
		{"AllSender", F{Sender: "u", BeforeID: 9, Limit: 50}, `USING INDEX sqlite_autoindex_messages_1 (app_id=? AND id<?)`},
		{"AllSearch", F{SearchKey: "hello", Viewer: "u", Limit: 50}, `SCAN s VIRTUAL TABLE INDEX 192:M1`},
		{"AllSearchBefore", F{SearchKey: "hello", Viewer: "u", BeforeID: 9, Limit: 50}, `SCAN s VIRTUAL TABLE INDEX 192:M1<`},
		{"AllSearchAfter", F{SearchKey: "hello", AfterID: 9, Limit: 50}, `SCAN s VIRTUAL TABLE INDEX 64:M1>`},
		{"AllSearchRow", F{SearchKey: "hello", Limit: 50}, `SEARCH m USING INTEGER PRIMARY KEY (rowid=?)`},
		// Threads are read from the app's replies, not its whole log.
		{"Threads", F{HasReplies: true, HideReplies: true, Viewer: "u", Limit: 50}, `SEARCH r USING COVERING INDEX messages_parent (app_id=?)`},
		{"ThreadsOfFromReplies", F{ThreadsOf: "u", HideReplies: true, Viewer: "u", Limit: 50}, `SEARCH r USING COVERING INDEX messages_parent (app_id=?)`},
		{"ThreadsOfSubscribed", F{ThreadsOf: "u", HideReplies: true, Viewer: "u", Limit: 50}, `SEARCH ts USING PRIMARY KEY (app_id=? AND uid=?)`},
		{"ThreadsByID", F{ThreadsOf: "u", Viewer: "u", BeforeID: 9, Limit: 50}, `SEARCH m USING INDEX sqlite_autoindex_messages_1 (app_id=? AND id=?)`},
	} {
		query, args := messagesSQL("a", tc.f)
		wantPlan(t, s, tc.name, query, args, []string{tc.want})
	}

	wantPlan(t, s, "MessageByMUID", messageByMUIDSQL, []any{"a", "u", "m"},
		[]string{`USING INDEX messages_muid (app_id=? AND sender=? AND muid=?)`})

	// A page's reaction counts: one seek of the ids' range first, then
	// one per id.
	wantPlan(t, s, "ReactionCounts", reactionCountsSQL(2), []any{"u", "a", 1, 2, "a", 1, 2},
		[]string{`SEARCH rr EXISTS USING COVERING INDEX reactions_message (app_id=? AND message_id>? AND message_id<?)`,
			`SEARCH reactions USING INDEX reactions_message (app_id=? AND message_id=?)`}, `SCAN reactions`)

	// A page's receipts read the peer's marks of each kind in a range.
	wantPlan(t, s, "UserReceiptMarks", userReceiptMarksSQL, []any{"a", "c", "u", 1, 9},
		[]string{`USING INDEX receipt_marks_user (app_id=? AND conversation_id=? AND uid=? AND kind=? AND upto_id>? AND upto_id<?)`,
			`USING COVERING INDEX receipt_marks_user (app_id=? AND conversation_id=? AND uid=? AND kind=? AND upto_id>?)`},
		`receipt_marks_conversation`, `SCAN receipt_marks`)

	// A group message's receipts: one seek of each member's marks per kind.
	wantPlan(t, s, "MemberReceiptMarks", memberReceiptMarksSQL, []any{"a", "g", "group_g", 5},
		[]string{`COVERING INDEX receipt_marks_user (app_id=? AND conversation_id=? AND uid=? AND kind=? AND upto_id>?)`,
			`SEARCH rm USING INTEGER PRIMARY KEY (rowid=?)`},
		`receipt_marks_conversation`, `SCAN receipt_marks`, `SCAN rm`, `SCAN ms`)

	unread := []string{
		`SEARCH m USING COVERING INDEX messages_conversation (app_id=? AND conversation_id=? AND id>?)`,
		`SEARCH mn EXISTS USING PRIMARY KEY (app_id=? AND message_id=? AND uid=?)`,
	}
	list := append([]string{
		`SEARCH conversations USING INDEX conversations_peer_a (app_id=? AND peer_a=?)`,
		`SEARCH conversations USING INDEX conversations_peer_b (app_id=? AND peer_b=?)`,
		`SEARCH memberships USING COVERING INDEX memberships_uid (app_id=? AND uid=? AND left_id=?)`,
		`SEARCH c USING PRIMARY KEY (app_id=? AND conversation_id=?)`,
		`SEARCH s USING PRIMARY KEY (app_id=? AND uid=? AND conversation_id=?)`,
	}, unread...)
	w := conversationConds(parley.ConversationFilter{Viewer: "u", Unread: true, Tags: []string{"t"}})
	with := viewerConversations(listCandidates, true)
	wantPlan(t, s, "Conversations", with+`SELECT `+conversationColumns+` FROM (SELECT * FROM cv v WHERE `+
		strings.Join(w.sql, " AND ")+` ORDER BY v.last_message_id DESC LIMIT 10) v`,
		append([]any{"a", "u"}, w.args...), list, `SCAN c`, `PRIMARY KEY (app_id=?)`)
	wantPlan(t, s, "Conversation", viewerConversations(oneCandidate, false)+`SELECT `+conversationColumns+` FROM cv v`,
		[]any{"a", "u", "c"}, unread, `SCAN c`, `PRIMARY KEY (app_id=?)`)
}

// TestCallQueryPlans checks that the ring sweep, run every second by each
// node, and the busy checks of a call read an index, not the table.
func TestCallQueryPlans(t *testing.T) {
	t.Parallel()
	s := newStore(t).(*Store)
	wantPlan(t, s, "DueCalls", dueCallsSQL, []any{1, 100}, []string{`SEARCH calls USING COVERING INDEX calls_ringing (ring_until>? AND ring_until<?)`}, `SCAN calls`)
	wantPlan(t, s, "ActiveCall", `SELECT `+callColumns+` FROM calls WHERE `+activeCallWhere, []any{"a", "u"},
		[]string{`USING COVERING INDEX call_participants_active (app_id=? AND uid=?)`, `USING PRIMARY KEY (app_id=? AND session_id=?)`},
		`SCAN calls`)
	wantPlan(t, s, "ActiveGroupCall", `SELECT `+callColumns+` FROM calls WHERE `+activeGroupCallWhere, []any{"a", "g"},
		[]string{`USING INDEX calls_group_active (app_id=? AND receiver=?)`}, `SCAN calls`)
}

// TestSearchSurvivesVacuum checks that VACUUM keeps the rowids of messages,
// by which the full-text index finds them.
func TestSearchSurvivesVacuum(t *testing.T) {
	t.Parallel()
	s := newStore(t).(*Store)
	a := storetest.MustCreateApp(t, s)
	var ms []*parley.Message
	for i := range 50 {
		ms = append(ms, &parley.Message{ConversationID: "c", Sender: "ann", Receiver: "bob", ReceiverType: parley.ReceiverUser,
			Category: parley.CategoryMessage, Type: parley.TypeText, Data: parley.MessageData{Text: "word" + string(rune('a'+i%26))}})
	}
	if err := s.AppendMessages(t.Context(), a.ID, ms...); err != nil {
		t.Fatal(err)
	}
	for id := int64(1); id <= 50; id += 3 { // holes in the rowids
		if err := s.PurgeMessage(t.Context(), a.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	search := func() []int64 {
		got, err := s.Messages(t.Context(), a.ID, parley.MessageFilter{SearchKey: "wordc"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, m := range got {
			ids = append(ids, m.ID)
		}
		return ids
	}
	before := search()
	if _, err := s.wdb.ExecContext(t.Context(), `VACUUM`); err != nil {
		t.Fatal(err)
	}
	if after := search(); len(before) != 2 || !slices.Equal(before, after) {
		t.Errorf("search after VACUUM = %v, before %v", after, before)
	}
	if _, err := s.wdb.ExecContext(t.Context(), `INSERT INTO message_search (message_search) VALUES ('integrity-check')`); err != nil {
		t.Errorf("full-text index integrity: %v", err)
	}
}
