package chat

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/internal/syncbuf"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/blob"
	"github.com/parleychat/parley/store/sqlite"
)

// The failure paths of the group-commit writer. Each test holds the writer
// with a job that waits (hold), queues the jobs under test meanwhile, so
// that they make one batch, and lets go.

// template is the migrated database the stores of this file copy.
var template sqlite.Template

func newTestStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := template.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newTestWriter starts a writer on a new store, logging into the buffer.
func newTestWriter(t *testing.T) (*writer, *sqlite.Store, *syncbuf.Buffer) {
	t.Helper()
	st := newTestStore(t)
	var logs syncbuf.Buffer
	w := newWriter(st, slog.New(slog.NewTextHandler(&logs, nil)))
	t.Cleanup(w.close)
	return w, st, &logs
}

// hold occupies the writer with a job that writes the setting "held" once
// released, and returns its release and its outcome.
func hold(t *testing.T, w *writer) (release func(), held <-chan error) {
	t.Helper()
	started, let := make(chan struct{}), make(chan struct{})
	held = queue(w, context.Background(), func(ctx context.Context, tx parley.Tx) error {
		close(started)
		<-let
		return tx.SetSetting(ctx, "held", "v")
	})
	<-started
	return func() { close(let) }, held
}

// queue runs fn through the writer in a goroutine; the channel gets its
// outcome.
func queue(w *writer, ctx context.Context, fn func(ctx context.Context, tx parley.Tx) error) <-chan error {
	out := make(chan error, 1)
	go func() { out <- w.do(ctx, fn) }()
	return out
}

// waitQueued waits until n jobs wait in the writer's queue.
func waitQueued(t *testing.T, w *writer, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); len(w.jobs) < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs queued, want %d", len(w.jobs), n)
		}
	}
}

// setting is a job that writes the setting name and then returns err.
func setting(name string, err error) func(ctx context.Context, tx parley.Tx) error {
	return func(ctx context.Context, tx parley.Tx) error {
		if werr := tx.SetSetting(ctx, name, "v"); werr != nil {
			return werr
		}
		return err
	}
}

// wantSettings fails the test unless exactly the settings marked true are
// stored.
func wantSettings(t *testing.T, st parley.Store, want map[string]bool) {
	t.Helper()
	for name, stored := range want {
		_, err := st.Setting(context.Background(), name)
		if err != nil && !errors.Is(err, parley.ErrNotFound) {
			t.Fatal(err)
		}
		if got := err == nil; got != stored {
			t.Errorf("setting %q stored = %v, want %v", name, got, stored)
		}
	}
}

// TestWriterRefusedJobWritesNothing: a job refused by a rule after it wrote
// leaves nothing (its savepoint is rolled back), and its batch commits the
// others' writes without a retry.
func TestWriterRefusedJobWritesNothing(t *testing.T) {
	t.Parallel()
	w, st, _ := newTestWriter(t)
	release, held := hold(t, w)
	refusal := invalid("refused after writing")
	a := queue(w, t.Context(), setting("a", nil))
	b := queue(w, t.Context(), setting("b", refusal))
	c := queue(w, t.Context(), setting("c", nil))
	waitQueued(t, w, 3)
	release()
	if err := errors.Join(<-held, <-a, <-c); err != nil {
		t.Fatalf("accepted jobs: %v", err)
	}
	if err := <-b; err != refusal {
		t.Errorf("refused job: %v, want its refusal", err)
	}
	wantSettings(t, st, map[string]bool{"held": true, "a": true, "b": false, "c": true})
	if got := (WriteStats{Batches: w.batches.Load(), Writes: w.writes.Load(), Retries: w.retries.Load()}); got != (WriteStats{Batches: 2, Writes: 4}) {
		t.Errorf("stats %+v, want the three jobs in one batch and no retry", got)
	}
}

// TestWriterAbortRetriesAlone: a job that fails otherwise than by a rule
// (a store failure) aborts its batch; each job is then retried alone, the
// others commit, and the retries are counted.
func TestWriterAbortRetriesAlone(t *testing.T) {
	t.Parallel()
	w, st, _ := newTestWriter(t)
	release, held := hold(t, w)
	broken := errors.New("disk on fire")
	a := queue(w, t.Context(), setting("a", nil))
	b := queue(w, t.Context(), setting("b", broken))
	c := queue(w, t.Context(), setting("c", nil))
	waitQueued(t, w, 3)
	release()
	if err := errors.Join(<-held, <-a, <-c); err != nil {
		t.Fatalf("the failing job's neighbours: %v", err)
	}
	if err := <-b; !errors.Is(err, broken) {
		t.Errorf("failing job: %v, want %v", err, broken)
	}
	wantSettings(t, st, map[string]bool{"a": true, "b": false, "c": true})
	if got := w.retries.Load(); got != 3 {
		t.Errorf("retries = %d, want the 3 jobs of the aborted batch", got)
	}
}

// TestWriterCancelledCaller: a caller that hangs up while its job runs does
// not interrupt the shared transaction: the job completes, its neighbours
// commit with it, nothing is retried. A job abandoned before it started is
// skipped.
func TestWriterCancelledCaller(t *testing.T) {
	t.Parallel()
	w, st, _ := newTestWriter(t)
	release, held := hold(t, w)
	hangUp, cancel := context.WithCancel(t.Context())
	a := queue(w, hangUp, func(ctx context.Context, tx parley.Tx) error {
		cancel() // the client goes away mid-job
		return setting("a", nil)(ctx, tx)
	})
	b := queue(w, t.Context(), setting("b", nil))
	waitQueued(t, w, 2)
	gone, leave := context.WithCancel(t.Context())
	c := queue(w, gone, setting("c", nil))
	waitQueued(t, w, 3)
	leave() // gone while queued
	release()
	if err := errors.Join(<-held, <-a, <-b); err != nil {
		t.Fatalf("jobs started: %v", err)
	}
	if err := <-c; !errors.Is(err, context.Canceled) {
		t.Errorf("job abandoned before it started: %v, want context.Canceled", err)
	}
	wantSettings(t, st, map[string]bool{"a": true, "b": true, "c": false})
	if got := w.retries.Load(); got != 0 {
		t.Errorf("retries = %d, want 0: the hang-up aborted the batch", got)
	}
}

