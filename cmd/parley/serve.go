package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/blob"
	"github.com/parleychat/parley/broker/inmem"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/httpapi"
	"github.com/parleychat/parley/internal/ratelimit"
	"github.com/parleychat/parley/push"
	"github.com/parleychat/parley/realtime"
	"github.com/parleychat/parley/store/sqlite"
	"github.com/parleychat/parley/web"
	"github.com/parleychat/parley/webhook"
)

// Main is the whole server: config → store → broker → service → hub →
// HTTP. Tests run it in-process on 127.0.0.1:0.
type Main struct {
	Config Config
	Logger *slog.Logger

	Store   *sqlite.Store
	Broker  *inmem.Broker
	Service *chat.Service
	Hub     *realtime.Hub
	// Push is the push dispatcher; nil when no push service is configured.
	Push *push.Dispatcher
	// Webhooks sends the webhook deliveries chat queues in the store, and
	// asks the apps' before_message hooks.
	Webhooks *webhook.Dispatcher

	stdout   io.Writer
	listener net.Listener
	server   *http.Server
	done     chan error
	unlock   func() error // releases the data directory's lock
	debug    *http.Server // --debug-addr
	debugURL string
}

// NewMain returns a Main for cfg, logging to stderr and printing first-start
// secrets to stdout.
func NewMain(cfg Config, stdout, stderr io.Writer) *Main {
	return &Main{Config: cfg, Logger: newLogger(cfg, stderr), stdout: stdout}
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Open binds the address, opens the store, prepares it, and starts serving.
// The bind comes first: a first start that can't serve must not print the
// new app's keys and operator token, store them hashed, and leave the next
// start with nothing to show.
func (m *Main) Open(ctx context.Context) error {
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	maxConns := m.Config.MaxConns
	if maxConns <= 0 {
		maxConns = autoMaxConns(openFileLimit())
	}
	m.listener = newLimitListener(ln, maxConns, m.Logger)
	// The pages before anything is written: a --web-dir that can't be
	// served fails the start.
	var pages *web.Handler
	if !m.Config.NoWeb {
		if pages, err = web.New(web.Options{Dir: m.Config.WebDir}); err != nil {
			return err
		}
	}
	if err := prepareDataDir(m.Config.DataDir); err != nil {
		return err
	}
	if m.unlock, err = lockDataDir(m.Config.DataDir); err != nil {
		return err
	}
	dbPath := filepath.Join(m.Config.DataDir, "parley.db")
	st, err := sqlite.Open(ctx, dbPath, sqlite.WithLogger(m.Logger))
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	m.Store = st
	blobs, err := blob.NewDir(filepath.Join(m.Config.DataDir, "media"))
	if err != nil {
		return fmt.Errorf("media dir: %w", err)
	}
	m.Broker = inmem.New(inmem.Config{})
	wh := m.Config.Webhooks
	m.Webhooks = webhook.New(webhook.Config{Store: st, Logger: m.Logger, Timeout: wh.Timeout,
		PollInterval: wh.PollInterval, BackoffBase: wh.BackoffBase, BackoffMax: wh.BackoffMax,
		MaxAttempts: wh.MaxAttempts, PerEndpoint: wh.PerEndpoint, Retention: wh.Retention,
		BlockPrivate: !wh.AllowPrivate})
	// The dispatcher asks the service, made next, who is pushed.
	var svc *chat.Service
	m.Push, err = m.newPusher(func(ctx context.Context, appID string, msg *parley.Message) ([]parley.PushDelivery, error) {
		return svc.PushDeliveries(ctx, appID, msg)
	}, func(ctx context.Context, t *parley.PushToken) error { return svc.ForgetPushToken(ctx, t) })
	if err != nil {
		return err
	}
	cfg := chat.Config{Store: st, Logger: m.Logger, Blobs: blobs, MaxUpload: m.Config.MaxUpload, Broker: m.Broker,
		RingTimeout: m.Config.RingTimeout, NotifyDeliveries: m.Webhooks.Notify, Moderator: m.Webhooks,
		ModerationTimeout: wh.ModerationTimeout, PipelineSyncs: m.Config.PipelineSyncs}
	if m.Push != nil { // a nil *push.Dispatcher in the interface would not be nil
		cfg.Push = m.Push
	}
	svc = chat.New(cfg)
	m.Service = svc
	// Users a crash left online: no connection of theirs survived it.
	if err := m.Service.ResetPresence(ctx); err != nil {
		return fmt.Errorf("reset presence: %w", err)
	}
	boot, err := m.Service.Bootstrap(ctx, m.Config.OperatorToken)
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	m.printBootstrap(boot, dbPath)
	if !m.Config.NoWeb {
		fmt.Fprintf(m.stdout, "Dashboard: %s (sign in with the operator token)\n", m.DashboardURL())
	}

	// One set of limits for every transport: the WebSocket gateway takes
	// the same *ratelimit.Limits, so a client can't escape a limit (or
	// reset its failed authentications) by switching.
	limits := ratelimit.NewLimits(m.Config.Rates)
	m.Hub, err = realtime.New(realtime.Config{Service: m.Service, Broker: m.Broker, Logger: m.Logger,
		Limits: limits, ClientIPHeader: m.Config.ClientIPHeader,
		MaxConnsPerUser: m.Config.WSMaxConns, PresenceGrace: m.Config.PresenceGrace, ResumeLimit: m.Config.ResumeLimit})
	if err != nil {
		return fmt.Errorf("realtime hub: %w", err)
	}
	api := httpapi.New(httpapi.Config{Service: m.Service, Store: st, Logger: m.Logger,
		CORSOrigins: m.Config.CORSOrigins, MaxBody: m.Config.MaxBody, MaxUploadBody: m.Config.MaxUploadBody,
		Limits: limits, ClientIPHeader: m.Config.ClientIPHeader,
		BodyTimeout: m.Config.BodyTimeout, BodyMinBytes: m.Config.BodyMinBytes, Realtime: m.Hub})
	var handler http.Handler = api
	if pages != nil {
		handler = web.Mount(pages, api)
	}
	// Before the server exists: Close waits for a server that was started.
	if m.Config.DebugAddr != "" {
		if err := m.openDebug(m.Config.DebugAddr); err != nil {
			return err
		}
	}
	// No ReadTimeout or WriteTimeout: they bound a whole request or
	// response, which would cut off large uploads and downloads on slow
	// links and the WebSocket connections (httpapi/server.go clears an
	// upgrade's deadlines). A body's minimum rate (httpapi/slowbody.go)
	// and the idle timeout stop slow and idle clients instead.
	m.server = &http.Server{Handler: handler, ReadHeaderTimeout: m.Config.HeaderTimeout, IdleTimeout: m.Config.IdleTimeout,
		ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn)}
	m.server.RegisterOnShutdown(api.CloseStreams) // event streams never go idle
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Serve(m.listener) }()
	// The queue a stopped server left is sent on from where it was.
	m.Webhooks.Start()
	attrs := []any{"url", m.URL(), "data", m.Config.DataDir, "max_conns", maxConns}
	if !m.Config.NoWeb {
		attrs = append(attrs, "dashboard", m.DashboardURL())
	}
	m.Logger.Info("parley serving", attrs...)
	return nil
}

