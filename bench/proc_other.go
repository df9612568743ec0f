//go:build !linux

package bench

import (
	"errors"
	"time"
)

func readProc(pid int) (rss int64, cpu time.Duration, err error) {
	return 0, 0, errors.New("measuring a process needs Linux's /proc")
}

func raiseFileLimit() (uint64, error) { return 0, errors.New("not supported") }
