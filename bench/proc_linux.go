package bench

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// userHZ is the unit of the CPU times in /proc/PID/stat: USER_HZ, which
// Linux fixes at 100 for every architecture's user space.
const userHZ = 100

// procStat is a process's resident memory and the CPU time it has used.
type procStat struct {
	rss     int64 // VmRSS, bytes: everything resident, files mapped in too
	rssAnon int64 // RssAnon, bytes: heap and stacks, without mapped files (a memory-mapped database)
	cpu     time.Duration
}

// readProc reads a process's memory and CPU time (user + system).
func readProc(pid int) (procStat, error) {
	var st procStat
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return st, err
	}
	for line := range bytes.Lines(status) {
		for _, f := range []struct {
			name string
			dst  *int64
		}{{"VmRSS:", &st.rss}, {"RssAnon:", &st.rssAnon}} {
			if v, ok := bytes.CutPrefix(line, []byte(f.name)); ok {
				kb, err := strconv.ParseInt(string(bytes.Fields(v)[0]), 10, 64) // "123456 kB"
				if err != nil {
					return st, fmt.Errorf("%s %q: %w", f.name, v, err)
				}
				*f.dst = kb << 10
			}
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return st, err
	}
	// The command name (field 2) may hold spaces and parentheses: the
	// fields to count start after its last ')'. utime and stime are fields
	// 14 and 15 of the line, 12 and 13 after the name.
	i := bytes.LastIndexByte(stat, ')')
	f := bytes.Fields(stat[i+1:])
	if i < 0 || len(f) < 13 {
		return st, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(string(s), 10, 64)
		if err != nil {
			return st, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	st.cpu = time.Duration(ticks) * time.Second / userHZ
	return st, nil
}

// raiseFileLimit lifts this process's open-file limit to its hard limit
// and returns it. Calling Setrlimit also makes child processes (the server
// bench starts) inherit the raised limit: Go restores the original one
// for children only while the program never set it.
func raiseFileLimit() (uint64, error) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, err
	}
	l.Cur = l.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, err
	}
	return l.Cur, nil
}
