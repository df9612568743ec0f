package chat

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/parleychat/parley"
)

// authWorld is a service with one user "u" and an auth token of theirs.
func authWorld(t *testing.T) (*Service, Credentials, *parley.AuthToken) {
	t.Helper()
	ctx := t.Context()
	s := New(Config{Store: newTestStore(t), PasswordCost: 4})
	t.Cleanup(func() { s.Close() })
	boot, err := s.Bootstrap(ctx, "op-token-for-the-auth-cache")
	if err != nil {
		t.Fatal(err)
	}
	server := parley.NewContext(ctx, parley.Actor{AppID: boot.App.ID, Access: parley.AccessFullAccess})
	if _, err := s.CreateUser(server, parley.NewUser{UID: "u", Name: "U"}); err != nil {
		t.Fatal(err)
	}
	tok, err := s.CreateAuthToken(server, "u", parley.Device{})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := s.store.AuthToken(ctx, boot.App.ID, tok.Token[:12])
	if err != nil {
		t.Fatal(err)
	}
	c := Credentials{AppID: boot.App.ID, AuthToken: tok.Token}
	if _, err := s.Authenticate(ctx, c); err != nil { // kept from here on
		t.Fatal(err)
	}
	return s, c, stored
}

func wantRevoked(t *testing.T, s *Service, c Credentials) {
	t.Helper()
	if _, err := s.Authenticate(context.Background(), c); parley.CodeOf(err) != parley.CodeAuthTokenNotFound {
		t.Errorf("Authenticate with the revoked token: %v, want %s", err, parley.CodeAuthTokenNotFound)
	}
}

// A read of the store that began before a revocation committed, and ends
// after it was forgotten, must not be kept.
func TestAuthCacheReadRacingARevocation(t *testing.T) {
	s, c, tok := authWorld(t)
	ctx := t.Context()
	s.creds.forget(forgetting{app: c.AppID, token: tok.ID}) // as if never read
	_, err := readThrough(&s.creds, &s.creds.tokens, credKey{c.AppID, tok.ID}, s.now, func() (*parley.AuthToken, error) {
		old, err := s.store.AuthToken(ctx, c.AppID, tok.ID)
		if err == nil {
			err = s.store.DeleteAuthToken(ctx, c.AppID, tok.ID) // meanwhile, another request revokes it
		}
		return old, err
	})
	if err != nil {
		t.Fatal(err)
	}
	wantRevoked(t, s, c)
}

// Inside a transaction, a write is forgotten once it committed: a request
// that reads before the commit sees (and may keep) the old record.
func TestAuthCacheForgetsAfterCommit(t *testing.T) {
	s, c, tok := authWorld(t)
	ctx := t.Context()
	err := s.store.InTx(ctx, func(tx parley.Tx) error {
		if err := tx.DeleteAuthToken(ctx, c.AppID, tok.ID); err != nil {
			return err
		}
		s.creds.forget(forgetting{app: c.AppID, token: tok.ID})
		// Not committed yet: a request now still authenticates (from the
		// store: the token is marked as changing, so it is not kept).
		_, err := s.Authenticate(ctx, c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	wantRevoked(t, s, c)
}

// Under concurrent authentications, no authentication that starts after a
// revocation returned succeeds with the revoked token.
func TestAuthCacheConcurrentRevocation(t *testing.T) {
	s, c, tok := authWorld(t)
	ctx := t.Context()
	server := parley.NewContext(ctx, parley.Actor{AppID: c.AppID, Access: parley.AccessFullAccess})
	var revoked atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for i := 0; i < 200; i++ {
				after := revoked.Load()
				_, err := s.Authenticate(ctx, c)
				if after && err == nil {
					errs <- fmt.Errorf("authentication %d succeeded after the revocation returned", i)
					return
				}
			}
		})
	}
	if err := s.DeleteAuthToken(server, "u", tok.ID); err != nil {
		t.Fatal(err)
	}
	revoked.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	wantRevoked(t, s, c)
}
