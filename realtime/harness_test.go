package realtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/broker/inmem"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/httpapi"
	"github.com/parleychat/parley/internal/ratelimit"
	"github.com/parleychat/parley/realtime"
	"github.com/parleychat/parley/store/sqlite"
)

// env is the whole server as cmd/parley wires it (SQLite store, in-memory
// broker, service, hub, REST API with /v3/ws) on 127.0.0.1:0, with the
// default app's REST API Key.
type env struct {
	URL    string // http://127.0.0.1:port
	WSURL  string // ws://127.0.0.1:port/v3/ws
	Store  *sqlite.Store
	Svc    *chat.Service
	Hub    *realtime.Hub
	Broker *inmem.Broker
	srv    *httptest.Server

	AppID, RESTKey string
	barrierUser    bool
}

// sendBuffer is a newEnv option: the server's socket send buffer per
// connection, fixed (Linux grows it up to 4 MiB otherwise), so that a
// client that stops reading backs up into the hub's queue soon.
type sendBuffer int

// brokerWrap is a newEnv option: it wraps the broker the service
// publishes on (the hub subscribes to the broker itself).
type brokerWrap func(parley.Broker) parley.Broker

// newEnv starts a server; opts are func(*realtime.Config) to adjust the
// hub's config, an inmem.Config for the broker, a brokerWrap, a
// sendBuffer, or *ratelimit.Limits shared by the hub and the REST API.
func newEnv(t testing.TB, opts ...any) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	var bcfg inmem.Config
	var pub parley.Broker
	for _, o := range opts {
		if o, ok := o.(inmem.Config); ok {
			bcfg = o
		}
	}
	b := inmem.New(bcfg)
	pub = b
	for _, o := range opts {
		if o, ok := o.(brokerWrap); ok {
			pub = o(b)
		}
	}
	svc := chat.New(chat.Config{Store: st, Broker: pub, PasswordCost: bcrypt.MinCost})
	boot, err := svc.Bootstrap(ctx, "op-token")
	if err != nil || boot.App == nil {
		t.Fatalf("bootstrap: %v", err)
	}
	cfg := realtime.Config{Service: svc, Broker: b, PresenceGrace: 200 * time.Millisecond, AuthTimeout: 2 * time.Second}
	var sndbuf sendBuffer
	var limits *ratelimit.Limits
	for _, o := range opts {
		switch o := o.(type) {
		case func(*realtime.Config):
			o(&cfg)
		case sendBuffer:
			sndbuf = o
		case *ratelimit.Limits:
			limits, cfg.Limits = o, o
		case inmem.Config, brokerWrap:
		default:
			t.Fatalf("newEnv: option of type %T", o)
		}
	}
	hub, err := realtime.New(cfg)
	if err != nil {
		t.Fatalf("hub: %v", err)
	}
	srv := httptest.NewUnstartedServer(httpapi.New(httpapi.Config{Service: svc, Store: st, Realtime: hub, Limits: limits}))
	if sndbuf > 0 {
		srv.Listener = sendBufferListener{srv.Listener, int(sndbuf)}
	}
	srv.Start()
	e := &env{URL: srv.URL, WSURL: "ws" + strings.TrimPrefix(srv.URL, "http") + "/v3/ws", Store: st, Svc: svc,
		Hub: hub, Broker: b, srv: srv, AppID: boot.App.ID, RESTKey: boot.App.Keys[0].Key}
	t.Cleanup(func() {
		hub.Close() // as cmd/parley: the hub before the service
		srv.Close()
		svc.Close()
		b.Close()
		st.Close()
	})
	return e
}

// hdr is a set of request headers.
type hdr map[string]string

func (e *env) asKey() hdr { return hdr{"appid": e.AppID, "apikey": e.RESTKey} }
func (e *env) asUser(uid string) hdr {
	return hdr{"appid": e.AppID, "apikey": e.RESTKey, "onBehalfOf": uid}
}
func (e *env) asToken(tok string) hdr { return hdr{"appid": e.AppID, "authtoken": tok} }
func (h hdr) with(k, v string) hdr {
	c := hdr{k: v}
	for x, y := range h {
		c[x] = y
	}
	return c
}
func (e *env) withDevice(h hdr, d string) hdr { return h.with("deviceId", d) }

// call sends a REST request and decodes the JSON answer.
func (e *env) call(t testing.TB, method, path string, body any, h hdr) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("%s %s: status %d, body not JSON: %v", method, path, resp.StatusCode, err)
	}
	return resp.StatusCode, m
}

