package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// handlerFunc is a handler that returns its failure; one adapter writes it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// public adapts a handler that needs no credentials.
func (s *Server) public(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.finish(w, r, h(w, r))
	})
}

// api adapts a handler behind authentication: the credentials become the
// actor in the request's context. What the actor may do is chat's call; how
// often, limits.go's.
func (s *Server) api(h handlerFunc) http.Handler { return s.authed(h, false) }

// apiSend is api for a route that sends a message: the request also takes
// from the user's and the app's message budgets.
func (s *Server) apiSend(h handlerFunc) http.Handler { return s.authed(h, true) }

func (s *Server) authed(h handlerFunc, sends bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := credentials(r)
		infoFrom(r.Context()).app = c.AppID
		a, err := s.authenticate(w, r, c)
		if err == nil {
			err = s.admit(w, a, sends)
		}
		if err != nil {
			s.finish(w, r, err)
			return
		}
		r = r.WithContext(parley.NewContext(r.Context(), a))
		s.finish(w, r, h(w, r))
	})
}

// finish writes a failure, logging it once with the request id: a fault of
// the server as an error, an unavailable server as a warning, and a failure
// that only says the client went away (net/http cancels the request's
// context then) at info, answered 499 for the access log.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, err error) {
	if err == nil {
		return
	}
	ctx := r.Context()
	attrs := []any{"request_id", infoFrom(ctx).id, "route", r.Pattern, "err", err}
	switch kind := parley.KindOf(err); {
	case kind == parley.KindInternal && errors.Is(ctx.Err(), context.Canceled):
		s.log.InfoContext(ctx, "client went away", attrs...)
		w.WriteHeader(statusClientClosed)
		return
	case kind == parley.KindInternal:
		s.log.ErrorContext(ctx, "request failed", attrs...)
	case kind == parley.KindUnavailable:
		s.log.WarnContext(ctx, "unavailable", attrs...)
	}
	writeError(w, err)
}

// recovered logs a panic a request raised, with its stack, and answers it
// as an internal error when nothing was written yet.
func (s *Server) recovered(ctx context.Context, w *statusWriter, id string, p any) {
	s.log.ErrorContext(ctx, "panic", "request_id", id, "panic", p, "stack", string(debug.Stack()))
	if w.status == 0 {
		writeError(w, parley.Internal(nil))
	}
}

// credentials reads what a request presents. The app comes from the appid
// header, else from the Host's first label when the Host is a name of three
// or more labels (<appId>.api-<region>.example.com).
func credentials(r *http.Request) chat.Credentials {
	c := chat.Credentials{
		AppID:      strings.TrimSpace(r.Header.Get("appid")),
		APIKey:     strings.TrimSpace(r.Header.Get("apikey")),
		AuthToken:  strings.TrimSpace(r.Header.Get("authtoken")),
		OnBehalfOf: strings.TrimSpace(r.Header.Get("onBehalfOf")),
		DeviceID:   strings.TrimSpace(r.Header.Get("deviceId")),
	}
	// The scheme is case-insensitive (RFC 9110 §11.1): bearer, BEARER.
	if scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " "); ok && strings.EqualFold(scheme, "Bearer") {
		c.Operator = strings.TrimSpace(tok)
	}
	if c.AppID == "" {
		c.AppID = appFromHost(r.Host)
	}
	return c
}

func appFromHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if net.ParseIP(host) != nil {
		return ""
	}
	labels := strings.Split(host, ".")
	if len(labels) < 3 {
		return ""
	}
	return strings.ToLower(labels[0])
}

func writeBody(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
