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
	"strings"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// Config configures the HTTP handler.
type Config struct {
	Service     *chat.Service
	Store       interface{ Ping(context.Context) error } // for /readyz
	Logger      *slog.Logger
	CORSOrigins []string // allowed origins; "*" allows any
	MaxBody     int64    // request body limit in bytes; 1 MiB when 0
	// MaxUploadBody limits multipart bodies (messages with files);
	// DefaultMaxUploadBody when 0.
	MaxUploadBody int64
	// Realtime serves GET /v3/ws (package realtime's hub); without it the
	// route does not exist.
	Realtime http.Handler
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
	mux     *http.ServeMux
}

// New returns the API handler.
func New(cfg Config) *Server {
	s := &Server{svc: cfg.Service, store: cfg.Store, log: cfg.Logger, cors: cfg.CORSOrigins,
		maxBody: cfg.MaxBody, maxUp: cfg.MaxUploadBody, rt: cfg.Realtime, mux: http.NewServeMux()}
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

// ServeHTTP serves one request: request id, access log, CORS, body limit,
// the /v3.0 alias, then the route.
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
			s.log.ErrorContext(r.Context(), "panic", "request_id", info.id, "panic", p)
			if rw.status == 0 {
				writeError(rw, parley.Internal(nil))
			}
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
	limit := s.maxBody
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		limit = s.maxUp
	}
	r.Body = http.MaxBytesReader(rw, r.Body, limit)
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
	h.Set("Access-Control-Expose-Headers", "X-Request-Id")
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
