package realtime_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/parleychat/parley/internal/ratelimit"
	"github.com/parleychat/parley/realtime"
)

// healthy checks that the server still serves REST and new sockets.
func healthy(t *testing.T, e *env, uid, token string) {
	t.Helper()
	if status, _ := e.call(t, "GET", "/healthz", nil, nil); status != 200 {
		t.Fatalf("healthz %d", status)
	}
	c := e.connect(t, uid, token)
	c.send(map[string]any{"action": "ping", "ack": "true"})
	c.await("pong", func(f frame) bool { return f.Action == "pong" })
}

// TestAuthFailures tests the answer to each way a connection fails to
// authenticate: the error frame's code, then the close code.
func TestAuthFailures(t *testing.T) {
	e := newEnv(t, func(c *realtime.Config) { c.AuthTimeout = 300 * time.Millisecond })
	tok := e.user(t, "amy")
	e.user(t, "dan")
	danTok := e.token(t, "dan", "phone")
	e.ok(t, "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": []string{"dan"}}, e.asKey())

	cases := []struct {
		name  string
		app   string
		frame any
		code  string
		close int
	}{
		{"bad token", e.AppID, auth("not-a-token", nil), "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", realtime.CloseUnauthorized},
		{"empty token", e.AppID, auth("", nil), "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", realtime.CloseUnauthorized},
		{"another app's id", "nosuchapp", auth(tok, nil), "AUTH_ERR_INVALID_APPID", realtime.CloseUnauthorized},
		{"deactivated user", e.AppID, auth(danTok, nil), "AUTH_ERR_USER_DEACTIVATED", realtime.CloseForbidden},
		{"no auth frame", e.AppID, nil, realtime.CodeAuthTimeout, realtime.CloseAuthTimeout},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := e.dialWith(t, "amy", dialOpts{header: http.Header{"appid": {tc.app}}})
			if err != nil {
				t.Fatal(err)
			}
			if tc.frame != nil {
				c.send(tc.frame)
			}
			f := c.awaitType("error")
			if f.str("code") != tc.code || f.str("message") == "" {
				t.Errorf("error frame %s, want code %s", f.raw, tc.code)
			}
			c.wantClosed(tc.close)
		})
	}

	t.Run("no app", func(t *testing.T) {
		_, err := e.dialWith(t, "amy", dialOpts{})
		if err == nil || !strings.Contains(err.Error(), "400") {
			t.Fatalf("dial without an app: %v, want a 400 answer", err)
		}
		req, _ := http.NewRequest("GET", e.URL+"/v3/ws", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct{ Error struct{ Code string } }
		json.NewDecoder(resp.Body).Decode(&body)
		if resp.StatusCode != 400 || body.Error.Code != "AUTH_ERR_EMPTY_APPID" {
			t.Errorf("got %d %q", resp.StatusCode, body.Error.Code)
		}
	})
	t.Run("app in the query", func(t *testing.T) {
		c, err := e.dialWith(t, "amy", dialOpts{query: "appId=" + e.AppID})
		if err != nil {
			t.Fatal(err)
		}
		c.send(auth(tok, nil))
		if f := c.awaitType("auth"); f.str("code") != "200" {
			t.Errorf("auth answer %s", f.raw)
		}
	})
	healthy(t, e, "amy", tok)
}

