package realtime

import (
	"context"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/realtime/ws"
)

// Session states; a session only moves forward through them.
const (
	stateNew     uint32 = iota // waiting for the auth frame
	stateAuthing               // auth frame taken, being checked
	stateReady                 // authenticated and registered
	stateGone                  // closed, or being closed
)

// Limits of a connection's own work.
const (
	maxQueued  = 16 // client frames waiting for the service, per connection
	maxStrikes = 20 // refused frames (rate) in a row before the connection is closed
)

// session is one WebSocket connection. Most fields are set while it
// authenticates and read only afterwards; the comments say which lock
// guards the rest. It is kept small: an idle connection costs this struct,
// its entries in the index and the transport's own state.
type session struct {
	hub   *Hub
	appID string // from the request; the actor's once authenticated
	addr  string // the client's address, for the failed-authentication limit; "" once authenticated
	c     atomic.Pointer[ws.Conn]
	state atomic.Uint32

	// Set before registration, read only afterwards.
	user     *user // guarded by the app's mu when changed
	tokenID  string
	deviceID string
	mode     uint8
	roles    []string

	// Guarded by the app's mu.
	last  int64    // highest message id sent (or skipped for the client to page)
	buf   *catchup // non-nil while catching up: live events wait here
	ended bool     // being closed by the hub: route nothing more

	// The poller's alone: Handler calls for one connection are sequential.
	frames, signals bucket
	strikes         int32
	lastDenied      int64

	mu        sync.Mutex
	queue     []request // frames waiting for the worker
	working   bool      // a worker goroutine runs
	closed    bool      // Closed was called
	app       *appHub   // the app registered with, until leave
	authTimer *time.Timer
}

// catchup holds the live events of a session that is being resumed.
type catchup struct {
	frames []*ws.Frame
	ids    []int64 // message ids, 0 for other events
	bytes  int
	over   bool // past the queue limit: the session is being closed as slow
}

func (s *session) conn() *ws.Conn     { return s.c.Load() }
func (s *session) setConn(c *ws.Conn) { s.c.CompareAndSwap(nil, c) }

// send queues a frame of the session's own (answers, errors, catch-up).
func (s *session) send(f *ws.Frame) bool {
	if c := s.conn(); c != nil && f != nil {
		return c.Send(f)
	}
	return false
}

// deliver queues a routed frame: id is the message id, 0 for events not
// in the log. A message at or before the session's last id is one it has
// (or was told to page): dropped. Caller holds the app's mu.
func (s *session) deliver(f *ws.Frame, id int64) {
	if s.ended || f == nil {
		return
	}
	if id > 0 {
		if id <= s.last {
			return
		}
		s.last = id
	}
	if b := s.buf; b != nil {
		if b.over {
			return
		}
		b.frames, b.ids = append(b.frames, f), append(b.ids, id)
		b.bytes += f.Len()
		if b.bytes > s.hub.cfg.WS.MaxQueue {
			b.over, b.frames, b.ids = true, nil, nil
			s.conn().Close(ws.CloseSlow, "too many events while resuming")
		}
		return
	}
	s.conn().Send(f)
}

func (s *session) armAuthTimer() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed && s.state.Load() == stateNew {
		s.authTimer = time.AfterFunc(s.hub.cfg.AuthTimeout, s.authExpired)
	}
}

func (s *session) stopAuthTimer() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.authTimer != nil {
		s.authTimer.Stop()
		s.authTimer = nil
	}
}

func (s *session) authExpired() {
	if s.state.CompareAndSwap(stateNew, stateGone) {
		s.fail("", parley.Errorf(parley.KindUnauthorized, CodeAuthTimeout,
			"no auth frame within %v", s.hub.cfg.AuthTimeout), CloseAuthTimeout)
	}
}

// fail sends an error frame and closes the connection with code.
func (s *session) fail(frame string, err error, code int) {
	s.state.Store(stateGone)
	s.send(errorFrame(s.appID, frame, err))
	if c := s.conn(); c != nil {
		c.Close(code, parley.Wire(err).Code)
	}
}

// close closes the connection from the hub's side (no error frame).
func (s *session) close(code int, reason string) {
	s.state.Store(stateGone)
	if c := s.conn(); c != nil {
		c.Close(code, reason)
	}
}

