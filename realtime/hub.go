// Package realtime is Parley's per-node hub: the WebSocket endpoint
// (GET /v3/ws) and everything between a connection and package chat.
// It authenticates a connection with its first frame, keeps an in-memory
// routing index of which local connections watch which users and groups,
// orders each app's log messages by id before fan-out, resumes a client
// from its last message id with no gap and no duplicate, and relays
// typing indicators, transient messages, receipts and presence.
// docs/protocol.md is the client's view of it.
//
// Shape: the hub holds one appHub per app it has connections of. An
// appHub owns the app's broker subscription, drained by one goroutine that
// sequences log messages, keeps the index current from the member action
// messages, and routes each event under the appHub's lock: every frame is
// encoded once and the same bytes are queued on every recipient connection
// (realtime/ws writes them without blocking the router). Work that needs
// the store (auth, resume, typing, receipts) runs on a short-lived
// goroutine per connection, never on the transport's pollers.
package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/internal/ratelimit"
	"github.com/parleychat/parley/realtime/ws"
)

// Service is what the hub asks of package chat; *chat.Service implements
// it. The calls that act for a user take the actor in ctx.
type Service interface {
	SocketAuth(ctx context.Context, appID, authToken, deviceID string) (parley.Actor, error)
	View(ctx context.Context) (*chat.View, error)
	MissedEvents(ctx context.Context, after int64, limit int) ([]*parley.Event, bool, error)
	LogEvents(ctx context.Context, appID string, after int64, limit int) ([]*parley.Event, error)
	LatestMessageID(ctx context.Context, appID string) (int64, error)
	Typing(ctx context.Context, sig chat.Signal) error
	Transient(ctx context.Context, sig chat.Signal) error
	MarkDelivered(ctx context.Context, typ, peer string, messageID int64) error
	MarkRead(ctx context.Context, typ, peer string, messageID int64) error
	SetPresence(ctx context.Context, online bool) error
	SetPresences(ctx context.Context, appID string, changes []chat.PresenceChange) error
}

var _ Service = (*chat.Service)(nil)

// Config configures a Hub. Zero fields take the defaults named.
type Config struct {
	Service Service       // required
	Broker  parley.Broker // required
	Logger  *slog.Logger
	// WS sets the transport's limits: largest client frame, bytes queued
	// per connection before it is closed as slow, idle timeout. A client
	// that declares a keepalive of k seconds in its auth frame gets the
	// IdleTimeout and PingInterval scaled by k/25 (k·6/5 s and k s by
	// default); MaxIdleTimeout is raised to cover the longest.
	WS ws.Config
	// Limits are the edge's rate limits, the same *Limits the REST API
	// takes, so that a client can't escape one by switching transport:
	// failed authentications per client address and per app, and requests
	// (typing, transient and receipt frames) per user and app. nil limits
	// nothing.
	Limits *ratelimit.Limits
	// ClientIPHeader names the header in which a trusted proxy gives the
	// client's address, as httpapi.Config.ClientIPHeader; empty: the
	// connection's address.
	ClientIPHeader string

	AuthTimeout     time.Duration // the auth frame must come within this (5 s)
	MaxConnsPerUser int           // connections of one user on this node (10)
	// ResumeLimit is the most missed messages a resuming connection is
	// sent before it is told to page the rest over REST (1000).
	ResumeLimit int
	// PresenceGrace is how long a user stays online after their last
	// connection closed, so that a reconnect doesn't flap (5 s).
	PresenceGrace time.Duration
	// HoleWait is how long a gap in an app's message ids is waited for
	// before it is refilled from the store (50 ms).
	HoleWait time.Duration
	// FrameRate and FrameBurst bound the frames a connection sends (every
	// kind, pings too): 20 a second, bursts of 40. Past them the frame is
	// refused with an error frame; a client that keeps at it is closed.
	FrameRate  float64
	FrameBurst int
	// SignalRate and SignalBurst bound typing indicators and transient
	// messages per connection: 5 a second, bursts of 10.
	SignalRate  float64
	SignalBurst int
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.AuthTimeout <= 0 {
		c.AuthTimeout = 5 * time.Second
	}
	if c.MaxConnsPerUser <= 0 {
		c.MaxConnsPerUser = 10
	}
	if c.ResumeLimit <= 0 {
		c.ResumeLimit = 1000
	}
	if c.PresenceGrace <= 0 {
		c.PresenceGrace = 5 * time.Second
	}
	if c.HoleWait <= 0 {
		c.HoleWait = 50 * time.Millisecond
	}
	if c.FrameRate <= 0 {
		c.FrameRate = 20
	}
	if c.FrameBurst <= 0 {
		c.FrameBurst = 40
	}
	if c.SignalRate <= 0 {
		c.SignalRate = 5
	}
	if c.SignalBurst <= 0 {
		c.SignalBurst = 10
	}
	if c.WS.MaxQueue <= 0 {
		c.WS.MaxQueue = 1 << 20
	}
	if c.WS.Logger == nil {
		c.WS.Logger = c.Logger
	}
	c.WS = c.WS.WithDefaults()
	// The timing wheel spans the longest keepalive a client may declare,
	// so such a connection is looked at once per quiet spell.
	_, longest := keepaliveTimings(c.WS, maxKeepalive)
	c.WS.MaxIdleTimeout = max(c.WS.MaxIdleTimeout, longest)
	return c
}

