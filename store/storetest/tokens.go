package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestAuthTokens tests auth tokens.
func TestAuthTokens(t *testing.T, newStore func(t *testing.T) parley.Store) {
	// setup returns a store with an app holding users ann and bob.
	setup := func(t *testing.T) (parley.Store, string) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		MustCreateUser(t, s, a.ID, "ann")
		MustCreateUser(t, s, a.ID, "bob")
		return s, a.ID
	}
	token := func(appID, id, uid string, created int64) *parley.AuthToken {
		return &parley.AuthToken{ID: id, AppID: appID, UID: uid, Hash: []byte("hash-" + id), CreatedAt: t0 + created}
	}

	t.Run("RoundTrip", func(t *testing.T) {
		s, appID := setup(t)
		tok := &parley.AuthToken{
			ID: "tok1", AppID: appID, UID: "ann", Token: "tok1-secret", Hash: []byte{9, 0, 8},
			Platform: "ios", DeviceID: "device-1",
			AppInfo:   map[string]any{"version": "1.2.3", "build": 42.0, "flags": []any{"a"}},
			CreatedAt: t0, UpdatedAt: t0 + 1,
		}
		must(t, s.CreateAuthToken(t.Context(), tok), "CreateAuthToken")
		got, err := s.AuthToken(t.Context(), appID, "tok1")
		must(t, err, "AuthToken")
		want := *tok
		want.Token = "" // the secret is stored only as its hash
		wantEqual(t, &want, got, "auth token")
	})

	t.Run("RoundTripNil", func(t *testing.T) {
		s, appID := setup(t)
		want := token(appID, "tok1", "ann", 0)
		must(t, s.CreateAuthToken(t.Context(), want), "CreateAuthToken")
		got, err := s.AuthToken(t.Context(), appID, "tok1")
		must(t, err, "AuthToken")
		wantEqual(t, want, got, "auth token with nil app info")
	})

	t.Run("CreateConflict", func(t *testing.T) {
		s, appID := setup(t)
		must(t, s.CreateAuthToken(t.Context(), token(appID, "tok1", "ann", 0)), "CreateAuthToken")
		err := s.CreateAuthToken(t.Context(), token(appID, "tok1", "bob", 0))
		wantErr(t, err, parley.ErrConflict, "CreateAuthToken with a taken id")
		got, err := s.AuthToken(t.Context(), appID, "tok1")
		must(t, err, "AuthToken")
		wantEqual(t, "ann", got.UID, "token owner after a refused create")
	})

	t.Run("CreateUnknownUser", func(t *testing.T) {
		s, appID := setup(t)
		if err := s.CreateAuthToken(t.Context(), token(appID, "tok1", "nobody", 0)); err == nil {
			t.Error("CreateAuthToken for a user that does not exist succeeded")
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		s, appID := setup(t)
		_, err := s.AuthToken(t.Context(), appID, "none")
		wantErr(t, err, parley.ErrNotFound, "AuthToken")
		wantErr(t, s.UpdateAuthToken(t.Context(), token(appID, "none", "ann", 0)), parley.ErrNotFound, "UpdateAuthToken")
		wantErr(t, s.DeleteAuthToken(t.Context(), appID, "none"), parley.ErrNotFound, "DeleteAuthToken")
	})

	t.Run("ListOldestFirst", func(t *testing.T) {
		s, appID := setup(t)
		toks, err := s.AuthTokens(t.Context(), appID, "ann")
		must(t, err, "AuthTokens")
		if len(toks) != 0 {
			t.Fatalf("new user has %d tokens", len(toks))
		}
		for _, tok := range []*parley.AuthToken{
			token(appID, "t3", "ann", 30), token(appID, "t1", "ann", 10),
			token(appID, "tb", "bob", 5), token(appID, "t2", "ann", 20),
		} {
			must(t, s.CreateAuthToken(t.Context(), tok), "CreateAuthToken")
		}
		toks, err = s.AuthTokens(t.Context(), appID, "ann")
		must(t, err, "AuthTokens")
		wantEqual(t, []*parley.AuthToken{
			token(appID, "t1", "ann", 10), token(appID, "t2", "ann", 20), token(appID, "t3", "ann", 30),
		}, toks, "ann's tokens")
	})

	t.Run("Update", func(t *testing.T) {
		s, appID := setup(t)
		tok := token(appID, "tok1", "ann", 0)
		tok.Platform, tok.DeviceID, tok.AppInfo = "ios", "d1", map[string]any{"v": "1"}
		must(t, s.CreateAuthToken(t.Context(), tok), "CreateAuthToken")
		upd := &parley.AuthToken{ID: "tok1", AppID: appID, UID: "ann", Platform: "android", DeviceID: "d2",
			AppInfo: map[string]any{"v": "2"}, UpdatedAt: t0 + 9}
		must(t, s.UpdateAuthToken(t.Context(), upd), "UpdateAuthToken")
		got, err := s.AuthToken(t.Context(), appID, "tok1")
		must(t, err, "AuthToken")
		want := &parley.AuthToken{ID: "tok1", AppID: appID, UID: "ann", Hash: tok.Hash, Platform: "android",
			DeviceID: "d2", AppInfo: map[string]any{"v": "2"}, CreatedAt: t0, UpdatedAt: t0 + 9}
		wantEqual(t, want, got, "updated token (hash, owner and createdAt kept)")

		upd.AppInfo = nil
		must(t, s.UpdateAuthToken(t.Context(), upd), "UpdateAuthToken to nil app info")
		got, err = s.AuthToken(t.Context(), appID, "tok1")
		must(t, err, "AuthToken")
		if got.AppInfo != nil {
			t.Errorf("AppInfo = %v, want nil", got.AppInfo)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		s, appID := setup(t)
		must(t, s.CreateAuthToken(t.Context(), token(appID, "t1", "ann", 0)), "CreateAuthToken")
		must(t, s.CreateAuthToken(t.Context(), token(appID, "t2", "ann", 1)), "CreateAuthToken")
		must(t, s.DeleteAuthToken(t.Context(), appID, "t1"), "DeleteAuthToken")
		_, err := s.AuthToken(t.Context(), appID, "t1")
		wantErr(t, err, parley.ErrNotFound, "AuthToken after delete")
		wantErr(t, s.DeleteAuthToken(t.Context(), appID, "t1"), parley.ErrNotFound, "second DeleteAuthToken")
		if _, err := s.AuthToken(t.Context(), appID, "t2"); err != nil {
			t.Errorf("the other token after delete: %v", err)
		}
	})

	t.Run("DeleteAll", func(t *testing.T) {
		s, appID := setup(t)
		for _, tok := range []*parley.AuthToken{
			token(appID, "t1", "ann", 0), token(appID, "t2", "ann", 1), token(appID, "t3", "ann", 2),
			token(appID, "tb", "bob", 0),
		} {
			must(t, s.CreateAuthToken(t.Context(), tok), "CreateAuthToken")
		}
		n, err := s.DeleteAuthTokens(t.Context(), appID, "ann")
		must(t, err, "DeleteAuthTokens")
		wantEqual(t, 3, n, "tokens deleted")
		toks, err := s.AuthTokens(t.Context(), appID, "ann")
		must(t, err, "AuthTokens")
		if len(toks) != 0 {
			t.Errorf("ann still has %d tokens", len(toks))
		}
		n, err = s.DeleteAuthTokens(t.Context(), appID, "ann")
		must(t, err, "DeleteAuthTokens again")
		wantEqual(t, 0, n, "tokens deleted the second time")
		toks, err = s.AuthTokens(t.Context(), appID, "bob")
		must(t, err, "AuthTokens")
		if len(toks) != 1 {
			t.Errorf("bob has %d tokens, want 1", len(toks))
		}
	})

	t.Run("AppIsolation", func(t *testing.T) {
		s, appA := setup(t)
		b := MustCreateApp(t, s)
		MustCreateUser(t, s, b.ID, "ann")
		ta := token(appA, "same", "ann", 0)
		must(t, s.CreateAuthToken(t.Context(), ta), "CreateAuthToken in A")
		_, err := s.AuthToken(t.Context(), b.ID, "same")
		wantErr(t, err, parley.ErrNotFound, "A's token read from B")
		toks, err := s.AuthTokens(t.Context(), b.ID, "ann")
		must(t, err, "AuthTokens in B")
		if len(toks) != 0 {
			t.Errorf("B's ann lists %d tokens of A's ann", len(toks))
		}
		upd := token(b.ID, "same", "ann", 0)
		upd.Platform = "hijack"
		wantErr(t, s.UpdateAuthToken(t.Context(), upd), parley.ErrNotFound, "A's token updated from B")
		wantErr(t, s.DeleteAuthToken(t.Context(), b.ID, "same"), parley.ErrNotFound, "A's token deleted from B")
		n, err := s.DeleteAuthTokens(t.Context(), b.ID, "ann")
		must(t, err, "DeleteAuthTokens in B")
		wantEqual(t, 0, n, "tokens of A deleted from B")

		// The same id may exist in both apps.
		must(t, s.CreateAuthToken(t.Context(), token(b.ID, "same", "ann", 5)), "CreateAuthToken with the same id in B")
		got, err := s.AuthToken(t.Context(), appA, "same")
		must(t, err, "AuthToken in A")
		wantEqual(t, ta, got, "A's token")
	})
}
