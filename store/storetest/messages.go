package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/parleychat/parley"
)

// groupMessage returns a text message from sender to the group guid.
func groupMessage(guid, sender string) *parley.Message {
	return &parley.Message{ConversationID: parley.GroupConversationID(guid), Sender: sender, Receiver: guid,
		ReceiverType: parley.ReceiverGroup, Category: parley.CategoryMessage, Type: parley.TypeText,
		Data: parley.MessageData{Text: "hello " + guid}, SentAt: t0}
}

// userMessage returns a text message from sender to receiver.
func userMessage(sender, receiver string) *parley.Message {
	return &parley.Message{ConversationID: parley.UserConversationID(sender, receiver), Sender: sender,
		Receiver: receiver, ReceiverType: parley.ReceiverUser, Category: parley.CategoryMessage,
		Type: parley.TypeText, Data: parley.MessageData{Text: "hi " + receiver}, SentAt: t0}
}

// fullMessage returns a message with every stored field set.
func fullMessage() *parley.Message {
	return &parley.Message{
		MUID: "muid-1", ConversationID: "group_g1", Sender: "ann", Receiver: "g1",
		ReceiverType: parley.ReceiverGroup, Category: parley.CategoryMessage, Type: parley.TypeImage,
		Data: parley.MessageData{
			Text:     "look",
			Action:   parley.ActionEdited,
			Metadata: map[string]any{"k": "v", "n": 1.5, "list": []any{"a", true}},
			Attachments: []parley.Attachment{{URL: "https://example.com/a.png", Name: "a.png",
				MimeType: "image/png", Extension: "png", Size: 1234}},
			CustomData:             map[string]any{"x": map[string]any{"y": 2.0}},
			InteractiveData:        map[string]any{"form": "f1"},
			InteractionGoal:        &parley.InteractionGoal{Type: "anyOf", ElementIDs: []string{"a", "b"}},
			Interactions:           []parley.Interaction{{ElementID: "a", InteractedAt: t0 + 4}},
			AllowSenderInteraction: true,
			Entities: map[string]parley.Entity{
				"by": {Entity: map[string]any{"uid": "ann", "name": "Ann"}, EntityType: "user"},
			},
			Extras: map[string]any{"e": true},
			Mentions: map[string]*parley.User{"bob": {UID: "bob", Name: "Bob", Role: parley.DefaultRole,
				Status: parley.StatusOffline, CreatedAt: t0}},
			Reactions: []parley.ReactionCount{{Reaction: "👍", Count: 2}},
		},
		Tags:     []string{"zeta", "alpha"},
		ParentID: 7, ReplyCount: 3, QuotedID: 5,
		SentAt: t0, UpdatedAt: t0 + 1, EditedAt: t0 + 2, EditedBy: "ann", DeletedAt: t0 + 3, DeletedBy: "bob",
	}
}

// mustAppend appends ms to the app's log; it fails the test on error.
func mustAppend(t testing.TB, s parley.Tx, appID string, ms ...*parley.Message) {
	t.Helper()
	if err := s.AppendMessages(t.Context(), appID, ms...); err != nil {
		t.Fatalf("AppendMessages(%q, %d messages): %v", appID, len(ms), err)
	}
}

