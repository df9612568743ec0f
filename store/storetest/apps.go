package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestApps tests apps, their API keys and server-level settings.
func TestApps(t *testing.T, newStore func(t *testing.T) parley.Store) {
	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		want := &parley.App{ID: "app-one", Name: "One", Region: "us", CreatedAt: t0, UpdatedAt: t0 + 5}
		must(t, s.CreateApp(t.Context(), want), "CreateApp")
		got, err := s.App(t.Context(), want.ID)
		must(t, err, "App")
		wantEqual(t, want, got, "app")
	})

	t.Run("KeysNotStoredWithApp", func(t *testing.T) {
		s := newStore(t)
		a := &parley.App{ID: "app-keys", Name: "K", CreatedAt: t0,
			Keys: []*parley.APIKey{{ID: "k1", Key: "secret", Name: "n", Scope: parley.ScopeAuthOnly}}}
		must(t, s.CreateApp(t.Context(), a), "CreateApp")
		got, err := s.App(t.Context(), a.ID)
		must(t, err, "App")
		if got.Keys != nil {
			t.Errorf("App returned Keys %v; keys are stored by CreateAPIKey only", got.Keys)
		}
	})

	t.Run("CreateConflict", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		err := s.CreateApp(t.Context(), &parley.App{ID: a.ID, Name: "again", CreatedAt: t0})
		wantErr(t, err, parley.ErrConflict, "CreateApp with a taken id")
		got, err := s.App(t.Context(), a.ID)
		must(t, err, "App")
		wantEqual(t, a, got, "app after a refused create")
	})

	t.Run("NotFound", func(t *testing.T) {
		s := newStore(t)
		_, err := s.App(t.Context(), "app-none")
		wantErr(t, err, parley.ErrNotFound, "App")
		wantErr(t, s.DeleteApp(t.Context(), "app-none"), parley.ErrNotFound, "DeleteApp")
	})

	t.Run("ListOldestFirst", func(t *testing.T) {
		s := newStore(t)
		apps, err := s.Apps(t.Context())
		must(t, err, "Apps")
		if len(apps) != 0 {
			t.Fatalf("Apps on an empty store = %d apps", len(apps))
		}
		for _, a := range []*parley.App{
			{ID: "app-c", Name: "C", CreatedAt: t0 + 30},
			{ID: "app-a", Name: "A", CreatedAt: t0 + 10},
			{ID: "app-b", Name: "B", CreatedAt: t0 + 20},
		} {
			must(t, s.CreateApp(t.Context(), a), "CreateApp")
		}
		apps, err = s.Apps(t.Context())
		must(t, err, "Apps")
		var ids []string
		for _, a := range apps {
			ids = append(ids, a.ID)
		}
		wantEqual(t, []string{"app-a", "app-b", "app-c"}, ids, "app order")
	})

	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		a, b := MustCreateApp(t, s), MustCreateApp(t, s)
		must(t, s.DeleteApp(t.Context(), a.ID), "DeleteApp")
		_, err := s.App(t.Context(), a.ID)
		wantErr(t, err, parley.ErrNotFound, "App after DeleteApp")
		wantErr(t, s.DeleteApp(t.Context(), a.ID), parley.ErrNotFound, "second DeleteApp")
		_, err = s.App(t.Context(), b.ID)
		must(t, err, "the other app after DeleteApp")
	})

	t.Run("DeleteCascades", func(t *testing.T) { testDeleteAppCascades(t, newStore(t)) })

	t.Run("APIKeyRoundTrip", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		k := &parley.APIKey{ID: "k1abc", AppID: a.ID, Key: "k1abc-secret", Name: "Server",
			Scope: parley.ScopeFullAccess, Hash: []byte{0, 1, 2, 0xff}, CreatedAt: t0, UpdatedAt: t0 + 1}
		must(t, s.CreateAPIKey(t.Context(), k), "CreateAPIKey")
		got, err := s.APIKey(t.Context(), a.ID, k.ID)
		must(t, err, "APIKey")
		want := *k
		want.Key = "" // the secret is stored only as its hash
		wantEqual(t, &want, got, "api key")
	})

	t.Run("APIKeyConflict", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		k := &parley.APIKey{ID: "k1", AppID: a.ID, Name: "A", Scope: parley.ScopeAuthOnly, Hash: []byte("h"), CreatedAt: t0}
		must(t, s.CreateAPIKey(t.Context(), k), "CreateAPIKey")
		k2 := *k
		k2.Name = "B"
		wantErr(t, s.CreateAPIKey(t.Context(), &k2), parley.ErrConflict, "CreateAPIKey with a taken id")
		got, err := s.APIKey(t.Context(), a.ID, k.ID)
		must(t, err, "APIKey")
		if got.Name != "A" {
			t.Errorf("key name = %q after a refused create, want %q", got.Name, "A")
		}
	})

	t.Run("APIKeyUnknownApp", func(t *testing.T) {
		s := newStore(t)
		k := &parley.APIKey{ID: "k1", AppID: "app-none", Name: "A", Scope: parley.ScopeAuthOnly, Hash: []byte("h"), CreatedAt: t0}
		if err := s.CreateAPIKey(t.Context(), k); err == nil {
			t.Error("CreateAPIKey in an app that does not exist succeeded")
		}
	})

	t.Run("APIKeyNotFound", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		_, err := s.APIKey(t.Context(), a.ID, "none")
		wantErr(t, err, parley.ErrNotFound, "APIKey")
		err = s.UpdateAPIKey(t.Context(), &parley.APIKey{ID: "none", AppID: a.ID, Name: "x", Scope: parley.ScopeAuthOnly})
		wantErr(t, err, parley.ErrNotFound, "UpdateAPIKey")
		wantErr(t, s.DeleteAPIKey(t.Context(), a.ID, "none"), parley.ErrNotFound, "DeleteAPIKey")
	})

	t.Run("APIKeysOldestFirst", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		keys, err := s.APIKeys(t.Context(), a.ID)
		must(t, err, "APIKeys")
		if len(keys) != 0 {
			t.Fatalf("APIKeys of a new app = %d keys", len(keys))
		}
		for i, id := range []string{"kc", "ka", "kb"} {
			k := &parley.APIKey{ID: id, AppID: a.ID, Name: id, Scope: parley.ScopeAuthOnly,
				Hash: []byte(id), CreatedAt: t0 + int64([]int{30, 10, 20}[i])}
			must(t, s.CreateAPIKey(t.Context(), k), "CreateAPIKey")
		}
		keys, err = s.APIKeys(t.Context(), a.ID)
		must(t, err, "APIKeys")
		var ids []string
		for _, k := range keys {
			ids = append(ids, k.ID)
			if k.AppID != a.ID || string(k.Hash) != k.ID {
				t.Errorf("listed key %+v: wrong app or hash", k)
			}
		}
		wantEqual(t, []string{"ka", "kb", "kc"}, ids, "key order")
	})

	t.Run("APIKeyUpdate", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		k := &parley.APIKey{ID: "k1", AppID: a.ID, Name: "Old", Scope: parley.ScopeAuthOnly, Hash: []byte("h"), CreatedAt: t0}
		must(t, s.CreateAPIKey(t.Context(), k), "CreateAPIKey")
		must(t, s.UpdateAPIKey(t.Context(), &parley.APIKey{ID: "k1", AppID: a.ID, Name: "New",
			Scope: parley.ScopeFullAccess, UpdatedAt: t0 + 9}), "UpdateAPIKey")
		got, err := s.APIKey(t.Context(), a.ID, "k1")
		must(t, err, "APIKey")
		want := &parley.APIKey{ID: "k1", AppID: a.ID, Name: "New", Scope: parley.ScopeFullAccess,
			Hash: []byte("h"), CreatedAt: t0, UpdatedAt: t0 + 9}
		wantEqual(t, want, got, "updated key (hash and createdAt kept)")
	})

	t.Run("APIKeyDelete", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for _, id := range []string{"k1", "k2"} {
			must(t, s.CreateAPIKey(t.Context(), &parley.APIKey{ID: id, AppID: a.ID, Name: id,
				Scope: parley.ScopeAuthOnly, Hash: []byte(id), CreatedAt: t0}), "CreateAPIKey")
		}
		must(t, s.DeleteAPIKey(t.Context(), a.ID, "k1"), "DeleteAPIKey")
		_, err := s.APIKey(t.Context(), a.ID, "k1")
		wantErr(t, err, parley.ErrNotFound, "APIKey after delete")
		wantErr(t, s.DeleteAPIKey(t.Context(), a.ID, "k1"), parley.ErrNotFound, "second DeleteAPIKey")
		keys, err := s.APIKeys(t.Context(), a.ID)
		must(t, err, "APIKeys")
		if len(keys) != 1 || keys[0].ID != "k2" {
			t.Errorf("keys after delete = %v, want only k2", keys)
		}
	})

	t.Run("APIKeyAppIsolation", func(t *testing.T) {
		s := newStore(t)
		a, b := MustCreateApp(t, s), MustCreateApp(t, s)
		ka := &parley.APIKey{ID: "same", AppID: a.ID, Name: "A", Scope: parley.ScopeFullAccess, Hash: []byte("a"), CreatedAt: t0}
		must(t, s.CreateAPIKey(t.Context(), ka), "CreateAPIKey in A")
		_, err := s.APIKey(t.Context(), b.ID, "same")
		wantErr(t, err, parley.ErrNotFound, "A's key read from B")
		keys, err := s.APIKeys(t.Context(), b.ID)
		must(t, err, "APIKeys of B")
		if len(keys) != 0 {
			t.Errorf("B lists %d keys, want none", len(keys))
		}
		err = s.UpdateAPIKey(t.Context(), &parley.APIKey{ID: "same", AppID: b.ID, Name: "hijack", Scope: parley.ScopeAuthOnly})
		wantErr(t, err, parley.ErrNotFound, "A's key updated from B")
		wantErr(t, s.DeleteAPIKey(t.Context(), b.ID, "same"), parley.ErrNotFound, "A's key deleted from B")

		// The same id may exist in both apps.
		kb := &parley.APIKey{ID: "same", AppID: b.ID, Name: "B", Scope: parley.ScopeAuthOnly, Hash: []byte("b"), CreatedAt: t0}
		must(t, s.CreateAPIKey(t.Context(), kb), "CreateAPIKey with the same id in B")
		got, err := s.APIKey(t.Context(), a.ID, "same")
		must(t, err, "APIKey in A")
		wantEqual(t, ka.Hash, got.Hash, "A's key hash")
		if got.Name != "A" || got.Scope != parley.ScopeFullAccess {
			t.Errorf("A's key = %+v, changed by B", got)
		}
	})

	t.Run("Settings", func(t *testing.T) {
		s := newStore(t)
		_, err := s.Setting(t.Context(), "motd")
		wantErr(t, err, parley.ErrNotFound, "Setting never set")
		must(t, s.SetSetting(t.Context(), "motd", "hello"), "SetSetting")
		must(t, s.SetSetting(t.Context(), "other", ""), "SetSetting")
		v, err := s.Setting(t.Context(), "motd")
		must(t, err, "Setting")
		wantEqual(t, "hello", v, "setting")
		must(t, s.SetSetting(t.Context(), "motd", "bye"), "SetSetting again")
		v, err = s.Setting(t.Context(), "motd")
		must(t, err, "Setting")
		wantEqual(t, "bye", v, "overwritten setting")
		v, err = s.Setting(t.Context(), "other")
		must(t, err, "Setting of an empty value")
		wantEqual(t, "", v, "empty setting")
	})
}

