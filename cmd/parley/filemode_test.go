//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestMainDataIsPrivate: whatever the umask, the data directory Parley
// makes is 0700 and the database with its log files 0600.
func TestMainDataIsPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "a", "data")
	m, out := start(t, testConfig(dir))
	s := parseSecrets(out)
	mustOK(t, "POST", m.URL()+"/v3/users", map[string]any{"uid": "alice", "name": "Alice"}, "appid", s.AppID, "apikey", s.RESTKey)
	for name, want := range map[string]os.FileMode{
		"": 0o700, "media": 0o700, "parley.db": 0o600, "parley.db-wal": 0o600, "parley.db-shm": 0o600,
	} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%q has mode %v, want %v", name, got, want)
		}
	}
}
