//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

// lockDataDir does nothing where flock(2) is missing: there a second server
// on the same data directory is not refused.
func lockDataDir(dir string) (release func() error, err error) {
	return func() error { return nil }, nil
}
