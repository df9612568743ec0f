package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/internal/syncbuf"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/client"
)

// cliServer is a whole server on 127.0.0.1:0 and what its first start
// printed, for driving the CLI against it.
type cliServer struct {
	url string
	sec secrets
}

func startCLIServer(t *testing.T) *cliServer {
	t.Helper()
	m, out := start(t, testConfig(filepath.Join(t.TempDir(), "data")))
	return &cliServer{url: m.URL(), sec: parseSecrets(out)}
}

// flags are the common flags for this server, with the REST API Key.
func (s *cliServer) flags() []string {
	return []string{"--url", s.url, "--app", s.sec.AppID, "--key", s.sec.RESTKey}
}

// with puts the server's flags after the command (and its action), before
// the flags the test gives, which win.
func (s *cliServer) with(args ...string) []string {
	k := 1
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		k = 2
	}
	return append(append(append([]string(nil), args[:k]...), s.flags()...), args[k:]...)
}

// run runs one CLI command and returns its exit code and output.
func (s *cliServer) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr syncbuf.Buffer
	code := cli(context.Background(), s.with(args...), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// ok runs a command that must succeed and returns its output.
func (s *cliServer) ok(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := s.run(t, args...)
	if code != 0 {
		t.Fatalf("parley %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// fails runs a command that must fail with exit code 1 and the server's
// code on stderr.
func (s *cliServer) fails(t *testing.T, code string, args ...string) {
	t.Helper()
	exit, out, errOut := s.run(t, args...)
	if exit != 1 || !strings.Contains(errOut, code) {
		t.Errorf("parley %s: exit %d, stderr %q (stdout %q); want exit 1 and %s", strings.Join(args, " "), exit, errOut, out, code)
	}
}

// decode reads the JSON a --json command printed.
func decode[T any](t *testing.T, out string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return v
}

// TestCLIAdmin drives the operator and admin commands: apps, keys, users,
// tokens, groups; their text and JSON output, exit codes, the server's
// error codes, and the environment twins of the flags.
func TestCLIAdmin(t *testing.T) {
	clearEnv(t)
	s := startCLIServer(t)
	op := []string{"--operator-token", s.sec.Operator}

	t.Run("apps", func(t *testing.T) {
		a := decode[parley.App](t, s.ok(t, append([]string{"apps", "create", "--name", "Staging", "--region", "eu", "--json"}, op...)...))
		if a.ID == "" || a.Name != "Staging" || len(a.Keys) != 2 || a.Keys[0].Key == "" {
			t.Fatalf("created %+v", a)
		}
		if out := s.ok(t, append([]string{"apps", "list"}, op...)...); !strings.Contains(out, a.ID) || !strings.Contains(out, "Staging") {
			t.Errorf("apps list:\n%s", out)
		}
		s.ok(t, append([]string{"apps", "delete", a.ID}, op...)...)
		if out := s.ok(t, append([]string{"apps", "list"}, op...)...); strings.Contains(out, a.ID) {
			t.Errorf("deleted app still listed:\n%s", out)
		}
		s.fails(t, "AUTH_ERR_OPERATOR_TOKEN_INVALID", "apps", "list", "--operator-token", "wrong-operator-token-000000")
		s.fails(t, parley.CodeAppNotFound, append([]string{"apps", "delete", a.ID}, op...)...)
	})

	t.Run("keys", func(t *testing.T) {
		k := decode[parley.APIKey](t, s.ok(t, "keys", "create", "--name", "Backend", "--json"))
		if k.Scope != parley.ScopeFullAccess || len(k.Key) < 40 {
			t.Fatalf("created %+v", k)
		}
		if out := s.ok(t, "keys", "list"); !strings.Contains(out, "Backend") || strings.Contains(out, k.Key) {
			t.Errorf("keys list (names, never full keys):\n%s", out)
		}
		s.ok(t, "users", "list", "--key", k.Key) // the new key works
		s.ok(t, "keys", "revoke", k.ID)
		s.fails(t, parley.CodeAPIKeyNotFound, "users", "list", "--key", k.Key)
	})

	t.Run("users and tokens", func(t *testing.T) {
		if out := s.ok(t, "users", "create", "--uid", "alice", "--name", "Alice Smith"); !strings.Contains(out, "Alice Smith") {
			t.Errorf("users create:\n%s", out)
		}
		u := decode[parley.User](t, s.ok(t, "users", "get", "alice", "--json"))
		if u.UID != "alice" || u.Name != "Alice Smith" || u.Status != parley.StatusOffline {
			t.Errorf("users get %+v", u)
		}
		s.ok(t, "users", "create", "bob")
		us := decode[[]parley.User](t, s.ok(t, "users", "list", "--json"))
		if len(us) != 2 || us[0].UID != "alice" || us[1].UID != "bob" {
			t.Errorf("users list %+v", us)
		}
		s.fails(t, parley.CodeUIDNotFound, "users", "get", "nobody")
		s.fails(t, parley.CodeUIDExists, "users", "create", "alice")
		tok := decode[parley.AuthToken](t, s.ok(t, "tokens", "create", "bob", "--device", "laptop", "--json"))
		c, err := client.New(client.Settings{BaseURL: s.url, AppID: s.sec.AppID, ManualConnect: true})
		if err != nil {
			t.Fatal(err)
		}
		if me, err := c.Login(context.Background(), tok.Token); err != nil || me.UID != "bob" {
			t.Errorf("the token logs in as %+v, %v", me, err)
		}
		if out := s.ok(t, "tokens", "create", "bob"); strings.TrimSpace(out) == "" || strings.Contains(out, " ") {
			t.Errorf("tokens create prints the token alone: %q", out)
		}
		s.fails(t, parley.CodeUIDNotFound, "tokens", "create", "nobody")
		s.ok(t, "users", "delete", "alice")
		s.fails(t, parley.CodeUIDNotFound, "users", "get", "alice")
	})

	t.Run("groups", func(t *testing.T) {
		s.ok(t, "users", "create", "carol")
		g := decode[parley.Group](t, s.ok(t, "groups", "create", "--guid", "team", "--name", "Team", "--owner", "bob", "--json"))
		if g.Owner != "bob" || g.MembersCount != 1 {
			t.Errorf("created %+v", g)
		}
		code, out, errOut := s.run(t, "groups", "add", "team", "carol", "ghost")
		if code != 1 || !strings.Contains(out, "carol:") || !strings.Contains(out, "added") ||
			!strings.Contains(out, "ghost:") || !strings.Contains(out, parley.CodeUIDNotFound) || errOut == "" {
			t.Errorf("groups add with an unknown user: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
		ms := decode[[]parley.Member](t, s.ok(t, "groups", "members", "team", "--json"))
		if len(ms) != 2 || ms[0].UID != "bob" || ms[0].Scope != parley.ScopeAdmin || ms[1].UID != "carol" {
			t.Errorf("members %+v", ms)
		}
		if out := s.ok(t, "groups", "list"); !strings.Contains(out, "team") || !strings.Contains(out, "Team") {
			t.Errorf("groups list:\n%s", out)
		}
		s.fails(t, parley.CodeGUIDNotFound, "groups", "members", "nope")
	})

	t.Run("bad credentials and usage", func(t *testing.T) {
		s.fails(t, parley.CodeAPIKeyNotFound, "users", "list", "--key", "not-a-key")
		s.fails(t, parley.CodeAppIDNotFound, "users", "list", "--app", "0000000000000000")
		for _, args := range [][]string{{"users", "frob"}, {"users", "get"}, {"send", "--as", "bob", "hi"}, {"users", "list", "--nope"}} {
			if code, _, errOut := s.run(t, args...); code != 2 || errOut == "" {
				t.Errorf("parley %v: exit %d, stderr %q; want 2 and a message", args, code, errOut)
			}
		}
		var stdout, stderr bytes.Buffer
		if code := cli(context.Background(), []string{"users", "list"}, nil, &stdout, &stderr); code != 2 ||
			!strings.Contains(stderr.String(), "PARLEY_APP_ID") {
			t.Errorf("no app: exit %d, %s", code, stderr.String())
		}
	})

	t.Run("environment twins", func(t *testing.T) {
		t.Setenv("PARLEY_URL", s.url)
		t.Setenv("PARLEY_APP_ID", s.sec.AppID)
		t.Setenv("PARLEY_API_KEY", s.sec.RESTKey)
		t.Setenv("PARLEY_OPERATOR_TOKEN", s.sec.Operator)
		var stdout, stderr bytes.Buffer
		if code := cli(context.Background(), []string{"users", "get", "bob"}, nil, &stdout, &stderr); code != 0 ||
			!strings.Contains(stdout.String(), "bob") {
			t.Errorf("users get from the environment: exit %d\n%s%s", code, stdout.String(), stderr.String())
		}
		stdout.Reset()
		if code := cli(context.Background(), []string{"apps", "list"}, nil, &stdout, &stderr); code != 0 ||
			!strings.Contains(stdout.String(), s.sec.AppID) {
			t.Errorf("apps list from the environment: exit %d\n%s%s", code, stdout.String(), stderr.String())
		}
	})
}

// TestCLISendListen: `parley listen --json` prints each live event as one
// JSON line while `parley send` sends; both fail with the server's code
// for an unknown user; listen ends cleanly and logs its token out.
func TestCLISendListen(t *testing.T) {
	clearEnv(t)
	s := startCLIServer(t)
	s.ok(t, "users", "create", "alice")
	s.ok(t, "users", "create", "bob")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncbuf.Buffer
	exited := make(chan int, 1)
	go func() {
		exited <- cli(ctx, s.with("listen", "--as", "bob", "--json"), nil, &stdout, &stderr)
	}()
	checkFor(t, 20*time.Second, func() error {
		if !strings.Contains(stderr.String(), "listening as bob") {
			return fmt.Errorf("listen has not connected; stderr %q", stderr.String())
		}
		return nil
	})

	out := s.ok(t, "send", "--as", "alice", "--to", "bob", "hello", "bob")
	var id int64
	if _, err := fmt.Sscanf(out, "sent message %d to user:bob", &id); err != nil {
		t.Fatalf("send printed %q", out)
	}
	m := decode[parley.Message](t, s.ok(t, "send", "--as", "alice", "--to", "bob", "--json", "second"))
	type frame struct {
		Type   string         `json:"type"`
		Sender string         `json:"sender"`
		Body   parley.Message `json:"body"`
	}
	checkFor(t, 20*time.Second, func() error {
		var got []frame
		for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
			if line == "" {
				continue
			}
			var f frame
			if err := json.Unmarshal([]byte(line), &f); err != nil {
				return fmt.Errorf("a line is not JSON: %v: %q", err, line)
			}
			got = append(got, f)
		}
		if len(got) < 2 {
			return fmt.Errorf("%d events printed: %s", len(got), stdout.String())
		}
		if got[0].Type != "message" || got[0].Sender != "alice" || got[0].Body.ID != id || got[0].Body.Data.Text != "hello bob" ||
			got[1].Body.ID != m.ID || got[1].Body.Data.Text != "second" {
			return fmt.Errorf("events %+v", got)
		}
		return nil
	})

	s.fails(t, parley.CodeUIDNotFound, "send", "--as", "alice", "--to", "nobody", "hi")
	s.fails(t, parley.CodeUIDNotFound, "send", "--as", "ghost", "--to", "bob", "hi")
	s.fails(t, parley.CodeAPIKeyNotFound, "send", "--as", "alice", "--to", "bob", "hi", "--key", "bad")
	var lerr syncbuf.Buffer
	if code := cli(context.Background(), s.with("listen", "--as", "ghost"), nil, io.Discard, &lerr); code != 1 ||
		!strings.Contains(lerr.String(), parley.CodeUIDNotFound) {
		t.Errorf("listen as an unknown user: exit %d, %q", code, lerr.String())
	}

	cancel()
	select {
	case code := <-exited:
		if code != 0 {
			t.Errorf("listen exited %d: %s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("listen did not stop when its context ended")
	}
	c, _ := client.New(client.Settings{BaseURL: s.url, AppID: s.sec.AppID})
	if toks, err := c.WithKey(s.sec.RESTKey).AuthTokens(context.Background(), "bob"); err != nil || len(toks) != 0 {
		t.Errorf("bob's tokens after listen and send ended: %+v, %v (the CLI logs its tokens out)", toks, err)
	}
}

// TestCLIChat: `parley chat` shows the history, then live messages and
// typing, and sends each line typed.
func TestCLIChat(t *testing.T) {
	clearEnv(t)
	s := startCLIServer(t)
	s.ok(t, "users", "create", "alice")
	s.ok(t, "users", "create", "bob")
	s.ok(t, "send", "--as", "alice", "--to", "bob", "earlier", "message")

	ctx := context.Background()
	alice, err := client.New(client.Settings{BaseURL: s.url, AppID: s.sec.AppID, DeviceID: "alice-test"})
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	heard := make(chan string, 10)
	read := make(chan int64, 10)
	alice.OnMessage(client.MessageListener{
		OnText: func(m *parley.Message) {
			if m.Sender == "bob" {
				heard <- m.Data.Text
			}
		},
		OnRead: func(r client.MessageReceipt) {
			if r.Reader != nil && r.Reader.UID == "bob" {
				read <- r.MessageID
			}
		},
	})
	if _, err := alice.LoginWithAuthKey(ctx, "alice", s.sec.AuthKey); err != nil {
		t.Fatal(err)
	}

	stdinR, stdinW := io.Pipe()
	var stdout, stderr syncbuf.Buffer
	exited := make(chan int, 1)
	go func() {
		exited <- cli(ctx, s.with("chat", "--as", "bob", "--with", "alice"), stdinR, &stdout, &stderr)
	}()
	shows := func(want string) {
		t.Helper()
		checkFor(t, 20*time.Second, func() error {
			if !strings.Contains(stdout.String(), want) {
				return fmt.Errorf("chat shows no %q:\n%s%s", want, stdout.String(), stderr.String())
			}
			return nil
		})
	}
	shows("alice: earlier message")
	shows("type a line")
	select { // the history shown is read: alice hears it
	case <-read:
	case <-time.After(20 * time.Second):
		t.Fatal("showing the history sent no read receipt")
	}
	if err := alice.StartTyping(ctx, client.ToUser("bob"), nil); err != nil {
		t.Fatal(err)
	}
	shows("alice is typing")
	if _, err := alice.SendText(ctx, client.ToUser("bob"), "live one"); err != nil {
		t.Fatal(err)
	}
	shows("alice: live one")
	if strings.Count(stdout.String(), "earlier message") != 1 {
		t.Errorf("the history shows twice:\n%s", stdout.String())
	}
	fmt.Fprintln(stdinW, "hi alice")
	select {
	case text := <-heard:
		if text != "hi alice" {
			t.Errorf("alice heard %q", text)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the line typed was not sent")
	}
	shows("bob: hi alice") // the sent line comes back on bob's socket
	fmt.Fprintln(stdinW, "/quit")
	select {
	case code := <-exited:
		if code != 0 {
			t.Errorf("chat exited %d: %s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("chat did not quit")
	}
	stdinW.Close()
}

// checkFor polls fn until it returns nil or total passes.
func checkFor(t *testing.T, total time.Duration, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(total)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", total, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
