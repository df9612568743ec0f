package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// testTouch tests how TouchConversation creates and moves conversations
// and the sender's watermarks.
func testTouch(t *testing.T, newStore func(t *testing.T) parley.Store) {
	type F = parley.ConversationFilter
	setup := func(t *testing.T) (parley.Store, string) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for _, uid := range []string{"ann", "bob"} {
			MustCreateUser(t, s, a.ID, uid)
		}
		mustCreateGroup(t, s, a.ID, "g", parley.GroupPublic)
		mustAddMember(t, s, a.ID, "g", "ann", parley.ScopeAdmin, 1)
		return s, a.ID
	}
	// view is what TouchConversation decides of one viewer's conversation.
	type view struct {
		Peer                 string
		Latest, Read, Deliv  int64
		Unread               int
		CreatedAt, UpdatedAt int64
	}
	viewOf := func(t *testing.T, s parley.Store, appID, viewer, id string) view {
		t.Helper()
		c := mustConversation(t, s, appID, viewer, id)
		return view{c.Peer, c.LatestMessageID, c.LastReadMessageID, c.DeliveredID, c.UnreadMessageCount, c.CreatedAt, c.UpdatedAt}
	}

	t.Run("OneToOne", func(t *testing.T) {
		s, appID := setup(t)
		m := userMessage("ann", "bob")
		m.SentAt = t0 + 1
		send(t, s, appID, m)
		wantEqual(t, view{"bob", 1, 1, 1, 0, t0 + 1, t0 + 1}, viewOf(t, s, appID, "ann", "ann_user_bob"), "sender's view")
		wantEqual(t, view{"ann", 1, 0, 0, 1, t0 + 1, t0 + 1}, viewOf(t, s, appID, "bob", "ann_user_bob"), "receiver's view")
		wantConversationIDs(t, s, appID, F{Viewer: "bob"}, "ann_user_bob")
		m = userMessage("bob", "ann")
		m.SentAt = t0 + 5
		send(t, s, appID, m)
		wantEqual(t, view{"bob", 2, 1, 1, 1, t0 + 1, t0 + 5}, viewOf(t, s, appID, "ann", "ann_user_bob"), "ann's view")
		wantEqual(t, view{"ann", 2, 2, 2, 0, t0 + 1, t0 + 5}, viewOf(t, s, appID, "bob", "ann_user_bob"), "bob's view")
	})

	t.Run("LatestOnlyGrows", func(t *testing.T) {
		s, appID := setup(t)
		old := userMessage("bob", "ann")
		old.SentAt = t0 + 1
		send(t, s, appID, old)
		m := userMessage("ann", "bob")
		m.SentAt = t0 + 5
		send(t, s, appID, m)
		must(t, s.MarkReceipt(t.Context(), appID, "bob", "ann_user_bob", parley.ReceiptRead, 2, t0+6), "MarkReceipt")
		must(t, s.TouchConversation(t.Context(), appID, false, old), "TouchConversation of an older message")
		wantEqual(t, view{"ann", 2, 2, 2, 0, t0 + 1, t0 + 5}, viewOf(t, s, appID, "bob", "ann_user_bob"), "bob's view")
	})

	t.Run("GroupFromItsFirstMessage", func(t *testing.T) {
		s, appID := setup(t)
		wantConversationIDs(t, s, appID, F{Viewer: "ann"})
		_, err := s.Conversation(t.Context(), appID, "ann", "group_g")
		wantErr(t, err, parley.ErrNotFound, "Conversation of a group with no message")
		m := actionMessage("g", "ann", parley.ActionJoined)
		m.SentAt = t0 + 1
		send(t, s, appID, m)
		wantEqual(t, view{"g", 1, 1, 1, 0, t0 + 1, t0 + 1}, viewOf(t, s, appID, "ann", "group_g"), "ann's view")
		wantConversationIDs(t, s, appID, F{Viewer: "ann"}, "group_g")
		// Members who sent nothing have no state and see the same
		// conversation, all of it unread but the action.
		mustAddMember(t, s, appID, "g", "bob", parley.ScopeParticipant, 2)
		send(t, s, appID, actionMessage("g", "ann", parley.ActionAdded))
		send(t, s, appID, groupMessage("g", "ann"))
		wantEqual(t, view{"g", 3, 0, 0, 1, t0 + 1, t0}, viewOf(t, s, appID, "bob", "group_g"), "bob's view")
	})

	t.Run("SystemSender", func(t *testing.T) {
		s, appID := setup(t)
		send(t, s, appID, userMessage(parley.SystemUID, "bob"))
		id := parley.UserConversationID(parley.SystemUID, "bob")
		wantEqual(t, view{parley.SystemUID, 1, 0, 0, 1, t0, t0}, viewOf(t, s, appID, "bob", id), "bob's view")
		wantEqual(t, view{"bob", 1, 0, 0, 0, t0, t0}, viewOf(t, s, appID, parley.SystemUID, id), "the system has no state")
		send(t, s, appID, groupMessage("g", parley.SystemUID))
		wantEqual(t, view{"g", 2, 0, 0, 1, t0, t0}, viewOf(t, s, appID, "ann", "group_g"), "ann's view of the group")
	})

	t.Run("SelfConversation", func(t *testing.T) {
		s, appID := setup(t)
		send(t, s, appID, userMessage("ann", "ann"))
		wantConversationIDs(t, s, appID, F{Viewer: "ann"}, "ann_user_ann")
		wantEqual(t, view{"ann", 1, 1, 1, 0, t0, t0}, viewOf(t, s, appID, "ann", "ann_user_ann"), "ann's view")
	})

	t.Run("BatchAsEachInTurn", func(t *testing.T) {
		// One touch of many messages leaves every viewer's conversations as
		// touching them one by one does; logRead logs each sender's last
		// message that is not an action, once per conversation.
		batch := func() []*parley.Message {
			ms := []*parley.Message{
				userMessage("ann", "bob"),                      // 1
				groupMessage("g", "ann"),                       // 2
				userMessage("bob", "ann"),                      // 3
				userMessage("ann", "bob"),                      // 4
				groupMessage("g", parley.SystemUID),            // 5
				actionMessage("g", "ann", parley.ActionJoined), // 6: ann's last in g, an action
				userMessage("ann", "ann"),                      // 7
				userMessage(parley.SystemUID, "bob"),           // 8
				groupMessage("g", "bob"),                       // 9
			}
			for i, m := range ms {
				m.SentAt = t0 + int64(i)
			}
			return ms
		}
		one, appOne := setup(t)
		for _, m := range batch() {
			must(t, appendAndTouch(t, one, appOne, true, m), "append and touch one")
		}
		all, appAll := setup(t)
		ms := batch()
		must(t, appendAndTouch(t, all, appAll, true, ms...), "append and touch all")
		for _, vc := range [][2]string{{"ann", "ann_user_bob"}, {"bob", "ann_user_bob"}, {"ann", "group_g"},
			{"ann", "ann_user_ann"}, {"bob", "app_system_user_bob"}} {
			wantEqual(t, viewOf(t, one, appOne, vc[0], vc[1]), viewOf(t, all, appAll, vc[0], vc[1]), vc[0]+"'s view of "+vc[1])
		}
		read := func(uid string, upto, at int64) parley.ReceiptMark {
			return parley.ReceiptMark{UID: uid, Kind: parley.ReceiptRead, UpToID: upto, At: t0 + at}
		}
		wantMarks(t, all, appAll, "ann_user_bob", 0, read("bob", 3, 2), read("ann", 4, 3))
		wantMarks(t, all, appAll, "group_g", 0, read("ann", 2, 1), read("bob", 9, 8))
		wantMarks(t, all, appAll, "ann_user_ann", 0, read("ann", 7, 6))
		wantMarks(t, all, appAll, "app_system_user_bob", 0)
	})

	t.Run("MissingApp", func(t *testing.T) {
		s, _ := setup(t)
		m := userMessage("ann", "bob")
		m.ID = 1
		wantErr(t, s.TouchConversation(t.Context(), "app-none", false, m), parley.ErrNotFound, "TouchConversation in a missing app")
	})
}