// ok sends a request that must succeed and returns its data object.
func (e *env) ok(t testing.TB, method, path string, body any, h hdr) map[string]any {
	t.Helper()
	status, m := e.call(t, method, path, body, h)
	if status != http.StatusOK {
		t.Fatalf("%s %s: status %d: %v", method, path, status, m)
	}
	d, _ := m["data"].(map[string]any)
	return d
}

// user creates a user and returns an auth token for device "d-<uid>".
func (e *env) user(t testing.TB, uid string, extra ...map[string]any) string {
	t.Helper()
	body := map[string]any{"uid": uid, "name": "User " + uid}
	for _, x := range extra {
		for k, v := range x {
			body[k] = v
		}
	}
	e.ok(t, "POST", "/v3/users", body, e.asKey())
	return e.token(t, uid, "d-"+uid)
}

// token creates another auth token of uid for a device.
func (e *env) token(t testing.TB, uid, device string) string {
	t.Helper()
	d := e.ok(t, "POST", "/v3/users/"+uid+"/auth_tokens", map[string]any{"deviceId": device}, e.asKey())
	tok, _ := d["authToken"].(string)
	if tok == "" {
		t.Fatalf("no authToken in %v", d)
	}
	return tok
}

// group creates a group owned by owner with participants.
func (e *env) group(t testing.TB, guid, typ, owner string, participants ...string) {
	t.Helper()
	body := map[string]any{"guid": guid, "name": "Group " + guid, "type": typ, "owner": owner}
	if len(participants) > 0 {
		body["members"] = map[string]any{"participants": participants}
	}
	e.ok(t, "POST", "/v3/groups", body, e.asKey())
}

// send sends a text message as uid (onBehalfOf) and returns its id.
func (e *env) send(t testing.TB, uid, receiver, receiverType, text string) int64 {
	t.Helper()
	return e.sendAs(t, e.asUser(uid), receiver, receiverType, text)
}

func (e *env) sendAs(t testing.TB, h hdr, receiver, receiverType, text string) int64 {
	t.Helper()
	d := e.ok(t, "POST", "/v3/messages", map[string]any{"receiver": receiver, "receiverType": receiverType,
		"category": "message", "type": "text", "data": map[string]any{"text": text}}, h)
	return idOf(t, d["id"])
}

// idOf reads a message id as the API writes it (a string).
func idOf(t testing.TB, v any) int64 {
	t.Helper()
	var id int64
	var err error
	switch x := v.(type) {
	case string:
		id, err = strconv.ParseInt(x, 10, 64)
	case float64:
		id = int64(x)
	default:
		err = fmt.Errorf("%T", v)
	}
	if err != nil || id <= 0 {
		t.Fatalf("not a message id: %v", v)
	}
	return id
}

// checkFor polls fn until it returns nil or the time is up.
func checkFor(t testing.TB, total time.Duration, fn func() error) {
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
		time.Sleep(5 * time.Millisecond)
	}
}

// barrier makes sure every event routed to the clients so far has reached
// them: it sends each client's user a message from a user of its own and
// waits for it. A connection receives the app's events in the order the
// hub routes them, so what was routed before the barrier arrived before it.
func (e *env) barrier(t testing.TB, cs ...*client) {
	t.Helper()
	if !e.barrierUser {
		e.user(t, "zz-barrier")
		e.barrierUser = true
	}
	for _, c := range cs {
		c.awaitMessage(e.send(t, "zz-barrier", c.uid, "user", "barrier"))
	}
}

// none fails if c received a frame that matches.
func none(t testing.TB, c *client, desc string, match func(frame) bool) {
	t.Helper()
	for _, f := range c.all() {
		if match(f) {
			t.Errorf("%s received %s: %s", c.uid, desc, f.raw)
		}
	}
}

// count is the number of frames of c that match.
func count(c *client, match func(frame) bool) int {
	n := 0
	for _, f := range c.all() {
		if match(f) {
			n++
		}
	}
	return n
}

// isMsg matches the message frame with id.
func isMsg(id int64) func(frame) bool { return func(f frame) bool { return f.messageID() == id } }

// isType matches frames of a type.
func isType(typ string) func(frame) bool { return func(f frame) bool { return f.Type == typ } }

// sendBufferListener fixes the send buffer of the connections it accepts.
type sendBufferListener struct {
	net.Listener
	size int
}

func (l sendBufferListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(l.size)
	}
	return c, err
}
