//go:build !linux

package bench

import (
	"errors"
	"time"
)

// procStat is a process's resident memory and the CPU time it has used.
type procStat struct {
	rss, rssAnon int64
	cpu          time.Duration
}

func readProc(pid int) (procStat, error) {
	return procStat{}, errors.New("measuring a process needs Linux's /proc")
}

func raiseFileLimit() (uint64, error) { return 0, errors.New("not supported") }
