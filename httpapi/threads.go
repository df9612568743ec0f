package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// threadRoutes registers the thread lists and subscriptions (API.md §12).
func (s *Server) threadRoutes() {
	m := s.mux
	m.Handle("GET /v3/threads", s.api(s.listThreads))
	m.Handle("GET /v3/users/{uid}/threads", s.api(s.userThreads))
	m.Handle("GET /v3/groups/{guid}/threads", s.api(s.groupThreads))
	m.Handle("POST /v3/messages/{id}/thread/subscription", s.api(s.subscribeThread))
	m.Handle("DELETE /v3/messages/{id}/thread/subscription", s.api(s.unsubscribeThread))
}

// threadQuery reads a thread list's query: the cursor of message lists
// over the parents' ids, and participatedByMe.
func threadQuery(q *query) chat.ThreadQuery {
	return chat.ThreadQuery{MessageFilter: messageFilter(q), ParticipatedByMe: q.bool("participatedByMe")}
}

func (s *Server) listThreads(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	tq := threadQuery(q)
	if q.err != nil {
		return q.err
	}
	p, err := s.svc.Threads(r.Context(), tq)
	return threadPage(w, p, err)
}

func (s *Server) userThreads(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	tq := threadQuery(q)
	if q.err != nil {
		return q.err
	}
	p, err := s.svc.UserThreads(r.Context(), r.PathValue("uid"), tq)
	return threadPage(w, p, err)
}

func (s *Server) groupThreads(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	tq := threadQuery(q)
	if q.err != nil {
		return q.err
	}
	p, err := s.svc.GroupThreads(r.Context(), r.PathValue("guid"), tq)
	return threadPage(w, p, err)
}

// threadPage writes a page of threads with the cursors of message lists,
// over the parents' ids.
func threadPage(w http.ResponseWriter, p *chat.ThreadPage, err error) error {
	if err != nil {
		return err
	}
	ts, f := p.Threads, p.Filter
	meta := map[string]any{"current": map[string]int{"limit": f.Limit, "count": len(ts)}}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	if len(ts) > 0 {
		meta["previous"] = map[string]any{"affix": parley.AffixPrepend, "id": id(ts[0].ParentMessageID)}
		meta["next"] = map[string]any{"affix": parley.AffixAppend, "id": id(ts[len(ts)-1].ParentMessageID)}
	} else if f.AfterID > 0 {
		meta["next"] = map[string]any{"affix": parley.AffixAppend, "id": id(f.AfterID)}
	}
	return ok(w, ts, meta)
}

func (s *Server) subscribeThread(w http.ResponseWriter, r *http.Request) error {
	return s.subscription(w, r, s.svc.SubscribeThread)
}

func (s *Server) unsubscribeThread(w http.ResponseWriter, r *http.Request) error {
	return s.subscription(w, r, s.svc.UnsubscribeThread)
}

func (s *Server) subscription(w http.ResponseWriter, r *http.Request, fn func(ctx context.Context, id int64) (string, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	msg, err := fn(r.Context(), id)
	if err != nil {
		return err
	}
	return done(w, msg)
}
