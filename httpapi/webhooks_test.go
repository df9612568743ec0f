package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/webhook"
)

// This file holds the webhook helpers the webhook tests share, and the
// tests of managing webhooks over REST (docs/webhooks.md).

// withDispatcher runs a webhook dispatcher over the env's store, with the
// waits of a test, as the service's notifier and moderator.
func withDispatcher(t *testing.T) func(*chat.Config) {
	return func(c *chat.Config) {
		d := webhook.New(webhook.Config{Store: c.Store, PollInterval: 5 * time.Millisecond,
			BackoffBase: 10 * time.Millisecond, BackoffMax: 100 * time.Millisecond})
		d.Start()
		t.Cleanup(func() { d.Close() }) // before the store closes
		c.NotifyDeliveries, c.Moderator = d.Notify, d
	}
}

// delivered is one webhook POST a sink received, its signature checked.
type delivered struct {
	Trigger string         `json:"trigger"`
	Data    map[string]any `json:"data"`
	AppID   string         `json:"appId"`
	Webhook string         `json:"webhook"`
	header  http.Header
	ctx     context.Context // the request's: done when Parley hangs up
}

// sink is a local webhook endpoint: it records what it receives and
// answers with answer (200 when nil). Its secret is set once the webhook
// that points at it was created; every request must verify with it.
type sink struct {
	*httptest.Server
	t      *testing.T
	mu     sync.Mutex
	secret string
	got    []delivered
	answer func(d delivered) (int, string)
}

