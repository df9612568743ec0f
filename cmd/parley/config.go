package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/internal/ratelimit"
	"github.com/parleychat/parley/push"
	"github.com/parleychat/parley/webhook"
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
	DebugAddr     string        // --debug-addr, PARLEY_DEBUG_ADDR: net/http/pprof; empty: off
	PipelineSyncs bool          // --pipeline-syncs, PARLEY_PIPELINE_SYNCS: the message writer syncs beside its next batch

	// Web pages (package web): the dashboard, the demo chat, the JS SDK.
	NoWeb  bool   // --no-web, PARLEY_NO_WEB: serve no pages (404)
	WebDir string // --web-dir, PARLEY_WEB_DIR: serve web/ from this directory, re-read per request

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

	// Calls.
	RingTimeout time.Duration // --ring-timeout, PARLEY_RING_TIMEOUT: how long a call rings before it is unanswered
	// Push notifications (docs/push.md): the server's credentials, per
	// app ones in a file, and the dispatcher's sizes.
	Push               PushSettings  // --push-fcm-*, --push-apns-*, --push-webhook-*, PARLEY_PUSH_*
	PushAppsFile       string        // --push-apps, PARLEY_PUSH_APPS: JSON {"apps": {"<appId>": PushSettings}}
	PushCAFile         string        // --push-ca-file, PARLEY_PUSH_CA_FILE: more roots trusted for the push services
	PushCollapseWindow time.Duration // --push-collapse-window, PARLEY_PUSH_COLLAPSE_WINDOW; 0: none
	PushWorkers        int           // --push-workers, PARLEY_PUSH_WORKERS
	PushQueue          int           // --push-queue, PARLEY_PUSH_QUEUE: messages waiting per worker
	// Webhooks (docs/webhooks.md).
	Webhooks WebhookConfig
}

// WebhookConfig configures the delivery of webhooks and the before_message
// hook; package webhook documents each.
type WebhookConfig struct {
	Timeout           time.Duration // --webhook-timeout, PARLEY_WEBHOOK_TIMEOUT: one attempt
	PollInterval      time.Duration // --webhook-poll, PARLEY_WEBHOOK_POLL
	BackoffBase       time.Duration // --webhook-backoff, PARLEY_WEBHOOK_BACKOFF: the first retry's step
	BackoffMax        time.Duration // --webhook-backoff-max, PARLEY_WEBHOOK_BACKOFF_MAX
	MaxAttempts       int           // --webhook-max-attempts, PARLEY_WEBHOOK_MAX_ATTEMPTS
	PerEndpoint       int           // --webhook-per-endpoint, PARLEY_WEBHOOK_PER_ENDPOINT: attempts in flight to one host
	Retention         time.Duration // --webhook-retention, PARLEY_WEBHOOK_RETENTION: delivered and failed ones kept
	AllowPrivate      bool          // --webhook-allow-private, PARLEY_WEBHOOK_ALLOW_PRIVATE
	ModerationTimeout time.Duration // --moderation-timeout, PARLEY_MODERATION_TIMEOUT: the before_message hook
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
		RingTimeout:   chat.DefaultRingTimeout,

		PushCollapseWindow: push.DefaultCollapseWindow,
		PushWorkers:        push.DefaultWorkers,
		PushQueue:          push.DefaultQueue,
		Webhooks: WebhookConfig{Timeout: webhook.DefaultTimeout, PollInterval: webhook.DefaultPollInterval,
			BackoffBase: webhook.DefaultBackoffBase, BackoffMax: webhook.DefaultBackoffMax,
			MaxAttempts: webhook.DefaultMaxAttempts, PerEndpoint: webhook.DefaultPerEndpoint,
			Retention: webhook.DefaultRetention, AllowPrivate: true, ModerationTimeout: chat.DefaultModerationTimeout},
	}
}

func defaultRates() ratelimit.Rates {
	r := ratelimit.DefaultRates()
	r.MaxKeys = ratelimit.DefaultMaxKeys
	return r
}

