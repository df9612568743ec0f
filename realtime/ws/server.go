package ws

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gobwas/ws"
)

// Config sets a Server's limits and timings. Zero fields take the defaults
// given with each.
type Config struct {
	MaxFrame    int           // largest client message accepted, bytes (default 64 KiB); a bigger frame or fragmented message closes with CloseTooBig
	MaxQueue    int           // bytes queued for one connection before it is closed with CloseSlow (default 1 MiB)
	IdleTimeout time.Duration // close a connection that sent nothing (no frame, no pong) for this long (default 30 s)
	// PingInterval: a connection not heard from for this long gets a
	// WebSocket ping frame, one per quiet spell (default five sixths of
	// IdleTimeout: 25 s of 30, leaving the pong 5 s), so that a client
	// that pings on its own more often is never pinged.
	PingInterval time.Duration
	// MaxIdleTimeout is the longest idle timeout Conn.SetKeepalive is
	// expected to set (default IdleTimeout). The sweeper's timing wheel
	// spans it, so every connection is looked at once per quiet spell;
	// one set longer still works, visited once per MaxIdleTimeout. A
	// slot costs 24 bytes: 360 s at the default half-second tick is
	// 17 KiB per server.
	MaxIdleTimeout time.Duration
	WriteTimeout   time.Duration // a write that can't finish in this time closes the connection (default 5 s)
	// Pollers is the number of epoll goroutines reading connections, each
	// owning a share of them (default GOMAXPROCS). Handler.Message runs on
	// them, so a busy handler on one poller delays only its share.
	Pollers int
	Logger  *slog.Logger // default: discard
}

