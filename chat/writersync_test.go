package chat

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/internal/syncbuf"
	"github.com/parleychat/parley/store/sqlite"
)

// gatedSync is a store whose SyncLog waits for a gate and then fails with
// fail (nil: it syncs).
type gatedSync struct {
	*sqlite.Store
	gate chan struct{}
	fail error
}

func (g *gatedSync) SyncLog(ctx context.Context) error {
	<-g.gate
	if g.fail != nil {
		return g.fail
	}
	return g.Store.SyncLog(ctx)
}

// newGatedWriter starts a writer on a store whose syncs wait for the gate.
func newGatedWriter(t *testing.T, fail error) (*writer, *gatedSync) {
	t.Helper()
	st := &gatedSync{Store: newTestStore(t), gate: make(chan struct{}), fail: fail}
	var logs syncbuf.Buffer
	w := newWriter(st, slog.New(slog.NewTextHandler(&logs, nil)), withPipeline(true))
	t.Cleanup(func() {
		close(st.gate)
		w.close()
	})
	return w, st
}

// TestWriterAnswersAfterTheSync checks that a write is answered only once
// the log is synced after its commit: committed and readable, but not
// answered while the sync waits.
func TestWriterAnswersAfterTheSync(t *testing.T) {
	t.Parallel()
	w, st := newGatedWriter(t, nil)
	out := queue(w, context.Background(), func(ctx context.Context, tx parley.Tx) error {
		return tx.SetSetting(ctx, "k", "v")
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if v, err := st.Setting(t.Context(), "k"); err == nil && v == "v" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the write never committed")
		}
	}
	select {
	case err := <-out:
		t.Fatalf("answered (%v) before the sync", err)
	case <-time.After(20 * time.Millisecond):
	}
	st.gate <- struct{}{}
	if err := <-out; err != nil {
		t.Fatalf("after the sync: %v", err)
	}
}

// TestWriterFailsWritesWhoseSyncFailed checks that a committed write whose
// sync failed is answered with an internal error, never as done.
func TestWriterFailsWritesWhoseSyncFailed(t *testing.T) {
	t.Parallel()
	w, st := newGatedWriter(t, errors.New("disk on fire"))
	out := queue(w, context.Background(), func(ctx context.Context, tx parley.Tx) error {
		return tx.SetSetting(ctx, "k", "v")
	})
	st.gate <- struct{}{}
	err := <-out
	if e, ok := parley.AsError(err); !ok || e.Kind != parley.KindInternal {
		t.Fatalf("write whose sync failed: %v, want an internal error", err)
	}
}