// autoMaxConns is the connection cap when none is configured: the open-file
// limit less a tenth (at least 64) for the database, uploads and logs, at
// most 100,000; 10,000 when the limit is unknown.
func autoMaxConns(nofile uint64) int {
	if nofile == 0 {
		return 10_000
	}
	n := nofile - max(nofile/10, 64)
	if nofile <= 128 {
		n = nofile / 2
	}
	return int(max(1, min(n, 100_000)))
}

// printBootstrap shows what the first start made; secrets are stored only
// hashed, so this is the one time they are seen.
func (m *Main) printBootstrap(b chat.Bootstrapped, dbPath string) {
	w := m.stdout
	if b.App != nil {
		fmt.Fprintf(w, "Parley: first start, created the default app in %s\n", dbPath)
		fmt.Fprintf(w, "  App ID:        %s\n", b.App.ID)
		for _, k := range b.App.Keys {
			fmt.Fprintf(w, "  %-14s %s\n", k.Name+":", k.Key)
		}
	}
	if b.OperatorToken != "" {
		fmt.Fprintf(w, "  Operator token: %s\n", b.OperatorToken)
	}
	if b.App != nil || b.OperatorToken != "" {
		fmt.Fprintln(w, "These secrets are stored hashed and will not be shown again: keep them now.")
		return
	}
	fmt.Fprintf(w, "Parley: %d app(s) in %s.\n", b.Apps, dbPath)
	if b.DefaultAppID != "" {
		fmt.Fprintf(w, "  App ID:        %s (the default app)\n", b.DefaultAppID)
	} else {
		fmt.Fprintln(w, "  The default app was deleted; GET /v3/apps with the operator token lists the apps.")
	}
	fmt.Fprint(w, "Keys are shown only when made (they are stored hashed). Manage them with the REST API\n"+
		"(docs/api.md, sections 3 and 4): keys at /v3/apikeys, with a REST API Key or with the operator\n"+
		"token (Authorization: Bearer) and an appid header; apps at /v3/apps, with the operator token.\n")
}

