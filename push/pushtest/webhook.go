package pushtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// WebhookPush is a push the fake receiver took.
type WebhookPush struct {
	Header http.Header
	Body   map[string]any
}

// Webhook is an app's push service as Parley's webhook provider reaches
// it: it takes JSON POSTs at /push and answers 410 for tokens it was told
// are gone.
type Webhook struct {
	*httptest.Server

	mu     sync.Mutex
	pushes []WebhookPush
	gone   map[string]bool
}

// NewWebhook starts a receiver, closed when the test ends.
func NewWebhook(t testing.TB) *Webhook {
	t.Helper()
	wh := &Webhook{gone: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /push", wh.handle)
	wh.Server = httptest.NewServer(mux)
	t.Cleanup(wh.Close)
	return wh
}

// Forget makes the receiver answer a token 410 Gone.
func (wh *Webhook) Forget(token string) { wh.mu.Lock(); wh.gone[token] = true; wh.mu.Unlock() }

// Pushes returns the pushes taken so far.
func (wh *Webhook) Pushes() []WebhookPush {
	wh.mu.Lock()
	defer wh.mu.Unlock()
	return append([]WebhookPush(nil), wh.pushes...)
}

func (wh *Webhook) handle(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	token, _ := body["token"].(string)
	wh.mu.Lock()
	wh.pushes = append(wh.pushes, WebhookPush{Header: r.Header.Clone(), Body: body})
	gone := wh.gone[token]
	wh.mu.Unlock()
	if gone {
		w.WriteHeader(http.StatusGone)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
