package ws

import (
	"errors"
	"net"
	"os"
	"sync"
	"time"
)

// writer writes the queues of one shard's connections from one goroutine,
// so that a delivery costs a system call and no goroutine. A connection
// whose queue goes from empty to not empty is put on the writer's list
// once (Conn.writing), however many frames a burst of routing queues on it
// meanwhile; the writer takes the whole list, and for each connection
// everything queued, in one non-blocking writev. A socket that can't take
// it all (a client that reads slowly) is handed to a goroutine of its own
// that writes the rest under WriteTimeout, as every connection did before:
// one slow client never holds up the others of its shard.
type writer struct {
	srv *Server

	mu    sync.Mutex
	dirty []*Conn
	idle  bool // the goroutine waits for wake
	wake  chan struct{}

	iov iovecs // the writev vector, reused (the goroutine's alone)
}

func newWriter(s *Server) *writer {
	return &writer{srv: s, wake: make(chan struct{}, 1)}
}

// add puts c on the list. c.mu is held by the caller (lock order: Conn.mu
// before writer.mu).
func (w *writer) add(c *Conn) {
	w.mu.Lock()
	w.dirty = append(w.dirty, c)
	wake := w.idle
	w.idle = false
	w.mu.Unlock()
	if wake {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// run is the writer's goroutine; it stops with the server's stop channel,
// by which time every connection has ended.
func (w *writer) run() {
	defer w.srv.wg.Done()
	var batch []*Conn
	for {
		w.mu.Lock()
		batch, w.dirty = w.dirty, batch[:0]
		if len(batch) == 0 {
			w.idle = true
			w.mu.Unlock()
			select {
			case <-w.wake:
				continue
			case <-w.srv.stop:
				return
			}
		}
		w.mu.Unlock()
		for i, c := range batch {
			w.flush(c)
			batch[i] = nil
		}
	}
}

// flush writes what c has queued; c is on no list meanwhile. Frames
// queued while it writes wait for the writer's next round (c goes back on
// the list), so that a busy connection can't keep the writer from the
// others.
func (w *writer) flush(c *Conn) {
	bufs, last, ok := c.take()
	if !ok {
		return
	}
	n, total, err := w.iov.write(c, bufs)
	switch {
	case err == nil && n == total:
		if last {
			c.closeSent()
			return
		}
		w.mu.Lock()
		w.dirty = append(w.dirty, c) // its next take clears writing when nothing is queued
		w.mu.Unlock()
	case err == nil || isAgain(err):
		// The socket's buffer is full: a goroutine waits for it.
		rest := advance(bufs, n)
		w.srv.wg.Add(1)
		go c.flushFrom(rest, last)
	default:
		c.srv.log.Debug("ws: write failed", "remote", c.nc.RemoteAddr(), "err", err)
		w.srv.wg.Add(1)
		go func() {
			defer w.srv.wg.Done()
			c.teardown(CloseAbnormal)
		}()
	}
}

// take hands the writer what c has queued, or clears c.writing and reports
// false when nothing is (or the connection is past writing).
func (c *Conn) take() (bufs net.Buffers, last, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inflight = 0
	if len(c.queue) == 0 || c.state.Load() >= stateLinger {
		if c.state.Load() == stateOpen {
			c.writing = false
		}
		return nil, false, false
	}
	bufs = c.queue
	last = c.state.Load() == stateClosing // the close frame is in bufs
	c.queue, c.inflight, c.queued = nil, c.queued, 0
	return bufs, last, true
}

// advance drops the first n bytes of bufs.
func advance(bufs net.Buffers, n int) net.Buffers {
	for len(bufs) > 0 && n >= len(bufs[0]) {
		n -= len(bufs[0])
		bufs = bufs[1:]
	}
	if n > 0 {
		bufs[0] = bufs[0][n:]
	}
	return bufs
}

// flushFrom is the writer of a connection whose socket was full: it
// writes pending (the rest of a batch, the close frame in it when last),
// then runs as flush until the queue is empty.
func (c *Conn) flushFrom(pending net.Buffers, last bool) {
	defer c.srv.wg.Done()
	if !c.writeBlocking(pending) {
		return
	}
	if last {
		c.closeSent()
		return
	}
	c.flushLoop()
}

// flush is the writer of a connection that no shard writer serves (one
// read by a goroutine of its own): it runs while the queue is not empty.
func (c *Conn) flush() {
	defer c.srv.wg.Done()
	c.flushLoop()
}

// flushLoop writes all queued frames at once (one writev) without holding
// the lock, under a write deadline, until the queue is empty.
func (c *Conn) flushLoop() {
	for {
		bufs, last, ok := c.take()
		if !ok {
			return
		}
		if !c.writeBlocking(bufs) {
			return
		}
		if last {
			c.closeSent()
			return
		}
	}
}

// writeBlocking writes bufs within WriteTimeout; on failure it ends the
// connection and reports false.
func (c *Conn) writeBlocking(bufs net.Buffers) bool {
	c.wc.SetWriteDeadline(time.Now().Add(c.srv.cfg.WriteTimeout))
	_, err := bufs.WriteTo(c.wc)
	if err == nil {
		// The shard writer's non-blocking writes would fail once this
		// deadline passed: clear it.
		c.wc.SetWriteDeadline(time.Time{})
		return true
	}
	// A write that timed out means a client that stopped reading: a slow
	// consumer like one whose queue overflowed.
	code := CloseAbnormal
	if errors.Is(err, os.ErrDeadlineExceeded) {
		code = CloseSlow
	}
	c.srv.log.Debug("ws: write failed", "remote", c.nc.RemoteAddr(), "err", err)
	c.teardown(code)
	return false
}
