package ws

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// countingListener wraps each connection as a connection-counting
// listener does (cmd/parley's): SyscallConn and NetConn hand out the
// socket; Write and Close are counted.
type countingListener struct {
	net.Listener
	writes, closes atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, l: l}, nil
}

type countingConn struct {
	net.Conn
	l *countingListener
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.l.writes.Add(1)
	return c.Conn.Write(p)
}

func (c *countingConn) Close() error {
	c.l.closes.Add(1)
	return c.Conn.Close()
}

func (c *countingConn) NetConn() net.Conn { return c.Conn }

func (c *countingConn) SyscallConn() (syscall.RawConn, error) {
	return c.Conn.(syscall.Conn).SyscallConn()
}

// TestWrappedSocketWritesBypassWrapper tests that behind a wrapper that
// names its socket, frames are written to the socket itself (one writev
// per flush, not one Write each through the wrapper) and in order, while
// closing still goes through the wrapper, which counts its connections.
func TestWrappedSocketWritesBypassWrapper(t *testing.T) {
	s, err := NewServer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	h := &testHandler{}
	conns := make(chan *Conn, 1)
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := s.Upgrade(w, r, h); err == nil {
			conns <- c
		}
	}))
	ln := &countingListener{Listener: hs.Listener}
	hs.Listener = ln
	hs.Start()
	t.Cleanup(hs.Close)

	cl := dial(t, "ws"+strings.TrimPrefix(hs.URL, "http"))
	var c *Conn
	select {
	case c = <-conns:
	case <-time.After(10 * time.Second):
		t.Fatal("no connection upgraded")
	}
	before := ln.writes.Load() // the handshake's answer goes through the wrapper
	const n = 200
	for i := range n {
		if !c.Send(Prepare(fmt.Appendf(nil, "frame %d", i))) {
			t.Fatalf("Send %d refused", i)
		}
	}
	for i := range n {
		if got, want := cl.readText(), fmt.Sprintf("frame %d", i); got != want {
			t.Fatalf("frame %d: got %q, want %q", i, got, want)
		}
	}
	if w := ln.writes.Load() - before; w != 0 {
		t.Errorf("%d frame writes went through the wrapper, want 0 (the socket's writev)", w)
	}
	c.Close(CloseNormal, "")
	h.waitClosed(t, c, CloseNormal)
	waitFor(t, 10*time.Second, "the wrapper closed", func() bool { return ln.closes.Load() == 1 })
}
