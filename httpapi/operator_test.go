package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/broker/inmem"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/httpapi"
)

// newBrokerEnv is newEnv with an in-memory broker, as a server has, and
// the given event stream heartbeat (0: the default).
func newBrokerEnv(t *testing.T, heartbeat time.Duration) *env {
	t.Helper()
	broker := inmem.New(inmem.Config{})
	t.Cleanup(func() { broker.Close() })
	return newEnv(t, func(c *chat.Config) { c.Broker = broker },
		func(c *httpapi.Config) { c.EventsHeartbeat = heartbeat })
}

// sseEvent is one Server-Sent Event, or a comment line (Comment set).
type sseEvent struct {
	ID, Event, Data, Comment string
}

// sseStream is an open GET /v3/events.
type sseStream struct {
	resp   *http.Response
	events chan sseEvent
	cancel context.CancelFunc
}

// openStream opens GET /v3/events?query with headers, checks that it
// answered 200 text/event-stream and waits for its ready event. The
// stream is read over a plain client: the spec's check reads a body whole.
func (e *env) openStream(t *testing.T, query string, hs ...hdr) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req := e.request(t, "GET", "/v3/events?"+query, nil, hs...).WithContext(ctx)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		resp.Body.Close()
		t.Fatalf("GET /v3/events?%s: %d %q", query, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &sseStream{resp: resp, events: make(chan sseEvent, 100), cancel: cancel}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			k, v, _ := strings.Cut(line, ": ")
			switch {
			case line == "":
				s.events <- ev
				ev = sseEvent{}
			case k == "":
				ev.Comment = v
			case k == "id":
				ev.ID = v
			case k == "event":
				ev.Event = v
			case k == "data":
				ev.Data = v
			}
		}
	}()
	t.Cleanup(s.close)
	if ready := s.next(t); ready.Event != "ready" || !strings.Contains(ready.Data, `"appId"`) {
		t.Fatalf("first event %+v, want ready", ready)
	}
	return s
}

func (s *sseStream) close() { s.cancel(); s.resp.Body.Close() }

// next returns the next event (heartbeats skipped), failing after 10s.
func (s *sseStream) next(t *testing.T) sseEvent {
	t.Helper()
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatal("the stream ended")
			}
			if ev.Comment == "" || ev.Event != "" {
				return ev
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no event in 10s")
		}
	}
}

// record decodes an event's data.
func record(t *testing.T, ev sseEvent) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(ev.Data), &m); err != nil {
		t.Fatalf("event data %q: %v", ev.Data, err)
	}
	return m
}

