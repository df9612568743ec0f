package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/parleychat/parley/blob"
	"github.com/parleychat/parley/broker/inmem"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/httpapi"
	"github.com/parleychat/parley/internal/ratelimit"
	"github.com/parleychat/parley/realtime"
	"github.com/parleychat/parley/store/sqlite"
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

	stdout   io.Writer
	listener net.Listener
	server   *http.Server
	done     chan error
	debug    *http.Server // --debug-addr; nil when off
	debugLn  net.Listener
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
	if m.Config.DebugAddr != "" {
		if m.debugLn, err = net.Listen("tcp", m.Config.DebugAddr); err != nil {
			return fmt.Errorf("listen (--debug-addr): %w", err)
		}
	}
	if err := os.MkdirAll(m.Config.DataDir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
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
	m.Service = chat.New(chat.Config{Store: st, Logger: m.Logger, Blobs: blobs, MaxUpload: m.Config.MaxUpload,
		Broker: m.Broker})
	// Users a crash left online: no connection of theirs survived it.
	if err := m.Service.ResetPresence(ctx); err != nil {
		return fmt.Errorf("reset presence: %w", err)
	}
	boot, err := m.Service.Bootstrap(ctx, m.Config.OperatorToken)
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	m.printBootstrap(boot, dbPath)

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
	// No ReadTimeout or WriteTimeout: they bound a whole request or
	// response, which would cut off large uploads and downloads on slow
	// links and the WebSocket connections (httpapi/server.go clears an
	// upgrade's deadlines). A body's minimum rate (httpapi/slowbody.go)
	// and the idle timeout stop slow and idle clients instead.
	m.server = &http.Server{Handler: api, ReadHeaderTimeout: m.Config.HeaderTimeout, IdleTimeout: m.Config.IdleTimeout,
		ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn)}
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Serve(m.listener) }()
	if m.debugLn != nil {
		m.debug = &http.Server{Handler: debugHandler(), ReadHeaderTimeout: m.Config.HeaderTimeout,
			ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn)}
		go m.debug.Serve(m.debugLn)
		m.Logger.Info("profiles served", "url", m.DebugURL()+"/debug/pprof/")
	}
	m.Logger.Info("parley serving", "url", m.URL(), "data", m.Config.DataDir, "max_conns", maxConns)
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
	fmt.Fprintf(w, "Parley: %d app(s) in %s. Their keys were printed when each was created "+
		"(the default app's at first start); make new ones with POST /v3/apikeys or POST /v3/apps.\n", b.Apps, dbPath)
}

// URL is the base URL the server listens on.
func (m *Main) URL() string {
	if m.listener == nil {
		return ""
	}
	return "http://" + m.listener.Addr().String()
}

// DebugURL is the base URL of the profiles (--debug-addr), "" when off.
func (m *Main) DebugURL() string {
	if m.debugLn == nil {
		return ""
	}
	return "http://" + m.debugLn.Addr().String()
}

// Close closes the WebSocket connections (going away, after what they
// were sent), stops accepting requests, lets in-flight ones finish (up to
// the shutdown timeout), and closes the store. Calling it again does
// nothing.
func (m *Main) Close() error {
	var errs []error
	if m.Hub != nil { // before the service: it writes the users it had online offline
		if err := m.Hub.Close(); err != nil {
			errs = append(errs, err)
		}
		m.Hub = nil
	}
	if m.server == nil && m.listener != nil { // Open failed after binding
		m.listener.Close()
	}
	if m.debug != nil {
		m.debug.Close() // profiles in progress are cut off
		m.debug = nil
	} else if m.debugLn != nil {
		m.debugLn.Close()
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
	if m.Service != nil {
		m.Service.Close()
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
	return errors.Join(errs...)
}