// testTagsAndClear tests the viewer's tags on a conversation and clearing
// it.
func testTagsAndClear(t *testing.T, newStore func(t *testing.T) parley.Store) {
	type F = parley.ConversationFilter
	s := newStore(t)
	ctx := t.Context()
	a := MustCreateApp(t, s)
	for _, uid := range []string{"ann", "bob"} {
		MustCreateUser(t, s, a.ID, uid)
	}
	mustCreateGroup(t, s, a.ID, "g", parley.GroupPublic)
	mustAddMember(t, s, a.ID, "g", "ann", parley.ScopeAdmin, 1)
	send(t, s, a.ID, groupMessage("g", "bob"))  // 1
	send(t, s, a.ID, userMessage("bob", "ann")) // 2
	send(t, s, a.ID, userMessage("bob", "ann")) // 3
	send(t, s, a.ID, groupMessage("g", "bob"))  // 4

	// Tags: a state is made for them; they replace each other; nil clears.
	must(t, s.SetConversationTags(ctx, a.ID, "ann", "group_g", []string{"x", "y"}), "SetConversationTags")
	c := mustConversation(t, s, a.ID, "ann", "group_g")
	wantEqual(t, []string{"x", "y"}, c.Tags, "tags")
	wantEqual(t, [2]any{int64(0), 2}, [2]any{c.LastReadMessageID, c.UnreadMessageCount}, "watermark and unread after tagging")
	must(t, s.SetConversationTags(ctx, a.ID, "ann", "group_g", []string{"z"}), "SetConversationTags")
	wantEqual(t, []string{"z"}, mustConversation(t, s, a.ID, "ann", "group_g").Tags, "replaced tags")
	must(t, s.SetConversationTags(ctx, a.ID, "ann", "group_g", nil), "SetConversationTags")
	wantEqual(t, []string(nil), mustConversation(t, s, a.ID, "ann", "group_g").Tags, "cleared tags")
	wantConversationIDs(t, s, a.ID, F{Viewer: "ann", WithTags: true})

	// Clearing a one-to-one conversation hides it until a newer message; it
	// never moves back.
	must(t, s.ClearConversation(ctx, a.ID, "ann", "ann_user_bob", 3), "ClearConversation")
	must(t, s.ClearConversation(ctx, a.ID, "ann", "ann_user_bob", 2), "ClearConversation to an older id")
	wantEqual(t, int64(3), mustConversation(t, s, a.ID, "ann", "ann_user_bob").ClearedID, "cleared id")
	wantUnread(t, s, a.ID, "ann", "ann_user_bob", 0, 0)
	wantConversationIDs(t, s, a.ID, F{Viewer: "ann"}, "group_g")
	wantConversationIDs(t, s, a.ID, F{Viewer: "bob"}, "ann_user_bob")
	send(t, s, a.ID, userMessage("bob", "ann")) // 5
	wantConversationIDs(t, s, a.ID, F{Viewer: "ann"}, "ann_user_bob", "group_g")
	wantUnread(t, s, a.ID, "ann", "ann_user_bob", 1, 0)

	// So does a group's, with nothing unread, until its next message.
	must(t, s.ClearConversation(ctx, a.ID, "ann", "group_g", 4), "ClearConversation")
	wantConversationIDs(t, s, a.ID, F{Viewer: "ann"}, "ann_user_bob")
	wantUnread(t, s, a.ID, "ann", "group_g", 0, 0)
	c = mustConversation(t, s, a.ID, "ann", "group_g")
	wantEqual(t, [2]int64{0, 4}, [2]int64{c.LastReadMessageID, c.ClearedID}, "read and cleared ids")
	send(t, s, a.ID, actionMessage("g", "bob", parley.ActionJoined)) // 6: an action brings it back, unread nothing
	wantConversationIDs(t, s, a.ID, F{Viewer: "ann"}, "group_g", "ann_user_bob")
	wantUnread(t, s, a.ID, "ann", "group_g", 0, 0)
	wantConversationIDs(t, s, a.ID, F{Viewer: "bob"}, "ann_user_bob") // bob is no member: not his
}
