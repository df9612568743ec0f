package httpapi

import (
	"net/http"

	"github.com/parleychat/parley/chat"
)

func (s *Server) createApp(w http.ResponseWriter, r *http.Request) error {
	var in chat.NewApp
	if err := decode(r, &in); err != nil {
		return err
	}
	app, err := s.svc.CreateApp(r.Context(), in)
	if err != nil {
		return err
	}
	return ok(w, app, nil)
}

func (s *Server) listApps(w http.ResponseWriter, r *http.Request) error {
	apps, err := s.svc.Apps(r.Context())
	if err != nil {
		return err
	}
	return all(w, apps)
}

func (s *Server) getApp(w http.ResponseWriter, r *http.Request) error {
	app, err := s.svc.App(r.Context(), r.PathValue("appId"))
	if err != nil {
		return err
	}
	return ok(w, app, nil)
}

func (s *Server) deleteApp(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.DeleteApp(r.Context(), r.PathValue("appId")); err != nil {
		return err
	}
	return done(w, "app deleted")
}

func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request) error {
	var in chat.NewAPIKey
	if err := decode(r, &in); err != nil {
		return err
	}
	k, err := s.svc.CreateAPIKey(r.Context(), in)
	if err != nil {
		return err
	}
	return ok(w, k, nil)
}

func (s *Server) listAPIKeys(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	p := q.page()
	if q.err != nil {
		return q.err
	}
	keys, meta, err := s.svc.APIKeys(r.Context(), p)
	return paged(w, keys, meta, err)
}

func (s *Server) getAPIKey(w http.ResponseWriter, r *http.Request) error {
	k, err := s.svc.APIKey(r.Context(), r.PathValue("apiKey"))
	if err != nil {
		return err
	}
	return ok(w, k, nil)
}

func (s *Server) updateAPIKey(w http.ResponseWriter, r *http.Request) error {
	var in chat.APIKeyUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	k, err := s.svc.UpdateAPIKey(r.Context(), r.PathValue("apiKey"), in)
	if err != nil {
		return err
	}
	return ok(w, k, nil)
}

func (s *Server) deleteAPIKey(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.DeleteAPIKey(r.Context(), r.PathValue("apiKey")); err != nil {
		return err
	}
	return done(w, "api key deleted")
}