// TestWriterPanic: a job that panics fails alone with an internal error,
// logged with its stack; what it wrote is undone and its batch commits.
func TestWriterPanic(t *testing.T) {
	t.Parallel()
	w, st, logs := newTestWriter(t)
	release, held := hold(t, w)
	a := queue(w, t.Context(), setting("a", nil))
	b := queue(w, t.Context(), func(ctx context.Context, tx parley.Tx) error {
		if err := tx.SetSetting(ctx, "b", "v"); err != nil {
			return err
		}
		panicInJob()
		return nil
	})
	c := queue(w, t.Context(), setting("c", nil))
	waitQueued(t, w, 3)
	release()
	if err := errors.Join(<-held, <-a, <-c); err != nil {
		t.Fatalf("the panicking job's neighbours: %v", err)
	}
	if err := <-b; parley.KindOf(err) != parley.KindInternal || parley.CodeOf(err) != parley.CodeInternal {
		t.Errorf("panicking job: %v, want %s", err, parley.CodeInternal)
	}
	wantSettings(t, st, map[string]bool{"a": true, "b": false, "c": true})
	if got := w.retries.Load(); got != 0 {
		t.Errorf("retries = %d, want 0", got)
	}
	if log := logs.String(); !strings.Contains(log, "level=ERROR") || !strings.Contains(log, "panicInJob") {
		t.Errorf("the panic was not logged with its stack: %q", log)
	}
}

// panicInJob panics; its name shows in the stack logged.
func panicInJob() { panic("job broke") }

// TestWriterClose: Close lets the batch in flight commit and fails the
// queued writes, and those after it, as unavailable.
func TestWriterClose(t *testing.T) {
	t.Parallel()
	w, st, _ := newTestWriter(t)
	release, held := hold(t, w)
	a := queue(w, t.Context(), setting("a", nil))
	b := queue(w, t.Context(), setting("b", nil))
	waitQueued(t, w, 2)
	closed := make(chan struct{})
	go func() { w.close(); close(closed) }()
	<-w.stop // the stop is signalled; the held job is still running
	release()
	<-closed
	if err := <-held; err != nil {
		t.Errorf("the write in flight at Close: %v", err)
	}
	for _, err := range []error{<-a, <-b, w.do(t.Context(), setting("late", nil))} {
		if parley.KindOf(err) != parley.KindUnavailable || parley.CodeOf(err) != parley.CodeUnavailable {
			t.Errorf("write queued at or made after Close: %v, want %s", err, parley.CodeUnavailable)
		}
	}
	wantSettings(t, st, map[string]bool{"held": true, "a": false, "b": false, "late": false})
}

// TestSameMUIDMediaSendsInOneBatch: two sends of one muid that meet in one
// batch get the one message stored, each as a copy of its own, which each
// caller decorates (signs the attachment URLs of) without racing the other
// (run under -race).
func TestSameMUIDMediaSendsInOneBatch(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	blobs, err := blob.NewDir(filepath.Join(t.TempDir(), "media"))
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Store: st, Blobs: blobs})
	t.Cleanup(func() { s.Close() })
	boot, err := s.Bootstrap(context.Background(), "op")
	if err != nil {
		t.Fatal(err)
	}
	server := parley.NewContext(context.Background(), parley.Actor{AppID: boot.App.ID, Access: parley.AccessFullAccess})
	for _, uid := range []string{"ann", "bob"} {
		if _, err := s.CreateUser(server, parley.NewUser{UID: uid, Name: uid}); err != nil {
			t.Fatal(err)
		}
	}
	ann := parley.NewContext(context.Background(), parley.Actor{AppID: boot.App.ID, Access: parley.AccessUser, UID: "ann"})
	const senders = 4
	release, held := hold(t, s.writer)
	results := make([]*parley.Message, senders)
	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			res, err := s.Send(ann, parley.NewMessage{Receiver: "bob", ReceiverType: parley.ReceiverUser,
				Type: parley.TypeImage, MUID: "one"}, []Upload{{Name: "a.png", MimeType: "image/png", Body: bytes.NewReader([]byte("png"))}})
			if err != nil {
				t.Errorf("send %d: %v", i, err)
				return
			}
			results[i] = res.Message
		})
	}
	waitQueued(t, s.writer, senders)
	release()
	wg.Wait()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if t.Failed() {
		return
	}
	for i, m := range results {
		if m.ID != results[0].ID {
			t.Errorf("send %d answered message %d, send 0 message %d: one muid, one message", i, m.ID, results[0].ID)
		}
		if i > 0 && m == results[0] {
			t.Errorf("sends 0 and %d were answered with the same *Message", i)
		}
		if len(m.Data.Attachments) != 1 || !strings.Contains(m.Data.Attachments[0].URL, "/v3/media/") ||
			strings.HasPrefix(m.Data.Attachments[0].URL, mediaScheme) {
			t.Errorf("send %d: attachments %+v, want one signed media URL", i, m.Data.Attachments)
		}
	}
}
