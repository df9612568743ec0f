//go:build unix

package main

import "syscall"

// openFileLimit is the process's limit on open files, 0 if unknown.
func openFileLimit() uint64 {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0
	}
	return uint64(l.Cur) // int64 on some systems
}