// onFrame handles one client frame on the poller: cheap checks here, and
// anything that needs the service goes to the session's worker.
func (s *session) onFrame(payload []byte) {
	h := s.hub
	now := time.Now().UnixNano()
	if !s.frames.take(now, h.cfg.FrameRate, h.cfg.FrameBurst) {
		s.refused(now)
		return
	}
	req, err := decodeRequest(payload)
	if err != nil {
		s.send(errorFrame(s.appID, "", err))
		return
	}
	switch req.kind {
	case "ping":
		s.send(h.pong)
		return
	case frameAuth:
		if !s.state.CompareAndSwap(stateNew, stateAuthing) {
			s.send(errorFrame(s.appID, frameAuth, parley.Errorf(parley.KindConflict, CodeAlreadyAuthenticated,
				"this connection is authenticated (or authenticating) already")))
			return
		}
	default:
		if s.state.Load() != stateReady {
			s.send(errorFrame(s.appID, req.kind, parley.Errorf(parley.KindUnauthorized, CodeNotAuthenticated,
				"the first frame must be auth")))
			return
		}
		if (req.kind == parley.EventTyping || req.kind == parley.EventTransient) &&
			!s.signals.take(now, h.cfg.SignalRate, h.cfg.SignalBurst) {
			s.send(errorFrame(s.appID, req.kind, errRate))
			return
		}
	}
	s.enqueue(req)
}

var errRate = parley.Errorf(parley.KindTooMany, parley.CodeRateLimited, "too many frames: slow down")

// tooMany is the error of a shared rate limit, with the wait.
func tooMany(wait time.Duration, what string) error {
	return parley.Errorf(parley.KindTooMany, parley.CodeRateLimited, "%s; retry after %d s", what, max(1, int(math.Ceil(wait.Seconds()))))
}

// guessed reports whether a failed authentication presented a wrong secret
// or app id: what the failure limit counts (as httpapi does).
func guessed(err error) bool {
	switch parley.CodeOf(err) {
	case parley.CodeAppIDNotFound, parley.CodeAuthTokenNotFound:
		return true
	}
	return false
}

// refused answers a frame over the rate: the first of a run gets an error
// frame, and a client that keeps sending too fast is closed.
func (s *session) refused(now int64) {
	if now-s.lastDenied > int64(time.Second) {
		s.strikes = 0
	}
	s.lastDenied = now
	s.strikes++
	switch {
	case s.strikes == 1:
		s.send(errorFrame(s.appID, "", errRate))
	case s.strikes > maxStrikes:
		s.fail("", errRate, CloseRateLimited)
	}
}

// enqueue hands req to the session's worker, starting it if needed: a
// goroutine exists only while the connection has work.
func (s *session) enqueue(req request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if len(s.queue) >= maxQueued {
		s.send(errorFrame(s.appID, req.kind, errRate))
		return
	}
	s.queue = append(s.queue, req)
	if s.working {
		return
	}
	s.working = true
	if !s.hub.goBackground(s.work) {
		s.working = false
	}
}

func (s *session) work() {
	for {
		s.mu.Lock()
		if len(s.queue) == 0 || s.closed {
			s.queue, s.working = nil, false
			s.mu.Unlock()
			return
		}
		req := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		s.do(req)
	}
}

// do carries out one client request with the service.
func (s *session) do(req request) {
	if req.kind == frameAuth {
		s.authenticate(req.auth)
		return
	}
	ctx, cancel := s.actorContext()
	defer cancel()
	if ok, wait := s.hub.cfg.Limits.Request(s.appID, s.user.uid); !ok {
		s.send(errorFrame(s.appID, req.kind, tooMany(wait, "too many requests")))
		return
	}
	var err error
	switch req.kind {
	case parley.EventTyping:
		err = s.hub.svc.Typing(ctx, req.signal)
	case parley.EventTransient:
		err = s.hub.svc.Transient(ctx, req.signal)
	case parley.EventReceipt:
		r := req.receipt
		if r.read {
			err = s.hub.svc.MarkRead(ctx, r.typ, r.peer, r.messageID)
		} else {
			err = s.hub.svc.MarkDelivered(ctx, r.typ, r.peer, r.messageID)
		}
	}
	if err != nil {
		if parley.KindOf(err) == parley.KindInternal {
			s.hub.log.Error("realtime: client frame", "type", req.kind, "app", s.appID, "err", err)
		}
		s.send(errorFrame(s.appID, req.kind, err))
	}
}

// actorContext is a context acting as the session's user.
func (s *session) actorContext() (context.Context, context.CancelFunc) {
	a := parley.Actor{AppID: s.appID, Access: parley.AccessUser, UID: s.user.uid, TokenID: s.tokenID, DeviceID: s.deviceID}
	s.mu.Lock()
	app := s.app
	s.mu.Unlock()
	if app != nil {
		app.mu.Lock()
		a.User = s.user.profile
		app.mu.Unlock()
	}
	ctx, cancel := context.WithTimeout(s.hub.ctx, callTimeout)
	return parley.NewContext(ctx, a), cancel
}