// idsOf returns the ids of ms, in order.
func idsOf(ms []*parley.Message) []int64 {
	out := make([]int64, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

// wantMessageIDs fails the test unless Messages with f lists exactly the
// messages with ids want, in order.
func wantMessageIDs(t testing.TB, s parley.Tx, appID string, f parley.MessageFilter, want ...int64) {
	t.Helper()
	ms, err := s.Messages(t.Context(), appID, f)
	if err != nil {
		t.Fatalf("Messages(%q, %+v): %v", appID, f, err)
	}
	if want == nil {
		want = []int64{}
	}
	wantEqual(t, want, idsOf(ms), fmt.Sprintf("message ids for %+v", f))
}

// TestMessages tests the message log: dense ids, reads, cursors, filters
// and the visibility of group messages by membership intervals.
func TestMessages(t *testing.T, newStore func(t *testing.T) parley.Store) {
	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		in := fullMessage()
		mustAppend(t, s, a.ID, in)
		wantEqual(t, int64(1), in.ID, "id given")
		want := fullMessage()
		want.ID = 1
		got, err := s.Message(t.Context(), a.ID, 1)
		must(t, err, "Message")
		wantEqual(t, want, got, "message")
		ms, err := s.Messages(t.Context(), a.ID, parley.MessageFilter{})
		must(t, err, "Messages")
		wantEqual(t, []*parley.Message{want}, ms, "listed messages")
	})

	t.Run("RoundTripMinimal", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		want := &parley.Message{ConversationID: "c", Sender: "a", Receiver: "b", ReceiverType: parley.ReceiverUser,
			Category: parley.CategoryCustom, Type: "poll"}
		mustAppend(t, s, a.ID, want)
		got, err := s.Message(t.Context(), a.ID, want.ID)
		must(t, err, "Message")
		wantEqual(t, want, got, "message with zero fields and nil data, tags")
	})

	t.Run("NotStoredFields", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		m := userMessage("ann", "bob")
		m.QuotedMessage, m.DeliveredAt, m.ReadAt = userMessage("bob", "ann"), t0, t0
		mustAppend(t, s, a.ID, m)
		got, err := s.Message(t.Context(), a.ID, m.ID)
		must(t, err, "Message")
		if got.QuotedMessage != nil || got.DeliveredAt != 0 || got.ReadAt != 0 {
			t.Errorf("Message returned %+v; quoted message and receipts are not stored with it", got)
		}
	})

	t.Run("DenseIDs", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		first := []*parley.Message{groupMessage("g", "ann"), userMessage("ann", "bob"), groupMessage("h", "bob")}
		second := []*parley.Message{userMessage("bob", "ann"), groupMessage("g", "cid")}
		mustAppend(t, s, a.ID, first...)
		mustAppend(t, s, a.ID, second...)
		wantEqual(t, []int64{1, 2, 3, 4, 5}, idsOf(append(first, second...)), "ids given")
		wantMessageIDs(t, s, a.ID, parley.MessageFilter{}, 1, 2, 3, 4, 5)
		for i, m := range append(first, second...) {
			got, err := s.Message(t.Context(), a.ID, int64(i+1))
			must(t, err, "Message")
			wantEqual(t, m, got, fmt.Sprintf("message %d", i+1))
		}
		// Appending nothing takes no id.
		must(t, s.AppendMessages(t.Context(), a.ID), "AppendMessages of nothing")
		m := groupMessage("g", "ann")
		mustAppend(t, s, a.ID, m)
		wantEqual(t, int64(6), m.ID, "id after appending nothing")
	})

	t.Run("LargeBatch", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		ms := make([]*parley.Message, 1234)
		for i := range ms {
			ms[i] = groupMessage("g", "ann")
		}
		mustAppend(t, s, a.ID, ms...)
		got, err := s.Messages(t.Context(), a.ID, parley.MessageFilter{})
		must(t, err, "Messages")
		for i, m := range got {
			if m.ID != int64(i+1) || ms[i].ID != int64(i+1) {
				t.Fatalf("message %d: stored id %d, given id %d", i+1, m.ID, ms[i].ID)
			}
		}
		wantEqual(t, len(ms), len(got), "messages stored")
	})

	t.Run("NotFound", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for _, id := range []int64{0, 1, -1} {
			_, err := s.Message(t.Context(), a.ID, id)
			wantErr(t, err, parley.ErrNotFound, fmt.Sprintf("Message(%d) in an empty app", id))
		}
		m := groupMessage("g", "ann")
		wantErr(t, s.AppendMessages(t.Context(), "app-none", m), parley.ErrNotFound, "AppendMessages to a missing app")
		wantEqual(t, int64(0), m.ID, "id of a message not stored")
		wantMessageIDs(t, s, "app-none", parley.MessageFilter{})
	})

	t.Run("Cursors", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		// 1–12 in group c, but 4 and 8 in group d.
		for i := int64(1); i <= 12; i++ {
			guid := "c"
			if i == 4 || i == 8 {
				guid = "d"
			}
			mustAppend(t, s, a.ID, groupMessage(guid, "ann"))
		}
		type F = parley.MessageFilter
		for _, tc := range []struct {
			f    F
			want []int64
		}{
			{F{}, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
			{F{Limit: 3}, []int64{10, 11, 12}},
			{F{Limit: 3, FromStart: true}, []int64{1, 2, 3}},
			{F{ConversationID: "group_c", Limit: 2, FromStart: true}, []int64{1, 2}},
			{F{AfterID: 12}, nil},
			{F{AfterID: 12, Limit: 5}, nil},
			{F{AfterID: 99}, nil},
			{F{BeforeID: 1}, nil},
			{F{BeforeID: 1, Limit: 5}, nil},
			{F{AfterID: 2, Limit: 3}, []int64{3, 4, 5}},
			{F{AfterID: 10, Limit: 5}, []int64{11, 12}},
			{F{AfterID: 11}, []int64{12}},
			{F{BeforeID: 8, Limit: 3}, []int64{5, 6, 7}},
			{F{BeforeID: 3, Limit: 5}, []int64{1, 2}},
			{F{BeforeID: 2}, []int64{1}},
			{F{BeforeID: 99, Limit: 2}, []int64{11, 12}},
			{F{AfterID: 2, BeforeID: 6}, []int64{3, 4, 5}},
			{F{ConversationID: "group_c", Limit: 4}, []int64{9, 10, 11, 12}},
			{F{ConversationID: "group_c", AfterID: 3, Limit: 2}, []int64{5, 6}},
			{F{ConversationID: "group_c", BeforeID: 9, Limit: 2}, []int64{6, 7}},
			{F{ConversationID: "group_d"}, []int64{4, 8}},
			{F{ConversationID: "group_d", AfterID: 8}, nil},
			{F{ConversationID: "group_none"}, nil},
		} {
			wantMessageIDs(t, s, a.ID, tc.f, tc.want...)
		}
	})

	t.Run("Filters", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		mk := func(category, typ string, parent int64) *parley.Message {
			m := groupMessage("g", "ann")
			m.Category, m.Type, m.ParentID = category, typ, parent
			return m
		}
		mustAppend(t, s, a.ID,
			mk(parley.CategoryMessage, parley.TypeText, 0),       // 1
			mk(parley.CategoryMessage, parley.TypeText, 1),       // 2
			mk(parley.CategoryMessage, parley.TypeImage, 0),      // 3
			mk(parley.CategoryCustom, "poll", 1),                 // 4
			mk(parley.CategoryAction, parley.TypeGroupMember, 0), // 5
			mk(parley.CategoryMessage, parley.TypeText, 3),       // 6
			mk(parley.CategoryAction, parley.TypeMessage, 0),     // 7
			mk(parley.CategoryMessage, parley.TypeText, 1),       // 8
		)
		type F = parley.MessageFilter
		for _, tc := range []struct {
			f    F
			want []int64
		}{
			{F{ParentID: 1}, []int64{2, 4, 8}},
			{F{ParentID: 3}, []int64{6}},
			{F{ParentID: 99}, nil},
			{F{ParentID: 1, Limit: 2}, []int64{4, 8}},
			{F{ParentID: 1, AfterID: 2, Limit: 1}, []int64{4}},
			{F{HideReplies: true}, []int64{1, 3, 5, 7}},
			{F{HideReplies: true, Limit: 2}, []int64{5, 7}},
			{F{Categories: []string{parley.CategoryAction}}, []int64{5, 7}},
			{F{Categories: []string{parley.CategoryMessage, parley.CategoryCustom}}, []int64{1, 2, 3, 4, 6, 8}},
			{F{Types: []string{parley.TypeImage, "poll"}}, []int64{3, 4}},
			{F{Types: []string{"none"}}, nil},
			{F{ParentID: 1, Categories: []string{parley.CategoryCustom}}, []int64{4}},
			{F{HideReplies: true, Categories: []string{parley.CategoryAction}, Types: []string{parley.TypeGroupMember}}, []int64{5}},
			{F{ConversationID: "group_g", HideReplies: true, BeforeID: 5}, []int64{1, 3}},
		} {
			wantMessageIDs(t, s, a.ID, tc.f, tc.want...)
		}
	})

	t.Run("Visibility", func(t *testing.T) { testVisibility(t, newStore) })
	t.Run("ActionVisibility", func(t *testing.T) { testActionVisibility(t, newStore) })

	t.Run("AppIsolation", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		a, b := MustCreateApp(t, s), MustCreateApp(t, s)
		for _, app := range []string{a.ID, b.ID} {
			MustCreateUser(t, s, app, "ann")
			mustCreateGroup(t, s, app, "g", parley.GroupPublic)
		}
		mustAddMember(t, s, a.ID, "g", "ann", parley.ScopeAdmin, 1)
		mustAppend(t, s, a.ID, groupMessage("g", "ann"), groupMessage("g", "ann"), groupMessage("g", "ann"))
		inB := []*parley.Message{groupMessage("g", "bea"), userMessage("bea", "ann")}
		mustAppend(t, s, b.ID, inB...)
		wantEqual(t, []int64{1, 2}, idsOf(inB), "ids of app B")

		_, err := s.Message(ctx, b.ID, 3)
		wantErr(t, err, parley.ErrNotFound, "Message of A in B")
		got, err := s.Message(ctx, b.ID, 1)
		must(t, err, "Message")
		wantEqual(t, "bea", got.Sender, "sender of B's message 1")
		wantMessageIDs(t, s, b.ID, parley.MessageFilter{}, 1, 2)
		wantMessageIDs(t, s, b.ID, parley.MessageFilter{ConversationID: "group_g"}, 1)
		// ann's membership in A lets her see nothing of B's group.
		wantMessageIDs(t, s, b.ID, parley.MessageFilter{ConversationID: "group_g", Viewer: "ann"})
		wantMessageIDs(t, s, a.ID, parley.MessageFilter{ConversationID: "group_g", Viewer: "ann"}, 1, 2, 3)
		// Deleting B's group leaves A's messages.
		must(t, s.DeleteGroup(ctx, b.ID, "g"), "DeleteGroup in B")
		wantMessageIDs(t, s, a.ID, parley.MessageFilter{}, 1, 2, 3)
		wantMessageIDs(t, s, b.ID, parley.MessageFilter{}, 2)
		m := groupMessage("g", "ann")
		mustAppend(t, s, a.ID, m)
		wantEqual(t, int64(4), m.ID, "next id of A")
	})

	t.Run("TxRollback", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		mustAppend(t, s, a.ID, groupMessage("g", "ann"), groupMessage("g", "ann"))
		errStop := errors.New("stop")
		err := s.InTx(t.Context(), func(tx parley.Tx) error {
			ms := []*parley.Message{groupMessage("g", "ann"), groupMessage("g", "ann"), groupMessage("g", "ann")}
			mustAppend(t, tx, a.ID, ms...)
			wantEqual(t, []int64{3, 4, 5}, idsOf(ms), "ids in the transaction")
			if _, err := tx.Message(t.Context(), a.ID, 5); err != nil {
				t.Errorf("Message written in the transaction: %v", err)
			}
			wantMessageIDs(t, tx, a.ID, parley.MessageFilter{Limit: 2}, 4, 5)
			return errStop
		})
		wantErr(t, err, errStop, "InTx")
		_, err = s.Message(t.Context(), a.ID, 3)
		wantErr(t, err, parley.ErrNotFound, "Message of a rolled back append")
		wantMessageIDs(t, s, a.ID, parley.MessageFilter{}, 1, 2)
		m := groupMessage("g", "ann")
		mustAppend(t, s, a.ID, m)
		wantEqual(t, int64(3), m.ID, "id after the rollback")
	})

	t.Run("TxDense", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		var ms []*parley.Message
		must(t, s.InTx(t.Context(), func(tx parley.Tx) error {
			for range 3 {
				m := groupMessage("g", "ann")
				if err := tx.AppendMessages(t.Context(), a.ID, m); err != nil {
					return err
				}
				ms = append(ms, m)
			}
			return nil
		}), "InTx")
		wantEqual(t, []int64{1, 2, 3}, idsOf(ms), "ids appended in one transaction")
		wantMessageIDs(t, s, a.ID, parley.MessageFilter{}, 1, 2, 3)
	})
}

