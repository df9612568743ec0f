package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// fullUser returns a user with every stored field set.
func fullUser(uid string) *parley.User {
	return &parley.User{
		UID:           uid,
		Name:          "Full " + uid,
		Avatar:        "https://example.com/" + uid + ".png",
		Link:          "https://example.com/" + uid,
		Role:          "moderator",
		StatusMessage: "out to lunch",
		Metadata: map[string]any{
			"plan":   "pro",
			"score":  12.5,
			"ok":     true,
			"none":   nil,
			"nested": map[string]any{"list": []any{"x", 1.0, false}},
		},
		Tags:          []string{"zeta", "alpha", "mid"}, // kept in the given order
		Status:        parley.StatusAvailable,
		LastActiveAt:  t0 + 1,
		CreatedAt:     t0,
		UpdatedAt:     t0 + 2,
		DeactivatedAt: t0 + 3,
		DeletedAt:     t0 + 4,
	}
}

// TestUsers tests storing, reading, updating and purging single users.
func TestUsers(t *testing.T, newStore func(t *testing.T) parley.Store) {
	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		want := fullUser("ann")
		must(t, s.CreateUser(t.Context(), a.ID, want), "CreateUser")
		got, err := s.User(t.Context(), a.ID, "ann", "")
		must(t, err, "User")
		wantEqual(t, want, got, "user")
	})

	t.Run("RoundTripNil", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		want := &parley.User{UID: "min", Name: "Min", Role: parley.DefaultRole, Status: parley.StatusOffline, CreatedAt: t0}
		must(t, s.CreateUser(t.Context(), a.ID, want), "CreateUser")
		got, err := s.User(t.Context(), a.ID, "min", "")
		must(t, err, "User")
		wantEqual(t, want, got, "user with zero fields and nil metadata and tags")
	})

	t.Run("NotStoredFields", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		u := &parley.User{UID: "x", Name: "X", Role: parley.DefaultRole, Status: parley.StatusOffline, CreatedAt: t0,
			BlockedByMe: ptr(true), HasBlockedMe: ptr(true), ConversationID: "c", AuthToken: "secret"}
		must(t, s.CreateUser(t.Context(), a.ID, u), "CreateUser")
		got, err := s.User(t.Context(), a.ID, "x", "")
		must(t, err, "User")
		if got.BlockedByMe != nil || got.HasBlockedMe != nil || got.ConversationID != "" || got.AuthToken != "" {
			t.Errorf("User returned derived fields %+v; they are not stored", got)
		}
	})

	t.Run("CreateConflict", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		MustCreateUser(t, s, a.ID, "ann")
		err := s.CreateUser(t.Context(), a.ID, fullUser("ann"))
		wantErr(t, err, parley.ErrConflict, "CreateUser with a taken uid")
		got, err := s.User(t.Context(), a.ID, "ann", "")
		must(t, err, "User")
		wantEqual(t, "User ann", got.Name, "name after a refused create")
	})

	t.Run("CreateConflictWithDeleted", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		u := MustCreateUser(t, s, a.ID, "gone")
		u.DeletedAt = t0 + 1
		must(t, s.UpdateUser(t.Context(), a.ID, u), "UpdateUser (soft delete)")
		err := s.CreateUser(t.Context(), a.ID, &parley.User{UID: "gone", Name: "New", Role: parley.DefaultRole, CreatedAt: t0})
		wantErr(t, err, parley.ErrConflict, "CreateUser with the uid of a deleted user")
	})

	t.Run("CreateUnknownApp", func(t *testing.T) {
		s := newStore(t)
		err := s.CreateUser(t.Context(), "app-none", &parley.User{UID: "x", Name: "X", Role: parley.DefaultRole, CreatedAt: t0})
		if err == nil {
			t.Error("CreateUser in an app that does not exist succeeded")
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		_, err := s.User(t.Context(), a.ID, "none", "")
		wantErr(t, err, parley.ErrNotFound, "User")
		_, err = s.User(t.Context(), a.ID, "none", "viewer")
		wantErr(t, err, parley.ErrNotFound, "User with a viewer")
		err = s.UpdateUser(t.Context(), a.ID, &parley.User{UID: "none", Name: "N", Role: parley.DefaultRole})
		wantErr(t, err, parley.ErrNotFound, "UpdateUser")
		wantErr(t, s.PurgeUser(t.Context(), a.ID, "none"), parley.ErrNotFound, "PurgeUser")
	})

	t.Run("DeletedStillReturned", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		u := MustCreateUser(t, s, a.ID, "gone")
		u.DeletedAt = t0 + 7
		must(t, s.UpdateUser(t.Context(), a.ID, u), "UpdateUser (soft delete)")
		got, err := s.User(t.Context(), a.ID, "gone", "")
		must(t, err, "User of a soft-deleted user")
		wantEqual(t, int64(t0+7), got.DeletedAt, "DeletedAt")
	})

	t.Run("Update", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		must(t, s.CreateUser(t.Context(), a.ID, fullUser("ann")), "CreateUser")
		want := &parley.User{
			UID: "ann", Name: "Ann B", Avatar: "a2", Link: "l2", Role: "admin", StatusMessage: "back",
			Metadata: map[string]any{"v": 2.0}, Tags: []string{"new", "alpha"}, Status: parley.StatusOffline,
			LastActiveAt: t0 + 11, CreatedAt: t0 + 10, UpdatedAt: t0 + 12, DeactivatedAt: 0, DeletedAt: 0,
		}
		must(t, s.UpdateUser(t.Context(), a.ID, want), "UpdateUser")
		got, err := s.User(t.Context(), a.ID, "ann", "")
		must(t, err, "User")
		wantEqual(t, want, got, "updated user")
		// The tags filter follows the new tags.
		wantUIDs(t, s, a.ID, parley.UserFilter{Tags: []string{"zeta"}})
		wantUIDs(t, s, a.ID, parley.UserFilter{Tags: []string{"new"}}, "ann")
		wantUIDs(t, s, a.ID, parley.UserFilter{Tags: []string{"alpha"}}, "ann")
	})

	t.Run("UpdateToNil", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		must(t, s.CreateUser(t.Context(), a.ID, fullUser("ann")), "CreateUser")
		want := &parley.User{UID: "ann", Name: "Ann", Role: parley.DefaultRole, Status: parley.StatusOffline, CreatedAt: t0}
		must(t, s.UpdateUser(t.Context(), a.ID, want), "UpdateUser")
		got, err := s.User(t.Context(), a.ID, "ann", "")
		must(t, err, "User")
		wantEqual(t, want, got, "user updated to zero fields")
		wantUIDs(t, s, a.ID, parley.UserFilter{WithTags: true})
	})

	t.Run("ViewerFlags", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for _, uid := range []string{"me", "foe", "hater", "friend"} {
			MustCreateUser(t, s, a.ID, uid)
		}
		must(t, s.Block(t.Context(), a.ID, "me", "foe", t0), "Block")
		must(t, s.Block(t.Context(), a.ID, "hater", "me", t0), "Block")
		must(t, s.AddFriend(t.Context(), a.ID, "me", "friend", t0), "AddFriend")
		for _, tc := range []struct {
			uid, viewer string
			byMe, hasMe *bool
			description string
		}{
			{"foe", "", nil, nil, "no viewer"},
			{"foe", "me", ptr(true), ptr(false), "blocked by the viewer"},
			{"hater", "me", ptr(false), ptr(true), "blocking the viewer"},
			{"friend", "me", ptr(false), ptr(false), "no block"},
			{"me", "foe", ptr(false), ptr(true), "seen by the one blocked"},
			{"me", "me", ptr(false), ptr(false), "seen by oneself"},
		} {
			got, err := s.User(t.Context(), a.ID, tc.uid, tc.viewer)
			must(t, err, "User")
			wantEqual(t, tc.byMe, got.BlockedByMe, tc.description+": BlockedByMe")
			wantEqual(t, tc.hasMe, got.HasBlockedMe, tc.description+": HasBlockedMe")
		}
	})

	t.Run("Purge", func(t *testing.T) { testPurgeUser(t, newStore(t)) })

	t.Run("CountUsersWithRole", func(t *testing.T) {
		s := newStore(t)
		a, b := MustCreateApp(t, s), MustCreateApp(t, s)
		mk := func(appID, uid, role string, deactivated, deleted int64) {
			mustCreateUsers(t, s, appID, &parley.User{UID: uid, Name: uid, Role: role, Status: parley.StatusOffline,
				CreatedAt: t0, DeactivatedAt: deactivated, DeletedAt: deleted})
		}
		mk(a.ID, "u1", "vip", 0, 0)
		mk(a.ID, "u2", "vip", t0, 0) // deactivated
		mk(a.ID, "u3", "vip", 0, t0) // soft-deleted
		mk(a.ID, "u4", parley.DefaultRole, 0, 0)
		mk(b.ID, "u1", "vip", 0, 0) // another app
		for _, tc := range []struct {
			appID, role string
			want        int
		}{
			{a.ID, "vip", 3},
			{a.ID, parley.DefaultRole, 1},
			{a.ID, "none", 0},
			{b.ID, "vip", 1},
			{b.ID, parley.DefaultRole, 0},
		} {
			n, err := s.CountUsersWithRole(t.Context(), tc.appID, tc.role)
			must(t, err, "CountUsersWithRole")
			if n != tc.want {
				t.Errorf("CountUsersWithRole(%q) = %d, want %d", tc.role, n, tc.want)
			}
		}
		must(t, s.PurgeUser(t.Context(), a.ID, "u3"), "PurgeUser")
		n, err := s.CountUsersWithRole(t.Context(), a.ID, "vip")
		must(t, err, "CountUsersWithRole")
		wantEqual(t, 2, n, "users with role after a purge")
	})

	t.Run("AppIsolation", func(t *testing.T) {
		s := newStore(t)
		a, b := MustCreateApp(t, s), MustCreateApp(t, s)
		ua := fullUser("ann")
		ua.DeletedAt, ua.DeactivatedAt = 0, 0
		must(t, s.CreateUser(t.Context(), a.ID, ua), "CreateUser in A")
		_, err := s.User(t.Context(), b.ID, "ann", "")
		wantErr(t, err, parley.ErrNotFound, "A's user read from B")
		wantUIDs(t, s, b.ID, parley.UserFilter{WithDeactivated: true})
		wantUIDs(t, s, b.ID, parley.UserFilter{Tags: []string{"alpha"}})
		err = s.UpdateUser(t.Context(), b.ID, &parley.User{UID: "ann", Name: "hijack", Role: parley.DefaultRole})
		wantErr(t, err, parley.ErrNotFound, "A's user updated from B")
		wantErr(t, s.PurgeUser(t.Context(), b.ID, "ann"), parley.ErrNotFound, "A's user purged from B")

		// The same uid may exist in both apps, independently.
		ub := &parley.User{UID: "ann", Name: "Ann of B", Role: "other", Status: parley.StatusOffline, CreatedAt: t0}
		must(t, s.CreateUser(t.Context(), b.ID, ub), "CreateUser with the same uid in B")
		must(t, s.PurgeUser(t.Context(), b.ID, "ann"), "PurgeUser in B")
		got, err := s.User(t.Context(), a.ID, "ann", "")
		must(t, err, "User in A")
		wantEqual(t, ua, got, "A's user after B's changes")
		wantUIDs(t, s, a.ID, parley.UserFilter{Tags: []string{"alpha"}}, "ann")
	})
}