// TestBadFrames tests that malformed, unknown and early frames get an
// error frame and leave the connection open, that a second auth is
// refused, that pings are answered, and that oversized and binary frames
// close the connection with their codes.
func TestBadFrames(t *testing.T) {
	e := newEnv(t, func(c *realtime.Config) { c.WS.MaxFrame = 4 << 10 })
	tok := e.user(t, "amy")
	e.user(t, "bob")

	c := e.dial(t, "amy")
	c.send(map[string]any{"action": "ping", "ack": "true"})
	c.await("pong before auth", func(f frame) bool { return f.Action == "pong" && f.raw == `{"action":"pong"}` })
	c.send(typing("bob", "user", "started", nil))
	c.awaitError(realtime.CodeNotAuthenticated)
	c.send(map[string]any{"type": "auth", "body": "not an object"})
	c.awaitError("ERR_BAD_REQUEST")
	c.send(auth(tok, map[string]any{"presenceSubscription": "EVERYONE"}))
	c.awaitError("ERR_BAD_REQUEST")
	c.send(auth(tok, nil)) // a fixed auth frame is still taken
	c.awaitType("auth")

	for _, bad := range []struct {
		payload, code string
	}{
		{`{"type":`, "ERR_BAD_REQUEST"},
		{`[1,2,3]`, "ERR_BAD_REQUEST"},
		{`"text"`, "ERR_BAD_REQUEST"},
		{`{}`, "ERR_BAD_REQUEST"},
		{`{"type":"message","body":{"text":"hi"}}`, realtime.CodeUnknownType},
		{`{"type":"typing_indicator","receiver":"bob","receiverType":"user"}`, "ERR_BAD_REQUEST"},
		{`{"type":"typing_indicator","receiver":"bob","receiverType":"user","body":{"action":7}}`, "ERR_BAD_REQUEST"},
		{`{"type":"receipts","receiver":"bob","receiverType":"user","body":{"action":"read","messageId":"x"}}`, "ERR_BAD_REQUEST"},
		{`{"type":"transient_message","receiver":"bob","receiverType":"planet","body":{"data":{}}}`, "ERR_INVALID_RECEIVER_TYPE"},
	} {
		c.sendRaw([]byte(bad.payload))
		f := c.awaitError(bad.code)
		if strings.Contains(f.raw, bad.payload) && len(bad.payload) > 4 {
			t.Errorf("the error frame echoes the client's bytes: %s", f.raw)
		}
	}
	c.send(auth(tok, nil))
	c.awaitError(realtime.CodeAlreadyAuthenticated)
	c.send(map[string]any{"action": "ping", "ack": "true"})
	c.await("pong", func(f frame) bool { return f.Action == "pong" })

	big := e.connect(t, "amy", tok)
	big.sendRaw([]byte(`{"type":"transient_message","body":{"data":{"x":"` + strings.Repeat("a", 5<<10) + `"}}}`))
	big.wantClosed(int(ws.StatusMessageTooBig))
	bin := e.connect(t, "amy", tok)
	if err := bin.write(ws.NewBinaryFrame([]byte("{}"))); err != nil {
		t.Fatal(err)
	}
	bin.wantClosed(int(ws.StatusUnsupportedData))
	if !c.isOpen() {
		t.Errorf("the connection that sent bad frames was closed")
	}
	healthy(t, e, "amy", tok)
}

// TestTooManyConnections tests the per-user connection limit: past it the
// connection gets an error frame and its close code, and the user's other
// connections keep working; one closed makes room again.
func TestTooManyConnections(t *testing.T) {
	e := newEnv(t, func(c *realtime.Config) { c.MaxConnsPerUser = 2 })
	tok := e.user(t, "amy")
	c1 := e.connect(t, "amy", tok)
	c2 := e.connect(t, "amy", tok)
	c3 := e.dial(t, "amy")
	c3.send(auth(tok, nil))
	c3.awaitError(realtime.CodeTooManyConnections)
	c3.wantClosed(realtime.CloseTooManyConnections)
	e.user(t, "bob")
	id := e.send(t, "bob", "amy", "user", "still there?")
	c1.awaitMessage(id)
	c2.awaitMessage(id)
	c1.conn.Close()
	checkFor(t, 10*time.Second, func() error { // room again once the server saw the close
		c := e.dial(t, "amy")
		c.send(auth(tok, nil))
		f := c.await("auth answer", func(f frame) bool { return f.Type == "auth" || f.Type == "error" })
		if f.Type != "auth" {
			return &frameErr{f.raw}
		}
		return nil
	})
}

type frameErr struct{ raw string }

func (e *frameErr) Error() string { return "answered " + e.raw }

// TestRateLimit tests that a client flooding frames is told to slow down
// and, when it keeps at it, closed with its code; a calm client is not.
func TestRateLimit(t *testing.T) {
	e := newEnv(t, func(c *realtime.Config) { c.FrameRate, c.FrameBurst = 10, 10 })
	tok := e.user(t, "amy")
	calm := e.connect(t, "amy", tok)
	flood := e.connect(t, "amy", tok)
	ping, _ := json.Marshal(map[string]any{"action": "ping", "ack": "true"})
	for range 40 {
		// The server may close the flood before the loop ends: a write
		// failing then is the point, not an error.
		if flood.write(ws.NewTextFrame(append([]byte(nil), ping...))) != nil { // write masks in place
			break
		}
	}
	flood.awaitError("ERR_TOO_MANY_REQUESTS")
	flood.wantClosed(realtime.CloseRateLimited)
	calm.send(map[string]any{"action": "ping", "ack": "true"})
	calm.await("pong", func(f frame) bool { return f.Action == "pong" })
}

