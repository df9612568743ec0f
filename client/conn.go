package client

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gobwas/ws"

	"github.com/parleychat/parley"
)

// State is the WebSocket's state.
type State int

// The states of the connection.
const (
	StateDisconnected State = iota
	StateConnecting
	StateConnected
)

// String names the state.
func (s State) String() string {
	switch s {
	case StateConnecting:
		return "connecting"
	case StateConnected:
		return "connected"
	}
	return "disconnected"
}

// CodeConnectionClosed is the code of the error a connection listener
// hears when the server closed the connection without an error frame
// saying why; it wraps a *CloseError.
const CodeConnectionClosed = "ERR_CONNECTION_CLOSED"

// conn keeps the user's WebSocket: it connects, authenticates (resuming
// after the last message id it received), reads frames into the dispatch
// queue, pings, and reconnects with backoff until it is stopped or the
// server refuses the session for good.
type conn struct {
	c *Client
	q *queue

	mu        sync.Mutex
	state     State
	sock      *socket
	cancel    context.CancelFunc // of the run loop; nil when none runs
	done      chan struct{}      // closed when the run loop ends
	cursor    int64              // the last message id received: where a reconnection resumes
	cursorSet bool
	closed    bool

	delivered atomic.Int64 // the last message id the listeners received

	dispatching bool
	dispQuit    chan struct{}
	dispDone    chan struct{}
}

func newConn(c *Client) *conn {
	k := &conn{c: c, q: newQueue(256), dispQuit: make(chan struct{}), dispDone: make(chan struct{})}
	if c.s.LastMessageID > 0 {
		k.cursor, k.cursorSet = c.s.LastMessageID, true
		k.delivered.Store(c.s.LastMessageID)
	}
	return k
}

// Connect opens the WebSocket (manual mode; in auto mode Login does). It
// returns once the connection is up, or with the first attempt's error;
// unless that error is final (a refused token, say), the SDK goes on
// trying with backoff until Disconnect. The connection resumes after the
// last message the listeners received, so messages sent while it was down
// are delivered first, each once. Connect while connected does nothing.
func (c *Client) Connect(ctx context.Context) error {
	if _, err := c.session(); err != nil {
		return err
	}
	return c.rt.start(ctx)
}

// Disconnect closes the WebSocket and stops reconnecting; no event is
// received until Connect. The user goes offline for others once their
// last connection is gone (after the server's grace period).
func (c *Client) Disconnect() { c.rt.stop() }

// ConnectionState returns the WebSocket's state.
func (c *Client) ConnectionState() State {
	c.rt.mu.Lock()
	defer c.rt.mu.Unlock()
	return c.rt.state
}

// LastMessageID returns the id of the last message the listeners received
// (0 before the first). Save it, and a later run that sets it as
// Settings.LastMessageID receives every message after it.
func (c *Client) LastMessageID() int64 { return c.rt.delivered.Load() }

