package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parleychat/parley/internal/syncbuf"
)

// TestMain lets a test run this test binary as the server, in a child
// process that can be killed with SIGKILL, as the documentation test's
// stand-in for jq, and, for `parley bench`, which starts the server by
// running its own binary with "serve …", as the program itself.
func TestMain(m *testing.M) {
	if args := os.Getenv("PARLEY_TEST_CHILD_ARGS"); args != "" {
		os.Exit(run(context.Background(), strings.Fields(args), os.Stdout, os.Stderr))
	}
	if os.Getenv("PARLEY_TEST_JQ") != "" {
		os.Exit(miniJQ(os.Args[1:], os.Stdin, os.Stdout))
	}
	if os.Getenv(testAsMain) == "1" && len(os.Args) > 1 && os.Args[1] == "serve" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// child is a server process.
type child struct {
	cmd    *exec.Cmd
	url    string
	stdout *syncbuf.Buffer
	kill   sync.Once
}

var servingURL = regexp.MustCompile(`url=(http://\S+)`)

func startChild(t *testing.T, dir string, flags ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PARLEY_TEST_CHILD_ARGS=serve --addr 127.0.0.1:0 --data "+dir+
		" --operator-token durability-operator-token-0 "+strings.Join(flags, " "))
	c := &child{cmd: cmd, stdout: &syncbuf.Buffer{}}
	cmd.Stdout = c.stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := servingURL.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case c.url = <-found:
	case <-time.After(60 * time.Second):
		t.Fatalf("the child did not start serving; stdout:\n%s", c.stdout)
	}
	// stdout and stderr are copied apart: wait for the start-up lines.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if out := c.stdout.String(); strings.Contains(out, "shown again") || strings.Contains(out, "app(s) in") {
			break
		}
	}
	return c
}

// TestAcknowledgedMessagesSurviveKill sends messages from many clients,
// kills the server with SIGKILL while they are in flight, restarts it on the
// same data, and checks that every message it acknowledged is there, in a
// log whose ids are dense from 1.
func TestAcknowledgedMessagesSurviveKill(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dir := t.TempDir()
	c := startChild(t, dir)
	out := c.stdout.String()
	app := field(t, out, "App ID:")
	key := field(t, out, "Rest API Key:")
	do := func(base, method, path string, body any, ok *bool) map[string]any {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
		req.Header.Set("appid", app)
		req.Header.Set("apikey", key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil
		}
		defer resp.Body.Close()
		var m map[string]any
		raw, _ := io.ReadAll(resp.Body)
		json.Unmarshal(raw, &m)
		if ok != nil {
			*ok = resp.StatusCode == 200
		}
		return m
	}
	var ok bool
	do(c.url, "POST", "/v3/users", map[string]any{"uid": "alice", "name": "Alice"}, &ok)
	do(c.url, "POST", "/v3/users", map[string]any{"uid": "bob", "name": "Bob"}, &ok)
	if !ok {
		t.Fatal("could not create users")
	}

	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var ok bool
				m := do(c.url, "POST", "/v3/messages", map[string]any{"receiver": "bob", "receiverType": "user",
					"data": map[string]any{"text": fmt.Sprintf("m %d", i)}}, &ok)
				if !ok {
					return // the server is gone
				}
				d, _ := m["data"].(map[string]any)
				mu.Lock()
				acked = append(acked, d["id"].(string))
				n := len(acked)
				mu.Unlock()
				if n >= 400 {
					c.kill.Do(func() { c.cmd.Process.Kill() }) // SIGKILL, mid-stream
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	c.cmd.Wait()
	if len(acked) < 400 {
		t.Fatalf("only %d messages acknowledged before the kill", len(acked))
	}

	c2 := startChild(t, dir)
	// The whole log, read forward page by page as the REST API Key sees it.
	var stored []int64
	for after := "0"; ; {
		var ok bool
		m := do(c2.url, "GET", "/v3/messages?affix=append&limit=1000&id="+after, nil, &ok)
		page, _ := m["data"].([]any)
		if !ok {
			t.Fatalf("list messages after the restart: %v", m)
		}
		if len(page) == 0 {
			break
		}
		for _, it := range page {
			msg, _ := it.(map[string]any)
			idStr, _ := msg["id"].(string)
			id, err := strconv.ParseInt(idStr, 10, 64)
			if err != nil {
				t.Fatalf("message without an id: %v", msg)
			}
			stored = append(stored, id)
			after = idStr
		}
	}
	// Dense: 1, 2, 3, … with no hole, so a client resuming from any id
	// misses nothing; a hole would be a write half-kept by the kill.
	for i, id := range stored {
		if id != int64(i+1) {
			t.Fatalf("after SIGKILL and restart the log is not dense: id %d at position %d (ids %v…)", id, i+1, stored[:i+1])
		}
	}
	have := make(map[string]bool, len(stored))
	for _, id := range stored {
		have[strconv.FormatInt(id, 10)] = true
	}
	for _, id := range acked {
		if !have[id] {
			t.Fatalf("acknowledged message %s lost after SIGKILL (log holds 1..%d)", id, len(stored))
		}
	}
	t.Logf("%d acknowledged messages, all present after SIGKILL and restart in a dense log of %d", len(acked), len(stored))
}

func field(t *testing.T, out, label string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), label); ok {
			return strings.TrimSpace(rest)
		}
	}
	t.Fatalf("no %q in:\n%s", label, out)
	return ""
}
