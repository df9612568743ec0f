package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley/store/sqlite"
)

// secrets is what a first start prints.
type secrets struct {
	AppID, RESTKey, AuthKey, Operator string
}

var (
	reAppID    = regexp.MustCompile(`(?m)^\s+App ID:\s+(\S+)$`)
	reRESTKey  = regexp.MustCompile(`(?m)^\s+Rest API Key:\s+(\S+)$`)
	reAuthKey  = regexp.MustCompile(`(?m)^\s+Auth Key:\s+(\S+)$`)
	reOperator = regexp.MustCompile(`(?m)^\s+Operator token:\s+(\S+)$`)
)

func parseSecrets(out string) secrets {
	get := func(re *regexp.Regexp) string {
		if m := re.FindStringSubmatch(out); m != nil {
			return m[1]
		}
		return ""
	}
	return secrets{get(reAppID), get(reRESTKey), get(reAuthKey), get(reOperator)}
}

// start runs a Main on a free port over dir and returns it with what it
// printed. The test closes it (again) when it ends; Close twice is harmless.
func start(t *testing.T, cfg Config) (*Main, string) {
	t.Helper()
	var out bytes.Buffer
	m := NewMain(cfg, &out, io.Discard)
	if err := m.Open(context.Background()); err != nil {
		m.Close()
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m, out.String()
}

func testConfig(dir string) Config {
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = dir
	return cfg
}

// call sends one request and decodes the JSON answer.
func call(t *testing.T, method, url string, body any, headers ...string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("%s %s: status %d, body not JSON: %v", method, url, resp.StatusCode, err)
	}
	return resp.StatusCode, m
}

func mustOK(t *testing.T, method, url string, body any, headers ...string) map[string]any {
	t.Helper()
	status, m := call(t, method, url, body, headers...)
	if status != 200 {
		t.Fatalf("%s %s: status %d: %v", method, url, status, m)
	}
	d, _ := m["data"].(map[string]any)
	return d
}