// start runs the connection loop if it is not running and waits for its
// first outcome.
func (k *conn) start(ctx context.Context) error {
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		return errorf(parley.KindInvalid, CodeInvalidArgument, "the client is closed")
	}
	if !k.dispatching {
		k.dispatching = true
		go k.dispatchLoop()
	}
	if k.cancel != nil {
		k.mu.Unlock()
		return nil
	}
	runCtx, cancel := context.WithCancel(context.Background())
	k.cancel, k.done = cancel, make(chan struct{})
	first := make(chan error, 1)
	go k.run(runCtx, k.done, first)
	k.mu.Unlock()
	select {
	case err := <-first:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop ends the connection loop and waits for it.
func (k *conn) stop() {
	k.mu.Lock()
	cancel, done, sock := k.cancel, k.done, k.sock
	k.cancel = nil
	if cancel != nil {
		cancel() // under the lock: run sets k.sock under it after checking the context
	}
	k.mu.Unlock()
	if cancel == nil {
		return
	}
	if sock != nil {
		sock.close(ws.StatusNormalClosure)
	}
	<-done
}

// close stops everything: the connection and the dispatch goroutine.
func (k *conn) close() {
	k.stop()
	k.mu.Lock()
	k.closed = true
	running := k.dispatching
	k.mu.Unlock()
	if running {
		close(k.dispQuit)
		<-k.dispDone
	}
}

// run connects again and again until stopped or refused for good; first
// receives the first attempt's outcome.
func (k *conn) run(ctx context.Context, done chan struct{}, first chan<- error) {
	defer func() {
		k.mu.Lock()
		if k.done == done {
			k.cancel = nil
		}
		k.mu.Unlock()
		close(done)
	}()
	report := func(err error) {
		if first != nil {
			first <- err
			first = nil
		}
	}
	attempt := 0
	for {
		connected, err := k.session(ctx, func() { report(nil) })
		if ctx.Err() != nil {
			k.setState(StateDisconnected, nil)
			report(ctx.Err())
			return
		}
		k.setState(StateDisconnected, err)
		report(err)
		if final(err) {
			k.c.log.Warn("parley: connection refused for good", "err", err)
			return
		}
		if connected {
			attempt = 0
		}
		wait := k.backoff(attempt, err)
		attempt++
		k.c.log.Info("parley: connection lost; reconnecting", "err", err, "in", wait)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			k.setState(StateDisconnected, nil)
			return
		}
	}
}

// backoff is the wait before attempt: none after a slow-consumer or
// resync close (the server asks to come back at once), else an exponential
// backoff with jitter so that clients a server dropped together don't come
// back together.
func (k *conn) backoff(attempt int, err error) time.Duration {
	if code := closeCode(err); attempt == 0 && (code == 4008 || code == 4009) {
		return 0
	}
	d := k.c.s.ReconnectMin << min(attempt, 20)
	if d <= 0 || d > k.c.s.ReconnectMax {
		d = k.c.s.ReconnectMax
	}
	return d/2 + rand.N(d/2+1)
}

// IsFinal reports whether the SDK stops reconnecting after the connection
// error err (as a connection listener's OnDisconnected receives it): the
// session is no longer valid (token refused or revoked, user deactivated
// or deleted, app deleted) or the server refused the client's frames.
// Other errors are retried, in auto mode and after Connect.
func IsFinal(err error) bool { return final(err) }

// final is IsFinal.
func final(err error) bool {
	if err == nil {
		return false
	}
	switch closeCode(err) {
	case 4001, 4003, 4004, 4005, 1002, 1003, 1007, 1009:
		return true
	}
	var e *parley.Error
	if !errors.As(err, &e) {
		return false
	}
	if e.Code == CodeNotLoggedIn || strings.HasPrefix(e.Code, "AUTH_ERR_") {
		return true
	}
	if e.Code == CodeConnection || e.Code == CodeConnectionClosed {
		return false
	}
	switch e.Kind { // an upgrade the server refused as malformed
	case parley.KindInvalid, parley.KindUnauthorized, parley.KindForbidden, parley.KindNotFound:
		return e.Code != "ERR_WS_AUTH_TIMEOUT"
	}
	return false
}

// setState records the state and queues it for the connection listeners.
func (k *conn) setState(s State, err error) {
	k.mu.Lock()
	changed := k.state != s || err != nil
	k.state = s
	k.mu.Unlock()
	if changed {
		k.q.push(item{state: s, err: err}, true, nil)
	}
}

// authFrame is the first frame of a connection.
type authFrame struct {
	Type string   `json:"type"`
	Body authBody `json:"body"`
}

type authBody struct {
	Auth                 string   `json:"auth"`
	DeviceID             string   `json:"deviceId,omitempty"`
	PresenceSubscription string   `json:"presenceSubscription,omitempty"`
	Roles                []string `json:"roles,omitempty"`
	LastMessageID        string   `json:"lastMessageId,omitempty"`
	Keepalive            int      `json:"keepalive,omitempty"` // seconds; 0: not declared
}

