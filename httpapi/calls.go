package httpapi

import (
	"net/http"

	"github.com/parleychat/parley"
)

// callRoutes registers API.md §7: calls, signalling only. Starting and
// moving a call on write a message each, so they take from the message
// budgets as sends do.
func (s *Server) callRoutes() {
	m := s.mux
	m.Handle("POST /v3/calls", s.apiSend(s.initiateCall))
	m.Handle("GET /v3/calls/{sessionId}", s.api(s.getCall))
	m.Handle("PUT /v3/calls/{sessionId}", s.apiSend(s.updateCall))
}

// initiateCall answers with the call's first message.
func (s *Server) initiateCall(w http.ResponseWriter, r *http.Request) error {
	var in parley.NewCall
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.svc.InitiateCall(r.Context(), in)
	if err != nil {
		return err
	}
	return ok(w, m, nil)
}

// updateCall answers with the call message of the change.
func (s *Server) updateCall(w http.ResponseWriter, r *http.Request) error {
	var in parley.CallUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.svc.UpdateCall(r.Context(), r.PathValue("sessionId"), in)
	if err != nil {
		return err
	}
	return ok(w, m, nil)
}

func (s *Server) getCall(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Call(r.Context(), r.PathValue("sessionId"))
	if err != nil {
		return err
	}
	return ok(w, c, nil)
}
