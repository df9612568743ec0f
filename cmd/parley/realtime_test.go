package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/parleychat/parley/store/sqlite"
)

// wsConn is a minimal WebSocket client for the whole-program tests
// (realtime's own tests have the full one).
type wsConn struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
}

func dialWS(t *testing.T, baseURL, appID string) *wsConn {
	t.Helper()
	d := ws.Dialer{Header: ws.HandshakeHeaderHTTP(http.Header{"appid": {appID}}), Timeout: 10 * time.Second}
	nc, br, _, err := d.Dial(context.Background(), "ws"+strings.TrimPrefix(baseURL, "http")+"/v3/ws")
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { nc.Close() })
	var r io.Reader = nc
	if br != nil {
		r = io.MultiReader(br, nc)
	}
	return &wsConn{t: t, nc: nc, br: bufio.NewReader(r)}
}

func (c *wsConn) send(v any) {
	c.t.Helper()
	b, _ := json.Marshal(v)
	if err := ws.WriteFrame(c.nc, ws.MaskFrameInPlace(ws.NewTextFrame(b))); err != nil {
		c.t.Fatal(err)
	}
}

// next reads the next text frame as a map, or returns the close code.
func (c *wsConn) next() (map[string]any, int) {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(15 * time.Second))
	for {
		h, err := ws.ReadHeader(c.br)
		if err != nil {
			c.t.Fatalf("read: %v", err)
		}
		p := make([]byte, h.Length)
		if _, err := io.ReadFull(c.br, p); err != nil {
			c.t.Fatalf("read: %v", err)
		}
		switch h.OpCode {
		case ws.OpText:
			var m map[string]any
			if err := json.Unmarshal(p, &m); err != nil {
				c.t.Fatalf("frame %q: %v", p, err)
			}
			return m, 0
		case ws.OpClose:
			code, _ := ws.ParseCloseFrameData(p)
			return nil, int(code)
		}
	}
}

// TestMainRealtime runs the whole program: a socket on /v3/ws gets its
// user's messages sent over REST, and shutdown closes it with going away
// and writes the user offline.
func TestMainRealtime(t *testing.T) {
	dir := t.TempDir()
	m, out := start(t, testConfig(dir))
	s := parseSecrets(out)
	url := m.URL()
	for _, uid := range []string{"alice", "bob"} {
		mustOK(t, "POST", url+"/v3/users", map[string]any{"uid": uid, "name": uid}, "appid", s.AppID, "apikey", s.RESTKey)
	}
	tok := mustOK(t, "POST", url+"/v3/users/alice/auth_tokens", nil, "appid", s.AppID, "apikey", s.AuthKey)["authToken"]

	c := dialWS(t, url, s.AppID)
	c.send(map[string]any{"type": "auth", "body": map[string]any{"auth": tok, "deviceId": "test"}})
	if f, code := c.next(); code != 0 || f["type"] != "auth" {
		t.Fatalf("auth answer %v, close %d", f, code)
	}
	sent := mustOK(t, "POST", url+"/v3/messages", map[string]any{"receiver": "alice", "receiverType": "user",
		"category": "message", "type": "text", "data": map[string]any{"text": "hi"}},
		"appid", s.AppID, "apikey", s.RESTKey, "onBehalfOf", "bob")
	f, _ := c.next()
	for f["type"] != "message" { // alice's own presence is not sent; bob's none either
		f, _ = c.next()
	}
	if body, _ := f["body"].(map[string]any); body["id"] != sent["id"] || f["sender"] != "bob" {
		t.Errorf("frame %v, want message %v", f, sent["id"])
	}
	if u := mustOK(t, "GET", url+"/v3/users/alice", nil, "appid", s.AppID, "apikey", s.RESTKey); u["status"] != "available" {
		t.Errorf("alice connected is %v", u["status"])
	}

	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	for {
		if _, code := c.next(); code != 0 {
			if code != 1001 {
				t.Errorf("shutdown closed the socket with %d, want 1001", code)
			}
			break
		}
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if u, err := st.User(context.Background(), s.AppID, "alice", ""); err != nil || u.Status != "offline" {
		t.Errorf("alice after shutdown: %+v, %v", u, err)
	}
}

// TestMainPresenceReset tests that users a crashed server left online are
// offline once the server starts again.
func TestMainPresenceReset(t *testing.T) {
	dir := t.TempDir()
	m, out := start(t, testConfig(dir))
	s := parseSecrets(out)
	mustOK(t, "POST", m.URL()+"/v3/users", map[string]any{"uid": "amy", "name": "Amy"}, "appid", s.AppID, "apikey", s.RESTKey)
	m.Close()

	// The crash: amy's connection was never closed, so she stayed online.
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetPresence(context.Background(), s.AppID, "amy", "available", 0); err != nil {
		t.Fatal(err)
	}
	st.Close()

	m2, _ := start(t, testConfig(dir))
	u := mustOK(t, "GET", m2.URL()+"/v3/users/amy", nil, "appid", s.AppID, "apikey", s.RESTKey)
	if u["status"] != "offline" {
		t.Errorf("after a restart amy is %v, want offline", u["status"])
	}
}

// TestMainSocketsIdleWithoutGoroutines tests that idle WebSockets of the
// whole program (behind its connection cap) hold no goroutine each: the
// transport reads them from its poller, which is what keeps an idle
// connection at a few KB.
func TestMainSocketsIdleWithoutGoroutines(t *testing.T) {
	m, out := start(t, testConfig(t.TempDir()))
	s := parseSecrets(out)
	url := m.URL()
	mustOK(t, "POST", url+"/v3/users", map[string]any{"uid": "alice", "name": "Alice"}, "appid", s.AppID, "apikey", s.RESTKey)
	tok := mustOK(t, "POST", url+"/v3/users/alice/auth_tokens", nil, "appid", s.AppID, "apikey", s.AuthKey)["authToken"]
	first := dialWS(t, url, s.AppID) // the app's subscription and the user's presence come with the first
	first.send(map[string]any{"type": "auth", "body": map[string]any{"auth": tok}})
	first.next()
	settled := func(limit int) error {
		if n := runtime.NumGoroutine(); n > limit {
			return fmt.Errorf("%d goroutines, want at most %d", n, limit)
		}
		return nil
	}
	var before int
	waitFor(t, func() error { before = runtime.NumGoroutine(); return settled(before) })
	const conns = 9 // the per-user limit is 10
	for range conns {
		c := dialWS(t, url, s.AppID)
		c.send(map[string]any{"type": "auth", "body": map[string]any{"auth": tok}})
		if f, code := c.next(); f["type"] != "auth" {
			t.Fatalf("auth answered %v, close %d", f, code)
		}
	}
	waitFor(t, func() error { return settled(before + 2) })
}

// waitFor polls fn until it returns nil, for up to 10 s.
func waitFor(t *testing.T, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