// session holds one connection from dial to end. connected says whether
// it got as far as authenticated; up is called then.
func (k *conn) session(ctx context.Context, up func()) (connected bool, err error) {
	k.setState(StateConnecting, nil)
	cr, err := k.c.session()
	if err != nil {
		return false, err
	}
	if err := k.initCursor(ctx); err != nil {
		return false, err
	}
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	sock, err := k.c.dialSocket(dctx)
	cancel()
	if err != nil {
		return false, err
	}
	k.mu.Lock()
	if ctx.Err() != nil {
		k.mu.Unlock()
		sock.close(ws.StatusNormalClosure)
		return false, ctx.Err()
	}
	k.sock = sock
	cursor := k.cursor
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		k.sock = nil
		k.mu.Unlock()
		_ = sock.nc.Close()
	}()

	auth := authFrame{Type: "auth", Body: authBody{Auth: cr.authToken, DeviceID: k.c.s.DeviceID,
		PresenceSubscription: string(k.c.s.PresenceSubscription), LastMessageID: idString(cursor),
		Keepalive: int(k.c.s.Keepalive / time.Second)}}
	if k.c.s.PresenceSubscription == PresenceRoles {
		auth.Body.Roles = k.c.s.Roles
	}
	if err := sock.writeJSON(auth); err != nil {
		return false, connErr(err)
	}
	if err := k.awaitAuth(sock); err != nil {
		return false, err
	}
	k.setState(StateConnected, nil)
	up()

	stopPing := make(chan struct{})
	defer close(stopPing)
	go k.keepalive(sock, stopPing)
	var lastErr *parley.Error // the error frame that announced a close
	for {
		b, err := sock.read()
		if err != nil {
			return true, closedErr(err, lastErr)
		}
		e, err := k.handle(ctx, b)
		if err != nil {
			return true, err
		}
		if e != nil && e.Type == EventError {
			if b, ok := decodeBody[errorBody](e); ok && b.Frame == "" {
				lastErr = &parley.Error{Kind: parley.KindUnavailable, Code: b.Code, Message: b.Message}
			}
		}
	}
}

// initCursor sets where the first connection starts: Settings.LastMessageID,
// else the newest message the user may see now, so that the listeners get
// every message sent from here on, even those sent before the socket is up.
func (k *conn) initCursor(ctx context.Context) error {
	k.mu.Lock()
	set := k.cursorSet
	k.mu.Unlock()
	if set {
		return nil
	}
	p, err := k.c.Messages().Limit(1).Fetch(ctx)
	if err != nil {
		return err
	}
	var newest int64
	if len(p.Messages) > 0 {
		newest = p.Messages[len(p.Messages)-1].ID
	}
	k.mu.Lock()
	if !k.cursorSet {
		k.cursor, k.cursorSet = newest, true
		k.delivered.Store(newest)
	}
	k.mu.Unlock()
	return nil
}

// awaitAuth reads the answer to the auth frame.
func (k *conn) awaitAuth(sock *socket) error {
	var refused *parley.Error
	for {
		b, err := sock.read()
		if err != nil {
			if refused != nil {
				refused.Err = err
				return refused
			}
			return closedErr(err, nil)
		}
		var f struct {
			Type string    `json:"type"`
			Body errorBody `json:"body"`
		}
		if json.Unmarshal(b, &f) != nil {
			continue
		}
		switch f.Type {
		case "auth":
			if f.Body.Code == "200" {
				return nil
			}
		case EventError:
			kind := parley.KindInvalid
			switch {
			case strings.HasPrefix(f.Body.Code, "AUTH_ERR_"):
				kind = parley.KindUnauthorized
			case f.Body.Code == "ERR_WS_TOO_MANY_CONNECTIONS" || f.Body.Code == parley.CodeRateLimited:
				kind = parley.KindTooMany
			case f.Body.Code == parley.CodeInternal || f.Body.Code == parley.CodeUnavailable:
				kind = parley.KindUnavailable
			}
			refused = &parley.Error{Kind: kind, Code: f.Body.Code, Message: f.Body.Message}
		}
	}
}

// connErr wraps a network error.
func connErr(err error) error {
	return &parley.Error{Kind: parley.KindUnavailable, Code: CodeConnection, Message: "the WebSocket connection broke", Err: err}
}

