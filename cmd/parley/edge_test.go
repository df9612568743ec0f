package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/internal/syncbuf"

	"github.com/parleychat/parley/internal/ratelimit"
)

// startLogged is start with the log kept (syncbuf.Buffer: durability_test.go).
func startLogged(t *testing.T, cfg Config) (*Main, string, *syncbuf.Buffer) {
	t.Helper()
	var out bytes.Buffer
	logs := &syncbuf.Buffer{}
	m := NewMain(cfg, &out, logs)
	if err := m.Open(context.Background()); err != nil {
		m.Close()
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m, out.String(), logs
}

// dial opens a raw connection to m.
func dial(t *testing.T, m *Main) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(m.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, bufio.NewReader(c)
}

// getHealthz sends GET /healthz on c and reads the answer, waiting up to
// wait.
func getHealthz(c net.Conn, br *bufio.Reader, wait time.Duration) (*http.Response, error) {
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: parley\r\n\r\n"); err != nil {
		return nil, err
	}
	c.SetReadDeadline(time.Now().Add(wait))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return nil, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, err
}

// TestMainBindsBeforePrintingSecrets: a first start whose port is taken
// fails without printing or storing the default app's keys and the
// operator token; the next start, on a free port, is the first start and
// prints them.
func TestMainBindsBeforePrintingSecrets(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	cfg := testConfig(dir)
	cfg.Addr = taken.Addr().String()
	var out bytes.Buffer
	m := NewMain(cfg, &out, io.Discard)
	err = m.Open(context.Background())
	m.Close()
	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("Open on a taken port = %v, want a listen error", err)
	}
	if out.Len() != 0 {
		t.Fatalf("a start that could not bind printed:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "parley.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a start that could not bind made the database (%v)", err)
	}

	m2, out2 := start(t, testConfig(dir))
	s := parseSecrets(out2)
	if s.AppID == "" || s.RESTKey == "" || s.AuthKey == "" || s.Operator == "" {
		t.Fatalf("the next start printed %+v from:\n%s", s, out2)
	}
	mustOK(t, "GET", m2.URL()+"/v3/users", nil, "appid", s.AppID, "apikey", s.RESTKey)
	mustOK(t, "GET", m2.URL()+"/v3/apps", nil, "Authorization", "Bearer "+s.Operator)
}

// TestMainIdleConnectionClosed: a keep-alive connection with no request
// is closed after the idle timeout.
func TestMainIdleConnectionClosed(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.IdleTimeout = 200 * time.Millisecond
	m, _ := start(t, cfg)
	c, br := dial(t, m)
	resp, err := getHealthz(c, br, 5*time.Second)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v, %v", resp, err)
	}
	// The server closes the connection: the read ends with EOF well
	// before this deadline, which only stops a test on a server that
	// never does.
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("read on an idle connection: %v, want EOF (closed by the server)", err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("closed after %v, before the idle timeout", d)
	}
}

// TestMainTricklingBodyCutOff: a body that comes a byte at a time is cut
// off (408) at the first window that brings less than the minimum; an
// upload that is slow but steady goes through.
func TestMainTricklingBodyCutOff(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.BodyTimeout = 300 * time.Millisecond
	cfg.BodyMinBytes = 64
	m, out := start(t, cfg)
	s := parseSecrets(out)

	send := func(body string, chunk int, every time.Duration) (*http.Response, map[string]any, error) {
		c, br := dial(t, m)
		fmt.Fprintf(c, "POST /v3/users HTTP/1.1\r\nHost: parley\r\nappid: %s\r\napikey: %s\r\n"+
			"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", s.AppID, s.RESTKey, len(body))
		answered := make(chan struct{})
		go func() {
			tick := time.NewTicker(every)
			defer tick.Stop()
			for i := 0; i < len(body); i += chunk {
				select {
				case <-answered:
					return
				case <-tick.C:
				}
				if _, err := io.WriteString(c, body[i:min(i+chunk, len(body))]); err != nil {
					return
				}
			}
		}()
		defer close(answered)
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		var b map[string]any
		err = json.NewDecoder(resp.Body).Decode(&b)
		return resp, b, err
	}

	t.Run("a trickle is cut off", func(t *testing.T) {
		body := `{"uid":"slow","name":"` + strings.Repeat("s", 200) + `"}`
		began := time.Now()
		resp, b, err := send(body, 1, 50*time.Millisecond) // 20 B/s, about 11 s in all
		if err != nil {
			t.Fatalf("no answer: %v", err)
		}
		if resp.StatusCode != http.StatusRequestTimeout || errCodeOf(b) != "ERR_REQUEST_TIMEOUT" {
			t.Fatalf("got %d %v, want 408 ERR_REQUEST_TIMEOUT", resp.StatusCode, b)
		}
		if !resp.Close {
			t.Error("the connection is kept open after a body that stopped coming")
		}
		if d := time.Since(began); d > 5*time.Second {
			t.Errorf("cut off after %v, want about one window (300ms)", d)
		}
		status, _ := call(t, "GET", m.URL()+"/v3/users/slow", nil, "appid", s.AppID, "apikey", s.RESTKey)
		if status != 404 {
			t.Errorf("the user of the cut-off request: %d, want 404", status)
		}
	})
	t.Run("a slow steady upload goes through", func(t *testing.T) {
		body := `{"uid":"steady","name":"Steady","statusMessage":"` + strings.Repeat("s", 600) + `"}`
		resp, b, err := send(body, 80, 100*time.Millisecond) // 800 B/s, over several windows
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("got %v %v, %v; want 200", resp, b, err)
		}
	})
}

