package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parleychat/parley/internal/ratelimit"
)

// Config is the server's configuration. Every field has a flag and a
// PARLEY_* environment variable; the flag wins, then the variable, then the
// default, which works on a laptop. docs/operations.md lists them all.
type Config struct {
	Addr          string        // --addr, PARLEY_ADDR
	DataDir       string        // --data, PARLEY_DATA
	OperatorToken string        // --operator-token, PARLEY_OPERATOR_TOKEN (at least MinOperatorToken characters)
	CORSOrigins   []string      // --cors-origins, PARLEY_CORS_ORIGINS (comma-separated)
	MaxBody       int64         // --max-body, PARLEY_MAX_BODY (bytes)
	MaxUpload     int64         // --max-upload, PARLEY_MAX_UPLOAD (bytes per file)
	MaxUploadBody int64         // --max-upload-body, PARLEY_MAX_UPLOAD_BODY (bytes of a multipart body)
	LogFormat     string        // --log-format, PARLEY_LOG_FORMAT: text | json
	LogLevel      string        // --log-level, PARLEY_LOG_LEVEL: debug | info | warn | error
	ShutdownWait  time.Duration // --shutdown-timeout, PARLEY_SHUTDOWN_TIMEOUT

	// Connections.
	HeaderTimeout time.Duration // --header-timeout, PARLEY_HEADER_TIMEOUT: to read a request's headers
	IdleTimeout   time.Duration // --idle-timeout, PARLEY_IDLE_TIMEOUT: a keep-alive connection between requests
	BodyTimeout   time.Duration // --body-timeout, PARLEY_BODY_TIMEOUT: window of the body's minimum rate
	BodyMinBytes  int64         // --body-min-bytes, PARLEY_BODY_MIN_BYTES: bytes a body must deliver per window
	MaxConns      int           // --max-conns, PARLEY_MAX_CONNS: open connections; 0 picks from the file limit

	// Rate limits (ratelimit.ParseRate syntax: 20/s:100, 30/m, off).
	Rates          ratelimit.Rates // --rate-*, PARLEY_RATE_*
	ClientIPHeader string          // --client-ip-header, PARLEY_CLIENT_IP_HEADER

	// Real time.
	WSMaxConns    int           // --ws-max-conns, PARLEY_WS_MAX_CONNS: WebSocket connections per user
	PresenceGrace time.Duration // --presence-grace, PARLEY_PRESENCE_GRACE
	ResumeLimit   int           // --resume-limit, PARLEY_RESUME_LIMIT: messages a resuming socket is sent

	// DebugAddr serves net/http/pprof when set (--debug-addr,
	// PARLEY_DEBUG_ADDR); empty, the default: off.
	DebugAddr string
}

// MinOperatorToken is the shortest operator token accepted: the token is
// the key to every app, and is stored as a fast (unsalted) hash.
const MinOperatorToken = 24

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		Addr:          "127.0.0.1:8080",
		DataDir:       "./parley-data",
		CORSOrigins:   []string{"*"},
		MaxBody:       1 << 20,
		MaxUpload:     25 << 20,
		MaxUploadBody: 64 << 20,
		LogFormat:     "text",
		LogLevel:      "info",
		ShutdownWait:  15 * time.Second,
		HeaderTimeout: 10 * time.Second,
		IdleTimeout:   120 * time.Second,
		BodyTimeout:   10 * time.Second,
		BodyMinBytes:  1024,
		Rates:         defaultRates(),
		WSMaxConns:    10,
		PresenceGrace: 5 * time.Second,
		ResumeLimit:   1000,
	}
}

func defaultRates() ratelimit.Rates {
	r := ratelimit.DefaultRates()
	r.MaxKeys = ratelimit.DefaultMaxKeys
	return r
}

