//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// lockFileName is the file in the data directory that a running server
// holds locked, so that a second server on the same data is refused rather
// than served beside the first (two writers, two first starts).
const lockFileName = "parley.lock"

// lockDataDir takes the data directory's lock and returns its release. The
// lock is flock(2)'s, held by the open file: the kernel releases it when the
// process ends however it ends (kill -9 included), so a stale lock file
// never keeps a server from starting. The file holds the owner's pid, for
// the message a second server prints.
func lockDataDir(dir string) (release func() error, err error) {
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data dir %s: %w", dir, err) // names the file and the reason
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			owner := "another process"
			if b, _ := os.ReadFile(path); len(strings.TrimSpace(string(b))) > 0 {
				owner = "process " + strings.TrimSpace(string(b))
			}
			return nil, fmt.Errorf("data dir %s is in use by another parley server (%s holds %s); "+
				"stop it, or give this one another --data", dir, owner, path)
		}
		return nil, fmt.Errorf("data dir %s: lock %s: %w", dir, path, err)
	}
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "%d\n", os.Getpid())
	}
	return f.Close, nil
}