// testPurgeUser checks that purging a user removes them and everything of
// theirs (tokens, tags, friendships, blocks both ways) and nothing else.
func testPurgeUser(t *testing.T, s parley.Store) {
	ctx := t.Context()
	a := MustCreateApp(t, s)
	mustCreateUsers(t, s, a.ID,
		&parley.User{UID: "gone", Name: "Gone", Role: parley.DefaultRole, Tags: []string{"red"}, CreatedAt: t0},
		&parley.User{UID: "bob", Name: "Bob", Role: parley.DefaultRole, Tags: []string{"red"}, CreatedAt: t0},
		&parley.User{UID: "carol", Name: "Carol", Role: parley.DefaultRole, CreatedAt: t0})
	for _, tok := range []*parley.AuthToken{
		{ID: "t1", AppID: a.ID, UID: "gone", Hash: []byte("1"), CreatedAt: t0},
		{ID: "t2", AppID: a.ID, UID: "gone", Hash: []byte("2"), CreatedAt: t0},
		{ID: "t3", AppID: a.ID, UID: "bob", Hash: []byte("3"), CreatedAt: t0},
	} {
		must(t, s.CreateAuthToken(ctx, tok), "CreateAuthToken")
	}
	must(t, s.AddFriend(ctx, a.ID, "gone", "bob", t0), "AddFriend")
	must(t, s.AddFriend(ctx, a.ID, "carol", "gone", t0), "AddFriend")
	must(t, s.AddFriend(ctx, a.ID, "bob", "carol", t0), "AddFriend")
	must(t, s.Block(ctx, a.ID, "gone", "bob", t0), "Block")
	must(t, s.Block(ctx, a.ID, "carol", "gone", t0), "Block")
	must(t, s.Block(ctx, a.ID, "bob", "carol", t0), "Block")

	must(t, s.PurgeUser(ctx, a.ID, "gone"), "PurgeUser")

	_, err := s.User(ctx, a.ID, "gone", "")
	wantErr(t, err, parley.ErrNotFound, "User after PurgeUser")
	wantErr(t, s.PurgeUser(ctx, a.ID, "gone"), parley.ErrNotFound, "second PurgeUser")
	for _, id := range []string{"t1", "t2"} {
		_, err := s.AuthToken(ctx, a.ID, id)
		wantErr(t, err, parley.ErrNotFound, "token "+id+" of the purged user")
	}
	if _, err := s.AuthToken(ctx, a.ID, "t3"); err != nil {
		t.Errorf("another user's token after the purge: %v", err)
	}
	wantUIDs(t, s, a.ID, parley.UserFilter{}, "bob", "carol")
	wantUIDs(t, s, a.ID, parley.UserFilter{Tags: []string{"red"}}, "bob")
	wantUIDs(t, s, a.ID, parley.UserFilter{FriendsOf: "bob"}, "carol")
	wantUIDs(t, s, a.ID, parley.UserFilter{FriendsOf: "carol"}, "bob")
	wantUIDs(t, s, a.ID, parley.UserFilter{BlockedOf: "bob"}, "carol")
	wantUIDs(t, s, a.ID, parley.UserFilter{BlockedOf: "carol"}, "bob")

	// A new user under the purged uid starts with nothing.
	MustCreateUser(t, s, a.ID, "gone")
	toks, err := s.AuthTokens(ctx, a.ID, "gone")
	must(t, err, "AuthTokens")
	if len(toks) != 0 {
		t.Errorf("new user has %d tokens of the purged one", len(toks))
	}
	wantUIDs(t, s, a.ID, parley.UserFilter{FriendsOf: "gone"})
	wantUIDs(t, s, a.ID, parley.UserFilter{BlockedOf: "gone"})
	wantUIDs(t, s, a.ID, parley.UserFilter{Tags: []string{"red"}}, "bob")
	for _, other := range []string{"bob", "carol"} {
		ab, ba, err := s.Blocked(ctx, a.ID, "gone", other)
		must(t, err, "Blocked")
		if ab || ba {
			t.Errorf("Blocked(gone, %s) = %v, %v after purge; want false, false", other, ab, ba)
		}
	}
}
