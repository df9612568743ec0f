package client

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/parleychat/parley"
)

// Presence names whose presence (online, offline) and profile updates a
// connection receives (docs/protocol.md §9).
type Presence string

// The presence subscriptions.
const (
	PresenceNone     Presence = ""          // nobody's
	PresenceAllUsers Presence = "ALL_USERS" // every user of the app
	PresenceRoles    Presence = "ROLES"     // users of Settings.Roles
	PresenceFriends  Presence = "FRIENDS"   // the user's friends
)

// Settings configure a Client: which server and app, how the real-time
// connection is made. Only BaseURL and AppID are required; every other
// field has a default that suits a bot or a service.
type Settings struct {
	// BaseURL is the server, e.g. "http://127.0.0.1:8080" (a trailing
	// "/v3" is accepted). The WebSocket URL is derived from it.
	BaseURL string
	// AppID is the app every call acts in.
	AppID string

	// PresenceSubscription picks whose presence the connection receives;
	// Roles lists the roles for PresenceRoles.
	PresenceSubscription Presence
	Roles                []string

	// ManualConnect turns auto mode off. In auto mode (the default) Login
	// connects the WebSocket and the SDK keeps it connected, reconnecting
	// with backoff, until Logout or Close. In manual mode there is no
	// connection until Connect, and none after Disconnect.
	ManualConnect bool

	// DeviceID names this device: the auth token LoginWithAuthKey makes
	// carries it, the socket sends it, and every REST call sends it, so
	// that the user's other devices can tell this one's actions apart.
	// Empty: the auth token's own device.
	DeviceID string

	// LastMessageID, when not 0, is the id of the last message a previous
	// run received (LastMessageID of that Client): the first connection
	// resumes after it, so no message is lost between runs. 0: listeners
	// receive the messages sent from the first connection on.
	LastMessageID int64

	// PingInterval is how often the SDK pings an idle connection: below
	// the server's 30-second idle timeout (25 s when 0; Keepalive when
	// that is set).
	PingInterval time.Duration
	// Keepalive, when not 0, is declared to the server in the auth frame
	// (docs/protocol.md §4): whole seconds from 25 s to 300 s, the longest
	// this client stays silent. The server then pings the connection after
	// Keepalive of silence and closes it after 6/5 of it, instead of 25 s
	// and 30 s: fewer wake-ups for a phone, later detection of a dead
	// connection. 0: not declared (the server's 25 s).
	Keepalive time.Duration
	// ReconnectMin and ReconnectMax bound the jittered exponential backoff
	// between reconnection attempts (0.5 s and 30 s when 0).
	ReconnectMin, ReconnectMax time.Duration

	// HTTPClient makes the REST calls (http.DefaultClient when nil).
	HTTPClient *http.Client
	// Dial, when set, opens the WebSocket's TCP connections (through a
	// proxy, say).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Logger receives the SDK's own diagnostics: reconnections, refused
	// frames. Nothing is logged when nil.
	Logger *slog.Logger
}

// Client is the SDK: an app's settings and, after Login, one user's
// session, its REST calls and its real-time connection. It is safe for
// concurrent use. Listeners are called one at a time, in the order the
// server sent the events, on a goroutine of the Client.
type Client struct {
	s     Settings
	http  *http.Client
	log   *slog.Logger
	base  string // scheme://host[:port], no /v3
	wsURL string

	mu    sync.Mutex
	user  *parley.User
	token string

	ls *listeners
	rt *conn
}

// New checks the settings and returns a Client. It makes no call: the
// first one is a login or a key's call.
func New(s Settings) (*Client, error) {
	base := strings.TrimRight(strings.TrimSpace(s.BaseURL), "/")
	base = strings.TrimSuffix(strings.TrimSuffix(base, "/v3.0"), "/v3")
	var wsURL string
	switch {
	case strings.HasPrefix(base, "http://"):
		wsURL = "ws://" + strings.TrimPrefix(base, "http://") + "/v3/ws"
	case strings.HasPrefix(base, "https://"):
		wsURL = "wss://" + strings.TrimPrefix(base, "https://") + "/v3/ws"
	default:
		return nil, errorf(parley.KindInvalid, CodeInvalidArgument,
			"Settings.BaseURL must start with http:// or https://, not %q", s.BaseURL)
	}
	if s.PresenceSubscription == PresenceRoles && len(s.Roles) == 0 {
		return nil, errorf(parley.KindInvalid, CodeInvalidArgument, "PresenceRoles needs Settings.Roles")
	}
	switch s.PresenceSubscription {
	case PresenceNone, PresenceAllUsers, PresenceRoles, PresenceFriends:
	default:
		return nil, errorf(parley.KindInvalid, CodeInvalidArgument, "unknown presence subscription %q", s.PresenceSubscription)
	}
	if s.Keepalive != 0 && (s.Keepalive%time.Second != 0 || s.Keepalive < 25*time.Second || s.Keepalive > 300*time.Second) {
		return nil, errorf(parley.KindInvalid, CodeInvalidArgument,
			"Settings.Keepalive is whole seconds from 25s to 300s, not %v", s.Keepalive)
	}
	if s.PingInterval <= 0 {
		s.PingInterval = 25 * time.Second
		if s.Keepalive > 0 {
			s.PingInterval = s.Keepalive
		}
	}
	if s.ReconnectMin <= 0 {
		s.ReconnectMin = 500 * time.Millisecond
	}
	if s.ReconnectMax <= 0 {
		s.ReconnectMax = 30 * time.Second
	}
	if s.ReconnectMax < s.ReconnectMin {
		s.ReconnectMax = s.ReconnectMin
	}
	c := &Client{s: s, http: s.HTTPClient, log: s.Logger, base: base, wsURL: wsURL, ls: newListeners()}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.rt = newConn(c)
	return c, nil
}

// Settings returns the settings the Client runs with, defaults filled in.
func (c *Client) Settings() Settings { return c.s }

// session returns the logged-in user's credentials.
func (c *Client) session() (creds, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == "" {
		return creds{}, errorf(parley.KindUnauthorized, CodeNotLoggedIn, "no user is logged in: call Login first")
	}
	return creds{authToken: c.token, deviceID: c.s.DeviceID}, nil
}

// LoggedInUser returns the user as Login (or the last Me) found them, or
// nil when no one is logged in.
func (c *Client) LoggedInUser() *parley.User {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.user
}

// AuthToken returns the session's auth token ("" when logged out).
func (c *Client) AuthToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// Close ends the real-time connection and stops the Client's goroutines,
// without logging out: the auth token stays valid, so a bot that restarts
// may log in with it again. Use Logout to end the session for good.
func (c *Client) Close() error {
	c.rt.close()
	return nil
}

// caller makes calls with one set of credentials: the user session's, or
// a key's (see Server). Request builders hold one.
type caller struct {
	c     *Client
	creds func() (creds, error)
}

// call makes one REST call with the caller's credentials.
func (k caller) call(ctx context.Context, method, p string, q map[string][]string, in, out any) (*meta, error) {
	cr, err := k.creds()
	if err != nil {
		return nil, err
	}
	return k.c.do(ctx, cr, method, p, q, in, out)
}

// caller is the caller of the logged-in user.
func (c *Client) caller() caller { return caller{c: c, creds: c.session} }

// call makes one REST call as the logged-in user.
func (c *Client) call(ctx context.Context, method, p string, q map[string][]string, in, out any) (*meta, error) {
	return c.caller().call(ctx, method, p, q, in, out)
}
