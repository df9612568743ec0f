package httpapi

import (
	"net/http"

	"github.com/parleychat/parley/chat"
)

// pushRoutes registers push tokens (per login) and push preferences
// (docs/push.md).
func (s *Server) pushRoutes() {
	m := s.mux
	m.Handle("POST /v3/me/push_tokens", s.api(s.registerPushToken))
	m.Handle("GET /v3/me/push_tokens", s.api(s.listPushTokens))
	m.Handle("DELETE /v3/me/push_tokens", s.api(s.unregisterPushTokens))
	m.Handle("GET /v3/notifications/v1/preferences", s.api(s.getPushPreferences))
	m.Handle("PUT /v3/notifications/v1/preferences", s.api(s.updatePushPreferences))
	m.Handle("DELETE /v3/notifications/v1/preferences", s.api(s.resetPushPreferences))
	m.Handle("GET /v3/notifications/v1/preferences/conversations", s.api(s.listConversationPushes))
	m.Handle("PUT /v3/notifications/v1/preferences/conversations", s.api(s.setConversationPushes))
	m.Handle("DELETE /v3/notifications/v1/preferences/conversations", s.api(s.resetConversationPushes))
}

func (s *Server) registerPushToken(w http.ResponseWriter, r *http.Request) error {
	var in chat.PushTokenIn
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.svc.RegisterPushToken(r.Context(), in)
	if err != nil {
		return err
	}
	return ok(w, t, nil)
}

func (s *Server) listPushTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.svc.PushTokens(r.Context())
	if err != nil {
		return err
	}
	return all(w, ts)
}

func (s *Server) unregisterPushTokens(w http.ResponseWriter, r *http.Request) error {
	var in chat.PushTokenIn
	if err := decode(r, &in); err != nil {
		return err
	}
	n, err := s.svc.UnregisterPushTokens(r.Context(), in)
	if err != nil {
		return err
	}
	return ok(w, map[string]any{"success": true, "message": "push tokens deleted", "deleted": n}, nil)
}

func (s *Server) getPushPreferences(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.PushPreferences(r.Context())
	if err != nil {
		return err
	}
	return ok(w, p, nil)
}

func (s *Server) updatePushPreferences(w http.ResponseWriter, r *http.Request) error {
	var in chat.PushPreferencesUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.svc.UpdatePushPreferences(r.Context(), in)
	if err != nil {
		return err
	}
	return ok(w, p, nil)
}

func (s *Server) resetPushPreferences(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.ResetPushPreferences(r.Context())
	if err != nil {
		return err
	}
	return ok(w, p, nil)
}

func (s *Server) listConversationPushes(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.svc.ConversationPushes(r.Context())
	if err != nil {
		return err
	}
	return all(w, cs)
}

func (s *Server) setConversationPushes(w http.ResponseWriter, r *http.Request) error {
	var in chat.ConversationPushUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	cs, err := s.svc.SetConversationPushes(r.Context(), in)
	if err != nil {
		return err
	}
	return all(w, cs)
}

func (s *Server) resetConversationPushes(w http.ResponseWriter, r *http.Request) error {
	var in chat.ConversationsIn
	if err := decode(r, &in); err != nil {
		return err
	}
	n, err := s.svc.ResetConversationPushes(r.Context(), in)
	if err != nil {
		return err
	}
	return ok(w, map[string]any{"success": true, "message": "conversation push settings reset", "deleted": n}, nil)
}
