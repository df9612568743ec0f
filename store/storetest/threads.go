package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestThreadSubscriptions tests what is recorded of who follows which
// thread, and the filter that lists the threads a user follows.
func TestThreadSubscriptions(t *testing.T, newStore func(t *testing.T) parley.Store) {
	type F = parley.MessageFilter
	// seed: ann sends 1 and 2, bob replies to 1 (3); ann's 1 has a reply.
	seed := func(t *testing.T) (parley.Store, string) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for _, uid := range []string{"ann", "bob", "cid"} {
			MustCreateUser(t, s, a.ID, uid)
		}
		reply := userMessage("bob", "ann")
		reply.ParentID = 1
		mustAppend(t, s, a.ID, userMessage("ann", "bob"), userMessage("ann", "bob"), reply)
		parent, err := s.Message(t.Context(), a.ID, 1)
		must(t, err, "Message")
		parent.ReplyCount = 1
		must(t, s.UpdateMessage(t.Context(), a.ID, parent), "UpdateMessage (reply count)")
		return s, a.ID
	}
	subs := func(t *testing.T, s parley.Tx, appID, uid string, ids ...int64) map[int64]bool {
		t.Helper()
		m, err := s.ThreadSubscriptions(t.Context(), appID, uid, ids)
		must(t, err, "ThreadSubscriptions")
		return m
	}

	t.Run("SetAndRead", func(t *testing.T) {
		s, appID := seed(t)
		wantEqual(t, map[int64]bool{}, subs(t, s, appID, "bob", 1, 2, 3), "nothing recorded")
		wantEqual(t, map[int64]bool{}, subs(t, s, appID, "bob"), "no ids")
		must(t, s.SetThreadSubscription(t.Context(), appID, "bob", 2, true, t0), "subscribe")
		must(t, s.SetThreadSubscription(t.Context(), appID, "bob", 2, true, t0+1), "subscribe again")
		must(t, s.SetThreadSubscription(t.Context(), appID, "ann", 1, false, t0), "unsubscribe")
		wantEqual(t, map[int64]bool{2: true}, subs(t, s, appID, "bob", 1, 2), "bob's")
		wantEqual(t, map[int64]bool{1: false}, subs(t, s, appID, "ann", 1, 2), "ann's")
		must(t, s.SetThreadSubscription(t.Context(), appID, "ann", 1, true, t0+2), "subscribe after unsubscribing")
		wantEqual(t, map[int64]bool{1: true}, subs(t, s, appID, "ann", 1), "ann's after subscribing")
	})

	t.Run("ThreadsOf", func(t *testing.T) {
		s, appID := seed(t)
		// With nothing recorded: the threads of what one sent, with replies.
		wantMessageIDs(t, s, appID, F{ThreadsOf: "ann"}, 1)
		wantMessageIDs(t, s, appID, F{ThreadsOf: "bob"})
		// A subscription, to a message with no reply too.
		must(t, s.SetThreadSubscription(t.Context(), appID, "bob", 2, true, t0), "subscribe bob to 2")
		must(t, s.SetThreadSubscription(t.Context(), appID, "bob", 1, true, t0), "subscribe bob to 1")
		wantMessageIDs(t, s, appID, F{ThreadsOf: "bob"}, 1, 2)
		wantMessageIDs(t, s, appID, F{ThreadsOf: "bob", Limit: 1}, 2)
		wantMessageIDs(t, s, appID, F{ThreadsOf: "bob", BeforeID: 2}, 1)
		// An unsubscription wins over being the sender.
		must(t, s.SetThreadSubscription(t.Context(), appID, "ann", 1, false, t0), "unsubscribe ann")
		wantMessageIDs(t, s, appID, F{ThreadsOf: "ann"})
		must(t, s.SetThreadSubscription(t.Context(), appID, "bob", 2, false, t0), "unsubscribe bob from 2")
		wantMessageIDs(t, s, appID, F{ThreadsOf: "bob"}, 1)
		wantMessageIDs(t, s, appID, F{HasReplies: true}, 1)
	})

	t.Run("UnknownMessageOrUser", func(t *testing.T) {
		s, appID := seed(t)
		wantErr(t, s.SetThreadSubscription(t.Context(), appID, "bob", 99, true, t0), parley.ErrNotFound, "subscribing to no message")
		wantErr(t, s.SetThreadSubscription(t.Context(), appID, "nobody", 1, true, t0), parley.ErrNotFound, "subscribing no user")
	})

	t.Run("GoWithTheMessageAndTheUser", func(t *testing.T) {
		s, appID := seed(t)
		must(t, s.SetThreadSubscription(t.Context(), appID, "bob", 2, true, t0), "subscribe bob to 2")
		must(t, s.SetThreadSubscription(t.Context(), appID, "cid", 1, true, t0), "subscribe cid to 1")
		must(t, s.PurgeMessage(t.Context(), appID, 2), "PurgeMessage")
		wantEqual(t, map[int64]bool{}, subs(t, s, appID, "bob", 2), "bob's after the purge")
		must(t, s.PurgeUser(t.Context(), appID, "cid"), "PurgeUser")
		MustCreateUser(t, s, appID, "cid")
		wantEqual(t, map[int64]bool{}, subs(t, s, appID, "cid", 1), "a new cid's")
	})

	t.Run("AppIsolation", func(t *testing.T) {
		s, appA := seed(t)
		appB := func() string {
			b := MustCreateApp(t, s)
			for _, uid := range []string{"ann", "bob"} {
				MustCreateUser(t, s, b.ID, uid)
			}
			mustAppend(t, s, b.ID, userMessage("ann", "bob"), userMessage("ann", "bob"))
			return b.ID
		}()
		must(t, s.SetThreadSubscription(t.Context(), appB, "bob", 2, true, t0), "subscribe in B")
		wantEqual(t, map[int64]bool{}, subs(t, s, appA, "bob", 2), "A's record")
		wantMessageIDs(t, s, appA, F{ThreadsOf: "bob"})
		wantMessageIDs(t, s, appB, F{ThreadsOf: "bob"}, 2)
		wantMessageIDs(t, s, appB, F{ThreadsOf: "ann"})
	})
}
