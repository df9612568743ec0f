package realtime_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// callOf returns a call message frame's session id and action ("" for other
// frames): data.entities.on.entity.sessionid and data.action.
func callOf(f frame) (session, act string) {
	if f.Type != "message" || f.str("category") != "call" {
		return "", ""
	}
	d, _ := f.body()["data"].(map[string]any)
	ents, _ := d["entities"].(map[string]any)
	on, _ := ents["on"].(map[string]any)
	ent, _ := on["entity"].(map[string]any)
	session, _ = ent["sessionid"].(string)
	act, _ = d["action"].(string)
	return session, act
}

// isCall matches the call message frame of a session's change to act.
func isCall(session, act string) func(frame) bool {
	return func(f frame) bool {
		s, a := callOf(f)
		return s == session && a == act
	}
}

// TestCallRingsOverSockets runs a call between two clients over the whole
// server: the caller starts it over REST and it rings on the callee's
// socket; the callee accepts it and the caller ends it, over REST with
// their own tokens; each step reaches both sockets as a call message, with
// the session id the app names its media room by. A group call rings on
// the socket of every member and of no one else.
func TestCallRingsOverSockets(t *testing.T) {
	e := newEnv(t)
	aliceTok, bobTok := e.user(t, "alice"), e.user(t, "bob")
	alice, bob := e.connect(t, "alice", aliceTok), e.connect(t, "bob", bobTok)

	d := e.ok(t, "POST", "/v3/calls", map[string]any{"receiver": "bob", "receiverType": "user", "type": "video"},
		e.asToken(aliceTok))
	session, _ := callOf(frame{Type: "message", Body: mustJSON(t, d)})
	if session == "" {
		t.Fatalf("POST /v3/calls answered no call message: %v", d)
	}
	for _, step := range []struct {
		by, token, status string
	}{
		{"alice", aliceTok, "initiated"},
		{"bob", bobTok, "ongoing"},
		{"alice", aliceTok, "ended"},
	} {
		if step.status != "initiated" {
			e.ok(t, "PUT", "/v3/calls/"+session, map[string]any{"status": step.status}, e.asToken(step.token))
		}
		for _, c := range []*client{alice, bob} {
			f := c.await("call "+step.status, isCall(session, step.status))
			other := map[string]string{"alice": "bob", "bob": "alice"}[step.by]
			if f.Sender != step.by || f.Receiver != other || f.ReceiverType != "user" || f.str("type") != "video" {
				t.Errorf("%s: %s frame %s", c.uid, step.status, f.raw)
			}
		}
	}
	if c := e.ok(t, "GET", "/v3/calls/"+session, nil, e.asToken(bobTok)); c["status"] != "ended" || c["sessionId"] != session {
		t.Errorf("GET the call: %v", c)
	}
	// The last step over REST is refused, and nothing more reaches the sockets.
	if status, body := e.call(t, "PUT", "/v3/calls/"+session, map[string]any{"status": "ended"}, e.asToken(bobTok)); status != http.StatusConflict {
		t.Errorf("ending an ended call: %d %v", status, body)
	}

	// A group call rings every member, and only them.
	carol, dave := e.connect(t, "carol", e.user(t, "carol")), e.connect(t, "dave", e.user(t, "dave"))
	eve := e.connect(t, "eve", e.user(t, "eve"))
	e.group(t, "team", "public", "alice", "bob", "carol", "dave")
	d = e.ok(t, "POST", "/v3/calls", map[string]any{"receiver": "team", "receiverType": "group", "type": "audio"},
		e.asToken(aliceTok))
	group, _ := callOf(frame{Type: "message", Body: mustJSON(t, d)})
	for _, c := range []*client{alice, bob, carol, dave} {
		c.waitHas("group call", isCall(group, "initiated"))
	}
	e.ok(t, "PUT", "/v3/calls/"+group, map[string]any{"status": "ongoing"}, e.asUser("carol"))
	for _, c := range []*client{alice, bob, carol, dave} {
		c.waitHas("carol joined", isCall(group, "ongoing"))
	}
	e.barrier(t, eve)
	none(t, eve, "a call of a group she is not in", func(f frame) bool { s, _ := callOf(f); return s == group })
}

// mustJSON encodes v.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