// parseConfig reads flags over environment over defaults.
func parseConfig(args []string, stderr io.Writer) (Config, error) {
	c := DefaultConfig()
	fs := flag.NewFlagSet("parley serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	p := parser{fs: fs}
	cors := strings.Join(c.CORSOrigins, ",")
	str(fs, &c.Addr, "addr", "PARLEY_ADDR", "address to listen on")
	str(fs, &c.DataDir, "data", "PARLEY_DATA", "data directory (SQLite database, uploads)")
	str(fs, &c.OperatorToken, "operator-token", "PARLEY_OPERATOR_TOKEN",
		fmt.Sprintf("operator token for /v3/apps and the dashboard, at least %d characters (generated on first start when empty)", MinOperatorToken))
	str(fs, &cors, "cors-origins", "PARLEY_CORS_ORIGINS", "comma-separated origins allowed by CORS; * for any")
	str(fs, &c.LogFormat, "log-format", "PARLEY_LOG_FORMAT", "log format: text or json")
	str(fs, &c.LogLevel, "log-level", "PARLEY_LOG_LEVEL", "log level: debug, info, warn or error")
	p.count(&c.MaxBody, "max-body", "PARLEY_MAX_BODY", "request body limit in bytes", 1)
	p.count(&c.MaxUpload, "max-upload", "PARLEY_MAX_UPLOAD", "largest file a message may carry, in bytes", 1)
	p.count(&c.MaxUploadBody, "max-upload-body", "PARLEY_MAX_UPLOAD_BODY",
		"multipart body limit in bytes (a message with its files), enforced while reading", 1)
	p.duration(&c.ShutdownWait, "shutdown-timeout", "PARLEY_SHUTDOWN_TIMEOUT", "how long shutdown waits for in-flight requests")
	p.duration(&c.HeaderTimeout, "header-timeout", "PARLEY_HEADER_TIMEOUT", "time to read a request's headers; 0: none")
	p.duration(&c.IdleTimeout, "idle-timeout", "PARLEY_IDLE_TIMEOUT", "how long a keep-alive connection may wait for its next request; 0: forever")
	p.duration(&c.BodyTimeout, "body-timeout", "PARLEY_BODY_TIMEOUT",
		"a request body that delivers fewer than --body-min-bytes in this time is cut off (408); 0: no minimum rate")
	p.count(&c.BodyMinBytes, "body-min-bytes", "PARLEY_BODY_MIN_BYTES", "bytes a request body must deliver in each --body-timeout", 1)
	maxConns := int64(c.MaxConns)
	p.count(&maxConns, "max-conns", "PARLEY_MAX_CONNS", "open connections at most (HTTP and WebSocket); more wait; 0: from the open-file limit", 0)
	r := &c.Rates
	p.rate(&r.AuthFailuresPerAddr, "rate-auth-failures-ip", "PARLEY_RATE_AUTH_FAILURES_IP", "failed authentications per client address")
	p.rate(&r.AuthFailuresPerApp, "rate-auth-failures-app", "PARLEY_RATE_AUTH_FAILURES_APP", "failed authentications per app")
	p.rate(&r.RequestsPerUser, "rate-user-requests", "PARLEY_RATE_USER_REQUESTS", "requests per user")
	p.rate(&r.RequestsPerApp, "rate-app-requests", "PARLEY_RATE_APP_REQUESTS", "requests per app")
	p.rate(&r.MessagesPerUser, "rate-user-messages", "PARLEY_RATE_USER_MESSAGES", "messages sent per user")
	p.rate(&r.MessagesPerApp, "rate-app-messages", "PARLEY_RATE_APP_MESSAGES", "messages sent per app")
	maxKeys := int64(r.MaxKeys)
	p.count(&maxKeys, "rate-max-keys", "PARLEY_RATE_MAX_KEYS", "keys (addresses, users, apps) each rate limit tracks; the least recently used go first", 1)
	str(fs, &c.ClientIPHeader, "client-ip-header", "PARLEY_CLIENT_IP_HEADER",
		"header in which a trusted proxy gives the client's address (X-Forwarded-For, X-Real-IP); empty: the connection's")
	wsMaxConns, resumeLimit := int64(c.WSMaxConns), int64(c.ResumeLimit)
	p.count(&wsMaxConns, "ws-max-conns", "PARLEY_WS_MAX_CONNS", "WebSocket connections one user may hold", 1)
	p.duration(&c.PresenceGrace, "presence-grace", "PARLEY_PRESENCE_GRACE", "how long a user stays online after their last connection closed")
	p.count(&resumeLimit, "resume-limit", "PARLEY_RESUME_LIMIT", "most missed messages a resuming WebSocket is sent before it pages over REST", 1)
	str(fs, &c.DebugAddr, "debug-addr", "PARLEY_DEBUG_ADDR",
		"address to serve profiles on (net/http/pprof under /debug/pprof/); empty: off. Keep it private: profiles show the program's insides")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	for _, f := range p.post {
		if err := f(); err != nil {
			return c, err
		}
	}
	c.MaxConns, c.Rates.MaxKeys = int(maxConns), int(maxKeys)
	c.WSMaxConns, c.ResumeLimit = int(wsMaxConns), int(resumeLimit)
	if n := len(c.OperatorToken); n > 0 && n < MinOperatorToken {
		return c, fmt.Errorf("--operator-token (or PARLEY_OPERATOR_TOKEN) is %d characters; it must be at least %d "+
			"(or leave it empty and the first start generates one)", n, MinOperatorToken)
	}
	if c.MaxUploadBody < c.MaxUpload+c.MaxBody {
		return c, fmt.Errorf("--max-upload-body (%d) must be at least --max-upload plus --max-body (%d), "+
			"or no file of the largest size could be sent", c.MaxUploadBody, c.MaxUpload+c.MaxBody)
	}
	c.CORSOrigins = nil
	for _, o := range strings.Split(cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("--log-format must be text or json")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return c, fmt.Errorf("--log-level must be debug, info, warn or error")
	}
	return c, nil
}

// str defines a string flag whose default is the environment variable, if
// set, else *p.
func str(fs *flag.FlagSet, p *string, name, env, help string) {
	if v, ok := os.LookupEnv(env); ok {
		*p = v
	}
	fs.StringVar(p, name, *p, help+" ($"+env+")")
}

// parser defines typed flags as strings (so that a bad environment value is
// reported like a bad flag) and converts them after fs.Parse.
type parser struct {
	fs   *flag.FlagSet
	post []func() error
}

// count defines a whole-number flag (bytes, connections) of at least min.
func (p *parser) count(dst *int64, name, env, help string, min int64) {
	s := strconv.FormatInt(*dst, 10)
	str(p.fs, &s, name, env, help)
	p.post = append(p.post, func() error {
		v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || v < min {
			if min == 1 {
				return fmt.Errorf("--%s must be a positive number, not %q", name, s)
			}
			return fmt.Errorf("--%s must be a whole number of at least %d, not %q", name, min, s)
		}
		*dst = v
		return nil
	})
}

// duration defines a duration flag (Go syntax: 10s, 2m).
func (p *parser) duration(dst *time.Duration, name, env, help string) {
	s := dst.String()
	str(p.fs, &s, name, env, help)
	p.post = append(p.post, func() error {
		v, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("--%s: %w", name, err)
		}
		if v < 0 {
			return fmt.Errorf("--%s can't be negative", name)
		}
		*dst = v
		return nil
	})
}

// rate defines a rate-limit flag.
func (p *parser) rate(dst *ratelimit.Rate, name, env, help string) {
	s := dst.String()
	str(p.fs, &s, name, env, help+": N/s, N/m or N/h, optionally :BURST, or off")
	p.post = append(p.post, func() error {
		v, err := ratelimit.ParseRate(s)
		if err != nil {
			return fmt.Errorf("--%s: %w", name, err)
		}
		*dst = v
		return nil
	})
}
