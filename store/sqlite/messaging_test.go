package sqlite

import (
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/store/storetest"
)

// messagingTables are the app-scoped tables of migration 0003.
var messagingTables = []string{"message_tags", "mentions", "reactions", "interactions", "conversations",
	"conversation_states", "receipt_marks"}

// fillMessaging writes one of each messaging record into an app with users
// ann and bob, and returns the app's id.
func fillMessaging(t *testing.T, s *Store) string {
	t.Helper()
	ctx := t.Context()
	a := storetest.MustCreateApp(t, s)
	for _, uid := range []string{"ann", "bob"} {
		storetest.MustCreateUser(t, s, a.ID, uid)
	}
	ms := []*parley.Message{
		{ConversationID: "ann_user_bob", Sender: "ann", Receiver: "bob", ReceiverType: parley.ReceiverUser,
			Category: parley.CategoryMessage, Type: parley.TypeText, Tags: []string{"t"},
			Data: parley.MessageData{Text: "searchable words", Mentions: map[string]*parley.User{"bob": {UID: "bob"}}}},
		{ConversationID: "ann_user_bob", Sender: "bob", Receiver: "ann", ReceiverType: parley.ReceiverUser,
			Category: parley.CategoryMessage, Type: parley.TypeText, Data: parley.MessageData{Text: "more words"}},
	}
	err := s.InTx(ctx, func(tx parley.Tx) error {
		if err := tx.AppendMessages(ctx, a.ID, ms...); err != nil {
			return err
		}
		for _, m := range ms {
			if err := tx.TouchConversation(ctx, a.ID, false, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		s.AddReaction(ctx, a.ID, &parley.Reaction{MessageID: 1, UID: "bob", Reaction: "👍", ReactedAt: 1}),
		s.AddInteraction(ctx, a.ID, 1, parley.Interaction{UID: "bob", ElementID: "e", InteractedAt: 1}),
		s.MarkReceipt(ctx, a.ID, "ann", "ann_user_bob", parley.ReceiptRead, 2, 1),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return a.ID
}

// countRows counts the rows of table in app.
func countRows(t *testing.T, s *Store, table, appID string) int {
	t.Helper()
	var n int
	if err := s.rdb.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM `+table+` WHERE app_id = ?`, appID).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// searchRows counts the rows of the full-text index, and checks it.
func searchRows(t *testing.T, s *Store) int {
	t.Helper()
	if _, err := s.wdb.ExecContext(t.Context(), `INSERT INTO message_search (message_search) VALUES ('integrity-check')`); err != nil {
		t.Errorf("full-text index integrity: %v", err)
	}
	var n int
	if err := s.rdb.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM message_search`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeleteAppRemovesMessaging(t *testing.T) {
	t.Parallel()
	s := newStore(t).(*Store)
	a, b := fillMessaging(t, s), fillMessaging(t, s)
	for _, table := range messagingTables {
		if countRows(t, s, table, a) == 0 {
			t.Fatalf("%s: nothing written", table)
		}
	}
	if n := searchRows(t, s); n != 4 {
		t.Fatalf("search rows = %d, want 4", n)
	}
	if err := s.DeleteApp(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	for _, table := range append(messagingTables, "messages") {
		if n := countRows(t, s, table, a); n != 0 {
			t.Errorf("%s: %d rows of the deleted app", table, n)
		}
		if countRows(t, s, table, b) == 0 {
			t.Errorf("%s: the other app's rows went too", table)
		}
	}
	if n := searchRows(t, s); n != 2 {
		t.Errorf("search rows = %d, want the other app's 2", n)
	}
}

func TestSearchIndexFollowsEdits(t *testing.T) {
	t.Parallel()
	s := newStore(t).(*Store)
	ctx := t.Context()
	appID := fillMessaging(t, s)
	m, err := s.Message(ctx, appID, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, edit := range []func(){
		func() { m.Data.Text = "edited words" },
		func() { m.ReplyCount++ },                // same data: no search write
		func() { m.Data.Metadata = nil },         // same data again
		func() { m.Data = parley.MessageData{} }, // soft delete: no text
		func() { m.Data.Text = "back again" },
	} {
		edit()
		if err := s.UpdateMessage(ctx, appID, m); err != nil {
			t.Fatal(err)
		}
		searchRows(t, s)
	}
	if n := searchRows(t, s); n != 2 {
		t.Errorf("search rows = %d, want 2", n)
	}
	for _, id := range []int64{1, 2} {
		if err := s.PurgeMessage(ctx, appID, id); err != nil {
			t.Fatal(err)
		}
	}
	if n := searchRows(t, s); n != 0 {
		t.Errorf("search rows after purging all = %d", n)
	}
}