// WithDefaults returns c with its zero fields set to their defaults: the
// timings a Server made with c uses.
func (c Config) WithDefaults() Config {
	if c.MaxFrame <= 0 {
		c.MaxFrame = 64 << 10
	}
	if c.MaxQueue <= 0 {
		c.MaxQueue = 1 << 20
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 30 * time.Second
	}
	if c.PingInterval <= 0 {
		c.PingInterval = c.IdleTimeout - c.IdleTimeout/6
	}
	if c.MaxIdleTimeout <= 0 {
		c.MaxIdleTimeout = c.IdleTimeout
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 5 * time.Second
	}
	if c.Pollers <= 0 {
		c.Pollers = runtime.GOMAXPROCS(0)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// maxLinger bounds how long a connection waits, after sending its close
// frame, for the client's close frame or end of stream before the socket is
// closed anyway. Waiting a little lets the client read the close frame
// instead of a TCP reset (closing with unread input sends a RST).
const maxLinger = time.Second

// ErrServerClosed is returned by Upgrade once Close has begun.
var ErrServerClosed = errors.New("ws: server closed")

// Handler receives a connection's events. Calls for one connection are never
// concurrent, and each happens after the previous one returned.
type Handler interface {
	// Message is called for each complete text message. payload is only
	// valid during the call. It runs on a poller goroutine shared with other
	// connections: it must not block (enqueue work elsewhere if needed).
	Message(c *Conn, payload []byte)
	// Closed is called exactly once when the connection has ended, with the
	// close code sent or received (CloseAbnormal when the connection just
	// dropped). No Message call follows it.
	Closed(c *Conn, code int)
}

// Server accepts WebSocket connections and reads them with a few poller
// goroutines; see the package documentation.
type Server struct {
	cfg      Config
	log      *slog.Logger
	upgrader ws.HTTPUpgrader
	start    time.Time
	linger   time.Duration
	ping     []byte // one encoded ping frame shared by all connections

	shards  []*shard  // the open connections, one shard per poller
	pollers []*poller // nil when epoll is unavailable
	writers []*writer // one per poller; nil when epoll is unavailable
	wheel   *wheel    // the connections by when the sweeper next looks at them

	nextID    atomic.Uint64
	count     atomic.Int64
	closing   atomic.Bool
	drained   chan struct{} // closed once closing and count is 0
	drainOnce sync.Once
	closeOnce sync.Once

	wg        sync.WaitGroup // shard writers, writer and fallback reader goroutines
	stop      chan struct{}  // stops the sweeper
	sweepDone chan struct{}
}

// shard is one poller's share of the open connections, by id.
type shard struct {
	mu     sync.Mutex
	conns  map[uint64]*Conn
	closed bool // Server.Close has begun: no registration
}

func (sh *shard) get(id uint64) *Conn {
	sh.mu.Lock()
	c := sh.conns[id]
	sh.mu.Unlock()
	return c
}

// NewServer returns a Server and starts its poller goroutines and its
// sweeper (idle timeouts, pings). Close stops them.
func NewServer(cfg Config) (*Server, error) {
	cfg = cfg.WithDefaults()
	s := &Server{
		cfg:       cfg,
		log:       cfg.Logger,
		start:     time.Now(),
		linger:    min(cfg.WriteTimeout, maxLinger),
		ping:      encode(opPing, nil),
		drained:   make(chan struct{}),
		stop:      make(chan struct{}),
		sweepDone: make(chan struct{}),
		// No Origin check: Parley's apps authenticate each connection with
		// a token in its first frame, never with cookies, so a page from
		// another origin gains nothing a plain client would not have. No
		// subprotocols, no compression (permessage-deflate would cost a
		// flate state per connection and defeat encode-once frames).
		upgrader: ws.HTTPUpgrader{Timeout: cfg.WriteTimeout},
	}
	s.shards = make([]*shard, cfg.Pollers)
	for i := range s.shards {
		s.shards[i] = &shard{conns: make(map[uint64]*Conn)}
	}
	ps, err := newPollers(s)
	if err != nil {
		s.log.Warn("ws: epoll unavailable; one goroutine per connection", "err", err)
	}
	s.pollers = ps
	if ps != nil {
		s.writers = make([]*writer, len(ps))
		for i := range s.writers {
			s.writers[i] = newWriter(s)
			s.wg.Add(1)
			go s.writers[i].run()
		}
	}
	s.wheel = newWheel(s.cfg)
	go s.sweep()
	return s, nil
}

// Upgrade answers the WebSocket handshake and hands the connection to the
// server's pollers. On error the HTTP response was written. Handler calls
// may begin before Upgrade returns (the client may send its first frame
// together with the handshake); use UpgradeValue to attach a value that the
// first call must see.
func (s *Server) Upgrade(w http.ResponseWriter, r *http.Request, h Handler) (*Conn, error) {
	return s.UpgradeValue(w, r, h, nil)
}

// UpgradeValue is Upgrade with the connection's Value set to v before any
// Handler call.
func (s *Server) UpgradeValue(w http.ResponseWriter, r *http.Request, h Handler, v any) (*Conn, error) {
	if s.closing.Load() {
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return nil, ErrServerClosed
	}
	nc, rw, _, err := s.upgrader.Upgrade(r, w)
	if err != nil {
		if nc != nil {
			nc.Close()
		}
		return nil, err
	}
	c := &Conn{srv: s, h: h, nc: nc, wc: socketOf(nc), fd: -1, value: v}
	c.id = s.nextID.Add(1)
	c.lastRead.Store(s.now())
	c.lastPing = -1 // never pinged
	// Bytes the client sent right after its handshake are already in the
	// bufio.Reader; take them, then let the bufio objects go.
	var early []byte
	if n := rw.Reader.Buffered(); n > 0 {
		early = make([]byte, n)
		_, _ = rw.Reader.Read(early)
	}
	c.rmu.Lock()
	if err := s.register(c); err != nil {
		c.rmu.Unlock()
		nc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
		_, _ = nc.Write(closeFrame(CloseGoingAway, "server shutting down"))
		nc.Close()
		return nil, err
	}
	// After register: the sweeper may take c from the wheel at once, and
	// must see it registered (c.fd).
	s.wheel.schedule(c, c.lastRead.Load()+int64(min(s.cfg.PingInterval, s.cfg.IdleTimeout)))
	if len(early) > 0 {
		c.consume(early)
	}
	c.rmu.Unlock()
	return c, nil
}

// register adds c to its shard and starts reading it: with the shard's
// poller, or, when that is not possible (no epoll, a TLS connection), with
// a goroutine of its own.
func (s *Server) register(c *Conn) error {
	sh := s.shards[c.id%uint64(len(s.shards))]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.closed {
		return ErrServerClosed
	}
	sh.conns[c.id] = c
	s.count.Add(1)
	if s.pollers != nil && pollable(c.nc) {
		p := s.pollers[c.id%uint64(len(s.pollers))]
		err := p.add(c)
		if err == nil {
			return nil
		}
		s.log.Warn("ws: epoll registration failed; reading with a goroutine", "err", err)
		c.fd = -1
	}
	s.wg.Add(1)
	go c.readLoop()
	return nil
}

// pollable reports whether nc's bytes can be read from its file descriptor
// directly: a plain socket, or a wrapper that hands out its socket with
// SyscallConn (a listener's connection-counting wrapper, as cmd/parley's),
// so promising that its bytes are the socket's; not a TLS connection.
func pollable(nc net.Conn) bool {
	switch nc.(type) {
	case *net.TCPConn, *net.UnixConn:
		return true
	case syscall.Conn:
		return true
	}
	return false
}

// socketOf returns the TCP socket under a pollable wrapper that names it
// with NetConn (cmd/parley's connection-counting wrapper), else nc. Writing
// to the socket itself lets net.Buffers use one writev for a flush, where a
// wrapper's Write takes the frames one system call each; it is sound for
// the same reason reading its descriptor is (see pollable). Closing still
// goes through nc, so the wrapper sees it.
func socketOf(nc net.Conn) net.Conn {
	if u, ok := nc.(interface{ NetConn() net.Conn }); ok && pollable(nc) {
		if tc, ok := u.NetConn().(*net.TCPConn); ok {
			return tc
		}
	}
	return nc
}

// unregister removes a connection that is ending from its shard and poller.
func (s *Server) unregister(c *Conn) {
	if c.fd >= 0 {
		s.pollers[c.id%uint64(len(s.pollers))].del(c)
	}
	sh := s.shards[c.id%uint64(len(s.shards))]
	sh.mu.Lock()
	delete(sh.conns, c.id)
	sh.mu.Unlock()
	if s.count.Add(-1) == 0 && s.closing.Load() {
		s.signalDrained()
	}
}

func (s *Server) signalDrained() {
	s.drainOnce.Do(func() { close(s.drained) })
}

// Len returns the number of open connections (those whose Closed has not
// been called yet).
func (s *Server) Len() int { return int(s.count.Load()) }

// now is the time since the server started, in nanoseconds; connections
// keep their timestamps in this form (8 bytes, monotonic).
func (s *Server) now() int64 { return int64(time.Since(s.start)) }

// conns returns the open connections.
func (s *Server) conns() []*Conn {
	var all []*Conn
	for _, sh := range s.shards {
		sh.mu.Lock()
		for _, c := range sh.conns {
			all = append(all, c)
		}
		sh.mu.Unlock()
	}
	return all
}

// Close closes every connection with CloseGoingAway after flushing its
// queued frames, waits for them to end (at most WriteTimeout plus a
// second's linger, after which the rest are cut), then stops the pollers
// and the sweeper. Upgrades after Close fail with ErrServerClosed.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.closing.Store(true)
		var all []*Conn
		for _, sh := range s.shards {
			sh.mu.Lock()
			sh.closed = true
			for _, c := range sh.conns {
				all = append(all, c)
			}
			sh.mu.Unlock()
		}
		if s.count.Load() == 0 {
			s.signalDrained()
		}
		for _, c := range all {
			c.Close(CloseGoingAway, "server shutting down")
		}
		t := time.NewTimer(s.cfg.WriteTimeout + s.linger + 100*time.Millisecond)
		select {
		case <-s.drained:
		case <-t.C:
			for _, c := range s.conns() {
				c.teardown(CloseGoingAway)
			}
		}
		t.Stop()
		close(s.stop)
		<-s.sweepDone
		s.wg.Wait()
		for _, p := range s.pollers {
			p.close()
		}
	})
	return nil
}
