package ws

import (
	"errors"
	"io"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Connection states. A connection only moves forward through them.
const (
	stateOpen    uint32 = iota
	stateClosing        // close requested: queued frames, then the close frame, are being written
	stateLinger         // close frame written: waiting briefly for the client's close or EOF
	stateDone           // socket closed, Closed called
)

// Conn is one WebSocket connection. While it is idle it holds no goroutine
// and no buffer: its bytes are read by the server's pollers when they
// arrive, and its frames written by its shard's writer.
// Its methods are safe for concurrent use.
type Conn struct {
	srv *Server
	h   Handler
	nc  net.Conn // kept referenced so the socket is not finalized
	// wc is what frames are written to: nc, or the socket under a
	// counting wrapper (see socketOf), so that a flush is one writev.
	wc net.Conn
	rc syscall.RawConn
	id uint64
	fd int // registered with a poller; -1 when read by a goroutine

	// rmu is held while bytes are read and parsed and while the Handler is
	// called, which makes Handler calls for one connection sequential.
	// Lock order: rmu before mu.
	rmu sync.Mutex
	p   parser

	state       atomic.Uint32 // written under mu
	lastRead    atomic.Int64  // Server.now of the last bytes received
	lingerUntil atomic.Int64
	keepalive   atomic.Uint64 // the connection's own ping interval and idle timeout (packKeepalive); 0: the Config's
	lastPing    int64         // Server.now of the last ping; the sweeper's alone
	slot        int64         // the wheel slot of the connection's live entry; guarded by wheel.mu

	mu         sync.Mutex
	queue      net.Buffers // frames waiting for the writer; nil when none
	queued     int         // bytes in queue
	inflight   int         // bytes the writer is writing now
	writing    bool        // a writer has the connection (or has finished with it for good)
	peerClosed bool        // the client's close frame was received
	code       int         // the close code, once not open
	value      any
}

// Send queues f for the connection without blocking. It returns false when
// the connection is closing or closed, or when f would take the bytes
// queued or being written past MaxQueue: the queue is then dropped and the
// connection closed with CloseSlow, and the caller never waits on a slow
// reader.
func (c *Conn) Send(f *Frame) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state.Load() != stateOpen {
		return false
	}
	if c.queued+c.inflight+len(f.b) > c.srv.cfg.MaxQueue {
		c.overflowLocked()
		return false
	}
	c.queue = append(c.queue, f.b)
	c.queued += len(f.b)
	c.kickLocked()
	return true
}

// sendControl queues a ping or pong; it counts against MaxQueue like data.
func (c *Conn) sendControl(b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state.Load() != stateOpen {
		return
	}
	if c.queued+c.inflight+len(b) > c.srv.cfg.MaxQueue {
		c.overflowLocked()
		return
	}
	c.queue = append(c.queue, b)
	c.queued += len(b)
	c.kickLocked()
}

// overflowLocked drops the frames not yet handed to the writer (the batch
// being written completes, so the stream stays well formed) and closes with
// CloseSlow: the client reconnects and resumes from its last message id.
func (c *Conn) overflowLocked() {
	clear(c.queue)
	c.queue, c.queued = nil, 0
	c.closeLocked(CloseSlow, "send queue overflow")
}

// Close sends the frames already queued, then a close frame with code and
// reason (cut to 123 bytes), then closes the socket, each write bounded by
// WriteTimeout. It does not wait. Closing a connection that is already
// closing or closed does nothing.
func (c *Conn) Close(code int, reason string) {
	c.mu.Lock()
	c.closeLocked(code, reason)
	c.mu.Unlock()
}

func (c *Conn) closeLocked(code int, reason string) {
	if c.state.Load() != stateOpen {
		return
	}
	c.code = code
	c.state.Store(stateClosing)
	// Nothing is queued after the close frame, so the writer knows it
	// has written the last frame when it drains the queue in this state.
	c.queue = append(c.queue, closeFrame(code, reason))
	c.kickLocked()
}

// kickLocked hands the connection to its writer unless it has it: the
// shard's writer when the socket is polled, else a goroutine of its own.
func (c *Conn) kickLocked() {
	if c.writing {
		return
	}
	c.writing = true
	if c.fd >= 0 && c.srv.writers != nil {
		c.srv.writers[c.id%uint64(len(c.srv.writers))].add(c)
		return
	}
	c.srv.wg.Add(1)
	go c.flush()
}

// closeSent follows the close frame's write. If the client already closed,
// the handshake is complete and the socket is closed now. Otherwise the
// connection half-closes (FIN) and lingers, reading, until the client's
// close frame or EOF arrives or the linger time passes.
func (c *Conn) closeSent() {
	c.mu.Lock()
	if c.state.Load() != stateClosing { // the connection ended meanwhile
		c.mu.Unlock()
		return
	}
	peer := c.peerClosed
	if !peer {
		until := c.srv.now() + int64(c.srv.linger)
		c.lingerUntil.Store(until)
		c.state.Store(stateLinger)
		c.srv.wheel.schedule(c, until)
	}
	c.mu.Unlock()
	if peer {
		c.teardown(CloseAbnormal)
		return
	}
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}