func newSink(t *testing.T, answer func(d delivered) (int, string)) *sink {
	t.Helper()
	s := &sink{t: t, answer: answer}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var d delivered
		if err := json.Unmarshal(b, &d); err != nil {
			t.Errorf("webhook body is not JSON: %v: %s", err, b)
		}
		d.header, d.ctx = r.Header.Clone(), r.Context()
		s.mu.Lock()
		secret := s.secret
		s.got = append(s.got, d)
		s.mu.Unlock()
		if err := webhook.Verify(secret, r.Header, b, time.Now(), time.Minute); err != nil {
			t.Errorf("%s: signature: %v", d.Trigger, err)
		}
		status, body := http.StatusOK, ""
		if s.answer != nil {
			status, body = s.answer(d)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *sink) setSecret(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secret = secret
}

func (s *sink) received() []delivered {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

// mustWebhook creates a webhook pointing at s that takes triggers, and
// gives s its secret.
func (e *env) mustWebhook(t *testing.T, id string, s *sink, triggers []string, extra ...map[string]any) map[string]any {
	t.Helper()
	body := map[string]any{"id": id, "name": "Hook " + id, "webhookURL": s.URL, "triggers": triggers}
	for _, x := range extra {
		for k, v := range x {
			body[k] = v
		}
	}
	w := e.okObj(t, http.MethodPost, "/v3/webhooks", body, e.asKey())
	s.setSecret(w["secret"].(string))
	return w
}

// poll retries cond until it returns nil, failing the test after 15 s.
func poll(t *testing.T, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestWebhookCRUD manages webhooks over REST: what create, read, update and
// delete answer, the secret shown once and the password never, and the
// codes of every refusal, which write nothing.
func TestWebhookCRUD(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "ann")
	const url = "https://hooks.example.com/parley"
	w := e.okObj(t, "POST", "/v3/webhooks", map[string]any{"id": "Backend-Sync", "name": "Backend", "webhookURL": url,
		"useBasicAuth": true, "username": "parley", "password": "pw", "triggers": []string{"user_blocked", "message_sent"}},
		e.asKey())
	secret, _ := w["secret"].(string)
	if !strings.HasPrefix(secret, "whsec_") || len(secret) < 40 {
		t.Errorf("secret %q", secret)
	}
	want := map[string]any{"id": "backend-sync", "name": "Backend", "webhookURL": url, "useBasicAuth": true,
		"username": "parley", "enabled": true, "retryOnFailure": true, "rejectOnFailure": false,
		"triggers": []any{"message_sent", "user_blocked"}}
	for k, v := range want {
		if got := fmt.Sprint(w[k]); got != fmt.Sprint(v) {
			t.Errorf("created %s = %v, want %v", k, w[k], v)
		}
	}
	if _, has := w["password"]; has {
		t.Errorf("the password is echoed: %v", w)
	}

	got := e.okObj(t, "GET", "/v3/webhooks/backend-sync", nil, e.asKey())
	if _, has := got["secret"]; has {
		t.Errorf("GET shows the secret: %v", got)
	}
	if _, has := got["password"]; has {
		t.Errorf("GET shows the password: %v", got)
	}
	p := e.list(t, "/v3/webhooks", e.asKey())
	if ids := p.field("id"); !slices.Equal(ids, []string{"backend-sync"}) || p.pg() != [5]int{1, 1, 100, 1, 1} {
		t.Errorf("list: %v %v", ids, p.pg())
	}

	up := e.okObj(t, "PUT", "/v3/webhooks/backend-sync", map[string]any{"name": "Renamed", "enabled": false,
		"useBasicAuth": false, "rejectOnFailure": true}, e.asKey())
	if up["name"] != "Renamed" || up["enabled"] != false || up["useBasicAuth"] != false || up["rejectOnFailure"] != true ||
		up["webhookURL"] != url || up["username"] != nil || up["secret"] != nil {
		t.Errorf("updated: %v", up)
	}
	stored, err := e.Store.Webhook(t.Context(), e.AppID, "backend-sync")
	if err != nil || stored.Password != "" || stored.Username != "" || stored.Secret != secret {
		t.Errorf("stored after turning basic auth off: %+v %v", stored, err)
	}

	e.ok(t, "DELETE", "/v3/webhooks/backend-sync", nil, e.asKey())
	e.fails(t, 404, parley.CodeWebhookNotFound, "GET", "/v3/webhooks/backend-sync", nil, e.asKey())
	e.fails(t, 404, parley.CodeWebhookNotFound, "DELETE", "/v3/webhooks/backend-sync", nil, e.asKey())
	e.fails(t, 404, parley.CodeWebhookNotFound, "PUT", "/v3/webhooks/nope", map[string]any{"name": "x"}, e.asKey())
}

// TestWebhookRefusals checks the codes of bad webhook requests, and that
// none of them wrote anything.
func TestWebhookRefusals(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "ann")
	ok := map[string]any{"id": "h", "name": "H", "webhookURL": "http://127.0.0.1:1/in"}
	for _, tc := range []struct {
		name   string
		status int
		code   string
		body   map[string]any
		hs     hdr
	}{
		{"NoURL", 400, parley.CodeInvalidWebhookURL, with(ok, "webhookURL", ""), e.asKey()},
		{"FTP", 400, parley.CodeInvalidWebhookURL, with(ok, "webhookURL", "ftp://example.com/x"), e.asKey()},
		{"Relative", 400, parley.CodeInvalidWebhookURL, with(ok, "webhookURL", "/in"), e.asKey()},
		{"Credentials", 400, parley.CodeInvalidWebhookURL, with(ok, "webhookURL", "https://u:p@example.com/"), e.asKey()},
		{"NoName", 400, parley.CodeEmptyName, with(ok, "name", " "), e.asKey()},
		{"LongName", 400, parley.CodeInvalidParam, with(ok, "name", strings.Repeat("n", 51)), e.asKey()},
		{"BadID", 400, parley.CodeInvalidParam, with(ok, "id", "no spaces"), e.asKey()},
		{"LongID", 400, parley.CodeInvalidParam, with(ok, "id", strings.Repeat("i", 51)), e.asKey()},
		{"AuthWithoutPassword", 400, parley.CodeInvalidParam, with(ok, "useBasicAuth", true, "username", "u"), e.asKey()},
		{"UnknownTrigger", 400, parley.CodeInvalidTrigger, with(ok, "triggers", []string{"message_sent", "after_message"}), e.asKey()},
		{"WrongType", 400, parley.CodeBadRequest, with(ok, "enabled", "yes"), e.asKey()},
		{"AuthKey", 403, parley.CodeNoAccess, ok, e.asAuth()},
		{"UserToken", 403, parley.CodeNoAccess, ok, e.as("ann")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.fails(t, tc.status, tc.code, "POST", "/v3/webhooks", tc.body, tc.hs)
		})
	}
	if ws, _ := e.Store.Webhooks(t.Context(), e.AppID); len(ws) != 0 {
		t.Fatalf("refused creates stored %d webhooks", len(ws))
	}
	e.fails(t, 403, parley.CodeNoAccess, "GET", "/v3/webhooks", nil, e.as("ann"))

	e.okObj(t, "POST", "/v3/webhooks", ok, e.asKey())
	e.fails(t, 409, parley.CodeWebhookExists, "POST", "/v3/webhooks", with(ok, "name", "again"), e.asKey())
	e.fails(t, 400, parley.CodeInvalidWebhookURL, "PUT", "/v3/webhooks/h", map[string]any{"webhookURL": "gopher://x"}, e.asKey())
	e.fails(t, 400, parley.CodeInvalidParam, "PUT", "/v3/webhooks/h", map[string]any{"useBasicAuth": true}, e.asKey())
	if got := e.okObj(t, "GET", "/v3/webhooks/h", nil, e.asKey()); got["name"] != "H" || got["useBasicAuth"] != false {
		t.Errorf("a refused update changed the webhook: %v", got)
	}
	for i := 1; i < parley.MaxWebhooks; i++ {
		e.okObj(t, "POST", "/v3/webhooks", with(ok, "id", fmt.Sprint("h", i)), e.asKey())
	}
	e.fails(t, 409, parley.CodeWebhookLimit, "POST", "/v3/webhooks", with(ok, "id", "one-too-many"), e.asKey())
	p := e.list(t, "/v3/webhooks?perPage=10&page=3", e.asKey())
	if p.pg() != [5]int{parley.MaxWebhooks, 5, 10, 3, 3} {
		t.Errorf("third page of %d webhooks: %v", parley.MaxWebhooks, p.pg())
	}

	// Another app sees none of them.
	other := e.okObj(t, "POST", "/v3/apps", map[string]any{"name": "Other"}, asOperator())
	keys, _ := other["keys"].([]any)
	k0, _ := keys[0].(map[string]any)
	otherKey := hdr{"appid": other["appId"].(string), "apikey": k0["apiKey"].(string)}
	e.fails(t, 404, parley.CodeWebhookNotFound, "GET", "/v3/webhooks/h", nil, otherKey)
}