// closedErr is the error of a connection that ended with err, after the
// error frame announced (nil when none).
func closedErr(err error, announced *parley.Error) error {
	var ce *CloseError
	if !errors.As(err, &ce) {
		return connErr(err)
	}
	if announced != nil {
		announced.Err = ce
		return announced
	}
	return &parley.Error{Kind: parley.KindUnavailable, Code: CodeConnectionClosed, Message: ce.Error(), Err: ce}
}

// keepalive pings the server every PingInterval, well within its idle
// timeout (the server also pings, and the socket answers).
func (k *conn) keepalive(sock *socket, stop <-chan struct{}) {
	t := time.NewTicker(k.c.s.PingInterval)
	defer t.Stop()
	ping := []byte(`{"action":"ping","ack":"true"}`)
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if err := sock.write(ws.NewTextFrame(append([]byte(nil), ping...))); err != nil {
				_ = sock.nc.Close() // the reader sees the end
				return
			}
		}
	}
}

// handle queues one frame for the listeners, tracks the message cursor,
// and fills a truncated resume over REST. It returns the event queued.
func (k *conn) handle(ctx context.Context, b []byte) (*Event, error) {
	var e Event
	if err := json.Unmarshal(b, &e); err != nil || e.Type == "" || e.Type == "auth" {
		return nil, nil // a pong, or nothing a listener wants
	}
	e.Raw = append(json.RawMessage(nil), b...)
	switch e.Type {
	case EventMessage:
		var m struct {
			ID int64 `json:"id,string"`
		}
		if decodeJSON(e.Body, &m) != nil {
			return nil, nil
		}
		return &e, k.deliver(ctx, &e, m.ID)
	case EventResumeTruncated:
		tb, ok := decodeBody[truncatedBody](&e)
		if !ok {
			return nil, nil
		}
		if !k.q.push(item{ev: &e}, false, ctx.Done()) {
			return nil, ctx.Err()
		}
		return &e, k.refill(ctx, tb.LastMessageID, tb.ResumeUntil)
	}
	if !k.q.push(item{ev: &e}, false, ctx.Done()) {
		return nil, ctx.Err()
	}
	return &e, nil
}

// deliver queues a message event unless it was received already, and
// moves the cursor once it is queued.
func (k *conn) deliver(ctx context.Context, e *Event, id int64) error {
	k.mu.Lock()
	dup := id <= k.cursor
	k.mu.Unlock()
	if dup {
		return nil
	}
	if !k.q.push(item{ev: e, id: id}, false, ctx.Done()) {
		return ctx.Err()
	}
	k.mu.Lock()
	k.cursor = id
	k.mu.Unlock()
	return nil
}

// refill fetches over REST the messages a truncated resume skipped (after
// from, up to until) and queues them before the live ones that follow.
func (k *conn) refill(ctx context.Context, from, until int64) error {
	k.mu.Lock()
	after := max(from, k.cursor)
	k.mu.Unlock()
	for after < until {
		p, err := k.c.Messages().After(after).Limit(1000).Fetch(ctx)
		if err != nil {
			return err
		}
		for _, m := range p.Messages {
			if m.ID > until {
				break
			}
			body, err := json.Marshal(m)
			if err != nil {
				continue
			}
			e := &Event{AppID: k.c.s.AppID, Type: EventMessage, Sender: m.Sender, Receiver: m.Receiver,
				ReceiverType: m.ReceiverType, Body: body}
			e.Raw, _ = json.Marshal(e)
			if err := k.deliver(ctx, e, m.ID); err != nil {
				return err
			}
		}
		if len(p.Messages) == 0 || p.Next <= after {
			break
		}
		after = p.Next
	}
	k.mu.Lock()
	k.cursor = max(k.cursor, until)
	k.mu.Unlock()
	return nil
}

// dispatchLoop calls the listeners of each queued item in order.
func (k *conn) dispatchLoop() {
	defer close(k.dispDone)
	for {
		it, ok := k.q.pop(k.dispQuit)
		if !ok {
			return
		}
		k.c.dispatch(it)
		if it.id > 0 {
			k.delivered.Store(it.id)
		}
	}
}