func TestMainServes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // Open makes it
	m, out := start(t, testConfig(dir))
	s := parseSecrets(out)
	if s.AppID == "" || len(s.RESTKey) != 52 || len(s.AuthKey) != 52 || len(s.Operator) != 52 {
		t.Fatalf("first start printed %+v from:\n%s", s, out)
	}
	if !strings.Contains(out, "will not be shown again") {
		t.Errorf("first start does not warn that secrets show once:\n%s", out)
	}
	url := m.URL()
	if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
		t.Fatalf("URL %q", url)
	}

	var token string
	t.Run("first start", func(t *testing.T) {
		if d := mustOK(t, "GET", url+"/healthz", nil); d["status"] != "ok" {
			t.Errorf("healthz %v", d)
		}
		if d := mustOK(t, "GET", url+"/readyz", nil); d["status"] != "ready" {
			t.Errorf("readyz %v", d)
		}
		mustOK(t, "POST", url+"/v3/users", map[string]any{"uid": "alice", "name": "Alice"}, "appid", s.AppID, "apikey", s.AuthKey)
		d := mustOK(t, "POST", url+"/v3/users/alice/auth_tokens", nil, "appid", s.AppID, "apikey", s.AuthKey)
		token, _ = d["authToken"].(string)
		if me := mustOK(t, "GET", url+"/v3/me", nil, "appid", s.AppID, "authtoken", token); me["uid"] != "alice" {
			t.Errorf("me %v", me)
		}
		mustOK(t, "GET", url+"/v3/apps/"+s.AppID, nil, "Authorization", "Bearer "+s.Operator)
		if _, err := os.Stat(filepath.Join(dir, "parley.db")); err != nil {
			t.Errorf("no database in the data dir: %v", err)
		}
	})
	if err := m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	t.Run("a second start keeps the data and prints no secret", func(t *testing.T) {
		m2, out2 := start(t, testConfig(dir))
		for _, secret := range []string{s.RESTKey, s.AuthKey, s.Operator} {
			if strings.Contains(out2, secret) {
				t.Errorf("second start printed a secret:\n%s", out2)
			}
		}
		if got := parseSecrets(out2); got != (secrets{}) {
			t.Errorf("second start printed %+v", got)
		}
		// It names the default app (an id is no secret) and where keys
		// are managed.
		if !strings.Contains(out2, "1 app(s)") || !strings.Contains(out2, "App ID:        "+s.AppID+" (the default app)") ||
			!strings.Contains(out2, "/v3/apikeys") {
			t.Errorf("second start output:\n%s", out2)
		}
		url := m2.URL()
		mustOK(t, "GET", url+"/v3/users/alice", nil, "appid", s.AppID, "apikey", s.RESTKey)
		mustOK(t, "POST", url+"/v3/users", map[string]any{"uid": "bob", "name": "Bob"}, "appid", s.AppID, "apikey", s.AuthKey)
		mustOK(t, "GET", url+"/v3/me", nil, "appid", s.AppID, "authtoken", token)
		mustOK(t, "GET", url+"/v3/apps", nil, "Authorization", "Bearer "+s.Operator)
		if err := m2.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
	})

	t.Run("--operator-token replaces the operator token", func(t *testing.T) {
		cfg, err := parseConfig([]string{"--addr", "127.0.0.1:0", "--data", dir, "--operator-token", "cli-operator-secret-of-24-chars"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		m3, out3 := start(t, cfg)
		if strings.Contains(out3, "cli-operator-secret-of-24-chars") || parseSecrets(out3) != (secrets{}) {
			t.Errorf("start printed a secret:\n%s", out3)
		}
		url := m3.URL()
		mustOK(t, "GET", url+"/v3/apps", nil, "Authorization", "Bearer cli-operator-secret-of-24-chars")
		status, b := call(t, "GET", url+"/v3/apps", nil, "Authorization", "Bearer "+s.Operator)
		if status != 401 {
			t.Errorf("the old operator token: %d %v", status, b)
		}
		mustOK(t, "GET", url+"/v3/users", nil, "appid", s.AppID, "apikey", s.RESTKey)
	})
}

func TestMainFirstStartWithOperatorToken(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.OperatorToken = "given-operator-token-0123"
	m, out := start(t, cfg)
	s := parseSecrets(out)
	if s.AppID == "" || s.RESTKey == "" || s.Operator != "" || strings.Contains(out, cfg.OperatorToken) {
		t.Errorf("printed %+v from:\n%s", s, out)
	}
	mustOK(t, "GET", m.URL()+"/v3/apps/"+s.AppID, nil, "Authorization", "Bearer "+cfg.OperatorToken)
}

func TestMainOpenFails(t *testing.T) {
	t.Run("an address in use", func(t *testing.T) {
		m, _ := start(t, testConfig(t.TempDir()))
		cfg := testConfig(t.TempDir())
		cfg.Addr = strings.TrimPrefix(m.URL(), "http://")
		m2 := NewMain(cfg, io.Discard, io.Discard)
		err := m2.Open(context.Background())
		if err == nil || !strings.Contains(err.Error(), "listen") {
			t.Errorf("Open = %v, want a listen error", err)
		}
		if err := m2.Close(); err != nil {
			t.Errorf("Close after a failed Open: %v", err)
		}
	})
	t.Run("a data dir that is a file", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		m := NewMain(testConfig(f), io.Discard, io.Discard)
		if err := m.Open(context.Background()); err == nil {
			t.Error("Open succeeded")
		}
		m.Close()
	})
}

