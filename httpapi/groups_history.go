//go:build !msg

package httpapi

import (
	"net/http"
)

// messageRoutes registers the group history (the rest of API.md §5 comes
// with the messaging build).
func (s *Server) messageRoutes() {
	s.mux.Handle("GET /v3/groups/{guid}/messages", s.api(s.groupMessages))
}

func (s *Server) groupMessages(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := messageFilter(q)
	if q.err != nil {
		return q.err
	}
	p, err := s.svc.GroupMessages(r.Context(), r.PathValue("guid"), f)
	return messagePage(w, p, err)
}
