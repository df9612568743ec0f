//go:build unix

package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMainDataDirNotWritable checks that a data directory the server may
// not write fails the start with one error naming what can't be written and
// the reason, rather than a database error that names neither ("attempt to
// write a readonly database").
func TestMainDataDirNotWritable(t *testing.T) {
	for _, c := range []struct {
		name            string
		existing        bool        // a data dir an earlier start made
		dirMode, dbMode os.FileMode // made so after that start
		names           string      // the path the error names, under the data dir
	}{
		{"a new data dir", false, 0o555, 0, ""},
		{"an existing data dir", true, 0o555, 0o444, ""},
		{"an existing database", true, 0o777, 0o444, "parley.db"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, stderr := serveUnprivileged(t, func(dir string) {
				if c.existing {
					m, _ := start(t, testConfig(dir))
					if err := m.Close(); err != nil {
						t.Fatal(err)
					}
					if err := os.Chmod(filepath.Join(dir, "parley.db"), c.dbMode); err != nil {
						t.Fatal(err)
					}
				}
				if err := os.Chmod(dir, c.dirMode); err != nil {
					t.Fatal(err)
				}
			})
			path := filepath.Join(dir, c.names)
			if !strings.Contains(stderr, path) || !strings.Contains(stderr, "permission denied") ||
				strings.Count(stderr, "parley serve:") != 1 {
				t.Errorf("stderr:\n%s\nwant one error naming %s and saying \"permission denied\"", stderr, path)
			}
		})
	}
}

// serveUnprivileged prepares a data directory with setup, runs parley serve
// on it as a user who is not its owner (or, for a user who is not root,
// as that user, whom the modes stop too), and returns the directory and
// what the server printed to stderr. As root (tests in CI run so) the
// server runs in a child process under uid 65534 (nobody), from a copy of
// the test binary.
func serveUnprivileged(t *testing.T, setup func(dir string)) (dir, stderr string) {
	t.Helper()
	// A folder everyone may enter, holding the data dir and the binary.
	top, err := os.MkdirTemp("", "parley-unprivileged-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.Walk(top, func(p string, _ os.FileInfo, _ error) error { os.Chmod(p, 0o755); return nil })
		os.RemoveAll(top)
	})
	dir = filepath.Join(top, "data")
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	setup(dir)
	if os.Geteuid() != 0 {
		var errs bytes.Buffer
		m := NewMain(testConfig(dir), io.Discard, &errs)
		err := m.Open(context.Background())
		m.Close()
		if err == nil {
			t.Fatal("the server started")
		}
		return dir, "parley serve: " + err.Error()
	}
	exe := filepath.Join(top, "parley.test")
	copyFile(t, os.Args[0], exe, 0o755)
	// A server that starts after all is killed: the test fails.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "PARLEY_TEST_CHILD_ARGS=serve --addr 127.0.0.1:0 --data "+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}}}
	errs := &cancelOnServing{cancel: cancel}
	cmd.Stderr = errs
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("the server as uid 65534: %v, want exit status 1; stderr:\n%s", err, errs.String())
	}
	return dir, errs.String()
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}

// cancelOnServing keeps what a child server writes and cancels its context
// (killing it) once it says it serves. The buffer is a field, not embedded:
// its ReadFrom would let io.Copy bypass Write.
type cancelOnServing struct {
	mu     sync.Mutex
	b      bytes.Buffer
	cancel context.CancelFunc
}

func (w *cancelOnServing) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.b.Write(p)
	if strings.Contains(w.b.String(), "parley serving") {
		w.cancel()
	}
	return n, err
}

func (w *cancelOnServing) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
