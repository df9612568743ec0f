package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestReceipts tests the delivered and read watermarks, the log of
// receipts, marking unread, and unread counting.
func TestReceipts(t *testing.T, newStore func(t *testing.T) parley.Store) {
	bobMark := func(kind string, upto, at int64) parley.ReceiptMark {
		return parley.ReceiptMark{UID: "bob", Kind: kind, UpToID: upto, At: at}
	}
	// setup returns a store with ann and bob and the messages 1–6 from ann
	// to bob.
	setup := func(t *testing.T) (parley.Store, string) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for _, uid := range []string{"ann", "bob"} {
			MustCreateUser(t, s, a.ID, uid)
		}
		for range 6 {
			send(t, s, a.ID, userMessage("ann", "bob"))
		}
		return s, a.ID
	}
	const conv = "ann_user_bob"
	mark := func(t *testing.T, s parley.Store, appID, kind string, upto, at int64) {
		t.Helper()
		must(t, s.MarkReceipt(t.Context(), appID, "bob", conv, kind, upto, at), "MarkReceipt "+kind)
	}
	watermarks := func(t *testing.T, s parley.Store, appID string) [2]int64 {
		t.Helper()
		c := mustConversation(t, s, appID, "bob", conv)
		return [2]int64{c.LastReadMessageID, c.DeliveredID}
	}

	t.Run("DeliveredOnlyAdvances", func(t *testing.T) {
		s, appID := setup(t)
		mark(t, s, appID, parley.ReceiptDelivered, 3, t0+1)
		mark(t, s, appID, parley.ReceiptDelivered, 2, t0+2)
		mark(t, s, appID, parley.ReceiptDelivered, 3, t0+3)
		wantEqual(t, [2]int64{0, 3}, watermarks(t, s, appID), "read and delivered")
		wantMarks(t, s, appID, conv, 0, bobMark(parley.ReceiptDelivered, 3, t0+1))
		wantUnread(t, s, appID, "bob", conv, 6, 0)
	})

	t.Run("ReadImpliesDelivered", func(t *testing.T) {
		s, appID := setup(t)
		mark(t, s, appID, parley.ReceiptRead, 4, t0+1)
		wantEqual(t, [2]int64{4, 4}, watermarks(t, s, appID), "read and delivered")
		mark(t, s, appID, parley.ReceiptDelivered, 3, t0+2) // behind
		mark(t, s, appID, parley.ReceiptRead, 2, t0+3)      // behind
		mark(t, s, appID, parley.ReceiptDelivered, 5, t0+4)
		wantEqual(t, [2]int64{4, 5}, watermarks(t, s, appID), "read and delivered")
		mark(t, s, appID, parley.ReceiptRead, 5, t0+5) // read moves, delivered is there
		mark(t, s, appID, parley.ReceiptRead, 6, t0+6) // both move: logged as the read
		wantEqual(t, [2]int64{6, 6}, watermarks(t, s, appID), "read and delivered")
		wantMarks(t, s, appID, conv, 0,
			bobMark(parley.ReceiptRead, 4, t0+1), bobMark(parley.ReceiptDelivered, 5, t0+4),
			bobMark(parley.ReceiptRead, 5, t0+5), bobMark(parley.ReceiptRead, 6, t0+6))
		wantUnread(t, s, appID, "bob", conv, 0, 0)
	})

	t.Run("UserMarksDecideARange", func(t *testing.T) {
		s, appID := setup(t)
		for i, m := range []struct {
			kind string
			upto int64
		}{{parley.ReceiptDelivered, 1}, {parley.ReceiptDelivered, 2}, {parley.ReceiptRead, 2},
			{parley.ReceiptDelivered, 4}, {parley.ReceiptRead, 4}, {parley.ReceiptDelivered, 6}, {parley.ReceiptRead, 6}} {
			mark(t, s, appID, m.kind, m.upto, t0+int64(i)+1)
		}
		must(t, s.MarkReceipt(t.Context(), appID, "ann", conv, parley.ReceiptRead, 6, t0+8), "ann's MarkReceipt")
		marks := func(lo, hi int64) []parley.ReceiptMark {
			t.Helper()
			got, err := s.UserReceiptMarks(t.Context(), appID, conv, "bob", lo, hi)
			must(t, err, "UserReceiptMarks")
			if got == nil {
				got = []parley.ReceiptMark{}
			}
			return got
		}
		// Messages 2–3: for each kind, bob's marks from 2 up to the first
		// that reaches 3 (4), oldest first; not 1, not 6, not ann's.
		wantEqual(t, []parley.ReceiptMark{bobMark(parley.ReceiptDelivered, 2, t0+2), bobMark(parley.ReceiptRead, 2, t0+3),
			bobMark(parley.ReceiptDelivered, 4, t0+4), bobMark(parley.ReceiptRead, 4, t0+5)}, marks(2, 3), "bob's marks for 2–3")
		wantEqual(t, []parley.ReceiptMark{bobMark(parley.ReceiptDelivered, 6, t0+6), bobMark(parley.ReceiptRead, 6, t0+7)},
			marks(5, 6), "bob's marks for 5–6")
		wantEqual(t, []parley.ReceiptMark{}, marks(7, 9), "bob's marks past his last")
	})

	t.Run("MemberMarksOfAGroupMessage", func(t *testing.T) {
		s := newStore(t)
		appID := MustCreateApp(t, s).ID
		for _, uid := range []string{"ann", "bob", "cat", "dan", "eve", "fay"} {
			MustCreateUser(t, s, appID, uid)
		}
		mustCreateGroup(t, s, appID, "g", parley.GroupPublic)
		for _, uid := range []string{"ann", "bob", "cat", "eve", "fay"} {
			mustAddMember(t, s, appID, "g", uid, parley.ScopeParticipant, 0)
		}
		var ids []int64
		for range 6 {
			ids = append(ids, send(t, s, appID, groupMessage("g", "ann")))
		}
		m := ids[2] // the message whose receipts are asked for
		// dan joined after it.
		mustAddMember(t, s, appID, "g", "dan", parley.ScopeParticipant, ids[4])
		gmark := func(uid, kind string, upto, at int64) {
			t.Helper()
			must(t, s.MarkReceipt(t.Context(), appID, uid, "group_g", kind, upto, at), "MarkReceipt "+uid)
		}
		gmark("bob", parley.ReceiptDelivered, ids[1], t0+1) // before m: not listed
		gmark("bob", parley.ReceiptDelivered, ids[3], t0+2) // bob's first delivered reaching m
		gmark("bob", parley.ReceiptDelivered, ids[5], t0+3) // later: not listed
		gmark("cat", parley.ReceiptRead, ids[5], t0+4)      // cat's first read (and delivery)
		gmark("bob", parley.ReceiptRead, m, t0+5)
		gmark("dan", parley.ReceiptRead, ids[5], t0+6) // joined after m: not listed
		gmark("eve", parley.ReceiptRead, ids[5], t0+7) // left below: not listed
		must(t, s.EndMember(t.Context(), appID, "g", "eve", ids[5], t0+8), "EndMember eve")
		got, err := s.MemberReceiptMarks(t.Context(), appID, "g", m)
		must(t, err, "MemberReceiptMarks")
		mk := func(uid, kind string, upto, at int64) parley.ReceiptMark {
			return parley.ReceiptMark{UID: uid, Kind: kind, UpToID: upto, At: at}
		}
		wantEqual(t, []parley.ReceiptMark{mk("bob", parley.ReceiptDelivered, ids[3], t0+2),
			mk("cat", parley.ReceiptRead, ids[5], t0+4), mk("bob", parley.ReceiptRead, m, t0+5)}, got,
			"the members' first marks reaching the message, oldest first")
		got, err = s.MemberReceiptMarks(t.Context(), appID, "g", ids[5]+1)
		must(t, err, "MemberReceiptMarks past the last")
		if len(got) != 0 {
			t.Errorf("marks past every mark: %+v", got)
		}
	})

	t.Run("MarkUnread", func(t *testing.T) {
		s, appID := setup(t)
		ctx := t.Context()
		mark(t, s, appID, parley.ReceiptRead, 5, t0+1)
		must(t, s.MarkUnread(ctx, appID, "bob", conv, 3), "MarkUnread")
		wantEqual(t, [2]int64{2, 5}, watermarks(t, s, appID), "read and delivered after marking 3 unread")
		wantUnread(t, s, appID, "bob", conv, 4, 0)
		must(t, s.MarkUnread(ctx, appID, "bob", conv, 6), "MarkUnread of a later id")
		wantEqual(t, [2]int64{2, 5}, watermarks(t, s, appID), "read never moves up by MarkUnread")
		must(t, s.MarkUnread(ctx, appID, "bob", conv, 0), "MarkUnread from 0")
		wantEqual(t, [2]int64{0, 5}, watermarks(t, s, appID), "read and delivered after marking all unread")
		// Reading again moves the watermark but logs nothing: the log tells
		// when each message was first read. Going further is logged.
		mark(t, s, appID, parley.ReceiptRead, 3, t0+2)
		wantEqual(t, [2]int64{3, 5}, watermarks(t, s, appID), "read and delivered after reading again")
		mark(t, s, appID, parley.ReceiptRead, 6, t0+3)
		wantMarks(t, s, appID, conv, 0, bobMark(parley.ReceiptRead, 5, t0+1), bobMark(parley.ReceiptRead, 6, t0+3))
		// With no state yet, marking unread makes one at zero.
		must(t, s.MarkUnread(ctx, appID, "cid", "group_g", 4), "MarkUnread without a state")
	})

	t.Run("LoggedAfterOwnMessage", func(t *testing.T) {
		// bob's reply moves his watermarks unlogged; his receipts after
		// it still tell ann when he received and read hers.
		s, appID := setup(t)
		send(t, s, appID, userMessage("bob", "ann")) // 7
		wantEqual(t, [2]int64{7, 7}, watermarks(t, s, appID), "read and delivered after replying")
		mark(t, s, appID, parley.ReceiptDelivered, 4, t0+1)
		mark(t, s, appID, parley.ReceiptRead, 6, t0+2)
		mark(t, s, appID, parley.ReceiptRead, 5, t0+3) // behind the log
		wantEqual(t, [2]int64{7, 7}, watermarks(t, s, appID), "watermarks never move back")
		wantMarks(t, s, appID, conv, 0, bobMark(parley.ReceiptDelivered, 4, t0+1), bobMark(parley.ReceiptRead, 6, t0+2))
		wantUnread(t, s, appID, "bob", conv, 0, 0)
	})

	t.Run("MarksFromMinIDInOrder", func(t *testing.T) {
		s, appID := setup(t)
		ctx := t.Context()
		mark(t, s, appID, parley.ReceiptDelivered, 2, t0+5)
		mark(t, s, appID, parley.ReceiptRead, 4, t0+5)
		// ann's messages moved her watermarks, not her log.
		must(t, s.MarkReceipt(ctx, appID, "ann", conv, parley.ReceiptRead, 6, t0+5), "ann's own")
		ann := parley.ReceiptMark{UID: "ann", Kind: parley.ReceiptRead, UpToID: 6, At: t0 + 5}
		mark(t, s, appID, parley.ReceiptDelivered, 6, t0+1) // an older clock
		wantMarks(t, s, appID, conv, 4,
			bobMark(parley.ReceiptDelivered, 6, t0+1), bobMark(parley.ReceiptRead, 4, t0+5), ann)
		wantMarks(t, s, appID, conv, 0,
			bobMark(parley.ReceiptDelivered, 6, t0+1), bobMark(parley.ReceiptDelivered, 2, t0+5),
			bobMark(parley.ReceiptRead, 4, t0+5), ann)
		wantMarks(t, s, appID, conv, 7)
		wantMarks(t, s, appID, "group_none", 0)
	})

	t.Run("UnknownKind", func(t *testing.T) {
		s, appID := setup(t)
		if err := s.MarkReceipt(t.Context(), appID, "bob", conv, "seen", 3, t0); err == nil {
			t.Error("MarkReceipt of an unknown kind succeeded")
		}
		wantMarks(t, s, appID, conv, 0)
	})

	t.Run("UnreadArithmetic", func(t *testing.T) { testUnread(t, newStore) })

	t.Run("AppIsolation", func(t *testing.T) {
		s, appA := setup(t)
		b := MustCreateApp(t, s)
		for _, uid := range []string{"ann", "bob"} {
			MustCreateUser(t, s, b.ID, uid)
		}
		send(t, s, b.ID, userMessage("ann", "bob"))
		must(t, s.MarkReceipt(t.Context(), b.ID, "bob", conv, parley.ReceiptRead, 6, t0), "MarkReceipt in B")
		must(t, s.MarkUnread(t.Context(), b.ID, "ann", conv, 1), "MarkUnread in B")
		wantMarks(t, s, appA, conv, 0)
		wantEqual(t, [2]int64{0, 0}, watermarks(t, s, appA), "A's watermarks")
		wantUnread(t, s, appA, "bob", conv, 6, 0)
		wantEqual(t, int64(6), mustConversation(t, s, appA, "ann", conv).LastReadMessageID, "ann's read id in A")
		wantMarks(t, s, b.ID, conv, 0, bobMark(parley.ReceiptRead, 6, t0))
		wantUnread(t, s, b.ID, "bob", conv, 0, 0)
	})
}