// parseConfig reads flags over environment over defaults. The flags' help
// goes to help when asked for (-h); on a bad flag it returns the error
// only, for the caller to print once (package flag would print it, then
// the whole help, then the caller again).
func parseConfig(args []string, help io.Writer) (Config, error) {
	c := DefaultConfig()
	fs := flag.NewFlagSet("parley serve", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: parley serve [flags]\n\nEach flag has an environment twin, named after it ($PARLEY_…); the flag wins.\n\n")
		fs.PrintDefaults()
	}
	p := parser{fs: fs}
	cors := strings.Join(c.CORSOrigins, ",")
	str(fs, &c.Addr, "addr", "PARLEY_ADDR", "address to listen on")
	str(fs, &c.DataDir, "data", "PARLEY_DATA", "data directory (SQLite database, uploads)")
	str(fs, &c.OperatorToken, "operator-token", "PARLEY_OPERATOR_TOKEN",
		fmt.Sprintf("operator token: manages apps (/v3/apps) and acts with full access in any app; at least %d characters (generated on first start when empty)", MinOperatorToken))
	str(fs, &cors, "cors-origins", "PARLEY_CORS_ORIGINS", "comma-separated origins allowed by CORS; * for any")
	str(fs, &c.LogFormat, "log-format", "PARLEY_LOG_FORMAT", "log format: text or json")
	str(fs, &c.LogLevel, "log-level", "PARLEY_LOG_LEVEL", "log level: debug, info, warn or error")
	str(fs, &c.DebugAddr, "debug-addr", "PARLEY_DEBUG_ADDR",
		"address for net/http/pprof (/debug/pprof/), e.g. 127.0.0.1:6060; keep it private; empty: off")
	p.boolean(&c.NoWeb, "no-web", "PARLEY_NO_WEB", "serve no web pages: /dashboard/, /demo/, /sdk/ answer 404 (the API is unchanged)")
	str(fs, &c.WebDir, "web-dir", "PARLEY_WEB_DIR",
		"serve the web pages from this directory (a checkout's web/), read again on every request, instead of the embedded ones; for editing them")
	p.boolean(&c.PipelineSyncs, "pipeline-syncs", "PARLEY_PIPELINE_SYNCS",
		"the message writer commits a batch before the log is synced and syncs it beside the next (a send is still answered once synced; others may read it a moment before)")
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
	p.duration(&c.RingTimeout, "ring-timeout", "PARLEY_RING_TIMEOUT",
		"how long a call rings before it becomes unanswered (whole seconds)")
	pushFlags(fs, &p, &c)
	pushWorkers, pushQueue := int64(c.PushWorkers), int64(c.PushQueue)
	p.count(&pushWorkers, "push-workers", "PARLEY_PUSH_WORKERS", "push notification workers", 1)
	p.count(&pushQueue, "push-queue", "PARLEY_PUSH_QUEUE", "messages waiting to be pushed, per worker; more are dropped", 1)
	wh := &c.Webhooks
	maxAttempts, perEndpoint := int64(wh.MaxAttempts), int64(wh.PerEndpoint)
	p.duration(&wh.Timeout, "webhook-timeout", "PARLEY_WEBHOOK_TIMEOUT", "how long one webhook delivery attempt may take")
	p.duration(&wh.PollInterval, "webhook-poll", "PARLEY_WEBHOOK_POLL", "how often the webhook queue is read when nothing wakes it")
	p.duration(&wh.BackoffBase, "webhook-backoff", "PARLEY_WEBHOOK_BACKOFF", "the first retry's backoff step; each retry doubles it")
	p.duration(&wh.BackoffMax, "webhook-backoff-max", "PARLEY_WEBHOOK_BACKOFF_MAX", "the largest backoff step")
	p.count(&maxAttempts, "webhook-max-attempts", "PARLEY_WEBHOOK_MAX_ATTEMPTS", "attempts a delivery gets before it is given up", 1)
	p.count(&perEndpoint, "webhook-per-endpoint", "PARLEY_WEBHOOK_PER_ENDPOINT", "webhook attempts in flight to one host at most", 1)
	p.duration(&wh.Retention, "webhook-retention", "PARLEY_WEBHOOK_RETENTION", "how long delivered and failed deliveries stay in the log")
	p.boolean(&wh.AllowPrivate, "webhook-allow-private", "PARLEY_WEBHOOK_ALLOW_PRIVATE",
		"let webhooks reach loopback and private addresses; set false where the network behind Parley must stay out of reach")
	p.duration(&wh.ModerationTimeout, "moderation-timeout", "PARLEY_MODERATION_TIMEOUT",
		"how long a send waits for the app's before_message hook before its rejectOnFailure setting decides")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.Copy(help, &out)
		}
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
	if c.RingTimeout < time.Second {
		return c, fmt.Errorf("--ring-timeout (or PARLEY_RING_TIMEOUT) must be at least 1s")
	}
	c.PushWorkers, c.PushQueue = int(pushWorkers), int(pushQueue)
	wh.MaxAttempts, wh.PerEndpoint = int(maxAttempts), int(perEndpoint)
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

