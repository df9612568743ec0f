package ws

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

func TestEcho(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{}, h)
	cl := dial(t, ts.url)
	sc := ts.next(t)
	for _, msg := range []string{"hello", "", strings.Repeat("é", 200), strings.Repeat("x", 70000/2)} {
		cl.writeText(msg)
		if got := cl.readText(); got != msg {
			t.Fatalf("echo = %d bytes %.20q, want %d bytes %.20q", len(got), got, len(msg), msg)
		}
	}
	if got := ts.Len(); got != 1 {
		t.Errorf("Len = %d, want 1", got)
	}
	if sc.RemoteAddr().String() != cl.nc.LocalAddr().String() {
		t.Errorf("RemoteAddr = %v, want %v", sc.RemoteAddr(), cl.nc.LocalAddr())
	}
}

func TestManyConnections(t *testing.T) {
	const conns, msgs = 100, 20
	h := &testHandler{}
	ts := newTestServer(t, Config{Pollers: 2}, h)
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			nc, br, _, err := ws.Dial(ctx, ts.url)
			if err != nil {
				errs <- err
				return
			}
			defer nc.Close()
			if br != nil {
				errs <- fmt.Errorf("unexpected early bytes")
				return
			}
			nc.SetDeadline(time.Now().Add(20 * time.Second))
			for j := range msgs {
				want := fmt.Sprintf("conn %d message %d", i, j)
				if _, err := nc.Write(rawFrame(fin|opText, true, []byte(want))); err != nil {
					errs <- err
					return
				}
				f, err := readWire(nc)
				if err != nil {
					errs <- err
					return
				}
				if string(f.Payload) != want {
					errs <- fmt.Errorf("got %q, want %q", f.Payload, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Idle connections hold no goroutine and no buffer: after their traffic,
// the process is back to the goroutines it had before they connected.
func TestIdleConnectionsHoldNothing(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{}, h)
	base := runtime.NumGoroutine()
	var conns []*Conn
	for range 50 {
		cl := dial(t, ts.url)
		conns = append(conns, ts.next(t))
		cl.writeRaw(rawFrame(opText, true, []byte("frag"))) // leaves a fragment...
		cl.writeRaw(rawFrame(fin|opContinuation, true, []byte("mented")))
		if got := cl.readText(); got != "fragmented" {
			t.Fatalf("echo = %q", got)
		}
	}
	waitFor(t, 10*time.Second, fmt.Sprintf("goroutines back to %d", base), func() bool {
		return runtime.NumGoroutine() <= base
	})
	for _, c := range conns {
		c.rmu.Lock()
		c.mu.Lock()
		if c.p.partial != nil || c.p.msg != nil || c.p.in != nil || c.queue != nil {
			t.Errorf("idle connection holds partial %d, msg %d, in %d bytes, queue %d frames",
				cap(c.p.partial), cap(c.p.msg), cap(c.p.in), len(c.queue))
		}
		c.mu.Unlock()
		c.rmu.Unlock()
	}
}

// A client may send its first frame in the same packet as its handshake:
// those bytes are in net/http's buffer at the upgrade, and must not be lost.
// UpgradeValue's value is visible to that first Message.
func TestFrameWithHandshake(t *testing.T) {
	s, err := NewServer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h := &testHandler{message: func(c *Conn, p []byte) {
		c.Send(Prepare(fmt.Appendf(nil, "%v:%s", c.Value(), p)))
	}}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.UpgradeValue(w, r, h, "session-1")
	}))
	defer hs.Close()
	nc, err := net.Dial("tcp", hs.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	req := rawHandshake(hs.Listener.Addr().String())
	if _, err := nc.Write(append([]byte(req), rawFrame(fin|opText, true, []byte("auth"))...)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	readHandshake(t, br)
	f, err := readWire(br)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(f.Payload), "session-1:auth"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// A TLS connection has no descriptor to poll: it is read by a goroutine and
// behaves the same.
func TestTLSFallback(t *testing.T) {
	s, err := NewServer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h := &testHandler{}
	conns := make(chan *Conn, 1)
	hs := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := s.Upgrade(w, r, h); err == nil {
			conns <- c
		}
	}))
	defer hs.Close()
	d := ws.Dialer{TLSConfig: &tls.Config{RootCAs: hs.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	nc, br, _, err := d.Dial(ctx, "wss"+strings.TrimPrefix(hs.URL, "https"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	cl := &client{t: t, nc: nc, r: nc}
	if br != nil {
		t.Fatal("unexpected early bytes")
	}
	cl.writeText("over tls")
	if got := cl.readText(); got != "over tls" {
		t.Fatalf("echo = %q", got)
	}
	sc := <-conns
	sc.Close(4001, "bye")
	if code, reason := cl.readClose(); code != 4001 || reason != "bye" {
		t.Fatalf("close = %d %q, want 4001 bye", code, reason)
	}
	cl.writeRaw(rawFrame(fin|opClose, true, closeBody(4001, "")))
	h.waitClosed(t, sc, 4001)
}

func TestUpgradeRejects(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{}, h)
	resp, err := http.Get(ts.http.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("plain GET: status %d, want 400", resp.StatusCode)
	}
	ts.Close()
	resp, err = http.Get(ts.http.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("after Close: status %d, want 503", resp.StatusCode)
	}
	if got := ts.Len(); got != 0 {
		t.Errorf("Len = %d, want 0", got)
	}
}