func errCodeOf(b map[string]any) string {
	e, _ := b["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// TestMainConnectionCap: past --max-conns, a new connection waits (the
// server logs it once) until one closes; below the cap /healthz answers.
func TestMainConnectionCap(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.MaxConns = 2
	m, _, logs := startLogged(t, cfg)
	c1, br1 := dial(t, m)
	c2, br2 := dial(t, m)
	for i, c := range []struct {
		c  net.Conn
		br *bufio.Reader
	}{{c1, br1}, {c2, br2}} {
		if resp, err := getHealthz(c.c, c.br, 5*time.Second); err != nil || resp.StatusCode != 200 {
			t.Fatalf("connection %d below the cap: %v, %v", i+1, resp, err)
		}
	}
	c3, br3 := dial(t, m) // the kernel queues it; the server does not take it
	if _, err := getHealthz(c3, br3, 300*time.Millisecond); !isTimeout(err) {
		t.Fatalf("a connection past the cap was served (%v)", err)
	}
	if !strings.Contains(logs.String(), "connection limit reached") || !strings.Contains(logs.String(), "max_conns=2") {
		t.Errorf("no log line for the cap:\n%s", logs.String())
	}
	c1.Close()
	c3.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(br3, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the waiting connection, once a slot freed: %v, %v", resp, err)
	}
	resp.Body.Close()
	if n := strings.Count(logs.String(), "connection limit reached"); n != 1 {
		t.Errorf("%d log lines for the cap, want 1 (at most one a minute)", n)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestMainMultipartBodyLimit: the multipart limit is --max-upload-body,
// not ten of the largest files: three files each under the per-file limit
// are refused when together they pass it.
func TestMainMultipartBodyLimit(t *testing.T) {
	if d := DefaultConfig().MaxUploadBody; d != 64<<20 {
		t.Errorf("default multipart limit %d, want the documented 64 MiB", d)
	}
	cfg := testConfig(t.TempDir())
	cfg.MaxUpload, cfg.MaxBody, cfg.MaxUploadBody = 1<<20, 64<<10, 2<<20
	m, out := start(t, cfg)
	s := parseSecrets(out)
	mustOK(t, "POST", m.URL()+"/v3/users", map[string]any{"uid": "bob", "name": "Bob"}, "appid", s.AppID, "apikey", s.RESTKey)
	upload := func(files int) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("data", `{"receiver":"bob","receiverType":"user","category":"message","type":"file"}`)
		for i := range files {
			fw, _ := mw.CreateFormFile("files[]", fmt.Sprintf("f%d.bin", i))
			fw.Write(bytes.Repeat([]byte{'x'}, 1<<20-1024))
		}
		mw.Close()
		req, _ := http.NewRequest("POST", m.URL()+"/v3/messages", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("appid", s.AppID)
		req.Header.Set("apikey", s.RESTKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b map[string]any
		json.NewDecoder(resp.Body).Decode(&b)
		return resp.StatusCode, errCodeOf(b)
	}
	if status, code := upload(3); status != 413 || code != "ERR_REQUEST_TOO_LARGE" {
		t.Errorf("3 MiB of files: %d %s, want 413 ERR_REQUEST_TOO_LARGE", status, code)
	}
	if status, code := upload(1); status != 200 {
		t.Errorf("one file under both limits: %d %s", status, code)
	}
}

// TestMainRefusesGuessing: with the default limits, a client guessing API
// keys is answered 429 with Retry-After once its burst is spent (plus what
// refilled meanwhile: the race detector makes requests slow).
func TestMainRefusesGuessing(t *testing.T) {
	m, out := start(t, testConfig(t.TempDir()))
	s := parseSecrets(out)
	rate := ratelimit.DefaultRates().AuthFailuresPerAddr
	for i := 0; ; i++ {
		req, _ := http.NewRequest("GET", m.URL()+"/v3/users", nil)
		req.Header.Set("appid", s.AppID)
		req.Header.Set("apikey", fmt.Sprintf("guess-%d", i))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 401 {
			if i > 2*rate.Burst {
				t.Fatalf("%d wrong keys answered 401, none 429 (burst %d)", i+1, rate.Burst)
			}
			continue
		}
		if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); resp.StatusCode != 429 || err != nil || n < 1 || i < rate.Burst {
			t.Fatalf("guess %d: %d, Retry-After %q; want 401 for the first %d, then 429 with a wait",
				i+1, resp.StatusCode, resp.Header.Get("Retry-After"), rate.Burst)
		}
		return
	}
}

func TestOperatorTokenTooShort(t *testing.T) {
	clearEnv(t)
	short := strings.Repeat("x", MinOperatorToken-1)
	if _, err := parseConfig([]string{"--operator-token", short}, io.Discard); err == nil || !strings.Contains(err.Error(), "at least 24") {
		t.Errorf("a %d-character token: %v, want a clear error", len(short), err)
	}
	t.Setenv("PARLEY_OPERATOR_TOKEN", "op")
	if _, err := parseConfig(nil, io.Discard); err == nil || !strings.Contains(err.Error(), "PARLEY_OPERATOR_TOKEN") {
		t.Errorf("a short token in the environment: %v", err)
	}
	var stderr bytes.Buffer
	stopped, stop := context.WithCancel(context.Background())
	stop() // a serve that starts returns at once
	if code := run(stopped, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, io.Discard, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "operator-token") {
		t.Errorf("serve with a short token: exit %d, stderr %q", code, stderr.String())
	}
	if c, err := parseConfig([]string{"--operator-token", short + "x"}, io.Discard); err != nil || len(c.OperatorToken) != 24 {
		t.Errorf("a 24-character token: %v", err)
	}
}

func TestParseEdgeConfig(t *testing.T) {
	clearEnv(t)
	t.Setenv("PARLEY_RATE_USER_MESSAGES", "30/m")
	t.Setenv("PARLEY_IDLE_TIMEOUT", "45s")
	got, err := parseConfig([]string{"--rate-auth-failures-ip", "5/s:20", "--rate-app-requests", "off",
		"--max-conns", "500", "--body-timeout", "30s", "--body-min-bytes", "100", "--header-timeout", "2s",
		"--max-upload-body", "100000000", "--client-ip-header", "X-Real-IP", "--rate-max-keys", "1000"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	want.Rates.AuthFailuresPerAddr = ratelimit.Rate{PerSecond: 5, Burst: 20}
	want.Rates.RequestsPerApp = ratelimit.Rate{}
	want.Rates.MessagesPerUser = ratelimit.Rate{PerSecond: 0.5, Burst: 30}
	want.Rates.MaxKeys = 1000
	want.IdleTimeout, want.BodyTimeout, want.HeaderTimeout = 45*time.Second, 30*time.Second, 2*time.Second
	want.MaxConns, want.BodyMinBytes, want.MaxUploadBody, want.ClientIPHeader = 500, 100, 100_000_000, "X-Real-IP"
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}

	for _, args := range [][]string{
		{"--rate-user-requests", "lots"},
		{"--rate-user-requests", "10/s:0"},
		{"--idle-timeout", "-1s"},
		{"--body-timeout", "soon"},
		{"--body-min-bytes", "0"},
		{"--max-conns", "-1"},
		{"--max-upload-body", "1000"}, // less than one file of --max-upload
	} {
		if _, err := parseConfig(args, io.Discard); err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%q: %v, want an error naming the flag", args, err)
		}
	}
}

func TestAutoMaxConns(t *testing.T) {
	for _, c := range []struct {
		nofile uint64
		want   int
	}{{0, 10_000}, {64, 32}, {1024, 922}, {65536, 58983}, {1 << 20, 100_000}} {
		if got := autoMaxConns(c.nofile); got != c.want {
			t.Errorf("autoMaxConns(%d) = %d, want %d", c.nofile, got, c.want)
		}
	}
}
