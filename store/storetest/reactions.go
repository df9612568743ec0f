package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestReactions tests reactions, their lists and counts, and interactions.
func TestReactions(t *testing.T, newStore func(t *testing.T) parley.Store) {
	// setup returns a store with users ann, bob, cid (ann's full) and the
	// messages 1–3.
	setup := func(t *testing.T) (parley.Store, string) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		mustCreateUsers(t, s, a.ID, fullUser("ann"))
		for _, uid := range []string{"bob", "cid"} {
			MustCreateUser(t, s, a.ID, uid)
		}
		mustAppend(t, s, a.ID, groupMessage("g", "ann"), groupMessage("g", "bob"), groupMessage("g", "cid"))
		return s, a.ID
	}
	react := func(t *testing.T, s parley.Tx, appID string, id int64, uid, reaction string, at int64) {
		t.Helper()
		must(t, s.AddReaction(t.Context(), appID, &parley.Reaction{MessageID: id, UID: uid, Reaction: reaction, ReactedAt: at}),
			"AddReaction "+uid+" "+reaction)
	}
	type who struct{ UID, Reaction string }
	// listed lists reactions and checks that ids rise; last is the last id.
	listed := func(t *testing.T, s parley.Tx, appID string, id int64, f parley.ReactionFilter) (got []who, last int64) {
		t.Helper()
		rs, err := s.Reactions(t.Context(), appID, id, f)
		must(t, err, "Reactions")
		got, last = []who{}, f.AfterID
		for _, r := range rs {
			if r.MessageID != id || r.User == nil || r.User.UID != r.UID {
				t.Errorf("reaction %+v: wrong message or user", r)
			}
			if r.ID <= last {
				t.Errorf("reaction %+v: id not above %d", r, last)
			}
			got, last = append(got, who{r.UID, r.Reaction}), r.ID
		}
		return got, last
	}

	t.Run("AddRemove", func(t *testing.T) {
		s, appID := setup(t)
		ctx := t.Context()
		react(t, s, appID, 1, "bob", "👍", t0)
		wantErr(t, s.AddReaction(ctx, appID, &parley.Reaction{MessageID: 1, UID: "bob", Reaction: "👍", ReactedAt: t0 + 1}),
			parley.ErrConflict, "AddReaction twice")
		react(t, s, appID, 1, "bob", "❤️", t0+1) // another emoji
		react(t, s, appID, 2, "bob", "👍", t0+1)  // another message
		wantErr(t, s.AddReaction(ctx, appID, &parley.Reaction{MessageID: 9, UID: "bob", Reaction: "👍"}),
			parley.ErrNotFound, "AddReaction to a missing message")
		wantErr(t, s.AddReaction(ctx, appID, &parley.Reaction{MessageID: 1, UID: "nobody", Reaction: "👍"}),
			parley.ErrNotFound, "AddReaction of a missing user")
		must(t, s.RemoveReaction(ctx, appID, 1, "bob", "👍"), "RemoveReaction")
		wantErr(t, s.RemoveReaction(ctx, appID, 1, "bob", "👍"), parley.ErrNotFound, "RemoveReaction twice")
		wantErr(t, s.RemoveReaction(ctx, appID, 1, "cid", "❤️"), parley.ErrNotFound, "RemoveReaction of another user's")
		got, _ := listed(t, s, appID, 1, parley.ReactionFilter{})
		wantEqual(t, []who{{"bob", "❤️"}}, got, "reactions left")
	})

	t.Run("IDsRiseAndAreNotReused", func(t *testing.T) {
		s, appID := setup(t)
		ctx := t.Context()
		r1 := &parley.Reaction{MessageID: 1, UID: "bob", Reaction: "👍", ReactedAt: t0}
		r2 := &parley.Reaction{MessageID: 2, UID: "bob", Reaction: "👍", ReactedAt: t0}
		must(t, s.AddReaction(ctx, appID, r1), "AddReaction")
		must(t, s.AddReaction(ctx, appID, r2), "AddReaction")
		if r1.ID <= 0 || r2.ID <= r1.ID {
			t.Fatalf("ids %d, %d: want positive and rising", r1.ID, r2.ID)
		}
		must(t, s.RemoveReaction(ctx, appID, 2, "bob", "👍"), "RemoveReaction")
		r3 := &parley.Reaction{MessageID: 2, UID: "bob", Reaction: "👍", ReactedAt: t0 + 1}
		must(t, s.AddReaction(ctx, appID, r3), "AddReaction again")
		if r3.ID <= r2.ID {
			t.Errorf("id %d after removing %d: an id was reused", r3.ID, r2.ID)
		}
	})

	t.Run("List", func(t *testing.T) {
		s, appID := setup(t)
		react(t, s, appID, 1, "ann", "❤️", t0+1)
		react(t, s, appID, 1, "bob", "👍", t0+2)
		react(t, s, appID, 1, "bob", "😂", t0+2)
		react(t, s, appID, 1, "cid", "👍", t0+2)
		react(t, s, appID, 2, "cid", "👍", t0)
		react(t, s, appID, 1, "ann", "👍", t0+3)
		got, _ := listed(t, s, appID, 1, parley.ReactionFilter{})
		wantEqual(t, []who{{"ann", "❤️"}, {"bob", "👍"}, {"bob", "😂"}, {"cid", "👍"}, {"ann", "👍"}}, got, "all reactions, in the order added")
		got, _ = listed(t, s, appID, 1, parley.ReactionFilter{Reaction: "👍"})
		wantEqual(t, []who{{"bob", "👍"}, {"cid", "👍"}, {"ann", "👍"}}, got, "one emoji")
		got, last := listed(t, s, appID, 1, parley.ReactionFilter{Reaction: "👍", Limit: 2})
		wantEqual(t, []who{{"bob", "👍"}, {"cid", "👍"}}, got, "first page")
		got, last = listed(t, s, appID, 1, parley.ReactionFilter{Reaction: "👍", Limit: 2, AfterID: last})
		wantEqual(t, []who{{"ann", "👍"}}, got, "after the cursor")
		got, _ = listed(t, s, appID, 1, parley.ReactionFilter{Reaction: "👍", Limit: 2, AfterID: last})
		wantEqual(t, []who{}, got, "past the end")
		got, _ = listed(t, s, appID, 3, parley.ReactionFilter{})
		wantEqual(t, []who{}, got, "no reactions")
		// The user is as User returns it, without viewer fields.
		rs, err := s.Reactions(t.Context(), appID, 1, parley.ReactionFilter{Reaction: "❤️"})
		must(t, err, "Reactions")
		if len(rs) == 1 {
			rs[0].ID = 0 // checked by listed
		}
		wantEqual(t, []*parley.Reaction{{MessageID: 1, UID: "ann", Reaction: "❤️", ReactedAt: t0 + 1, User: fullUser("ann")}},
			rs, "reaction with its user")
	})

	t.Run("Counts", func(t *testing.T) {
		s, appID := setup(t)
		react(t, s, appID, 1, "bob", "👍", t0+5)
		react(t, s, appID, 1, "cid", "❤️", t0+1)
		react(t, s, appID, 1, "ann", "👍", t0+6)
		react(t, s, appID, 1, "cid", "👍", t0+7)
		react(t, s, appID, 1, "bob", "😂", t0+5) // ties 👍's first: by emoji
		react(t, s, appID, 2, "bob", "🎉", t0)
		counts, err := s.ReactionCounts(t.Context(), appID, "ann", []int64{1, 2, 3, 99})
		must(t, err, "ReactionCounts")
		wantEqual(t, map[int64][]parley.ReactionCount{
			1: {{Reaction: "❤️", Count: 1}, {Reaction: "👍", Count: 3, ReactedByMe: true}, {Reaction: "😂", Count: 1}},
			2: {{Reaction: "🎉", Count: 1}},
		}, counts, "counts seen by ann")
		counts, err = s.ReactionCounts(t.Context(), appID, "bob", []int64{2})
		must(t, err, "ReactionCounts")
		wantEqual(t, map[int64][]parley.ReactionCount{2: {{Reaction: "🎉", Count: 1, ReactedByMe: true}}}, counts, "counts seen by bob")
		// Ids in any order: the counts of those with reactions.
		counts, err = s.ReactionCounts(t.Context(), appID, "bob", []int64{99, 3, 2})
		must(t, err, "ReactionCounts")
		wantEqual(t, map[int64][]parley.ReactionCount{2: {{Reaction: "🎉", Count: 1, ReactedByMe: true}}}, counts, "counts of unsorted ids")
		for _, ids := range [][]int64{nil, {3}, {99, 3}} {
			counts, err = s.ReactionCounts(t.Context(), appID, "ann", ids)
			must(t, err, "ReactionCounts")
			wantEqual(t, map[int64][]parley.ReactionCount{}, counts, "counts of messages with none")
		}
	})

	t.Run("PurgeUserTakesTheirs", func(t *testing.T) {
		s, appID := setup(t)
		react(t, s, appID, 1, "bob", "👍", t0)
		react(t, s, appID, 1, "cid", "👍", t0)
		must(t, s.AddInteraction(t.Context(), appID, 1, parley.Interaction{UID: "bob", ElementID: "a", InteractedAt: t0}), "AddInteraction")
		must(t, s.PurgeUser(t.Context(), appID, "bob"), "PurgeUser")
		got, _ := listed(t, s, appID, 1, parley.ReactionFilter{})
		wantEqual(t, []who{{"cid", "👍"}}, got, "reactions after bob went")
		ins, err := s.Interactions(t.Context(), appID, 1)
		must(t, err, "Interactions")
		wantEqual(t, 0, len(ins), "interactions after bob went")
	})

	t.Run("Interactions", func(t *testing.T) {
		s, appID := setup(t)
		ctx := t.Context()
		add := func(id int64, uid, el string, at int64) {
			t.Helper()
			must(t, s.AddInteraction(ctx, appID, id, parley.Interaction{UID: uid, ElementID: el, InteractedAt: at}), "AddInteraction")
		}
		add(1, "bob", "b", t0+2)
		add(1, "bob", "a", t0+2)
		add(1, "cid", "a", t0+1)
		add(1, "bob", "b", t0+9) // again: the first stays
		add(2, "bob", "a", t0)
		got, err := s.Interactions(ctx, appID, 1)
		must(t, err, "Interactions")
		wantEqual(t, []parley.Interaction{
			{UID: "cid", ElementID: "a", InteractedAt: t0 + 1},
			{UID: "bob", ElementID: "a", InteractedAt: t0 + 2},
			{UID: "bob", ElementID: "b", InteractedAt: t0 + 2},
		}, got, "interactions, oldest first")
		got, err = s.Interactions(ctx, appID, 3)
		must(t, err, "Interactions")
		wantEqual(t, 0, len(got), "interactions of a message with none")
		wantErr(t, s.AddInteraction(ctx, appID, 9, parley.Interaction{UID: "bob", ElementID: "a"}), parley.ErrNotFound,
			"AddInteraction with a missing message")
		wantErr(t, s.AddInteraction(ctx, appID, 1, parley.Interaction{UID: "nobody", ElementID: "a"}), parley.ErrNotFound,
			"AddInteraction of a missing user")
	})

	t.Run("AppIsolation", func(t *testing.T) {
		s, appA := setup(t)
		ctx := t.Context()
		react(t, s, appA, 1, "bob", "👍", t0)
		must(t, s.AddInteraction(ctx, appA, 1, parley.Interaction{UID: "bob", ElementID: "a", InteractedAt: t0}), "AddInteraction")
		b := MustCreateApp(t, s)
		MustCreateUser(t, s, b.ID, "bob")
		mustAppend(t, s, b.ID, groupMessage("g", "bob"))
		got, _ := listed(t, s, b.ID, 1, parley.ReactionFilter{})
		wantEqual(t, []who{}, got, "B's reactions")
		counts, err := s.ReactionCounts(ctx, b.ID, "bob", []int64{1})
		must(t, err, "ReactionCounts")
		wantEqual(t, 0, len(counts), "B's counts")
		ins, err := s.Interactions(ctx, b.ID, 1)
		must(t, err, "Interactions")
		wantEqual(t, 0, len(ins), "B's interactions")
		wantErr(t, s.RemoveReaction(ctx, b.ID, 1, "bob", "👍"), parley.ErrNotFound, "RemoveReaction in B")
		react(t, s, b.ID, 1, "bob", "👍", t0) // no conflict with A's
		must(t, s.AddInteraction(ctx, b.ID, 1, parley.Interaction{UID: "bob", ElementID: "a", InteractedAt: t0 + 5}), "AddInteraction in B")
		ins, err = s.Interactions(ctx, appA, 1)
		must(t, err, "Interactions")
		wantEqual(t, []parley.Interaction{{UID: "bob", ElementID: "a", InteractedAt: t0}}, ins, "A's interactions")
		counts, err = s.ReactionCounts(ctx, appA, "bob", []int64{1})
		must(t, err, "ReactionCounts")
		wantEqual(t, map[int64][]parley.ReactionCount{1: {{Reaction: "👍", Count: 1, ReactedByMe: true}}}, counts, "A's counts")
	})
}
