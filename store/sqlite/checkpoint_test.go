package sqlite

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/internal/syncbuf"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/store/storetest"
)

// TestBackgroundCheckpoint: pages committed to the write-ahead log reach
// the database file while the store stays open, though the writer's own
// checkpoint threshold is far off, and the writer keeps that threshold.
func TestBackgroundCheckpoint(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "parley.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	var auto int
	if err := s.wdb.QueryRowContext(t.Context(), `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil {
		t.Fatal(err)
	}
	if auto != writerCheckpoint {
		t.Errorf("writer's wal_autocheckpoint = %d, want %d", auto, writerCheckpoint)
	}
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	app := storetest.MustCreateApp(t, s)
	storetest.MustCreateUser(t, s, app.ID, "ann")
	ms := make([]*parley.Message, 2000) // ~4 MB: some 1,000 pages, far below writerCheckpoint
	for i := range ms {
		ms[i] = &parley.Message{ConversationID: "ann_user_ann", Sender: "ann", Receiver: "ann",
			ReceiverType: parley.ReceiverUser, Category: parley.CategoryMessage, Type: parley.TypeText,
			Data: parley.MessageData{Text: strings.Repeat("x", 2000)}}
	}
	if err := s.AppendMessages(t.Context(), app.ID, ms...); err != nil {
		t.Fatal(err)
	}
	// A liveness check, not a timing: the checkpointer looks every 100 ms.
	deadline := time.Now().Add(10 * time.Second)
	for size() < before+2<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes (was %d): nothing checkpointed", size(), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCheckpointFailureLogged: a failing background checkpoint is logged
// through the store's logger, not slog's global one.
func TestCheckpointFailureLogged(t *testing.T) {
	t.Parallel()
	var buf syncbuf.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	// A file in a directory that does not exist: every checkpoint fails.
	path := filepath.Join(t.TempDir(), "missing", "parley.db")
	c, err := startCheckpointer(path, "", log)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(buf.String(), "background checkpoint failed") {
		if time.Now().After(deadline) {
			t.Fatalf("no failure logged through the store's logger; logged: %q", buf.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
