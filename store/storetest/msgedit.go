package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestMessageEdits tests finding a message by its client id, updating
// messages, and purging a message or all of a user's.
func TestMessageEdits(t *testing.T, newStore func(t *testing.T) parley.Store) {
	type F = parley.MessageFilter
	setup := func(t *testing.T) (parley.Store, string) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for _, uid := range []string{"ann", "bob", "cid"} {
			MustCreateUser(t, s, a.ID, uid)
		}
		return s, a.ID
	}

	t.Run("MessageByMUID", func(t *testing.T) {
		s, appID := setup(t)
		ctx := t.Context()
		m := userMessage("ann", "bob")
		m.MUID = "c-1"
		mustAppend(t, s, appID, m)
		other := userMessage("bob", "ann")
		other.MUID = "c-1" // another sender may use the same client id
		mustAppend(t, s, appID, other)
		got, err := s.MessageByMUID(ctx, appID, "ann", "c-1")
		must(t, err, "MessageByMUID")
		wantEqual(t, m, got, "message by muid")
		got, err = s.MessageByMUID(ctx, appID, "bob", "c-1")
		must(t, err, "MessageByMUID")
		wantEqual(t, other.ID, got.ID, "bob's message by the same muid")
		for _, tc := range []struct{ sender, muid string }{{"ann", "c-2"}, {"cid", "c-1"}, {"ann", ""}} {
			_, err := s.MessageByMUID(ctx, appID, tc.sender, tc.muid)
			wantErr(t, err, parley.ErrNotFound, "MessageByMUID("+tc.sender+", "+tc.muid+")")
		}
		// A muid is unique per sender; messages without one are many.
		again := userMessage("ann", "cid")
		again.MUID = "c-1"
		wantErr(t, s.AppendMessages(ctx, appID, again), parley.ErrConflict, "AppendMessages of a taken muid")
		mustAppend(t, s, appID, userMessage("ann", "bob"), userMessage("ann", "bob"))
		// A refused append takes no id, even in a transaction that goes on.
		var next *parley.Message
		must(t, s.InTx(ctx, func(tx parley.Tx) error {
			wantErr(t, tx.AppendMessages(ctx, appID, userMessage("ann", "bob"), again), parley.ErrConflict, "AppendMessages of a taken muid")
			next = userMessage("ann", "bob")
			return tx.AppendMessages(ctx, appID, next)
		}), "InTx")
		wantEqual(t, int64(5), next.ID, "id after a refused append")
		wantMessageIDs(t, s, appID, F{}, 1, 2, 3, 4, 5)
		// Another app has its own.
		b := MustCreateApp(t, s)
		_, err = s.MessageByMUID(ctx, b.ID, "ann", "c-1")
		wantErr(t, err, parley.ErrNotFound, "MessageByMUID in another app")
		mustAppend(t, s, b.ID, again)
	})

	t.Run("Update", func(t *testing.T) {
		s, appID := setup(t)
		ctx := t.Context()
		m := fullMessage()
		mustAppend(t, s, appID, m)
		mustAppend(t, s, appID, groupMessage("g1", "bob")) // 2, left alone
		up := *m
		up.MUID, up.ConversationID, up.Sender, up.Receiver, up.Category, up.Type = "other", "c", "x", "y", "custom", "z"
		up.ParentID, up.QuotedID, up.SentAt = 99, 98, 1
		up.Data = parley.MessageData{Text: "changed words", Mentions: map[string]*parley.User{"cid": {UID: "cid"}}}
		up.Tags = []string{"new"}
		up.ReplyCount, up.UpdatedAt, up.EditedAt, up.EditedBy, up.DeletedAt, up.DeletedBy = 9, t0+50, t0+51, "bob", 0, ""
		must(t, s.UpdateMessage(ctx, appID, &up), "UpdateMessage")
		want := *m
		want.Data, want.Tags = up.Data, up.Tags
		want.ReplyCount, want.UpdatedAt, want.EditedAt, want.EditedBy, want.DeletedAt, want.DeletedBy = 9, t0+50, t0+51, "bob", 0, ""
		got, err := s.Message(ctx, appID, m.ID)
		must(t, err, "Message")
		wantEqual(t, &want, got, "updated message (identity, thread links and sentAt kept)")
		// The search text, tags and mentions follow.
		wantMessageIDs(t, s, appID, F{SearchKey: "look"})
		wantMessageIDs(t, s, appID, F{SearchKey: "changed"}, 1)
		wantMessageIDs(t, s, appID, F{Tags: []string{"alpha"}})
		wantMessageIDs(t, s, appID, F{Tags: []string{"new"}}, 1)
		wantMessageIDs(t, s, appID, F{MentionedUIDs: []string{"bob"}})
		wantMessageIDs(t, s, appID, F{MentionedUIDs: []string{"cid"}}, 1)
		// Writing the same data again (a reply count) keeps them.
		got.ReplyCount = 10
		must(t, s.UpdateMessage(ctx, appID, got), "UpdateMessage of the reply count")
		wantMessageIDs(t, s, appID, F{SearchKey: "changed", Tags: []string{"new"}, MentionedUIDs: []string{"cid"}}, 1)
		// A soft delete clears them.
		got.Data, got.Tags, got.DeletedAt, got.DeletedBy = parley.MessageData{}, nil, t0+60, "ann"
		must(t, s.UpdateMessage(ctx, appID, got), "UpdateMessage (delete)")
		wantMessageIDs(t, s, appID, F{SearchKey: "changed"})
		wantMessageIDs(t, s, appID, F{WithTags: true})
		wantMessageIDs(t, s, appID, F{HasMentions: true})
		wantMessageIDs(t, s, appID, F{OnlyDeleted: true}, 1)

		missing := groupMessage("g1", "ann")
		missing.ID = 3
		wantErr(t, s.UpdateMessage(ctx, appID, missing), parley.ErrNotFound, "UpdateMessage of a missing message")
		b := MustCreateApp(t, s)
		wantErr(t, s.UpdateMessage(ctx, b.ID, got), parley.ErrNotFound, "UpdateMessage in another app")
	})

	t.Run("PurgeCascades", func(t *testing.T) {
		s, appID := setup(t)
		ctx := t.Context()
		m := fullMessage() // tags, mentions, text
		mustAppend(t, s, appID, m)
		keep := fullMessage()
		keep.MUID = "muid-2"
		mustAppend(t, s, appID, keep)
		for _, id := range []int64{m.ID, keep.ID} {
			must(t, s.AddReaction(ctx, appID, &parley.Reaction{MessageID: id, UID: "bob", Reaction: "👍", ReactedAt: t0}), "AddReaction")
			must(t, s.AddInteraction(ctx, appID, id, parley.Interaction{UID: "bob", ElementID: "a", InteractedAt: t0}), "AddInteraction")
		}
		must(t, s.PurgeMessage(ctx, appID, m.ID), "PurgeMessage")
		_, err := s.Message(ctx, appID, m.ID)
		wantErr(t, err, parley.ErrNotFound, "Message after PurgeMessage")
		wantErr(t, s.PurgeMessage(ctx, appID, m.ID), parley.ErrNotFound, "second PurgeMessage")
		for _, f := range []F{{SearchKey: "look"}, {Tags: []string{"alpha"}}, {HasMentions: true}, {HasReactions: true}, {}} {
			wantMessageIDs(t, s, appID, f, keep.ID)
		}
		counts, err := s.ReactionCounts(ctx, appID, "bob", []int64{m.ID, keep.ID})
		must(t, err, "ReactionCounts")
		wantEqual(t, map[int64][]parley.ReactionCount{keep.ID: {{Reaction: "👍", Count: 1, ReactedByMe: true}}}, counts, "reaction counts")
		ins, err := s.Interactions(ctx, appID, m.ID)
		must(t, err, "Interactions")
		wantEqual(t, 0, len(ins), "interactions of the purged message")
		// Its muid is free again.
		mustAppend(t, s, appID, fullMessage())
		b := MustCreateApp(t, s)
		wantErr(t, s.PurgeMessage(ctx, b.ID, keep.ID), parley.ErrNotFound, "PurgeMessage in another app")
	})

	t.Run("PurgeUserMessages", func(t *testing.T) { testPurgeUserMessages(t, newStore) })
}

