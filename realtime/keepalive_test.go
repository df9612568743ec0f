package realtime_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/realtime"
	"github.com/parleychat/parley/realtime/ws"
)

// TestAuthKeepaliveRefused tests that an auth frame whose keepalive is out
// of range or not a whole number gets ERR_BAD_REQUEST and leaves the
// connection open, that a corrected auth succeeds and its answer reports
// the keepalive, and that an auth without one is answered as always.
func TestAuthKeepaliveRefused(t *testing.T) {
	e := newEnv(t)
	tok := e.user(t, "amy")

	c := e.dial(t, "amy")
	for _, bad := range []any{24, 301, 0, -25, "60", 60.5, 6e10, true, []int{60}, map[string]int{"s": 60}} {
		c.send(auth(tok, map[string]any{"keepalive": bad}))
		f := c.awaitError("ERR_BAD_REQUEST")
		if bad, ok := bad.(int); ok && !strings.Contains(f.str("message"), "keepalive") {
			t.Errorf("keepalive %d: message %q does not name the field", bad, f.str("message"))
		}
	}
	if !c.isOpen() {
		t.Fatal("the connection was closed for a bad keepalive")
	}
	c.send(auth(tok, map[string]any{"keepalive": 120}))
	f := c.awaitType("auth")
	if f.str("code") != "200" || f.body()["keepalive"] != float64(120) {
		t.Errorf("auth answer %s, want code 200 and keepalive 120 (a number)", f.raw)
	}

	// The bounds are taken, and null is the same as absent.
	for _, k := range []int{25, 300} {
		c := e.connect(t, "amy", tok, map[string]any{"keepalive": k})
		if got := c.of("auth")[0].body()["keepalive"]; got != float64(k) {
			t.Errorf("keepalive %d: answered %v", k, got)
		}
	}
	plain := e.connect(t, "amy", tok, map[string]any{"keepalive": nil})
	if raw := plain.of("auth")[0].raw; !strings.HasSuffix(raw, `"body":{"code":"200","status":"OK"}}`) {
		t.Errorf("auth answer without a keepalive changed: %s", raw)
	}
}

// TestKeepaliveTimings tests that a declared keepalive is what the server
// holds the connection to after auth: with the transport's timings cut to
// 240 ms idle (and no server pings, so only the idle close shows), a
// connection that declared 50 s (twice the default) outlives one that
// declared nothing, and is closed with 4000 at twice the idle timeout.
func TestKeepaliveTimings(t *testing.T) {
	const idle = 240 * time.Millisecond
	e := newEnv(t, func(c *realtime.Config) {
		c.WS.IdleTimeout = idle
		c.WS.PingInterval = time.Hour // the client answers pings: they would keep it open
	})
	tok := e.user(t, "amy")

	// The default one first: the other, heard from later, must outlive it
	// however slowly each authenticates. Each time is taken before its
	// auth frame goes, so the server heard from it last after that.
	defSent := time.Now()
	def := e.connect(t, "amy", tok)
	longSent := time.Now()
	long := e.connect(t, "amy", tok, map[string]any{"keepalive": 50})

	def.wantClosed(ws.CloseIdle)
	if d := time.Since(defSent); d < idle {
		t.Errorf("default connection closed %v after its auth, before its idle timeout %v", d, idle)
	}
	if !long.isOpen() {
		t.Fatal("the connection with keepalive 50 was closed at the default idle timeout")
	}
	long.wantClosed(ws.CloseIdle)
	if d := time.Since(longSent); d < 2*idle {
		t.Errorf("keepalive 50: closed %v after its auth, want at least %v", d, 2*idle)
	}
}