// testUnread walks a one-to-one conversation and a group through the
// rules of unread counting: messages after the read and cleared
// watermarks, from someone else, neither actions nor thread replies nor
// deleted, and in a group within the viewer's memberships; mentions the
// same, restricted to those mentioning the viewer.
func testUnread(t *testing.T, newStore func(t *testing.T) parley.Store) {
	s := newStore(t)
	ctx := t.Context()
	a := MustCreateApp(t, s)
	for _, uid := range []string{"ann", "bob", "cid"} {
		MustCreateUser(t, s, a.ID, uid)
	}
	const pair = "ann_user_bob"
	mentioning := func(m *parley.Message, uid string) *parley.Message {
		m.Data.Mentions = map[string]*parley.User{uid: {UID: uid}}
		return m
	}
	send(t, s, a.ID, userMessage("bob", "ann")) // 1: bob's own, read by sending it
	m2 := send(t, s, a.ID, userMessage("ann", "bob"))
	m3 := userMessage("ann", "bob")
	send(t, s, a.ID, m3)
	wantUnread(t, s, a.ID, "bob", pair, 2, 0)
	wantUnread(t, s, a.ID, "ann", pair, 0, 0) // her own last message read the conversation

	reply := userMessage("ann", "bob")
	reply.ParentID = m2
	send(t, s, a.ID, reply) // 4
	edited := userMessage("ann", "bob")
	edited.Category, edited.Type = parley.CategoryAction, parley.TypeMessage
	send(t, s, a.ID, edited)                  // 5
	wantUnread(t, s, a.ID, "bob", pair, 2, 0) // a reply and an action don't count
	m6 := send(t, s, a.ID, mentioning(userMessage("ann", "bob"), "bob"))
	send(t, s, a.ID, mentioning(userMessage("ann", "bob"), "cid")) // 7
	wantUnread(t, s, a.ID, "bob", pair, 4, 1)

	m3.DeletedAt, m3.Data = t0+1, parley.MessageData{}
	must(t, s.UpdateMessage(ctx, a.ID, m3), "UpdateMessage (delete)")
	wantUnread(t, s, a.ID, "bob", pair, 3, 1) // 2, 6, 7
	must(t, s.MarkReceipt(ctx, a.ID, "bob", pair, parley.ReceiptRead, m2, t0), "MarkReceipt")
	wantUnread(t, s, a.ID, "bob", pair, 2, 1)
	must(t, s.MarkReceipt(ctx, a.ID, "bob", pair, parley.ReceiptDelivered, m6, t0), "MarkReceipt delivered")
	wantUnread(t, s, a.ID, "bob", pair, 2, 1) // delivered is not read
	must(t, s.MarkUnread(ctx, a.ID, "bob", pair, m2), "MarkUnread")
	wantUnread(t, s, a.ID, "bob", pair, 3, 1)
	must(t, s.ClearConversation(ctx, a.ID, "bob", pair, m6), "ClearConversation")
	wantUnread(t, s, a.ID, "bob", pair, 1, 0) // 7 mentions cid
	wantUnread(t, s, a.ID, "ann", pair, 0, 0) // bob's clearing is his own

	// A group: ann from its first message; bob added at 10, gone at 13,
	// added again at 15.
	mustCreateGroup(t, s, a.ID, "g", parley.GroupPublic)
	mustAddMember(t, s, a.ID, "g", "ann", parley.ScopeAdmin, 8)
	send(t, s, a.ID, actionMessage("g", "ann", parley.ActionJoined)) // 8
	send(t, s, a.ID, groupMessage("g", "ann"))                       // 9
	mustAddMember(t, s, a.ID, "g", "bob", parley.ScopeParticipant, 10)
	send(t, s, a.ID, actionMessage("g", "ann", parley.ActionAdded))  // 10
	send(t, s, a.ID, mentioning(groupMessage("g", "ann"), "bob"))    // 11
	send(t, s, a.ID, groupMessage("g", "cid"))                       // 12
	wantUnread(t, s, a.ID, "bob", "group_g", 2, 1)                   // not 9, before he joined
	send(t, s, a.ID, actionMessage("g", "ann", parley.ActionKicked)) // 13
	must(t, s.EndMember(ctx, a.ID, "g", "bob", 13, t0), "EndMember")
	send(t, s, a.ID, mentioning(groupMessage("g", "ann"), "bob")) // 14
	_, err := s.Conversation(ctx, a.ID, "bob", "group_g")
	wantErr(t, err, parley.ErrNotFound, "Conversation of a group bob left")
	mustAddMember(t, s, a.ID, "g", "bob", parley.ScopeParticipant, 15)
	send(t, s, a.ID, actionMessage("g", "ann", parley.ActionAdded)) // 15
	send(t, s, a.ID, groupMessage("g", "ann"))                      // 16
	wantUnread(t, s, a.ID, "bob", "group_g", 3, 1)                  // 11, 12, 16: not 14, between memberships
	wantUnread(t, s, a.ID, "ann", "group_g", 0, 0)                  // her 16 read the group for her
	_, err = s.Conversation(ctx, a.ID, "cid", "group_g")
	wantErr(t, err, parley.ErrNotFound, "Conversation of a group cid is not in")
	ucs, err := s.UnreadCounts(ctx, a.ID, "cid")
	must(t, err, "UnreadCounts")
	wantEqual(t, []parley.UnreadCount(nil), ucs, "cid's unread counts")
	must(t, s.MarkReceipt(ctx, a.ID, "bob", "group_g", parley.ReceiptRead, 12, t0), "MarkReceipt")
	wantUnread(t, s, a.ID, "bob", "group_g", 1, 0)

	ucs, err = s.UnreadCounts(ctx, a.ID, "bob")
	must(t, err, "UnreadCounts")
	wantEqual(t, []parley.UnreadCount{{ConversationID: "group_g", Count: 1}, {ConversationID: pair, Count: 1}}, ucs, "bob's unread counts")
	wantConversationIDs(t, s, a.ID, parley.ConversationFilter{Viewer: "bob", Unread: true}, "group_g", pair)
	send(t, s, a.ID, userMessage("bob", "ann")) // bob's own message reads the conversation for him
	wantUnread(t, s, a.ID, "bob", pair, 0, 0)
	wantConversationIDs(t, s, a.ID, parley.ConversationFilter{Viewer: "bob", Unread: true}, "group_g")
}