func TestEventStreamCarriesOneAppsFilteredEvents(t *testing.T) {
	t.Parallel()
	e := newBrokerEnv(t, 0)
	other, otherKey, _ := e.newApp(t, "Other")
	for _, uid := range []string{"alice", "bob", "carol"} {
		e.mustUser(t, uid)
		e.okObj(t, "POST", "/v3/users", map[string]any{"uid": uid, "name": uid}, hdr{"appid": other, "apikey": otherKey})
	}
	op := []hdr{asOperator(), inApp(e.AppID)}
	all := e.openStream(t, "", op...)
	onlyBob := e.openStream(t, "uid=bob&type=message", op...)
	byKey := e.openStream(t, "", e.asKey())
	otherApp := e.openStream(t, "", asOperator(), inApp(other))

	// The other app's message first: were it to leak, it would come first.
	e.okObj(t, "POST", "/v3/messages", toUser("bob", "elsewhere"), hdr{"appid": other, "apikey": otherKey}, onBehalfOf("alice"))
	e.okObj(t, "POST", "/v3/messages", toUser("carol", "to carol"), e.asKey(), onBehalfOf("alice"))
	e.okObj(t, "POST", "/v3/messages", toUser("bob", "to bob"), e.asKey(), onBehalfOf("alice"))

	text := func(m map[string]any) string {
		body, _ := m["body"].(map[string]any)
		data, _ := body["data"].(map[string]any)
		s, _ := data["text"].(string)
		return s
	}
	for name, s := range map[string]*sseStream{"operator": all, "REST API Key": byKey} {
		for _, want := range []string{"to carol", "to bob"} {
			ev := s.next(t)
			m := record(t, ev)
			if ev.Event != "message" || m["type"] != "message" || text(m) != want || m["sender"] != "alice" || ev.ID == "" {
				t.Errorf("%s stream: %+v, want the message %q", name, ev, want)
			}
			if _, has := m["route"]; has {
				t.Errorf("%s stream: the hubs' route leaked: %v", name, m)
			}
		}
	}
	if ev := onlyBob.next(t); text(record(t, ev)) != "to bob" {
		t.Errorf("uid=bob stream: %+v, want only the message to bob", ev)
	}
	if ev := otherApp.next(t); text(record(t, ev)) != "elsewhere" {
		t.Errorf("the other app's stream: %+v, want its own message", ev)
	}
	// Nothing more on the other app's stream: a last event of its own
	// comes next, not one of the default app.
	e.okObj(t, "POST", "/v3/messages", toUser("carol", "last"), hdr{"appid": other, "apikey": otherKey}, onBehalfOf("bob"))
	if ev := otherApp.next(t); text(record(t, ev)) != "last" {
		t.Errorf("the other app's stream: %+v, want its own last message", ev)
	}
}

func TestEventStreamGroupFilter(t *testing.T) {
	t.Parallel()
	e := newBrokerEnv(t, 0)
	e.mustUser(t, "alice")
	e.mustUser(t, "bob")
	for _, g := range []string{"one", "two"} {
		e.okObj(t, "POST", "/v3/groups", map[string]any{"guid": g, "name": g, "type": "public"}, e.asKey(), onBehalfOf("alice"))
	}
	s := e.openStream(t, "guid=two", asOperator(), inApp(e.AppID))
	e.okObj(t, "POST", "/v3/messages", toGroup("one", "in one"), e.asKey(), onBehalfOf("alice"))
	e.okObj(t, "POST", "/v3/messages", toUser("bob", "direct"), e.asKey(), onBehalfOf("alice"))
	e.okObj(t, "POST", "/v3/messages", toGroup("two", "in two"), e.asKey(), onBehalfOf("alice"))
	m := record(t, s.next(t))
	if m["receiver"] != "two" || m["receiverType"] != "group" {
		t.Errorf("guid=two stream: %v, want the message in two first", m)
	}
}

// TestEventStreamIDsCountTheEvents checks that the events' ids count
// from 1 with no gap, heartbeats in between or not (api.md §16).
func TestEventStreamIDsCountTheEvents(t *testing.T) {
	t.Parallel()
	e := newBrokerEnv(t, 5*time.Millisecond)
	e.mustUser(t, "alice")
	e.mustUser(t, "bob")
	s := e.openStream(t, "", asOperator(), inApp(e.AppID))
	heartbeat := func() {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case ev := <-s.events:
				if strings.HasPrefix(ev.Comment, "heartbeat") {
					return
				}
			case <-deadline:
				t.Fatal("no heartbeat in 10s")
			}
		}
	}
	for _, want := range []string{"1", "2"} {
		heartbeat()
		e.okObj(t, "POST", "/v3/messages", toUser("bob", "n"+want), e.asKey(), onBehalfOf("alice"))
		if ev := s.next(t); ev.Event != "message" || ev.ID != want {
			t.Errorf("event %+v, want the message with id %s", ev, want)
		}
	}
}

