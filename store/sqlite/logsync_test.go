package sqlite

import (
	"context"
	"errors"
	"testing"

	"github.com/parleychat/parley"
)

// TestInTxUnsyncedCommitsAndRestoresFull checks that a transaction of
// InTxUnsynced commits (its writes are read back by the read pool), that
// a failing one writes nothing, that SyncLog then succeeds, and that the
// writer's connection is back at synchronous=FULL for every other write.
func TestInTxUnsyncedCommitsAndRestoresFull(t *testing.T) {
	t.Parallel()
	s := newStore(t).(*Store)
	ctx := t.Context()
	app := &parley.App{ID: "a", Name: "a"}
	if err := s.CreateApp(ctx, app); err != nil {
		t.Fatal(err)
	}
	err := s.InTxUnsynced(ctx, func(tx parley.Tx) error {
		return tx.CreateUser(ctx, "a", &parley.User{UID: "ann", Name: "Ann", Role: parley.DefaultRole, Status: parley.StatusOffline})
	})
	if err != nil {
		t.Fatalf("InTxUnsynced: %v", err)
	}
	refused := errors.New("refused")
	err = s.InTxUnsynced(ctx, func(tx parley.Tx) error {
		if err := tx.CreateUser(ctx, "a", &parley.User{UID: "bob", Name: "Bob", Role: parley.DefaultRole, Status: parley.StatusOffline}); err != nil {
			return err
		}
		return refused
	})
	if !errors.Is(err, refused) {
		t.Fatalf("InTxUnsynced whose fn fails: %v, want its error", err)
	}
	if err := s.SyncLog(ctx); err != nil {
		t.Fatalf("SyncLog: %v", err)
	}
	if _, err := s.User(ctx, "a", "ann", ""); err != nil {
		t.Errorf("the committed user: %v", err)
	}
	if _, err := s.User(ctx, "a", "bob", ""); !errors.Is(err, parley.ErrNotFound) {
		t.Errorf("the user of the failed transaction: %v, want ErrNotFound", err)
	}
	var level int
	if err := s.wdb.QueryRowContext(context.Background(), `PRAGMA synchronous`).Scan(&level); err != nil {
		t.Fatal(err)
	}
	if level != 2 {
		t.Errorf("writer's synchronous after InTxUnsynced = %d, want 2 (FULL)", level)
	}
}