// testPurgeUserMessages tests that purging a user's messages takes every
// message they sent, their one-to-one conversations whole, their states
// and receipt marks, and leaves everyone else's.
func testPurgeUserMessages(t *testing.T, newStore func(t *testing.T) parley.Store) {
	type F = parley.MessageFilter
	type CF = parley.ConversationFilter
	s := newStore(t)
	ctx := t.Context()
	a := MustCreateApp(t, s)
	for _, uid := range []string{"ann", "bob", "cid"} {
		MustCreateUser(t, s, a.ID, uid)
	}
	mustCreateGroup(t, s, a.ID, "g", parley.GroupPublic)
	for _, uid := range []string{"ann", "bob", "cid"} {
		mustAddMember(t, s, a.ID, "g", uid, parley.ScopeParticipant, 1)
	}
	send(t, s, a.ID, userMessage("ann", "bob")) // 1
	send(t, s, a.ID, userMessage("bob", "ann")) // 2
	send(t, s, a.ID, userMessage("cid", "bob")) // 3
	send(t, s, a.ID, groupMessage("g", "bob"))  // 4
	send(t, s, a.ID, groupMessage("g", "ann"))  // 5
	send(t, s, a.ID, userMessage("cid", "ann")) // 6
	send(t, s, a.ID, groupMessage("g", "bob"))  // 7
	must(t, s.MarkReceipt(ctx, a.ID, "ann", "group_g", parley.ReceiptRead, 7, t0), "MarkReceipt")
	must(t, s.MarkReceipt(ctx, a.ID, "bob", "bob_user_cid", parley.ReceiptRead, 3, t0), "MarkReceipt")
	must(t, s.MarkReceipt(ctx, a.ID, "bob", "group_g", parley.ReceiptDelivered, 5, t0), "MarkReceipt")
	must(t, s.SetConversationTags(ctx, a.ID, "bob", "group_g", []string{"t"}), "SetConversationTags")
	b := MustCreateApp(t, s)
	MustCreateUser(t, s, b.ID, "bob")
	send(t, s, b.ID, userMessage("bob", "ann"))

	must(t, s.PurgeUserMessages(ctx, a.ID, "bob"), "PurgeUserMessages")
	// Gone: what bob sent (2, 4, 7) and his one-to-one conversations whole
	// (1 and 3 with them).
	wantMessageIDs(t, s, a.ID, F{}, 5, 6)
	wantConversationIDs(t, s, a.ID, CF{Viewer: "ann"}, "ann_user_cid", "group_g")
	wantConversationIDs(t, s, a.ID, CF{Viewer: "cid"}, "ann_user_cid", "group_g")
	for _, id := range []string{"ann_user_bob", "bob_user_cid"} {
		_, err := s.Conversation(ctx, a.ID, "ann", id)
		wantErr(t, err, parley.ErrNotFound, "Conversation "+id)
		wantMarks(t, s, a.ID, id, 0)
	}
	// bob's state in the group went (his tags, his watermarks, his marks);
	// ann's stayed. The group's latest message moved back to the newest left.
	c := mustConversation(t, s, a.ID, "bob", "group_g")
	wantEqual(t, [4]any{int64(5), int64(0), int64(0), []string(nil)},
		[4]any{c.LatestMessageID, c.LastReadMessageID, c.DeliveredID, c.Tags}, "bob's group conversation")
	wantEqual(t, int64(7), mustConversation(t, s, a.ID, "ann", "group_g").LastReadMessageID, "ann's read id")
	wantMarks(t, s, a.ID, "group_g", 0, parley.ReceiptMark{UID: "ann", Kind: parley.ReceiptRead, UpToID: 7, At: t0})
	// A new conversation starts afresh.
	send(t, s, a.ID, userMessage("ann", "bob"))
	wantEqual(t, int64(0), mustConversation(t, s, a.ID, "bob", "ann_user_bob").LastReadMessageID, "bob's read id")
	// The other app keeps its own.
	wantMessageIDs(t, s, b.ID, F{}, 1)
	must(t, s.PurgeUserMessages(ctx, a.ID, "nobody"), "PurgeUserMessages of a user with nothing")
}
