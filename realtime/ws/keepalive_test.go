package ws

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// quietLog is what a client that never answers pings saw: when each ping
// came, and when the close frame came with which code.
type quietLog struct {
	pings  []time.Duration
	closed time.Duration
	code   int
}

// listenQuietly reads c until the server's close frame, answering no ping,
// and reports the times since start.
func listenQuietly(c *client, start time.Time) <-chan quietLog {
	out := make(chan quietLog, 1)
	go func() {
		var l quietLog
		defer func() { out <- l }()
		for {
			f, err := c.readFrame()
			if err != nil {
				return
			}
			switch f.Header.OpCode {
			case ws.OpPing:
				l.pings = append(l.pings, time.Since(start))
			case ws.OpClose:
				l.closed = time.Since(start)
				if len(f.Payload) >= 2 {
					l.code = int(binary.BigEndian.Uint16(f.Payload))
				}
				// Answered, so that the server ends it now, not after
				// its linger.
				_, _ = c.nc.Write(rawFrame(fin|opClose, true, closeBody(l.code, "")))
				return
			}
		}
	}()
	return out
}

// awaitLog waits for a quiet client's close.
func awaitLog(t *testing.T, ch <-chan quietLog) quietLog {
	t.Helper()
	select {
	case l := <-ch:
		return l
	case <-time.After(10 * time.Second):
		t.Fatal("the quiet client was never closed")
		return quietLog{}
	}
}

// A connection given a longer keepalive is not pinged at the server's
// interval but at its own, and closed with 4000 at its own idle timeout;
// a connection beside it without one keeps the server's timings.
func TestSetKeepaliveLonger(t *testing.T) {
	t.Parallel()
	const (
		ping, idle     = 160 * time.Millisecond, 240 * time.Millisecond
		kaPing, kaIdle = 500 * time.Millisecond, 600 * time.Millisecond
	)
	h := &testHandler{}
	ts := newTestServer(t, Config{IdleTimeout: idle, PingInterval: ping, MaxIdleTimeout: kaIdle}, h)
	start := time.Now() // before either upgrade: every deadline is at least this far off
	long := dial(t, ts.url)
	longConn := ts.next(t)
	longConn.SetKeepalive(kaPing, kaIdle)
	def := dial(t, ts.url)
	defConn := ts.next(t)
	longLog, defLog := listenQuietly(long, start), listenQuietly(def, start)

	d := awaitLog(t, defLog)
	if d.code != CloseIdle || d.closed < idle {
		t.Errorf("default connection: closed with %d after %v, want 4000 after %v", d.code, d.closed, idle)
	}
	if len(d.pings) != 1 || d.pings[0] < ping {
		t.Errorf("default connection: pings at %v, want one after %v", d.pings, ping)
	}
	h.waitClosed(t, defConn, CloseIdle)

	l := awaitLog(t, longLog)
	if l.code != CloseIdle || l.closed < kaIdle {
		t.Errorf("long keepalive: closed with %d after %v, want 4000 after %v", l.code, l.closed, kaIdle)
	}
	if len(l.pings) != 1 || l.pings[0] < kaPing {
		t.Errorf("long keepalive: pings at %v, want one after %v (none at the server's %v)", l.pings, kaPing, ping)
	}
	h.waitClosed(t, longConn, CloseIdle)
}

// A keepalive past the timing wheel's horizon (MaxIdleTimeout) still gets
// its ping and its close on time: the connection is looked at again each
// time round until due.
func TestSetKeepaliveBeyondHorizon(t *testing.T) {
	t.Parallel()
	const kaPing, kaIdle = 400 * time.Millisecond, 480 * time.Millisecond
	h := &testHandler{}
	// MaxIdleTimeout defaults to IdleTimeout: the wheel spans ~100 ms.
	ts := newTestServer(t, Config{IdleTimeout: 100 * time.Millisecond}, h)
	start := time.Now()
	cl := dial(t, ts.url)
	sc := ts.next(t)
	sc.SetKeepalive(kaPing, kaIdle)
	l := awaitLog(t, listenQuietly(cl, start))
	if l.code != CloseIdle || l.closed < kaIdle || l.closed > 5*kaIdle {
		t.Errorf("closed with %d after %v, want 4000 after %v", l.code, l.closed, kaIdle)
	}
	if len(l.pings) != 1 || l.pings[0] < kaPing {
		t.Errorf("pings at %v, want one after %v", l.pings, kaPing)
	}
	h.waitClosed(t, sc, CloseIdle)
}

// A shorter keepalive takes effect at once, although the connection's
// entry in the wheel was at the server's later timings; zero restores the
// server's.
func TestSetKeepaliveShorterAndReset(t *testing.T) {
	t.Parallel()
	h := &testHandler{}
	ts := newTestServer(t, Config{IdleTimeout: 5 * time.Second}, h)
	start := time.Now()
	cl := dial(t, ts.url)
	sc := ts.next(t)
	sc.SetKeepalive(100*time.Millisecond, 150*time.Millisecond)
	l := awaitLog(t, listenQuietly(cl, start))
	if l.code != CloseIdle || l.closed < 150*time.Millisecond || l.closed > 3*time.Second {
		t.Errorf("closed with %d after %v, want 4000 after 150ms", l.code, l.closed)
	}
	h.waitClosed(t, sc, CloseIdle)

	dial(t, ts.url)
	sc2 := ts.next(t)
	sc2.SetKeepalive(100*time.Millisecond, 150*time.Millisecond)
	sc2.SetKeepalive(0, 0)
	if ka := sc2.keepalive.Load(); ka != 0 {
		t.Fatalf("keepalive after reset = %#x, want 0 (the server's)", ka)
	}
}

// The packed form keeps both timings to the millisecond.
func TestPackKeepalive(t *testing.T) {
	p, i := unpackKeepalive(packKeepalive(300*time.Second, 360*time.Second))
	if p != int64(300*time.Second) || i != int64(360*time.Second) {
		t.Errorf("unpacked %v, %v", time.Duration(p), time.Duration(i))
	}
	p, i = unpackKeepalive(packKeepalive(time.Microsecond, 100*24*time.Hour))
	if p != int64(time.Millisecond) || i != int64(1<<32-1)*int64(time.Millisecond) {
		t.Errorf("clamped to %v, %v", time.Duration(p), time.Duration(i))
	}
}
