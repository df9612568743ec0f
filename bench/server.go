package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Target is the server under load: where it listens, the app to use and
// its REST API Key (full access), and its process id (0: unknown, and the
// server's memory and CPU are not reported).
type Target struct {
	URL   string // http://host:port
	AppID string
	Key   string
	PID   int
}

// sample is a server process's memory and CPU time at one moment.
type sample struct {
	procStat
	at time.Time
	ok bool
}

// sample reads the server's process; ok is false without a PID.
func (t Target) sample() (sample, error) {
	s := sample{at: time.Now()}
	if t.PID == 0 {
		return s, nil
	}
	st, err := readProc(t.PID)
	if err != nil {
		return s, fmt.Errorf("measure server process %d: %w", t.PID, err)
	}
	s.procStat, s.ok = st, true
	return s, nil
}

// ServerOptions say how to start the server bench measures.
type ServerOptions struct {
	Exe       string   // the parley binary (os.Executable: bench and the server are one program)
	DataDir   string   // kept after the run; empty: a temporary directory, removed
	DebugAddr string   // passed as --debug-addr: net/http/pprof of the server
	Args      []string // more flags for parley serve
	Log       io.Writer
}

// Server is a `parley serve` child process.
type Server struct {
	Target
	cmd     *exec.Cmd
	dir     string
	tempDir bool
	exited  chan struct{}
	waitErr error
	log     *lineTail
}

// serverState is what bench keeps in a data directory it may reuse: the
// first start prints the app's keys only once.
type serverState struct {
	AppID string `json:"appId"`
	Key   string `json:"key"`
}

const stateFile = "bench-server.json"

var (
	reAppID   = regexp.MustCompile(`(?m)^\s+App ID:\s+(\S+)$`)
	reRESTKey = regexp.MustCompile(`(?m)^\s+Rest API Key:\s+(\S+)$`)
)

// StartServer starts `parley serve` on a free loopback port with rate
// limits off (the load is the point) and logging at warnings (a line per
// request would cost the server more than the request), and waits until
// it answers. Its open-file limit is this process's, raised to the hard
// limit so that the idle scenario can hold its connections.
func StartServer(ctx context.Context, o ServerOptions) (*Server, error) {
	if _, err := raiseFileLimit(); err != nil && o.Log != nil {
		fmt.Fprintf(o.Log, "bench: could not raise the open-file limit: %v\n", err)
	}
	s := &Server{dir: o.DataDir, exited: make(chan struct{}), log: &lineTail{max: 40, fwd: o.Log}}
	if s.dir == "" {
		dir, err := os.MkdirTemp("", "parley-bench-")
		if err != nil {
			return nil, err
		}
		s.dir, s.tempDir = dir, true
	}
	addr, err := freePort()
	if err != nil {
		s.cleanup()
		return nil, err
	}
	args := []string{"serve", "--addr", addr, "--data", s.dir, "--log-level", "warn",
		"--rate-auth-failures-ip", "off", "--rate-auth-failures-app", "off",
		"--rate-user-requests", "off", "--rate-app-requests", "off",
		"--rate-user-messages", "off", "--rate-app-messages", "off"}
	if o.DebugAddr != "" {
		args = append(args, "--debug-addr", o.DebugAddr)
	}
	args = append(args, o.Args...)
	s.cmd = exec.Command(o.Exe, args...)
	s.cmd.Stderr = s.log
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		s.cleanup()
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		s.cleanup()
		return nil, fmt.Errorf("start %s: %w", o.Exe, err)
	}
	go func() { s.waitErr = s.cmd.Wait(); close(s.exited) }()
	s.Target = Target{URL: "http://" + addr, PID: s.cmd.Process.Pid}

	printed := make(chan string, 1)
	go func() {
		// What a start prints ends with the line about keeping the
		// secrets (first start) or about the apps there are (later ones).
		var out strings.Builder
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "will not be shown again") || strings.Contains(sc.Text(), "app(s) in") {
				break
			}
		}
		printed <- out.String()
		io.Copy(io.Discard, stdout) // the pipe stays drained
	}()
	if err := s.waitReady(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	if err := s.loadKeys(printed); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// freePort picks a loopback port no one listens on. Another process could
// take it before the server binds; the server then fails to start, and
// says so.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitReady polls /healthz until the server answers or exits.
func (s *Server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second) // a first start migrates the database
	hc := &http.Client{Timeout: time.Second}     // a bound port may accept and not answer yet
	for {
		resp, err := hc.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("parley serve exited (%v): %s", s.waitErr, s.log.String())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("parley serve did not answer on %s within a minute: %s", s.URL, s.log.String())
		}
	}
}

// loadKeys takes the app's keys from what a first start printed, or from
// the state file of an earlier run on the same data directory, and keeps
// them there for the next.
func (s *Server) loadKeys(printed <-chan string) error {
	state := filepath.Join(s.dir, stateFile)
	var out string
	select { // printed before the server answers /healthz
	case out = <-printed:
	case <-time.After(5 * time.Second):
	}
	if id, key := reAppID.FindStringSubmatch(out), reRESTKey.FindStringSubmatch(out); id != nil && key != nil {
		s.AppID, s.Key = id[1], key[1]
		b, _ := json.Marshal(serverState{AppID: s.AppID, Key: s.Key})
		return os.WriteFile(state, b, 0o600)
	}
	b, err := os.ReadFile(state)
	if err != nil {
		return fmt.Errorf("parley serve printed no app keys (data directory %s used before, without %s): %w",
			s.dir, stateFile, err)
	}
	var st serverState
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("%s: %w", state, err)
	}
	s.AppID, s.Key = st.AppID, st.Key
	return nil
}

// Dir is the server's data directory.
func (s *Server) Dir() string { return s.dir }

// Stop shuts the server down (SIGTERM, then SIGKILL after 30 s) and
// removes a temporary data directory.
func (s *Server) Stop() error {
	var err error
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
			err = errors.New("parley serve did not stop within 30 s of SIGTERM: killed")
		}
	}
	s.cleanup()
	return err
}

func (s *Server) cleanup() {
	if s.tempDir {
		os.RemoveAll(s.dir)
	}
}

// lineTail keeps the last lines the server logged (for an error message)
// and forwards the first ones (warnings: a slow consumer dropped, a
// failed write) to fwd.
type lineTail struct {
	mu    sync.Mutex
	max   int
	lines []string
	part  []byte // a line not ended yet
	fwd   io.Writer
	sent  int
}

func (t *lineTail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.part = append(t.part, p...)
	for {
		i := bytes.IndexByte(t.part, '\n')
		if i < 0 {
			break
		}
		line := string(t.part[:i])
		t.part = t.part[i+1:]
		t.lines = append(t.lines, line)
		if t.fwd != nil && t.sent < t.max {
			fmt.Fprintf(t.fwd, "server: %s\n", line)
			t.sent++
		}
	}
	if len(t.lines) > t.max {
		t.lines = append(t.lines[:0], t.lines[len(t.lines)-t.max:]...)
	}
	return len(p), nil
}

func (t *lineTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(append(t.lines, string(t.part)), "\n")
}
