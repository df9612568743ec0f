package sqlite

import (
	"os"
	"syscall"
)

// datasync flushes f's data (and the size, not the times) to disk, as
// SQLite's own syncs do on Linux.
func datasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			return err
		}
	}
}