// boolean defines a true/false flag ("--name" alone sets it; the
// environment variable takes true, false, 1 or 0).
func (p *parser) boolean(dst *bool, name, env, help string) {
	if v, ok := os.LookupEnv(env); ok {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			p.post = append(p.post, func() error { return fmt.Errorf("$%s must be true or false, not %q", env, v) })
		} else {
			*dst = b
		}
	}
	p.fs.Var(boolFlag{dst}, name, help+" ($"+env+")")
}

// boolFlag is a flag.Value of a bool that takes no argument.
type boolFlag struct{ p *bool }

func (b boolFlag) String() string {
	if b.p == nil {
		return "false"
	}
	return strconv.FormatBool(*b.p)
}

func (b boolFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*b.p = v
	return nil
}

func (b boolFlag) IsBoolFlag() bool { return true }

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

// pushFlags defines the push notification flags.
func pushFlags(fs *flag.FlagSet, p *parser, c *Config) {
	ps := &c.Push
	str(fs, &ps.FCMCredentials, "push-fcm-credentials", "PARLEY_PUSH_FCM_CREDENTIALS",
		"FCM: the Firebase service account key file (JSON); empty: no FCM")
	str(fs, &ps.FCMURL, "push-fcm-url", "PARLEY_PUSH_FCM_URL", "FCM: the API's base URL; empty: "+push.DefaultFCMURL)
	str(fs, &ps.APNsKey, "push-apns-key", "PARLEY_PUSH_APNS_KEY", "APNs: the .p8 signing key file; empty: no APNs")
	str(fs, &ps.APNsKeyID, "push-apns-key-id", "PARLEY_PUSH_APNS_KEY_ID", "APNs: the signing key's id")
	str(fs, &ps.APNsTeamID, "push-apns-team-id", "PARLEY_PUSH_APNS_TEAM_ID", "APNs: the developer team id")
	str(fs, &ps.APNsTopic, "push-apns-topic", "PARLEY_PUSH_APNS_TOPIC", "APNs: the app's bundle id")
	str(fs, &ps.APNsURL, "push-apns-url", "PARLEY_PUSH_APNS_URL", "APNs: production (default), sandbox, or a base URL")
	str(fs, &ps.WebhookURL, "push-webhook-url", "PARLEY_PUSH_WEBHOOK_URL",
		"the app's push service, POSTed a JSON body per push to a webhook token; empty: none")
	str(fs, &ps.WebhookSecret, "push-webhook-secret", "PARLEY_PUSH_WEBHOOK_SECRET", "sent to the push webhook as a Bearer token")
	str(fs, &c.PushAppsFile, "push-apps", "PARLEY_PUSH_APPS", "JSON file of per-app push credentials, replacing the server's per platform")
	str(fs, &c.PushCAFile, "push-ca-file", "PARLEY_PUSH_CA_FILE", "PEM file of more certificate authorities trusted for the push services")
	p.duration(&c.PushCollapseWindow, "push-collapse-window", "PARLEY_PUSH_COLLAPSE_WINDOW",
		"least time between two pushes of one conversation; a burst becomes one push; 0: none")
}