// testDeleteAppCascades fills two apps with one of everything, deletes one,
// and checks that nothing of it is left (even once its id and uids are used
// again) while the other app is untouched.
func testDeleteAppCascades(t *testing.T, s parley.Store) {
	ctx := t.Context()
	fill := func(appID string) {
		must(t, s.CreateAPIKey(ctx, &parley.APIKey{ID: "k1", AppID: appID, Name: "K", Scope: parley.ScopeFullAccess,
			Hash: []byte("h"), CreatedAt: t0}), "CreateAPIKey")
		mustCreateUsers(t, s, appID,
			&parley.User{UID: "alice", Name: "Alice", Role: "vip", Status: parley.StatusOffline, Tags: []string{"red"}, CreatedAt: t0},
			&parley.User{UID: "bob", Name: "Bob", Role: "vip", Status: parley.StatusOffline, CreatedAt: t0})
		must(t, s.CreateAuthToken(ctx, &parley.AuthToken{ID: "t1", AppID: appID, UID: "alice", Hash: []byte("h"), CreatedAt: t0}), "CreateAuthToken")
		must(t, s.CreateRole(ctx, appID, &parley.Role{Role: "vip", Name: "VIP", CreatedAt: t0}), "CreateRole")
		must(t, s.AddFriend(ctx, appID, "alice", "bob", t0), "AddFriend")
		must(t, s.Block(ctx, appID, "alice", "bob", t0), "Block")
	}
	a, b := MustCreateApp(t, s), MustCreateApp(t, s)
	fill(a.ID)
	fill(b.ID)

	must(t, s.DeleteApp(ctx, a.ID), "DeleteApp")

	// App B keeps everything.
	if _, err := s.APIKey(ctx, b.ID, "k1"); err != nil {
		t.Errorf("B's key: %v", err)
	}
	if _, err := s.AuthToken(ctx, b.ID, "t1"); err != nil {
		t.Errorf("B's token: %v", err)
	}
	if _, err := s.Role(ctx, b.ID, "vip"); err != nil {
		t.Errorf("B's role: %v", err)
	}
	wantUIDs(t, s, b.ID, parley.UserFilter{}, "alice", "bob")
	wantUIDs(t, s, b.ID, parley.UserFilter{Tags: []string{"red"}}, "alice")
	wantUIDs(t, s, b.ID, parley.UserFilter{FriendsOf: "alice"}, "bob")
	if ab, _, err := s.Blocked(ctx, b.ID, "alice", "bob"); err != nil || !ab {
		t.Errorf("B's block: %v, %v", ab, err)
	}

	// App A is empty, even under its old id with its old users back.
	must(t, s.CreateApp(ctx, &parley.App{ID: a.ID, Name: "again", CreatedAt: t0}), "CreateApp with the deleted id")
	keys, err := s.APIKeys(ctx, a.ID)
	must(t, err, "APIKeys")
	if len(keys) != 0 {
		t.Errorf("deleted app still has %d keys", len(keys))
	}
	wantUIDs(t, s, a.ID, parley.UserFilter{WithDeactivated: true})
	_, err = s.AuthToken(ctx, a.ID, "t1")
	wantErr(t, err, parley.ErrNotFound, "token of the deleted app")
	_, err = s.Role(ctx, a.ID, "vip")
	wantErr(t, err, parley.ErrNotFound, "role of the deleted app")
	n, err := s.CountUsersWithRole(ctx, a.ID, "vip")
	must(t, err, "CountUsersWithRole")
	wantEqual(t, 0, n, "users with role in the deleted app")

	MustCreateUser(t, s, a.ID, "alice")
	MustCreateUser(t, s, a.ID, "bob")
	toks, err := s.AuthTokens(ctx, a.ID, "alice")
	must(t, err, "AuthTokens")
	if len(toks) != 0 {
		t.Errorf("re-created user has %d tokens of the deleted app", len(toks))
	}
	wantUIDs(t, s, a.ID, parley.UserFilter{Tags: []string{"red"}})
	wantUIDs(t, s, a.ID, parley.UserFilter{FriendsOf: "alice"})
	wantUIDs(t, s, a.ID, parley.UserFilter{BlockedOf: "alice"})
	ab, ba, err := s.Blocked(ctx, a.ID, "alice", "bob")
	must(t, err, "Blocked")
	if ab || ba {
		t.Errorf("Blocked in the deleted app = %v, %v; want false, false", ab, ba)
	}
}