// TestSessionEnds tests that revoking a token closes its connections (and
// only those), that logging out does the same, and that flushing a user's
// tokens, deactivating or deleting the user closes every connection of
// theirs, each with its close code; the token then no longer connects.
func TestSessionEnds(t *testing.T) {
	e := newEnv(t)
	phone := e.user(t, "amy")
	web := e.token(t, "amy", "web")
	p := e.connect(t, "amy", phone)
	w := e.connect(t, "amy", web)

	e.ok(t, "DELETE", "/v3/users/amy/auth_tokens/"+phone, nil, e.asKey())
	f := p.awaitError(realtime.CodeSessionEnded)
	if f.str("message") == "" {
		t.Errorf("error frame %s", f.raw)
	}
	p.wantClosed(realtime.CloseTokenRevoked)
	e.barrier(t, w) // the other token's connection still works
	again := e.dial(t, "amy")
	again.send(auth(phone, nil))
	again.awaitError("AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
	again.wantClosed(realtime.CloseUnauthorized)

	e.ok(t, "DELETE", "/v3/me", nil, e.asToken(web))
	w.wantClosed(realtime.CloseTokenRevoked)

	for _, tc := range []struct {
		name string
		end  func(uid string)
	}{
		{"flush tokens", func(uid string) { e.ok(t, "DELETE", "/v3/users/"+uid+"/auth_tokens", nil, e.asKey()) }},
		{"deactivate", func(uid string) {
			e.ok(t, "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": []string{uid}}, e.asKey())
		}},
		{"delete", func(uid string) { e.ok(t, "DELETE", "/v3/users/"+uid, nil, e.asKey()) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			uid := "u-" + strings.ReplaceAll(tc.name, " ", "-")
			t1 := e.user(t, uid)
			c1 := e.connect(t, uid, t1)
			c2 := e.connect(t, uid, e.token(t, uid, "web"))
			tc.end(uid)
			c1.wantClosed(realtime.CloseSessionsEnded)
			c2.wantClosed(realtime.CloseSessionsEnded)
			c := e.dial(t, uid)
			c.send(auth(t1, nil))
			c.awaitType("error")
			if code, _ := c.closed(); code != realtime.CloseUnauthorized && code != realtime.CloseForbidden {
				t.Errorf("reconnecting closed with %d", code)
			}
		})
	}
}

// TestShutdown tests that closing the hub delivers what was routed and
// closes every connection with going away, and that new connections are
// refused.
func TestShutdown(t *testing.T) {
	e := newEnv(t)
	a := e.connect(t, "amy", e.user(t, "amy"))
	e.user(t, "bob")
	var ids []int64
	for range 20 {
		ids = append(ids, e.send(t, "bob", "amy", "user", "before the end"))
	}
	if err := e.Hub.Close(); err != nil {
		t.Fatal(err)
	}
	a.wantClosed(int(ws.StatusGoingAway))
	got := a.messageIDs()
	if len(got) != len(ids) || got[len(got)-1] != ids[len(ids)-1] {
		t.Errorf("before going away got messages %v, want %v", got, ids)
	}
	if _, err := e.dialWith(t, "amy", dialOpts{header: http.Header{"appid": {e.AppID}}}); err == nil {
		t.Errorf("a connection was accepted after Close")
	}
}

// TestSharedLimits tests that the socket counts failed authentications in
// the limits the REST API uses: past them a connection is refused before
// its token is checked, and so is a REST call from the same address; and
// that typing frames spend the user's request budget.
func TestSharedLimits(t *testing.T) {
	limits := ratelimit.NewLimits(ratelimit.Rates{
		AuthFailuresPerAddr: ratelimit.Rate{PerSecond: 0.001, Burst: 2},
		RequestsPerUser:     ratelimit.Rate{PerSecond: 0.001, Burst: 30},
	})
	e := newEnv(t, limits)
	tok := e.user(t, "amy") // REST calls with the key: not user requests
	e.user(t, "bob")
	c := e.connect(t, "amy", tok)
	m := e.send(t, "bob", "amy", "user", "hi") // before the address is blocked
	for range 2 {
		bad := e.dial(t, "amy")
		bad.send(auth("wrong-token", nil))
		bad.awaitError("AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
		bad.wantClosed(realtime.CloseUnauthorized)
	}
	blocked := e.dial(t, "amy")
	blocked.send(auth(tok, nil)) // a good token, refused unchecked
	blocked.awaitError("ERR_TOO_MANY_REQUESTS")
	blocked.wantClosed(realtime.CloseRateLimited)
	if status, body := e.call(t, "GET", "/v3/me", nil, e.asToken(tok)); status != 429 {
		t.Errorf("REST after the socket's failures: %d %v", status, body)
	}

	// One at a time (each answered by the receipt event on amy's own
	// connection), so that only the user's budget of 30 can refuse one.
	var refused frame
	for k := 0; k < 35 && refused.Type == ""; k++ {
		c.send(receipt("bob", "user", "delivered", m))
		f := c.await("a receipt or an error", func(f frame) bool { return f.Type == "receipts" || f.Type == "error" })
		if f.Type == "error" {
			refused = f
		}
	}
	if refused.str("code") != "ERR_TOO_MANY_REQUESTS" || !strings.Contains(refused.str("message"), "retry after") {
		t.Errorf("after the user's request budget: %s", refused.raw)
	}
}
