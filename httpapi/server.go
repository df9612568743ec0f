// Package httpapi is Parley's REST surface, shaped after CometChat's REST API
// v3: routes, the {data, meta} envelope, the error envelope and the one table
// from error kind to status, authentication of the request's credentials, and
// the operational endpoints. Handlers decode, call package chat, and encode;
// every rule lives in chat.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/internal/ratelimit"
)

// Config configures the HTTP handler.
type Config struct {
	Service     *chat.Service
	Store       interface{ Ping(context.Context) error } // for /readyz
	Logger      *slog.Logger
	CORSOrigins []string // allowed origins; "*" allows any
	MaxBody     int64    // request body limit in bytes; 1 MiB when 0
	// MaxUploadBody limits multipart bodies (messages with files);
	// DefaultMaxUploadBody when 0. The limit holds while reading: the read
	// that passes it fails, and the answer is 413.
	MaxUploadBody int64
	// Realtime serves GET /v3/ws (package realtime's hub); without it the
	// route does not exist.
	Realtime http.Handler

	// Limits are the rate limits (failed authentications, requests and
	// messages per user and per app); nil limits nothing. See limits.go.
	Limits *ratelimit.Limits
	// ClientIPHeader names a header in which a trusted proxy in front of
	// Parley gives the client's address (X-Forwarded-For, X-Real-IP); its
	// last address keys the failed-authentication limit. Empty: the
	// connection's address. Set it only behind such a proxy: clients can
	// write any header.
	ClientIPHeader string
	// BodyTimeout and BodyMinBytes set the minimum rate of request bodies:
	// at least BodyMinBytes (1 when 0) in every BodyTimeout, else 408.
	// Zero BodyTimeout: no minimum. See slowbody.go.
	BodyTimeout  time.Duration
	BodyMinBytes int64
	// EventsHeartbeat is how often an idle event stream (GET /v3/events)
	// sends a heartbeat; DefaultEventsHeartbeat when 0.
	EventsHeartbeat time.Duration
}

// DefaultMaxUploadBody is the multipart body limit when Config leaves it 0.
const DefaultMaxUploadBody = 64 << 20

// DefaultMaxBody is the request body limit when Config leaves it zero.
const DefaultMaxBody = 1 << 20

// Server is the REST API as an http.Handler.
type Server struct {
	svc     *chat.Service
	store   interface{ Ping(context.Context) error }
	log     *slog.Logger
	cors    []string
	maxBody int64
	maxUp   int64
	rt      http.Handler
	mux     *routeMux

	limits      *ratelimit.Limits
	ipHeader    string
	bodyTimeout time.Duration
	bodyMin     int64
	pages       pageBufs // see pagejson.go
	heartbeat   time.Duration
	streams     streams // see operator.go
}

