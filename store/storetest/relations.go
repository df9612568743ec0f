package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestRelations tests friendships and blocks.
func TestRelations(t *testing.T, newStore func(t *testing.T) parley.Store) {
	// setup returns a store with an app holding users ann, bob and cid.
	setup := func(t *testing.T) (parley.Store, string) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for _, uid := range []string{"ann", "bob", "cid"} {
			MustCreateUser(t, s, a.ID, uid)
		}
		return s, a.ID
	}
	wantBlocked := func(t *testing.T, s parley.Tx, appID, a, b string, wantAB, wantBA bool) {
		t.Helper()
		ab, ba, err := s.Blocked(t.Context(), appID, a, b)
		must(t, err, "Blocked")
		if ab != wantAB || ba != wantBA {
			t.Errorf("Blocked(%s, %s) = %v, %v; want %v, %v", a, b, ab, ba, wantAB, wantBA)
		}
	}

	t.Run("AddFriendBothWays", func(t *testing.T) {
		s, appID := setup(t)
		must(t, s.AddFriend(t.Context(), appID, "ann", "bob", t0), "AddFriend")
		wantUIDs(t, s, appID, parley.UserFilter{FriendsOf: "ann"}, "bob")
		wantUIDs(t, s, appID, parley.UserFilter{FriendsOf: "bob"}, "ann")
		wantUIDs(t, s, appID, parley.UserFilter{FriendsOf: "cid"})
	})

	t.Run("AddFriendConflict", func(t *testing.T) {
		s, appID := setup(t)
		must(t, s.AddFriend(t.Context(), appID, "ann", "bob", t0), "AddFriend")
		wantErr(t, s.AddFriend(t.Context(), appID, "ann", "bob", t0), parley.ErrConflict, "AddFriend again")
		wantErr(t, s.AddFriend(t.Context(), appID, "bob", "ann", t0), parley.ErrConflict, "AddFriend reversed")
		wantUIDs(t, s, appID, parley.UserFilter{FriendsOf: "ann"}, "bob")
	})

	t.Run("AddFriendUnknownUser", func(t *testing.T) {
		s, appID := setup(t)
		if err := s.AddFriend(t.Context(), appID, "ann", "nobody", t0); err == nil {
			t.Error("AddFriend with a user that does not exist succeeded")
		}
		wantUIDs(t, s, appID, parley.UserFilter{FriendsOf: "ann"})
	})

	t.Run("RemoveFriend", func(t *testing.T) {
		s, appID := setup(t)
		must(t, s.AddFriend(t.Context(), appID, "ann", "bob", t0), "AddFriend")
		must(t, s.AddFriend(t.Context(), appID, "ann", "cid", t0), "AddFriend")
		must(t, s.RemoveFriend(t.Context(), appID, "bob", "ann"), "RemoveFriend reversed")
		wantUIDs(t, s, appID, parley.UserFilter{FriendsOf: "ann"}, "cid")
		wantUIDs(t, s, appID, parley.UserFilter{FriendsOf: "bob"})
		wantErr(t, s.RemoveFriend(t.Context(), appID, "ann", "bob"), parley.ErrNotFound, "second RemoveFriend")
		wantErr(t, s.RemoveFriend(t.Context(), appID, "bob", "cid"), parley.ErrNotFound, "RemoveFriend of strangers")
		// Friends again after a removal.
		must(t, s.AddFriend(t.Context(), appID, "bob", "ann", t0+1), "AddFriend after RemoveFriend")
		wantUIDs(t, s, appID, parley.UserFilter{FriendsOf: "ann"}, "bob", "cid")
	})

	t.Run("BlockDirected", func(t *testing.T) {
		s, appID := setup(t)
		wantBlocked(t, s, appID, "ann", "bob", false, false)
		must(t, s.Block(t.Context(), appID, "ann", "bob", t0), "Block")
		wantBlocked(t, s, appID, "ann", "bob", true, false)
		wantBlocked(t, s, appID, "bob", "ann", false, true)
		wantBlocked(t, s, appID, "ann", "cid", false, false)
		must(t, s.Block(t.Context(), appID, "bob", "ann", t0), "Block back")
		wantBlocked(t, s, appID, "ann", "bob", true, true)
	})

	t.Run("BlockConflict", func(t *testing.T) {
		s, appID := setup(t)
		must(t, s.Block(t.Context(), appID, "ann", "bob", t0), "Block")
		wantErr(t, s.Block(t.Context(), appID, "ann", "bob", t0), parley.ErrConflict, "Block again")
	})

	t.Run("BlockUnknownUser", func(t *testing.T) {
		s, appID := setup(t)
		if err := s.Block(t.Context(), appID, "ann", "nobody", t0); err == nil {
			t.Error("Block of a user that does not exist succeeded")
		}
	})

	t.Run("Unblock", func(t *testing.T) {
		s, appID := setup(t)
		must(t, s.Block(t.Context(), appID, "ann", "bob", t0), "Block")
		must(t, s.Block(t.Context(), appID, "bob", "ann", t0), "Block back")
		wantErr(t, s.Unblock(t.Context(), appID, "ann", "cid"), parley.ErrNotFound, "Unblock of no block")
		must(t, s.Unblock(t.Context(), appID, "ann", "bob"), "Unblock")
		wantBlocked(t, s, appID, "ann", "bob", false, true)
		wantErr(t, s.Unblock(t.Context(), appID, "ann", "bob"), parley.ErrNotFound, "second Unblock")
		must(t, s.Unblock(t.Context(), appID, "bob", "ann"), "Unblock the other way")
		wantBlocked(t, s, appID, "ann", "bob", false, false)
	})

	t.Run("RelationsOfOneUser", func(t *testing.T) {
		s, appID := setup(t)
		MustCreateUser(t, s, appID, "dan")
		must(t, s.AddFriend(t.Context(), appID, "ann", "cid", t0), "AddFriend ann cid")
		must(t, s.AddFriend(t.Context(), appID, "bob", "ann", t0), "AddFriend bob ann")
		must(t, s.Block(t.Context(), appID, "ann", "dan", t0), "Block ann dan")
		must(t, s.Block(t.Context(), appID, "bob", "ann", t0), "Block bob ann")
		must(t, s.Block(t.Context(), appID, "ann", "bob", t0), "Block ann bob (both ways)")
		must(t, s.Block(t.Context(), appID, "cid", "dan", t0), "Block cid dan (not ann's)")
		friends, blocked, err := s.Relations(t.Context(), appID, "ann")
		must(t, err, "Relations")
		wantEqual(t, []string{"bob", "cid"}, friends, "ann's friends")
		wantEqual(t, []string{"bob", "dan"}, blocked, "ann's block relations")
		friends, blocked, err = s.Relations(t.Context(), appID, "nobody")
		must(t, err, "Relations of nobody")
		if len(friends)+len(blocked) != 0 {
			t.Errorf("nobody's relations: %v %v", friends, blocked)
		}
		other := MustCreateApp(t, s)
		MustCreateUser(t, s, other.ID, "ann")
		friends, blocked, err = s.Relations(t.Context(), other.ID, "ann")
		must(t, err, "Relations in another app")
		if len(friends)+len(blocked) != 0 {
			t.Errorf("ann's relations in another app: %v %v", friends, blocked)
		}
	})

	t.Run("AppIsolation", func(t *testing.T) {
		s, appA := setup(t)
		b := MustCreateApp(t, s)
		for _, uid := range []string{"ann", "bob", "cid"} {
			MustCreateUser(t, s, b.ID, uid)
		}
		must(t, s.AddFriend(t.Context(), appA, "ann", "bob", t0), "AddFriend in A")
		must(t, s.Block(t.Context(), appA, "ann", "cid", t0), "Block in A")

		wantUIDs(t, s, b.ID, parley.UserFilter{FriendsOf: "ann"})
		wantBlocked(t, s, b.ID, "ann", "cid", false, false)
		wantErr(t, s.RemoveFriend(t.Context(), b.ID, "ann", "bob"), parley.ErrNotFound, "A's friendship removed from B")
		wantErr(t, s.Unblock(t.Context(), b.ID, "ann", "cid"), parley.ErrNotFound, "A's block removed from B")

		// The same relations may exist in both apps, independently.
		must(t, s.AddFriend(t.Context(), b.ID, "ann", "bob", t0), "AddFriend in B")
		must(t, s.Block(t.Context(), b.ID, "ann", "cid", t0), "Block in B")
		must(t, s.RemoveFriend(t.Context(), b.ID, "ann", "bob"), "RemoveFriend in B")
		must(t, s.Unblock(t.Context(), b.ID, "ann", "cid"), "Unblock in B")
		must(t, s.PurgeUser(t.Context(), b.ID, "ann"), "PurgeUser in B")

		wantUIDs(t, s, appA, parley.UserFilter{FriendsOf: "ann"}, "bob")
		wantUIDs(t, s, appA, parley.UserFilter{FriendsOf: "bob"}, "ann")
		wantBlocked(t, s, appA, "ann", "cid", true, false)
	})
}