// TestMainGracefulShutdown holds a request in flight (its handler waits
// for the rest of the body), calls Close, and checks that the request still
// completes and its write lands before the store closes.
func TestMainGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	m, out := start(t, testConfig(dir))
	s := parseSecrets(out)
	addr := strings.TrimPrefix(m.URL(), "http://")

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"uid":"late","name":"Late"}`
	fmt.Fprintf(conn, "POST /v3/users HTTP/1.1\r\nHost: %s\r\nappid: %s\r\napikey: %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
		addr, s.AppID, s.RESTKey, len(body))
	br := bufio.NewReader(conn)
	// The server sends 100 Continue when the handler starts reading the
	// body: from here on the request is in flight.
	line, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 100") {
		t.Fatalf("want 100 Continue, got %q, %v", line, err)
	}
	if blank, err := br.ReadString('\n'); err != nil || blank != "\r\n" {
		t.Fatalf("after 100 Continue: %q, %v", blank, err)
	}

	shuttingDown := make(chan struct{})
	m.server.RegisterOnShutdown(func() { close(shuttingDown) })
	closed := make(chan error, 1)
	go func() { closed <- m.Close() }()
	<-shuttingDown // the listener is closed now

	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Error("a new connection was accepted during shutdown")
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a request was in flight", err)
	default:
	}

	if _, err := io.WriteString(conn, body); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	var got struct {
		Data struct{ UID string }
	}
	err = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if resp.StatusCode != 200 || err != nil || got.Data.UID != "late" {
		t.Fatalf("in-flight request: status %d, %+v, %v", resp.StatusCode, got, err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}

	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.User(context.Background(), s.AppID, "late", ""); err != nil {
		t.Errorf("the in-flight write was lost: %v", err)
	}
}

// cancelOnWrite cancels a context at its first write: the "signal" comes
// once serve has printed the first-start secrets, after the store is ready.
type cancelOnWrite struct {
	bytes.Buffer
	cancel context.CancelFunc
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.cancel()
	return w.Buffer.Write(p)
}

func TestRunServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &cancelOnWrite{cancel: cancel}
	var stderr bytes.Buffer
	code := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	if s := parseSecrets(stdout.String()); s.AppID == "" || s.Operator == "" {
		t.Errorf("stdout:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "parley serving") {
		t.Errorf("stderr has no start log:\n%s", stderr.String())
	}
	// Once stopped, the server says so: one line, the last.
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if n := strings.Count(stderr.String(), "parley stopped"); n != 1 || !strings.Contains(lines[len(lines)-1], `msg="parley stopped"`) {
		t.Errorf("want one last line \"parley stopped\", got %d in:\n%s", n, stderr.String())
	}
}

func TestRunCommands(t *testing.T) {
	for _, c := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{nil, 2, "", "Usage:"},
		{[]string{"version"}, 0, "parley ", ""},
		{[]string{"help"}, 0, "Usage:", ""},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"serve", "--max-body", "x"}, 2, "", "--max-body"},
		{[]string{"serve", "-h"}, 0, "-addr", ""},
		{[]string{"--version"}, 0, "parley ", ""},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), c.args, &stdout, &stderr)
			if code != c.code || !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, stdout.String(), stderr.String(), c.code, c.stdout, c.stderr)
			}
		})
	}
}

// withEdgeDefaults sets the defaults of the connection and rate-limit
// fields, which TestParseEdgeConfig checks.
func (c *Config) withEdgeDefaults() {
	d := DefaultConfig()
	if d.MaxUploadBody != 64<<20 {
		panic("the documented multipart limit is 64 MiB")
	}
	c.MaxUploadBody, c.HeaderTimeout, c.IdleTimeout = d.MaxUploadBody, d.HeaderTimeout, d.IdleTimeout
	c.BodyTimeout, c.BodyMinBytes, c.MaxConns, c.Rates = d.BodyTimeout, d.BodyMinBytes, d.MaxConns, d.Rates
	c.PushCollapseWindow, c.PushWorkers, c.PushQueue = d.PushCollapseWindow, d.PushWorkers, d.PushQueue
	c.Webhooks = d.Webhooks
}

// clearEnv unsets every PARLEY_* variable for the test.
func clearEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "PARLEY_") {
			t.Setenv(k, "") // restores it after the test
			os.Unsetenv(k)
		}
	}
}

func TestParseConfig(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		clearEnv(t)
		got, err := parseConfig(nil, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		want := Config{Addr: "127.0.0.1:8080", DataDir: "./parley-data", CORSOrigins: []string{"*"}, MaxBody: 1 << 20, MaxUpload: 25 << 20,
			LogFormat: "text", LogLevel: "info", ShutdownWait: 15 * time.Second,
			WSMaxConns: 10, PresenceGrace: 5 * time.Second, ResumeLimit: 1000, RingTimeout: 45 * time.Second}
		want.withEdgeDefaults()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	env := map[string]string{
		"PARLEY_ADDR": ":9000", "PARLEY_DATA": "/env/data", "PARLEY_OPERATOR_TOKEN": "env-operator-token-0123456",
		"PARLEY_CORS_ORIGINS": "https://a.example, https://b.example,", "PARLEY_MAX_BODY": "2048",
		"PARLEY_LOG_FORMAT": "json", "PARLEY_LOG_LEVEL": "debug", "PARLEY_SHUTDOWN_TIMEOUT": "3s",
		"PARLEY_WS_MAX_CONNS": "3", "PARLEY_PRESENCE_GRACE": "2s", "PARLEY_RESUME_LIMIT": "50",
		"PARLEY_RING_TIMEOUT": "20s",
	}
	fromEnv := Config{Addr: ":9000", DataDir: "/env/data", OperatorToken: "env-operator-token-0123456",
		CORSOrigins: []string{"https://a.example", "https://b.example"}, MaxBody: 2048, MaxUpload: 25 << 20,
		LogFormat: "json", LogLevel: "debug", ShutdownWait: 3 * time.Second,
		WSMaxConns: 3, PresenceGrace: 2 * time.Second, ResumeLimit: 50, RingTimeout: 20 * time.Second}
	fromEnv.withEdgeDefaults()

	t.Run("environment over defaults", func(t *testing.T) {
		clearEnv(t)
		for k, v := range env {
			t.Setenv(k, v)
		}
		got, err := parseConfig(nil, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(fromEnv, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("flags over environment", func(t *testing.T) {
		clearEnv(t)
		for k, v := range env {
			t.Setenv(k, v)
		}
		got, err := parseConfig([]string{"--addr", ":9001", "--data=/flag/data", "--operator-token", "flag-operator-token-012345",
			"--cors-origins", "https://c.example", "--max-body", "4096", "--log-format", "text",
			"--log-level", "warn", "--shutdown-timeout", "1m", "--ws-max-conns", "4", "--presence-grace", "1s",
			"--resume-limit", "7", "--ring-timeout", "1m"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		want := Config{Addr: ":9001", DataDir: "/flag/data", OperatorToken: "flag-operator-token-012345",
			CORSOrigins: []string{"https://c.example"}, MaxBody: 4096, MaxUpload: 25 << 20,
			LogFormat: "text", LogLevel: "warn", ShutdownWait: time.Minute,
			WSMaxConns: 4, PresenceGrace: time.Second, ResumeLimit: 7, RingTimeout: time.Minute}
		want.withEdgeDefaults()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("a flag wins for its field only", func(t *testing.T) {
		clearEnv(t)
		for k, v := range env {
			t.Setenv(k, v)
		}
		got, err := parseConfig([]string{"--max-body", "10"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		want := fromEnv
		want.MaxBody = 10
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("empty CORS origins allow none", func(t *testing.T) {
		clearEnv(t)
		got, err := parseConfig([]string{"--cors-origins", ""}, io.Discard)
		if err != nil || got.CORSOrigins != nil {
			t.Errorf("got %q, %v", got.CORSOrigins, err)
		}
	})

	for _, c := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"a max body that is not a number", []string{"--max-body", "lots"}, nil},
		{"a zero max body", []string{"--max-body", "0"}, nil},
		{"a negative max body", []string{"--max-body", "-1"}, nil},
		{"a bad max body in the environment", nil, map[string]string{"PARLEY_MAX_BODY": "1MB"}},
		{"a shutdown timeout that is not a duration", []string{"--shutdown-timeout", "soon"}, nil},
		{"a negative shutdown timeout", []string{"--shutdown-timeout", "-1s"}, nil},
		{"a bad shutdown timeout in the environment", nil, map[string]string{"PARLEY_SHUTDOWN_TIMEOUT": "15"}},
		{"an unknown log format", []string{"--log-format", "xml"}, nil},
		{"an unknown log format in the environment", nil, map[string]string{"PARLEY_LOG_FORMAT": "yaml"}},
		{"an unknown log level", []string{"--log-level", "loud"}, nil},
		{"a ring timeout under a second", []string{"--ring-timeout", "500ms"}, nil},
		{"a ring timeout that is not a duration", nil, map[string]string{"PARLEY_RING_TIMEOUT": "45"}},
		{"an unknown flag", []string{"--nope"}, nil},
		{"a stray argument", []string{"extra"}, nil},
	} {
		t.Run(c.name+" is an error", func(t *testing.T) {
			clearEnv(t)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			if _, err := parseConfig(c.args, io.Discard); err == nil {
				t.Error("no error")
			}
		})
	}

	t.Run("-h asks for help", func(t *testing.T) {
		clearEnv(t)
		var usage bytes.Buffer
		_, err := parseConfig([]string{"-h"}, &usage)
		if !errors.Is(err, flag.ErrHelp) || !strings.Contains(usage.String(), "PARLEY_ADDR") {
			t.Errorf("err %v, usage:\n%s", err, usage.String())
		}
	})
}