// teardown ends the connection: socket closed, unregistered, Closed called
// once. code is used only if no close code was set before.
func (c *Conn) teardown(code int) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	c.teardownLocked(code)
}

// teardownLocked is teardown with rmu held.
func (c *Conn) teardownLocked(code int) {
	c.mu.Lock()
	if c.state.Load() == stateDone {
		c.mu.Unlock()
		return
	}
	if c.state.Load() == stateOpen {
		c.code = code
	}
	code = c.code
	c.state.Store(stateDone)
	clear(c.queue)
	c.queue, c.queued = nil, 0
	c.mu.Unlock()
	c.p = parser{}
	c.srv.unregister(c)
	c.nc.Close()
	defer func() {
		if r := recover(); r != nil {
			c.srv.log.Error("ws: Handler.Closed panicked", "remote", c.nc.RemoteAddr(), "panic", r, "stack", string(debug.Stack()))
		}
	}()
	c.h.Closed(c, code)
}

// consume parses bytes read from the client and acts on every complete
// frame. rmu must be held.
func (c *Conn) consume(b []byte) {
	c.lastRead.Store(c.srv.now())
	if c.p.failed {
		// Bytes after a broken frame or a close frame mean nothing. Once
		// our close frame is out, the client is answering it: the socket
		// has just been drained, so it can close without a reset.
		if c.state.Load() == stateLinger {
			c.teardownLocked(CloseAbnormal)
		}
		return
	}
	c.p.feed(b)
	for {
		ev, payload, code := c.p.next(c.srv.cfg.MaxFrame)
		switch ev {
		case evNone:
			return
		case evText:
			if c.state.Load() == stateOpen {
				c.dispatch(payload)
			}
		case evPing:
			c.sendControl(encode(opPong, payload))
		case evPong:
			// Only proof of life, already recorded in lastRead.
		case evClose:
			c.peerClose(code)
			c.p = parser{failed: true}
			return
		case evError:
			c.p = parser{failed: true}
			if c.state.Load() == stateLinger {
				c.teardownLocked(code)
				return
			}
			c.Close(code, "")
			return
		}
	}
}

// peerClose handles the client's close frame: answer it (after the frames
// already queued) unless a close frame was already sent, in which case the
// handshake is complete.
func (c *Conn) peerClose(code int) {
	c.mu.Lock()
	c.peerClosed = true
	st := c.state.Load()
	if st == stateOpen {
		c.closeLocked(code, "")
	}
	c.mu.Unlock()
	if st == stateLinger {
		c.teardownLocked(code)
	}
}

// dispatch calls Handler.Message, turning a panic into a log entry and a
// close with CloseInternalError, so one bad message never stops a poller.
func (c *Conn) dispatch(payload []byte) {
	defer func() {
		if r := recover(); r != nil {
			c.srv.log.Error("ws: Handler.Message panicked", "remote", c.nc.RemoteAddr(), "panic", r, "stack", string(debug.Stack()))
			c.Close(CloseInternalError, "internal error")
		}
	}()
	c.h.Message(c, payload)
}

// readLoop reads a connection that no poller can watch (a TLS connection,
// or no epoll on this system) with a goroutine of its own.
func (c *Conn) readLoop() {
	defer c.srv.wg.Done()
	buf := make([]byte, 4<<10)
	for {
		n, err := c.nc.Read(buf)
		c.rmu.Lock()
		if c.state.Load() == stateDone {
			c.rmu.Unlock()
			return
		}
		if n > 0 {
			c.consume(buf[:n])
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				c.srv.log.Debug("ws: read failed", "remote", c.nc.RemoteAddr(), "err", err)
			}
			c.teardownLocked(CloseAbnormal)
			c.rmu.Unlock()
			return
		}
		c.rmu.Unlock()
	}
}

// RemoteAddr returns the client's network address.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// SetKeepalive gives the connection its own timings in place of the
// Config's: it is pinged once quiet for ping, and closed with CloseIdle
// once silent for idle (a ping at or past idle is never sent). Zero or
// negative values restore the Config's. Timings are kept to the
// millisecond and fire up to the sweeper's tick late (a quarter of the
// Config's shortest timing, at most half a second); an idle timeout past
// Config.MaxIdleTimeout costs the sweeper an extra look per
// MaxIdleTimeout. It may be called at any time, from any goroutine; it
// takes effect from the connection's next look by the sweeper, or at once
// when the new timings are due sooner than its next look.
func (c *Conn) SetKeepalive(ping, idle time.Duration) {
	if ping <= 0 || idle <= 0 {
		c.keepalive.Store(0)
		return
	}
	c.keepalive.Store(packKeepalive(ping, idle))
	// The live entry was put at the old timings: when the new ones are
	// due sooner, an entry at those (the wheel keeps the sooner one).
	// Re-scheduling a connection that has just closed is harmless: the
	// sweeper drops entries of connections not open or lingering.
	c.srv.wheel.schedule(c, c.lastRead.Load()+int64(min(ping, idle)))
}

// SetValue stores a value for the connection's owner, such as the hub's
// session.
func (c *Conn) SetValue(v any) {
	c.mu.Lock()
	c.value = v
	c.mu.Unlock()
}

// Value returns the value given to SetValue or UpgradeValue.
func (c *Conn) Value() any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.value
}