// authenticate checks the auth frame, registers the session, answers, and
// sends what a resuming client missed before its live events.
func (s *session) authenticate(ar authRequest) {
	h := s.hub
	ctx, cancel := context.WithTimeout(h.ctx, callTimeout)
	defer cancel()
	if blocked, wait := h.cfg.Limits.AuthBlocked(s.addr, s.appID); blocked {
		s.fail(frameAuth, tooMany(wait, "too many failed authentications"), CloseRateLimited)
		return
	}
	// The app's subscription comes first: a session end published after
	// the token check below is then either routed to this session or seen
	// by join in the app's record of recent control events.
	app, err := h.acquire(ctx, s.appID)
	if err != nil {
		s.authFailed(err)
		return
	}
	app.mu.Lock()
	ctlSeq := app.ctl.seq
	app.mu.Unlock()
	actor, err := h.svc.SocketAuth(ctx, s.appID, ar.token, ar.deviceID)
	if err == nil && actor.AppID != app.id {
		err = parley.Internal(nil) // SocketAuth answers for the app it was asked about
	}
	if err != nil {
		if guessed(err) {
			h.cfg.Limits.AuthFailed(s.addr, s.appID)
		}
		h.release(app)
		s.authFailed(err)
		return
	}
	s.tokenID, s.deviceID, s.mode, s.roles = actor.TokenID, actor.DeviceID, ar.mode, ar.roles
	s.addr = ""
	start, recheck, err := app.join(ctx, s, actor, ctlSeq)
	if err != nil {
		h.release(app)
		s.authFailed(err)
		return
	}
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.app = app
	}
	s.mu.Unlock()
	if closed { // Closed came while registering: undo it here
		app.leave(s)
		h.release(app)
		return
	}
	s.stopAuthTimer()
	if recheck {
		if _, err := h.svc.SocketAuth(ctx, s.appID, ar.token, ar.deviceID); err != nil {
			s.authFailed(errEnded)
			return
		}
	}
	if k := ar.keepalive; k != 0 && k != defaultKeepalive {
		if c := s.conn(); c != nil {
			c.SetKeepalive(h.keepalive(k))
		}
	}
	s.state.Store(stateReady)
	s.send(controlFrame(s.appID, frameAuth, authOK{Code: "200", Status: "OK", Keepalive: ar.keepalive}))
	cut := start
	if ar.resume {
		var ok bool
		if cut, ok = s.catchUp(ctx, actor, ar.after, start); !ok {
			return
		}
	}
	app.goLive(s, cut)
}

// catchUp sends the messages the user may see after id after, up to the
// resume limit, and returns the position the live stream continues after.
// Past the limit, when the live stream begins beyond what was sent, the
// client is told which ids to page over REST.
func (s *session) catchUp(ctx context.Context, actor parley.Actor, after, start int64) (int64, bool) {
	h := s.hub
	evs, more, err := h.svc.MissedEvents(parley.NewContext(ctx, actor), after, h.cfg.ResumeLimit)
	if err != nil {
		s.authFailed(err)
		return 0, false
	}
	last := after
	for _, e := range evs {
		if e.Route.MessageID <= last {
			continue
		}
		if !s.send(eventFrame(e)) {
			return 0, false // closing (slow, or gone)
		}
		last = e.Route.MessageID
	}
	if more && last < start {
		s.send(controlFrame(s.appID, frameResumeTruncated, map[string]string{
			"lastMessageId": idString(last), "resumeUntil": idString(start)}))
		return start, true
	}
	return last, true
}

// authFailed ends a session whose auth failed, with the close code for the
// kind of failure.
func (s *session) authFailed(err error) {
	code := CloseInternal
	switch {
	case err == errClosed:
		code = ws.CloseGoingAway
	case err == errResync:
		code = CloseResync
	case err == errEnded:
		code = CloseSessionsEnded
	case err == errTooMany:
		code = CloseTooManyConnections
	case parley.CodeOf(err) == parley.CodeUserDeactivated:
		code = CloseForbidden
	default:
		switch parley.KindOf(err) {
		case parley.KindUnauthorized, parley.KindNotFound, parley.KindInvalid:
			code = CloseUnauthorized
		case parley.KindForbidden:
			code = CloseForbidden
		case parley.KindUnavailable:
			code = ws.CloseGoingAway
		case parley.KindInternal:
			s.hub.log.Error("realtime: auth", "app", s.appID, "err", err)
		}
	}
	s.fail(frameAuth, err, code)
}

// onClosed unregisters a connection that ended.
func (s *session) onClosed() {
	s.state.Store(stateGone)
	s.mu.Lock()
	s.closed = true
	app := s.app
	s.app = nil
	if s.authTimer != nil {
		s.authTimer.Stop()
		s.authTimer = nil
	}
	s.mu.Unlock()
	if app != nil {
		app.leave(s)
		s.hub.release(app)
	}
}

// bucket is a token bucket: tokens refill at rate a second up to burst.
type bucket struct {
	tokens float32
	last   int64 // unix nanoseconds of the last take
}

func (b *bucket) take(now int64, rate float64, burst int) bool {
	if b.last == 0 {
		b.tokens = float32(burst)
	} else {
		b.tokens = min(float32(burst), b.tokens+float32(float64(now-b.last)*rate/1e9))
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// idString writes a message id as the API does.
func idString(id int64) string { return strconv.FormatInt(id, 10) }
