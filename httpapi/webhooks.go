package httpapi

import (
	"net/http"
	"strconv"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// webhookRoutes registers the webhooks of an app (API.md §8,
// docs/webhooks.md); every route needs the REST API Key.
func (s *Server) webhookRoutes() {
	m := s.mux
	m.Handle("POST /v3/webhooks", s.api(s.createWebhook))
	m.Handle("GET /v3/webhooks", s.api(s.listWebhooks))
	m.Handle("GET /v3/webhooks/{id}", s.api(s.getWebhook))
	m.Handle("PUT /v3/webhooks/{id}", s.api(s.updateWebhook))
	m.Handle("DELETE /v3/webhooks/{id}", s.api(s.deleteWebhook))
	m.Handle("POST /v3/webhooks/{id}/triggers", s.api(s.addWebhookTriggers))
	m.Handle("GET /v3/webhooks/{id}/triggers", s.api(s.listWebhookTriggers))
	m.Handle("DELETE /v3/webhooks/{id}/triggers", s.api(s.removeWebhookTriggers))
	m.Handle("GET /v3/webhooks/{id}/deliveries", s.api(s.listDeliveries))
	m.Handle("POST /v3/webhooks/{id}/deliveries/{delivery}/redeliver", s.api(s.redeliver))
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var in chat.NewWebhook
	if err := decode(r, &in); err != nil {
		return err
	}
	h, err := s.svc.CreateWebhook(r.Context(), in)
	if err != nil {
		return err
	}
	return ok(w, h, nil)
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	p := q.page()
	if q.err != nil {
		return q.err
	}
	hs, meta, err := s.svc.Webhooks(r.Context(), p)
	return paged(w, hs, meta, err)
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) error {
	h, err := s.svc.Webhook(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, h, nil)
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) error {
	var in chat.WebhookUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	h, err := s.svc.UpdateWebhook(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return ok(w, h, nil)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.DeleteWebhook(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	return done(w, "webhook deleted")
}

// triggersBody is the body of the trigger calls.
type triggersBody struct {
	Triggers []string `json:"triggers"`
}

func (s *Server) addWebhookTriggers(w http.ResponseWriter, r *http.Request) error {
	var in triggersBody
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.svc.AddWebhookTriggers(r.Context(), r.PathValue("id"), in.Triggers)
	if err != nil {
		return err
	}
	return ok(w, out, nil)
}

func (s *Server) listWebhookTriggers(w http.ResponseWriter, r *http.Request) error {
	out, err := s.svc.WebhookTriggersOf(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, out, nil)
}

func (s *Server) removeWebhookTriggers(w http.ResponseWriter, r *http.Request) error {
	var in triggersBody
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.svc.RemoveWebhookTriggers(r.Context(), r.PathValue("id"), in.Triggers)
	if err != nil {
		return err
	}
	return ok(w, out, nil)
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := parley.DeliveryFilter{Status: q.str("status"), Page: q.page()}
	if q.err != nil {
		return q.err
	}
	ds, meta, err := s.svc.WebhookDeliveries(r.Context(), r.PathValue("id"), f)
	return paged(w, ds, meta, err)
}

func (s *Server) redeliver(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("delivery"), 10, 64)
	if err != nil || id <= 0 {
		return parley.Errorf(parley.KindNotFound, parley.CodeDeliveryNotFound, "no delivery %q", r.PathValue("delivery"))
	}
	d, err := s.svc.Redeliver(r.Context(), r.PathValue("id"), id)
	if err != nil {
		return err
	}
	return ok(w, d, nil)
}