// keepaliveTimings is the ping interval and idle timeout of a connection
// whose client declared a keepalive of k seconds: the transport's own
// (25 s and 30 s by default) scaled by k/25, so k s and k·6/5 s by
// default, and as much shorter as a test's shortened timings.
func keepaliveTimings(w ws.Config, k int) (ping, idle time.Duration) {
	return w.PingInterval * time.Duration(k) / defaultKeepalive, w.IdleTimeout * time.Duration(k) / defaultKeepalive
}

// keepalive is keepaliveTimings for the hub's transport.
func (h *Hub) keepalive(k int) (ping, idle time.Duration) { return keepaliveTimings(h.cfg.WS, k) }

// callTimeout bounds each call the hub makes to the service.
const callTimeout = 10 * time.Second

// errClosed is the error of work refused because the hub is closing.
var errClosed = errors.New("realtime: hub closed")

// Hub serves GET /v3/ws. It is an http.Handler.
type Hub struct {
	cfg  Config
	svc  Service
	log  *slog.Logger
	ws   *ws.Server
	pong *ws.Frame

	ctx    context.Context // ends the hub's background work; cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // session workers, view reloads, presence workers

	mu     sync.Mutex
	apps   map[string]*appHub
	closed bool

	presence *presence
}

// New returns a hub; Close releases it.
func New(cfg Config) (*Hub, error) {
	if cfg.Service == nil || cfg.Broker == nil {
		return nil, errors.New("realtime: Config needs a Service and a Broker")
	}
	cfg = cfg.withDefaults()
	srv, err := ws.NewServer(cfg.WS)
	if err != nil {
		return nil, err
	}
	h := &Hub{cfg: cfg, svc: cfg.Service, log: cfg.Logger, ws: srv, pong: ws.Prepare([]byte(pong)),
		apps: make(map[string]*appHub)}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	h.presence = newPresence(h)
	return h, nil
}

// ServeHTTP upgrades a request to a WebSocket. The app comes from the
// appid header or, for browsers that can't set one, the appId query
// parameter; the auth token comes only in the first frame, never in the
// URL, so it stays out of access logs.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	appID := r.Header.Get("appid")
	if appID == "" {
		appID = r.URL.Query().Get("appId")
	}
	if appID == "" || len(appID) > 200 {
		httpError(w, http.StatusBadRequest, parley.CodeEmptyAppID, "the appid header (or appId query parameter) is required")
		return
	}
	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed {
		httpError(w, http.StatusServiceUnavailable, parley.CodeUnavailable, "the server is shutting down")
		return
	}
	s := &session{hub: h, appID: appID, addr: ratelimit.ClientKey(r, h.cfg.ClientIPHeader)}
	c, err := h.ws.UpgradeValue(w, r, h, s)
	if err != nil {
		return // the transport answered the request
	}
	s.setConn(c)
	s.armAuthTimer()
}

// httpError answers a request that is not upgraded, in the REST API's
// error envelope.
func httpError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": parley.WireError{Code: code, Message: msg}})
}

// Message implements ws.Handler: one client frame, on a poller goroutine.
func (h *Hub) Message(c *ws.Conn, payload []byte) {
	s := c.Value().(*session)
	s.setConn(c)
	s.onFrame(payload)
}

// Closed implements ws.Handler: the connection ended.
func (h *Hub) Closed(c *ws.Conn, code int) {
	c.Value().(*session).onClosed()
}

// Conns returns the number of open WebSocket connections.
func (h *Hub) Conns() int { return h.ws.Len() }

// acquire returns the running appHub of appID, starting it (subscribing to
// the app's events) when this node had no connection of the app. Each
// acquire is paired with a release.
func (h *Hub) acquire(ctx context.Context, appID string) (*appHub, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, errClosed
	}
	a := h.apps[appID]
	if a == nil {
		a = newAppHub(h, appID)
		h.apps[appID] = a
		go a.start()
	}
	a.refs++
	h.mu.Unlock()
	select {
	case <-a.ready:
	case <-ctx.Done():
		h.release(a)
		return nil, ctx.Err()
	}
	if a.err != nil {
		h.release(a)
		return nil, a.err
	}
	return a, nil
}

// release drops a reference taken by acquire; the last one stops the app's
// subscription.
func (h *Hub) release(a *appHub) {
	h.mu.Lock()
	a.refs--
	stop := a.refs == 0
	if stop && h.apps[a.id] == a {
		delete(h.apps, a.id)
	}
	h.mu.Unlock()
	if stop {
		a.stop()
	}
}

// forget removes a from the apps served, so that the next connection of
// the app starts afresh (used when a's subscription was lost).
func (h *Hub) forget(a *appHub) {
	h.mu.Lock()
	if h.apps[a.id] == a {
		delete(h.apps, a.id)
	}
	h.mu.Unlock()
}

// Close shuts the hub down: it refuses new connections, delivers the
// events its subscriptions already hold, closes every connection with
// ws.CloseGoingAway once its queued frames are written, and records the
// users it had online as offline. Call it before closing the service.
func (h *Hub) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	apps := make([]*appHub, 0, len(h.apps))
	for _, a := range h.apps {
		apps = append(apps, a)
	}
	h.mu.Unlock()
	for _, a := range apps {
		a.stop()
	}
	for _, a := range apps {
		<-a.done
	}
	err := h.ws.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	h.presence.close(ctx)
	cancel()
	h.mu.Lock() // goBackground adds to wg under mu: no Add after Wait starts
	h.cancel()
	h.mu.Unlock()
	h.wg.Wait()
	return err
}

// goBackground runs fn on a goroutine that Close waits for; false when the
// hub is closed and fn did not run.
func (h *Hub) goBackground(fn func()) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ctx.Err() != nil {
		return false
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		fn()
	}()
	return true
}