// URL is the base URL the server listens on.
func (m *Main) URL() string {
	if m.listener == nil {
		return ""
	}
	return "http://" + m.listener.Addr().String()
}

// DashboardURL is the operator dashboard's URL; empty before Open or with
// --no-web.
func (m *Main) DashboardURL() string {
	if m.listener == nil || m.Config.NoWeb {
		return ""
	}
	return m.URL() + "/dashboard/"
}

// Close closes the WebSocket connections (going away, after what they
// were sent), stops accepting requests, lets in-flight ones finish (up to
// the shutdown timeout), closes the store, releases the data directory and
// logs one line, "parley stopped". Calling it again does nothing.
func (m *Main) Close() error {
	var errs []error
	// The line "parley stopped" is for a server that ran.
	served := m.server != nil
	if m.Hub != nil { // before the service: it writes the users it had online offline
		if err := m.Hub.Close(); err != nil {
			errs = append(errs, err)
		}
		m.Hub = nil
	}
	if m.server == nil && m.listener != nil { // Open failed after binding
		m.listener.Close()
	}
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownWait)
		defer cancel()
		if err := m.server.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
		if err := <-m.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
		m.server = nil
	}
	if m.Push != nil { // after the server: no request sends any more; before the store it reads
		m.Push.Close()
		m.Push = nil
	}
	if m.debug != nil {
		m.debug.Close()
		m.debug = nil
	}
	if m.Service != nil {
		m.Service.Close()
	}
	if m.Webhooks != nil { // before the store: it reads the queue
		m.Webhooks.Close()
		m.Webhooks = nil
	}
	if m.Broker != nil {
		m.Broker.Close()
	}
	if m.Store != nil {
		if err := m.Store.Close(); err != nil {
			errs = append(errs, err)
		}
		m.Store = nil
	}
	// The lock goes last: the next server may open the data only once this
	// one has closed it.
	if m.unlock != nil {
		if err := m.unlock(); err != nil {
			errs = append(errs, err)
		}
		m.unlock = nil
	}
	if served {
		m.Logger.Info("parley stopped", "data", m.Config.DataDir)
	}
	return errors.Join(errs...)
}

// prepareDataDir makes the data directory and checks that it can be
// written, so that a start that can't write fails with the path and the
// reason ("permission denied") rather than a database error naming neither.
func prepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data dir %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".parley-write-check-*")
	if err != nil {
		return fmt.Errorf("data dir %s can't be written: %w", dir, err)
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return fmt.Errorf("data dir %s: %w", dir, err)
	}
	// A database the server may read but not write would open, serve,
	// and fail each write later ("attempt to write a readonly database").
	db, err := os.OpenFile(filepath.Join(dir, "parley.db"), os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("data dir %s: the database can't be written: %w", dir, err)
	}
	return db.Close()
}
