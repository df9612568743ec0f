package main

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"syscall"
	"time"

	"golang.org/x/time/rate"
)

// limitListener holds at most cap(slots) connections open at once. Past
// that, Accept waits for one to close, so the excess waits in the kernel's
// accept queue (and is refused by the kernel once that is full) instead of
// taking file descriptors until the process can open nothing, /healthz and
// the database included. Every connection counts: keep-alive, uploads, and
// WebSockets, whose hijacked connection is the one handed out here.
type limitListener struct {
	net.Listener
	slots chan struct{}
	done  chan struct{}
	close sync.Once
	log   *slog.Logger
	warn  rate.Sometimes // the log line at most once a minute
}

func newLimitListener(l net.Listener, max int, log *slog.Logger) *limitListener {
	return &limitListener{Listener: l, slots: make(chan struct{}, max), done: make(chan struct{}), log: log,
		warn: rate.Sometimes{First: 1, Interval: time.Minute}}
}

// Accept waits for a free slot, then for a connection.
func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	default:
		l.warn.Do(func() {
			l.log.Warn("connection limit reached: new connections wait until one closes (raise --max-conns and the open-file limit if this is load)",
				"max_conns", cap(l.slots))
		})
		select {
		case l.slots <- struct{}{}:
		case <-l.done:
			return nil, net.ErrClosed
		}
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

// Close stops Accept, also one that waits for a slot.
func (l *limitListener) Close() error {
	l.close.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitConn gives its slot back when closed, once.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// NetConn returns the socket, for the WebSocket transport's writes (see
// SyscallConn).
func (c *limitConn) NetConn() net.Conn { return c.Conn }

// SyscallConn hands out the socket, so that the WebSocket transport reads a
// hijacked connection from its poller instead of a goroutine of its own
// (realtime/ws only polls connections whose bytes are the socket's).
func (c *limitConn) SyscallConn() (syscall.RawConn, error) {
	sc, ok := c.Conn.(syscall.Conn)
	if !ok {
		return nil, errors.New("not a socket")
	}
	return sc.SyscallConn()
}

// ReadFrom keeps the kernel's sendfile for file downloads (net/http looks
// for io.ReaderFrom on the connection).
func (c *limitConn) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(c.Conn, r)
}
