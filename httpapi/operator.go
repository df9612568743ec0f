package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// DefaultEventsHeartbeat is how often an idle event stream sends a comment
// line when Config leaves EventsHeartbeat zero: proxies and browsers keep
// a stream that talks, and the server learns that a client went away.
const DefaultEventsHeartbeat = 15 * time.Second

func (s *Server) operatorRoutes() {
	s.mux.Handle("GET /v3/events", s.api(s.streamEvents))
	s.mux.Handle("GET /v3/stats", s.api(s.stats))
}

// streams ends the event streams when the server shuts down: they never go
// idle, so http.Server.Shutdown would otherwise wait for them.
type streams struct {
	once    sync.Once
	closing chan struct{}
}

// CloseStreams ends every open event stream (GET /v3/events) and refuses
// new ones. Register it with http.Server.RegisterOnShutdown.
func (s *Server) CloseStreams() { s.streams.once.Do(func() { close(s.streams.closing) }) }

// streamEvents answers GET /v3/events: the app's live events as
// Server-Sent Events, filtered by the type, uid and guid query parameters.
// The credentials come in headers as for every route (the operator token
// with an appid, or a full access key): EventSource can't send them, so
// browsers read the stream with fetch (docs/web.md).
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := chat.EventFilter{Types: q.list("type"), UID: q.str("uid"), GUID: q.str("guid")}
	select {
	case <-s.streams.closing:
		return parley.Errorf(parley.KindUnavailable, parley.CodeUnavailable, "the server is shutting down")
	default:
	}
	watch, err := s.svc.WatchEvents(r.Context(), f)
	if err != nil {
		return err
	}
	defer watch.Close()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // proxies that buffer (nginx): pass it through
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	send := func(event string, id int, data any) bool {
		b, err := json.Marshal(data)
		if err != nil {
			s.log.Error("encode event", "err", err)
			return true
		}
		if id > 0 {
			_, err = fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", id, event, b)
		} else {
			_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
		}
		return err == nil && rc.Flush() == nil
	}
	// "ready" says the subscription is live: every event from here on is
	// streamed.
	if !send("ready", 0, map[string]string{"appId": parley.ActorFrom(r.Context()).AppID}) {
		return nil
	}
	beat := time.NewTicker(s.heartbeat)
	defer beat.Stop()
	n := 0 // the events sent: each one's id (heartbeats don't count)
	for {
		select {
		case e, ok := <-watch.Events():
			if !ok {
				if errors.Is(watch.Err(), parley.ErrSubscriptionLagged) {
					send("error", 0, parley.WireError{Code: parley.CodeUnavailable,
						Message: "the stream fell behind and events were lost; reconnect"})
				}
				return nil
			}
			n++
			if !send(e.Type, n, e) {
				return nil
			}
		case <-beat.C:
			if _, err := io.WriteString(w, ": heartbeat "+strconv.FormatInt(time.Now().Unix(), 10)+"\n\n"); err != nil || rc.Flush() != nil {
				return nil
			}
		case <-r.Context().Done():
			return nil
		case <-s.streams.closing:
			return nil
		}
	}
}

// stats answers GET /v3/stats: the app's usage figures.
func (s *Server) stats(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.Stats(r.Context())
	if err != nil {
		return err
	}
	return ok(w, st, nil)
}