// TestWebhookTriggersAndLog manages a webhook's triggers, its delivery log
// and redelivery over REST.
func TestWebhookTriggersAndLog(t *testing.T) {
	t.Parallel()
	e := newGroupEnvWith(t, []any{withDispatcher(t)}, "ann", "bob")
	fail := true
	var mu sync.Mutex
	s := newSink(t, func(delivered) (int, string) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return 500, ""
		}
		return 200, ""
	})
	e.mustWebhook(t, "log", s, nil, map[string]any{"retryOnFailure": false})
	tr := e.okObj(t, "POST", "/v3/webhooks/log/triggers", map[string]any{"triggers": []string{"user_blocked", "message_sent", "message_sent"}}, e.asKey())
	if fmt.Sprint(tr["triggers"]) != "[message_sent user_blocked]" {
		t.Errorf("after adding: %v", tr)
	}
	e.fails(t, 400, parley.CodeInvalidTrigger, "POST", "/v3/webhooks/log/triggers", map[string]any{"triggers": []string{"group_created", "nope"}}, e.asKey())
	e.fails(t, 400, parley.CodeInvalidTrigger, "POST", "/v3/webhooks/log/triggers", map[string]any{"triggers": []string{}}, e.asKey())
	e.fails(t, 404, parley.CodeWebhookNotFound, "POST", "/v3/webhooks/none/triggers", map[string]any{"triggers": []string{"group_created"}}, e.asKey())
	tr = e.okObj(t, "DELETE", "/v3/webhooks/log/triggers", map[string]any{"triggers": []string{"user_blocked"}}, e.asKey())
	if fmt.Sprint(tr["triggers"]) != "[message_sent]" {
		t.Errorf("after removing: %v", tr)
	}
	if tr = e.okObj(t, "GET", "/v3/webhooks/log/triggers", nil, e.asKey()); fmt.Sprint(tr["triggers"]) != "[message_sent]" {
		t.Errorf("listed: %v", tr)
	}

	// One moderation hook an app.
	e.okObj(t, "POST", "/v3/webhooks/log/triggers", map[string]any{"triggers": []string{"before_message"}}, e.asKey())
	e.fails(t, 409, parley.CodeModerationHookExists, "POST", "/v3/webhooks", map[string]any{"id": "mod2", "name": "M",
		"webhookURL": s.URL, "triggers": []string{"before_message"}}, e.asKey())
	e.okObj(t, "POST", "/v3/webhooks", map[string]any{"id": "mod2", "name": "M", "webhookURL": s.URL}, e.asKey())
	e.fails(t, 409, parley.CodeModerationHookExists, "POST", "/v3/webhooks/mod2/triggers", map[string]any{"triggers": []string{"before_message"}}, e.asKey())
	e.okObj(t, "DELETE", "/v3/webhooks/log/triggers", map[string]any{"triggers": []string{"before_message"}}, e.asKey())

	id := e.sendID(t, toUser("bob", "hello"), e.as("ann"))
	var logged map[string]any
	poll(t, func() error {
		p := e.list(t, "/v3/webhooks/log/deliveries?status=failed", e.asKey())
		if len(p.Items) != 1 {
			return fmt.Errorf("%d failed deliveries", len(p.Items))
		}
		logged = p.Items[0]
		return nil
	})
	msg, _ := logged["data"].(map[string]any)["message"].(map[string]any)
	if logged["trigger"] != "message_sent" || logged["attempts"] != 1.0 || logged["lastError"] != "HTTP 500" ||
		logged["lastStatusCode"] != 500.0 || logged["webhook"] != "log" || msg["id"] != id {
		t.Errorf("logged delivery: %v", logged)
	}
	e.fails(t, 400, parley.CodeInvalidParam, "GET", "/v3/webhooks/log/deliveries?status=lost", nil, e.asKey())
	e.fails(t, 404, parley.CodeWebhookNotFound, "GET", "/v3/webhooks/none/deliveries", nil, e.asKey())
	e.fails(t, 404, parley.CodeDeliveryNotFound, "POST", "/v3/webhooks/log/deliveries/999/redeliver", nil, e.asKey())
	e.fails(t, 404, parley.CodeDeliveryNotFound, "POST", "/v3/webhooks/log/deliveries/x/redeliver", nil, e.asKey())
	e.fails(t, 404, parley.CodeDeliveryNotFound, "POST", "/v3/webhooks/mod2/deliveries/"+logged["id"].(string)+"/redeliver", nil, e.asKey())

	mu.Lock()
	fail = false
	mu.Unlock()
	again := e.okObj(t, "POST", "/v3/webhooks/log/deliveries/"+logged["id"].(string)+"/redeliver", nil, e.asKey())
	if again["id"] == logged["id"] || again["status"] != "pending" || again["trigger"] != "message_sent" {
		t.Errorf("redelivered: %v", again)
	}
	poll(t, func() error {
		p := e.list(t, "/v3/webhooks/log/deliveries?status=delivered", e.asKey())
		if len(p.Items) != 1 || p.Items[0]["id"] != again["id"] {
			return fmt.Errorf("delivered: %v", p.Items)
		}
		return nil
	})
	ds := s.received()
	if len(ds) != 2 || ds[1].header.Get(webhook.HeaderDelivery) != again["id"] {
		t.Errorf("the sink got %d deliveries", len(ds))
	}
	if p := e.list(t, "/v3/webhooks/log/deliveries", e.asKey()); len(p.Items) != 2 || p.Items[0]["id"] != again["id"] {
		t.Errorf("the log, newest first: %v", p.field("id"))
	}
}
