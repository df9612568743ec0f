package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parleychat/parley"
)

// TestTx tests InTx and Ping.
func TestTx(t *testing.T, newStore func(t *testing.T) parley.Store) {
	// writeAll writes one of most things in appID through tx.
	writeAll := func(ctx context.Context, tx parley.Tx, appID string) error {
		for _, uid := range []string{"ann", "bob"} {
			u := &parley.User{UID: uid, Name: uid, Role: "vip", Tags: []string{"t"}, CreatedAt: t0}
			if err := tx.CreateUser(ctx, appID, u); err != nil {
				return err
			}
		}
		steps := []error{
			tx.CreateRole(ctx, appID, &parley.Role{Role: "vip", Name: "VIP", CreatedAt: t0}),
			tx.CreateAuthToken(ctx, &parley.AuthToken{ID: "tok", AppID: appID, UID: "ann", Hash: []byte("h"), CreatedAt: t0}),
			tx.CreateAPIKey(ctx, &parley.APIKey{ID: "key", AppID: appID, Name: "K", Scope: parley.ScopeAuthOnly, Hash: []byte("h"), CreatedAt: t0}),
			tx.AddFriend(ctx, appID, "ann", "bob", t0),
			tx.Block(ctx, appID, "bob", "ann", t0),
			tx.SetSetting(ctx, "in-tx", "yes"),
		}
		return errors.Join(steps...)
	}
	// wantWritten checks what writeAll wrote is all there, or all absent.
	wantWritten := func(t *testing.T, s parley.Store, appID string, written bool) {
		t.Helper()
		ctx := t.Context()
		found := func(err error) bool {
			if err != nil && !errors.Is(err, parley.ErrNotFound) {
				t.Fatalf("unexpected error: %v", err)
			}
			return err == nil
		}
		_, errU := s.User(ctx, appID, "ann", "")
		_, errR := s.Role(ctx, appID, "vip")
		_, errT := s.AuthToken(ctx, appID, "tok")
		_, errK := s.APIKey(ctx, appID, "key")
		_, errS := s.Setting(ctx, "in-tx")
		got := map[string]bool{
			"user": found(errU), "role": found(errR), "token": found(errT), "key": found(errK), "setting": found(errS),
		}
		want := map[string]bool{"user": written, "role": written, "token": written, "key": written, "setting": written}
		wantEqual(t, want, got, "records found")
		if written {
			wantUIDs(t, s, appID, parley.UserFilter{FriendsOf: "ann", Tags: []string{"t"}}, "bob")
			wantUIDs(t, s, appID, parley.UserFilter{BlockedOf: "ann"}, "bob")
		} else {
			wantUIDs(t, s, appID, parley.UserFilter{WithDeactivated: true})
		}
	}

	t.Run("CommitOnNil", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		must(t, s.InTx(t.Context(), func(tx parley.Tx) error {
			return writeAll(t.Context(), tx, a.ID)
		}), "InTx")
		wantWritten(t, s, a.ID, true)
	})

	t.Run("RollbackOnError", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		errStop := errors.New("stop")
		err := s.InTx(t.Context(), func(tx parley.Tx) error {
			if err := writeAll(t.Context(), tx, a.ID); err != nil {
				return err
			}
			return errStop
		})
		wantErr(t, err, errStop, "InTx")
		wantWritten(t, s, a.ID, false)
	})

	t.Run("RollbackOnStoreError", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		err := s.InTx(t.Context(), func(tx parley.Tx) error {
			if err := writeAll(t.Context(), tx, a.ID); err != nil {
				return err
			}
			return tx.CreateUser(t.Context(), a.ID, &parley.User{UID: "ann", Name: "again", Role: "vip", CreatedAt: t0})
		})
		wantErr(t, err, parley.ErrConflict, "InTx")
		wantWritten(t, s, a.ID, false)
	})

	t.Run("RollbackOnPanic", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Errorf("recovered %v, want the panic of fn", r)
				}
			}()
			s.InTx(t.Context(), func(tx parley.Tx) error {
				if err := writeAll(t.Context(), tx, a.ID); err != nil {
					return err
				}
				panic("boom")
			})
		}()
		wantWritten(t, s, a.ID, false)
		// The store is still usable: the transaction let go of its connection.
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		must(t, s.InTx(ctx, func(tx parley.Tx) error { return writeAll(ctx, tx, a.ID) }), "InTx after a panic")
		wantWritten(t, s, a.ID, true)
	})

	t.Run("ReadsOwnWrites", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		must(t, s.InTx(t.Context(), func(tx parley.Tx) error {
			ctx := t.Context()
			b := MustCreateApp(t, tx)
			if _, err := tx.App(ctx, b.ID); err != nil {
				t.Errorf("App created in the transaction: %v", err)
			}
			if err := writeAll(ctx, tx, a.ID); err != nil {
				return err
			}
			u, err := tx.User(ctx, a.ID, "ann", "bob")
			if err != nil {
				return err
			}
			wantEqual(t, ptr(true), u.BlockedByMe, "ann seen by bob in the transaction: BlockedByMe")
			wantUIDs(t, tx, a.ID, parley.UserFilter{FriendsOf: "bob"}, "ann")
			rs, total, err := tx.Roles(ctx, a.ID, parley.Page{Page: 1, PerPage: 10})
			if err != nil {
				return err
			}
			if len(rs) != 1 || total != 1 {
				t.Errorf("Roles in the transaction = %d, total %d; want 1, 1", len(rs), total)
			}
			n, err := tx.CountUsersWithRole(ctx, a.ID, "vip")
			if err != nil {
				return err
			}
			wantEqual(t, 2, n, "users with role in the transaction")
			return nil
		}), "InTx")
	})

	t.Run("Ping", func(t *testing.T) {
		s := newStore(t)
		must(t, s.Ping(t.Context()), "Ping")
	})
}