func TestEventStreamHeartbeatsAndEndsWithTheServer(t *testing.T) {
	t.Parallel()
	e := newBrokerEnv(t, 20*time.Millisecond)
	s := e.openStream(t, "", asOperator(), inApp(e.AppID))
	deadline := time.After(10 * time.Second)
	for beat := false; !beat; {
		select {
		case ev := <-s.events:
			beat = strings.HasPrefix(ev.Comment, "heartbeat")
		case <-deadline:
			t.Fatal("no heartbeat in 10s")
		}
	}
	e.Handler.(*httpapi.Server).CloseStreams()
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				// A new stream is refused while the server stops.
				e.fails(t, 503, parley.CodeUnavailable, "GET", "/v3/events", nil, asOperator(), inApp(e.AppID))
				return
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the stream did not end when the server closed its streams")
		}
	}
}

func TestEventStreamAndStatsRefuseOtherCredentials(t *testing.T) {
	t.Parallel()
	e := newBrokerEnv(t, 0)
	e.mustUser(t, "alice")
	tok := e.mustToken(t, "alice")
	for _, path := range []string{"/v3/events", "/v3/stats"} {
		e.fails(t, 401, parley.CodeNoCredentials, "GET", path, nil, inApp(e.AppID))
		e.fails(t, 401, parley.CodeEmptyAppID, "GET", path, nil, asOperator())
		e.fails(t, 403, parley.CodeNoAccess, "GET", path, nil, e.asAuth())
		e.fails(t, 403, parley.CodeNoAccess, "GET", path, nil, e.asToken(tok))
		e.fails(t, 403, parley.CodeNoAccess, "GET", path, nil, e.asKey(), onBehalfOf("alice"))
		e.fails(t, 401, parley.CodeOperatorToken, "GET", path, nil, hdr{"Authorization": "Bearer wrong"}, inApp(e.AppID))
	}
	for _, c := range []struct{ query, code string }{
		{"type=nope", parley.CodeInvalidParam},
		{"type=message,relation", parley.CodeInvalidParam},
		{"uid=" + strings.Repeat("x", 200), parley.CodeInvalidUID},
		{"guid=bad%20guid", parley.CodeInvalidGUID},
	} {
		e.fails(t, 400, c.code, "GET", "/v3/events?"+c.query, nil, asOperator(), inApp(e.AppID))
	}
}

func TestStatsCountTheApp(t *testing.T) {
	t.Parallel()
	e := newBrokerEnv(t, 0)
	other, otherKey, _ := e.newApp(t, "Other")
	e.okObj(t, "POST", "/v3/users", map[string]any{"uid": "zed", "name": "Zed"}, hdr{"appid": other, "apikey": otherKey})
	for _, uid := range []string{"alice", "bob", "carol"} {
		e.mustUser(t, uid)
	}
	e.ok(t, "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": []string{"carol"}}, e.asKey())
	e.okObj(t, "POST", "/v3/groups", map[string]any{"guid": "team", "name": "Team", "type": "private"}, e.asKey(), onBehalfOf("alice"))
	e.okObj(t, "POST", "/v3/messages", toUser("bob", "one"), e.asKey(), onBehalfOf("alice"))
	e.okObj(t, "POST", "/v3/messages", toGroup("team", "two"), e.asKey(), onBehalfOf("alice"))
	got := e.okObj(t, "GET", "/v3/stats", nil, asOperator(), inApp(e.AppID))
	// The log holds the two messages sent and the group's action messages:
	// all the REST API Key reads in GET /v3/messages.
	logged, _ := e.ok(t, "GET", "/v3/messages?limit=1000", nil, e.asKey()).([]any)
	if len(logged) < 3 {
		t.Fatalf("the app's log holds %d messages, want the 2 sent and the group's creation", len(logged))
	}
	want := map[string]any{"appId": e.AppID, "users": 2.0, "deactivatedUsers": 1.0, "onlineUsers": 0.0,
		"groups": 1.0, "messages": float64(len(logged)), "apiKeys": 2.0}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("stats %s = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
	if o := e.okObj(t, "GET", "/v3/stats", nil, asOperator(), inApp(other)); o["users"] != 1.0 || o["messages"] != 0.0 {
		t.Errorf("the other app's stats: %v", o)
	}
}
