package client_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/blob"
	"github.com/parleychat/parley/broker/inmem"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/client"
	"github.com/parleychat/parley/httpapi"
	"github.com/parleychat/parley/realtime"
	"github.com/parleychat/parley/store/sqlite"
)

// tmpl is a migrated database every test server starts from: migrating
// each under the race detector would be most of the package's test time.
var tmpl sqlite.Template

// server is the whole Parley server as cmd/parley wires it (SQLite store,
// uploads on disk, in-memory broker, service, real-time hub, REST API with
// /v3/ws), on 127.0.0.1:0, with the default app's keys. The SDK is tested
// against it over real sockets.
type server struct {
	URL                     string
	AppID, RESTKey, AuthKey string
	Store                   *sqlite.Store
	Hub                     *realtime.Hub
	conns                   *connTracker
	closeFns                []func()
	admin                   *client.Client // for the key's calls
}

// startServer starts a server in dir; opts adjust the hub's config.
func startServer(dir string, opts ...func(*realtime.Config)) (*server, error) {
	ctx := context.Background()
	s := &server{}
	fail := func(err error) (*server, error) { s.close(); return nil, err }
	st, err := tmpl.Open(ctx, filepath.Join(dir, "parley.db"))
	if err != nil {
		return fail(err)
	}
	s.Store = st
	s.closeFns = append(s.closeFns, func() { st.Close() })
	blobs, err := blob.NewDir(filepath.Join(dir, "media"))
	if err != nil {
		return fail(err)
	}
	b := inmem.New(inmem.Config{})
	s.closeFns = append(s.closeFns, func() { b.Close() })
	svc := chat.New(chat.Config{Store: st, Broker: b, Blobs: blobs, MaxUpload: 1 << 20, PasswordCost: bcrypt.MinCost})
	s.closeFns = append(s.closeFns, func() { svc.Close() })
	boot, err := svc.Bootstrap(ctx, "operator-token-of-the-sdk-tests")
	if err != nil {
		return fail(err)
	}
	if boot.App == nil || len(boot.App.Keys) < 2 {
		return fail(errors.New("bootstrap made no app"))
	}
	cfg := realtime.Config{Service: svc, Broker: b, PresenceGrace: 100 * time.Millisecond, AuthTimeout: 5 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	hub, err := realtime.New(cfg)
	if err != nil {
		return fail(err)
	}
	s.Hub = hub
	srv := httptest.NewUnstartedServer(httpapi.New(httpapi.Config{Service: svc, Store: st, Realtime: hub}))
	s.conns = &connTracker{Listener: srv.Listener, conns: map[string]net.Conn{}}
	srv.Listener = s.conns
	srv.Start()
	// The hub goes first, as in cmd/parley: it closes the sockets (going
	// away) and writes the users it had online offline.
	s.closeFns = append(s.closeFns, srv.Close, func() { hub.Close() })
	s.URL, s.AppID = srv.URL, boot.App.ID
	for _, k := range boot.App.Keys {
		switch k.Scope {
		case parley.ScopeFullAccess:
			s.RESTKey = k.Key
		case parley.ScopeAuthOnly:
			s.AuthKey = k.Key
		}
	}
	s.admin, err = client.New(client.Settings{BaseURL: s.URL, AppID: s.AppID})
	if err != nil {
		return fail(err)
	}
	return s, nil
}

// close stops the server, last started first.
func (s *server) close() {
	for i := len(s.closeFns) - 1; i >= 0; i-- {
		s.closeFns[i]()
	}
	s.closeFns = nil
}

// newServer starts a server for one test.
func newServer(t testing.TB, opts ...func(*realtime.Config)) *server {
	t.Helper()
	s, err := startServer(t.TempDir(), opts...)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(s.close)
	return s
}

// key is the server's REST API Key's caller.
func (s *server) key() *client.Server { return s.admin.WithKey(s.RESTKey) }

// settings are the settings of a test client of the server: fast
// reconnection, presence of everyone.
func (s *server) settings(device string) client.Settings {
	return client.Settings{BaseURL: s.URL, AppID: s.AppID, DeviceID: device,
		PresenceSubscription: client.PresenceAllUsers, ReconnectMin: 20 * time.Millisecond, ReconnectMax: 200 * time.Millisecond}
}

// user creates a user and logs them in with a client of settings (the
// defaults of s.settings when none are given); it returns the client and
// what its listeners heard.
func (s *server) user(t testing.TB, uid string, settings ...client.Settings) (*client.Client, *recorder) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.key().CreateUser(ctx, parley.NewUser{UID: uid, Name: "User " + uid}); err != nil {
		t.Fatalf("create %s: %v", uid, err)
	}
	st := s.settings(uid + "-device")
	if len(settings) > 0 {
		st = settings[0]
	}
	c, err := client.New(st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	rec := record(c)
	if _, err := c.LoginWithAuthKey(ctx, uid, s.AuthKey); err != nil {
		t.Fatalf("login %s: %v", uid, err)
	}
	return c, rec
}

// connTracker is the server's listener: it keeps the connections it
// accepted by their remote address, so that a test can drop one the way a
// crashed proxy or a lost network would (no close frame).
type connTracker struct {
	net.Listener
	mu    sync.Mutex
	conns map[string]net.Conn
}

func (l *connTracker) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.conns[c.RemoteAddr().String()] = c
		l.mu.Unlock()
	}
	return c, err
}

// drop closes the server's side of the connection from the client address
// addr.
func (l *connTracker) drop(addr string) error {
	l.mu.Lock()
	c := l.conns[addr]
	l.mu.Unlock()
	if c == nil {
		return fmt.Errorf("no connection from %s", addr)
	}
	return c.Close()
}

// dialer records the WebSocket connections a client opens (its
// Settings.Dial), so that the test knows which server connection is its.
type dialer struct {
	mu    sync.Mutex
	conns []net.Conn
}

func (d *dialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var nd net.Dialer
	c, err := nd.DialContext(ctx, network, addr)
	if err == nil {
		d.mu.Lock()
		d.conns = append(d.conns, c)
		d.mu.Unlock()
	}
	return c, err
}

// last is the local address of the newest connection.
func (d *dialer) last() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.conns) == 0 {
		return ""
	}
	return d.conns[len(d.conns)-1].LocalAddr().String()
}

// checkFor polls fn until it returns nil, and fails the test if it does
// not within total.
func checkFor(t testing.TB, total time.Duration, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(total)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", total, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// wait is how long a test waits for an event: generous, since the race
// detector slows SQLite down many times.
const wait = 20 * time.Second

// mustCode fails unless err is a *parley.Error with code.
func mustCode(t testing.TB, err error, code string) *parley.Error {
	t.Helper()
	e, ok := parley.AsError(err)
	if !ok {
		t.Fatalf("got error %v (%T), want a *parley.Error with code %s", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("got code %s (%v), want %s", e.Code, err, code)
	}
	return e
}
