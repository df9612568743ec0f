package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley/internal/syncbuf"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/httpapi"
)

// How failures that are not the client's are answered and logged.

// TestClientGoneIs499: a request whose client went away (net/http cancels
// its context) is no fault of the server: logged at info, and 499 in the
// access log, not a 500 logged as an error.
func TestClientGoneIs499(t *testing.T) {
	t.Parallel()
	var logs syncbuf.Buffer
	e := newEnv(t, logTo(&logs))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, e.request(t, http.MethodGet, "/v3/users", nil, e.asKey()).WithContext(ctx))
	if rec.Code != 499 {
		t.Errorf("status %d, want 499", rec.Code)
	}
	log := logs.String()
	if strings.Contains(log, "level=ERROR") || !strings.Contains(log, `level=INFO msg="client went away"`) ||
		!strings.Contains(log, "status=499") {
		t.Errorf("log, want the client's leaving at info and status 499 in the access log:\n%s", log)
	}
}

// TestShutdownIs503: a write that reaches a service shutting down is
// answered 503 ERR_SERVICE_UNAVAILABLE (retry), logged as a warning.
func TestShutdownIs503(t *testing.T) {
	t.Parallel()
	var logs syncbuf.Buffer
	e := newEnv(t, logTo(&logs))
	e.mustUser(t, "ann")
	e.Svc.Close()
	e.fails(t, http.StatusServiceUnavailable, parley.CodeUnavailable, http.MethodPost, "/v3/messages",
		map[string]any{"receiver": "ann", "receiverType": "user", "data": map[string]any{"text": "late"}}, e.asKey())
	if log := logs.String(); strings.Contains(log, "level=ERROR") || !strings.Contains(log, "level=WARN") {
		t.Errorf("log, want a warning and no error:\n%s", log)
	}
}

// TestPanicLogsStack: a panic in a request is answered 500 ERR_MISSION_FAILED and
// logged with the stack that raised it.
func TestPanicLogsStack(t *testing.T) {
	t.Parallel()
	var logs syncbuf.Buffer
	var broken atomic.Bool
	e := newEnv(t, logTo(&logs), func(c *chat.Config) {
		c.Now = func() time.Time {
			if broken.Load() {
				clockBreaks()
			}
			return time.Now()
		}
	})
	broken.Store(true)
	e.fails(t, http.StatusInternalServerError, parley.CodeInternal, http.MethodPost, "/v3/users",
		map[string]any{"uid": "ann", "name": "Ann"}, e.asKey())
	broken.Store(false)
	if log := logs.String(); !strings.Contains(log, `level=ERROR msg=panic`) || !strings.Contains(log, "clockBreaks") {
		t.Errorf("log, want the panic with its stack:\n%s", log)
	}
}

// clockBreaks panics; its name shows in the stack logged.
func clockBreaks() { panic("the clock broke") }

// logTo is a newEnv option that logs the handler into buf.
func logTo(buf *syncbuf.Buffer) func(*httpapi.Config) {
	return func(c *httpapi.Config) { c.Logger = slog.New(slog.NewTextHandler(buf, nil)) }
}