// testVisibility tests that a viewer sees a group's messages within their
// memberships of it, current and past, and no other group's.
func testVisibility(t *testing.T, newStore func(t *testing.T) parley.Store) {
	s := newStore(t)
	ctx := t.Context()
	a := MustCreateApp(t, s)
	for _, uid := range []string{"ann", "bob", "cid"} {
		MustCreateUser(t, s, a.ID, uid)
	}
	for _, guid := range []string{"g", "h", "k"} {
		mustCreateGroup(t, s, a.ID, guid, parley.GroupPublic)
	}
	// The log: 1–11 in g, 12–13 in h, 14 in k. bob is in g from 1; ann
	// joins g at 3, leaves at 6, rejoins at 9, and is in h from 1. cid is
	// in no group.
	for i := 1; i <= 11; i++ {
		mustAppend(t, s, a.ID, groupMessage("g", "bob"))
	}
	mustAppend(t, s, a.ID, groupMessage("h", "ann"), groupMessage("h", "ann"), groupMessage("k", "bob"))
	mustAddMember(t, s, a.ID, "g", "bob", parley.ScopeAdmin, 1)
	mustAddMember(t, s, a.ID, "h", "ann", parley.ScopeAdmin, 1)
	mustAddMember(t, s, a.ID, "g", "ann", parley.ScopeParticipant, 3)
	must(t, s.EndMember(ctx, a.ID, "g", "ann", 6, t0), "EndMember")
	mustAddMember(t, s, a.ID, "g", "ann", parley.ScopeParticipant, 9)

	type F = parley.MessageFilter
	g := "group_g"
	for _, tc := range []struct {
		f    F
		want []int64
	}{
		{F{ConversationID: g, Viewer: "ann"}, []int64{3, 4, 5, 6, 9, 10, 11}},
		{F{ConversationID: g, Viewer: "bob"}, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{F{ConversationID: g, Viewer: "cid"}, nil},
		{F{ConversationID: g}, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{F{ConversationID: g, Viewer: "ann", AfterID: 5, Limit: 2}, []int64{6, 9}},
		{F{ConversationID: g, Viewer: "ann", AfterID: 6, Limit: 1}, []int64{9}},
		{F{ConversationID: g, Viewer: "ann", BeforeID: 9, Limit: 2}, []int64{5, 6}},
		{F{ConversationID: g, Viewer: "ann", BeforeID: 3}, nil},
		{F{ConversationID: g, Viewer: "ann", Limit: 4}, []int64{6, 9, 10, 11}},
		{F{ConversationID: g, Viewer: "ann", AfterID: 11}, nil},
		{F{Viewer: "ann"}, []int64{3, 4, 5, 6, 9, 10, 11, 12, 13}},
		{F{Viewer: "bob"}, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{F{Viewer: "cid"}, nil},
		{F{Viewer: "ann", AfterID: 7, Limit: 3}, []int64{9, 10, 11}},
		{F{Viewer: "ann", BeforeID: 12, Limit: 3}, []int64{9, 10, 11}},
	} {
		wantMessageIDs(t, s, a.ID, tc.f, tc.want...)
	}

	// The intervals stay when the group's membership changes again.
	must(t, s.EndMember(ctx, a.ID, "g", "ann", 11, t0), "EndMember")
	wantMessageIDs(t, s, a.ID, F{ConversationID: g, Viewer: "ann"}, 3, 4, 5, 6, 9, 10, 11)
	m := groupMessage("g", "bob")
	mustAppend(t, s, a.ID, m)
	wantMessageIDs(t, s, a.ID, F{ConversationID: g, Viewer: "ann"}, 3, 4, 5, 6, 9, 10, 11)
	wantMessageIDs(t, s, a.ID, F{ConversationID: g, Viewer: "bob", AfterID: 11}, m.ID)
}