// New returns the API handler.
func New(cfg Config) *Server {
	s := &Server{svc: cfg.Service, store: cfg.Store, log: cfg.Logger, cors: cfg.CORSOrigins,
		maxBody: cfg.MaxBody, maxUp: cfg.MaxUploadBody, rt: cfg.Realtime, mux: &routeMux{ServeMux: http.NewServeMux()},
		limits: cfg.Limits, ipHeader: cfg.ClientIPHeader, bodyTimeout: cfg.BodyTimeout, bodyMin: max(1, cfg.BodyMinBytes),
		heartbeat: cfg.EventsHeartbeat, streams: streams{closing: make(chan struct{})}}
	if s.heartbeat <= 0 {
		s.heartbeat = DefaultEventsHeartbeat
	}
	if s.maxUp == 0 {
		s.maxUp = DefaultMaxUploadBody
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.maxBody == 0 {
		s.maxBody = DefaultMaxBody
	}
	s.routes()
	return s
}

// ServeHTTP serves one request: request id, access log, CORS, query check,
// body limits, the /v3.0 alias, then the route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	info := &reqInfo{id: r.Header.Get("X-Request-Id")}
	if info.id == "" || len(info.id) > 64 {
		info.id = newRequestID()
	}
	rw := &statusWriter{ResponseWriter: w}
	rw.Header().Set("X-Request-Id", info.id)
	defer func() {
		if p := recover(); p != nil {
			s.recovered(r.Context(), rw, info.id, p)
		}
		s.log.InfoContext(r.Context(), "request", "method", r.Method, "route", info.route(r),
			"status", rw.code(), "duration_ms", float64(time.Since(start).Microseconds())/1000,
			"app", info.app, "request_id", info.id)
	}()
	if s.corsHeaders(rw, r) && r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		rw.WriteHeader(http.StatusNoContent)
		return
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/v3.0/"); ok {
		r.URL.Path = "/v3/" + rest
		r.URL.RawPath = ""
	}
	q, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		writeError(rw, err)
		return
	}
	info.query = q
	if isUpgrade(r) {
		// A WebSocket upgrade (GET /v3/ws) outlives every HTTP timeout.
		// Here, before its handler hijacks the connection, is where its
		// deadlines are cleared; from then on the gateway keeps its own
		// (keepalive). The header deadline is already past, the body rate
		// never started (no body is read), and the http.Server in
		// cmd/parley sets no ReadTimeout or WriteTimeout; IdleTimeout
		// applies only between requests, so a hijacked connection never
		// sees it.
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
	} else if s.bodyTimeout > 0 && r.Body != nil && r.Body != http.NoBody {
		r.Body = &minRateBody{body: r.Body, w: w, window: s.bodyTimeout, minBytes: s.bodyMin}
	}
	limit := s.maxBody
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "multipart/form-data") {
		limit = s.maxUp
	}
	// w, not rw: MaxBytesReader tells net/http through it to close the
	// connection after the 413 rather than read the rest of the body.
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, info))
	if h, pattern := s.mux.Handler(r); pattern == "" {
		notFound(h).ServeHTTP(rw, r)
		return
	}
	s.mux.ServeHTTP(rw, r) // sets the path values
}

// reqInfo collects what the access log needs from deeper layers.
type reqInfo struct {
	id    string
	app   string
	match string
	query url.Values // the URL's query, parsed once
}

type reqInfoKey struct{}

func (i *reqInfo) route(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	if i.match != "" {
		return i.match
	}
	return r.Method + " (unmatched)"
}

func infoFrom(ctx context.Context) *reqInfo {
	if i, ok := ctx.Value(reqInfoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{}
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap lets http.ResponseController reach the connection (WebSocket).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// notFound answers unmatched routes with the error envelope, keeping the
// mux's choice between 404 and 405 (and its Allow header).
func notFound(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(&envelopeWriter{ResponseWriter: w}, r)
	})
}

// envelopeWriter replaces the mux's plain-text 404/405 bodies.
type envelopeWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *envelopeWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	err := parley.Errorf(parley.KindNotFound, parley.CodeRouteNotFound, "no such route")
	if code == http.StatusMethodNotAllowed {
		err = parley.Errorf(parley.KindInvalid, parley.CodeMethodNotAllowd, "this route does not take that method")
	}
	w.Header().Del("X-Content-Type-Options")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.ResponseWriter.WriteHeader(code)
	_ = writeBody(w.ResponseWriter, errorBody{Error: parley.Wire(err)})
}

func (w *envelopeWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return len(b), nil
}

// corsHeaders sets the CORS headers for an allowed origin and reports
// whether it did.
func (s *Server) corsHeaders(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || !s.originAllowed(origin) {
		return false
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization, appid, apikey, authtoken, onBehalfOf, resource, sdk, X-Request-Id")
	h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
	h.Set("Access-Control-Max-Age", "600")
	return true
}

func (s *Server) originAllowed(origin string) bool {
	for _, o := range s.cors {
		if o == "*" || strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}
