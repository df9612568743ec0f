//go:build unix

package sqlite

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/parleychat/parley"
)

// TestOpenCreatesPrivateFiles: whatever the umask, a new database and its
// write-ahead log and shared-memory index are readable by their owner only;
// they hold every message and key hash.
func TestOpenCreatesPrivateFiles(t *testing.T) {
	old := syscall.Umask(0o022) // the usual umask, which gives 0644
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "parley.db")
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A write, so that the log has content and both side files exist.
	if err := st.InTx(context.Background(), func(tx parley.Tx) error {
		return tx.SetSetting(context.Background(), "k", "v")
	}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"parley.db", "parley.db-wal", "parley.db-shm"} {
		fi, err := os.Stat(filepath.Join(filepath.Dir(path), name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %v, want %v", name, mode, fs.FileMode(0o600))
		}
	}
}

// TestOpenKeepsExistingMode: a database the operator made, or chmodded for
// a backup user, keeps its mode.
func TestOpenKeepsExistingMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	if err := os.WriteFile(path, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o640 {
		t.Errorf("mode %v, want the operator's 0640", mode)
	}
}
