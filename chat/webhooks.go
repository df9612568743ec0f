package chat

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/internal/token"
)

// NewWebhook is what creates a webhook. Enabled and RetryOnFailure default
// to true; Triggers may be given here or attached later.
type NewWebhook struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	URL             string   `json:"webhookURL"`
	UseBasicAuth    bool     `json:"useBasicAuth"`
	Username        string   `json:"username"`
	Password        string   `json:"password"`
	Enabled         *bool    `json:"enabled"`
	RetryOnFailure  *bool    `json:"retryOnFailure"`
	RejectOnFailure bool     `json:"rejectOnFailure"`
	Triggers        []string `json:"triggers"`
}

// WebhookUpdate changes a webhook: the fields that are set. Turning basic
// authentication off forgets the username and password.
type WebhookUpdate struct {
	Name            *string `json:"name"`
	URL             *string `json:"webhookURL"`
	UseBasicAuth    *bool   `json:"useBasicAuth"`
	Username        *string `json:"username"`
	Password        *string `json:"password"`
	Enabled         *bool   `json:"enabled"`
	RetryOnFailure  *bool   `json:"retryOnFailure"`
	RejectOnFailure *bool   `json:"rejectOnFailure"`
}

// WebhookTriggers is the answer of the trigger calls: the triggers the
// webhook takes after the call.
type WebhookTriggers struct {
	Triggers []string `json:"triggers"`
}

func errWebhookNotFound(id string) *parley.Error {
	return parley.Errorf(parley.KindNotFound, parley.CodeWebhookNotFound, "no webhook %s in this app", id)
}

// webhookSecretPrefix marks a webhook's signing secret, so that one found
// in a config file says what it is.
const webhookSecretPrefix = "whsec_"

// checkWebhookURL checks a delivery URL: absolute http or https with a
// host, no credentials in it (basic auth has its own fields) and no
// fragment. Whether the host may be a private address is the dispatcher's
// call, made when it connects (see package webhook).
func checkWebhookURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	bad := func(why string) error {
		return parley.Errorf(parley.KindInvalid, parley.CodeInvalidWebhookURL, "webhookURL %s", why)
	}
	if raw == "" {
		return "", bad("is required")
	}
	if len(raw) > parley.MaxURLLen {
		return "", bad("is too long")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", bad("is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return "", bad("must be an http or https URL")
	case u.Host == "" || u.Hostname() == "":
		return "", bad("needs a host")
	case u.User != nil:
		return "", bad("must not carry credentials: use useBasicAuth, username and password")
	case u.Fragment != "":
		return "", bad("must not have a fragment")
	}
	return raw, nil
}

// checkWebhookName checks a webhook's name.
func checkWebhookName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", parley.Errorf(parley.KindInvalid, parley.CodeEmptyName, "name is required")
	}
	return name, checkLen("name", name, parley.MaxWebhookIDLen)
}

// checkBasicAuth checks the credentials of a webhook that uses them, and
// clears them when it does not.
func checkBasicAuth(w *parley.Webhook) error {
	if !w.UseBasicAuth {
		w.Username, w.Password = "", ""
		return nil
	}
	if w.Username == "" || w.Password == "" {
		return invalid("useBasicAuth needs a username and a password")
	}
	if strings.Contains(w.Username, ":") {
		return invalid("a basic auth username can't contain ':'")
	}
	if err := checkLen("username", w.Username, parley.MaxNameLen); err != nil {
		return err
	}
	return checkLen("password", w.Password, parley.MaxNameLen)
}

// checkTriggers checks trigger names as the caller wrote them and returns
// them without duplicates. Unknown names refuse the whole call.
func checkTriggers(in []string, empty bool) ([]string, error) {
	if len(in) == 0 && !empty {
		return nil, parley.Errorf(parley.KindInvalid, parley.CodeInvalidTrigger, "name at least one trigger")
	}
	var out []string
	for _, t := range in {
		if !parley.IsTrigger(t) {
			return nil, parley.Errorf(parley.KindInvalid, parley.CodeInvalidTrigger,
				"there is no trigger %q (docs/webhooks.md lists them)", t)
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// oneModerator refuses a second webhook of the app with before_message:
// an app has one moderation hook, so a message waits for one answer.
func oneModerator(ctx context.Context, tx parley.Tx, appID, id string, triggers []string) error {
	if !slices.Contains(triggers, parley.TriggerBeforeMessage) {
		return nil
	}
	ws, err := tx.Webhooks(ctx, appID)
	if err != nil {
		return err
	}
	for _, w := range ws {
		if w.ID != id && w.Has(parley.TriggerBeforeMessage) {
			return parley.Errorf(parley.KindConflict, parley.CodeModerationHookExists,
				"the webhook %s already takes before_message: an app has one moderation hook", w.ID)
		}
	}
	return nil
}

// CreateWebhook makes a webhook; its signing secret is returned in full,
// once.
func (s *Service) CreateWebhook(ctx context.Context, in NewWebhook) (*parley.Webhook, error) {
	a, err := needFull(ctx, "manage webhooks")
	if err != nil {
		return nil, err
	}
	id, ok := parley.NormalizeID(in.ID)
	if !ok || len(id) > parley.MaxWebhookIDLen {
		return nil, invalid("id must be 1-%d characters of a-z, 0-9, _ and -", parley.MaxWebhookIDLen)
	}
	now := s.unix()
	w := &parley.Webhook{ID: id, UseBasicAuth: in.UseBasicAuth, Username: in.Username, Password: in.Password,
		Enabled: in.Enabled == nil || *in.Enabled, RetryOnFailure: in.RetryOnFailure == nil || *in.RetryOnFailure,
		RejectOnFailure: in.RejectOnFailure, Secret: webhookSecretPrefix + token.New().Value, CreatedAt: now, UpdatedAt: now}
	if w.Name, err = checkWebhookName(in.Name); err != nil {
		return nil, err
	}
	if w.URL, err = checkWebhookURL(in.URL); err != nil {
		return nil, err
	}
	if err := checkBasicAuth(w); err != nil {
		return nil, err
	}
	if w.Triggers, err = checkTriggers(in.Triggers, true); err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		ws, err := tx.Webhooks(ctx, a.AppID)
		if err != nil {
			return err
		}
		if len(ws) >= parley.MaxWebhooks {
			return parley.Errorf(parley.KindConflict, parley.CodeWebhookLimit, "an app holds at most %d webhooks", parley.MaxWebhooks)
		}
		if err := oneModerator(ctx, tx, a.AppID, id, w.Triggers); err != nil {
			return err
		}
		return storeErr(tx.CreateWebhook(ctx, a.AppID, w), nil,
			parley.Errorf(parley.KindConflict, parley.CodeWebhookExists, "the webhook id %s is taken", id))
	})
	if err != nil {
		return nil, storeErr(err, nil, nil)
	}
	s.hooks.forget(a.AppID)
	slices.Sort(w.Triggers)
	if w.Triggers == nil {
		w.Triggers = []string{}
	}
	return w, nil
}

// loadWebhook reads a webhook for an answer: no secret, triggers a list.
func loadWebhook(ctx context.Context, r parley.Tx, appID, id string) (*parley.Webhook, error) {
	nid, _ := parley.NormalizeID(id)
	w, err := r.Webhook(ctx, appID, nid)
	if err != nil {
		return nil, storeErr(err, errWebhookNotFound(id), nil)
	}
	return shownWebhook(w), nil
}

// shownWebhook is w as answers show it: without its secret.
func shownWebhook(w *parley.Webhook) *parley.Webhook {
	c := *w
	c.Secret = ""
	if c.Triggers == nil {
		c.Triggers = []string{}
	}
	return &c
}

// Webhooks lists a page of the app's webhooks, oldest first.
func (s *Service) Webhooks(ctx context.Context, p parley.Page) ([]*parley.Webhook, parley.Pagination, error) {
	a, err := needFull(ctx, "manage webhooks")
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	if p, err = s.page(p); err != nil {
		return nil, parley.Pagination{}, err
	}
	ws, err := s.store.Webhooks(ctx, a.AppID)
	if err != nil {
		return nil, parley.Pagination{}, parley.Internal(err)
	}
	ws, meta := pageOf(ws, p)
	out := make([]*parley.Webhook, len(ws))
	for i, w := range ws {
		out[i] = shownWebhook(w)
	}
	return out, meta, nil
}

// Webhook returns one webhook.
func (s *Service) Webhook(ctx context.Context, id string) (*parley.Webhook, error) {
	a, err := needFull(ctx, "manage webhooks")
	if err != nil {
		return nil, err
	}
	return loadWebhook(ctx, s.store, a.AppID, id)
}

// UpdateWebhook changes a webhook's settings.
func (s *Service) UpdateWebhook(ctx context.Context, id string, in WebhookUpdate) (*parley.Webhook, error) {
	a, err := needFull(ctx, "manage webhooks")
	if err != nil {
		return nil, err
	}
	var out *parley.Webhook
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		w, err := loadWebhook(ctx, tx, a.AppID, id)
		if err != nil {
			return err
		}
		if in.Name != nil {
			if w.Name, err = checkWebhookName(*in.Name); err != nil {
				return err
			}
		}
		if in.URL != nil {
			if w.URL, err = checkWebhookURL(*in.URL); err != nil {
				return err
			}
		}
		for _, f := range []struct {
			dst *bool
			src *bool
		}{{&w.UseBasicAuth, in.UseBasicAuth}, {&w.Enabled, in.Enabled}, {&w.RetryOnFailure, in.RetryOnFailure},
			{&w.RejectOnFailure, in.RejectOnFailure}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		if in.Username != nil {
			w.Username = *in.Username
		}
		if in.Password != nil {
			w.Password = *in.Password
		}
		if err := checkBasicAuth(w); err != nil {
			return err
		}
		w.UpdatedAt = s.unix()
		out = w
		return tx.UpdateWebhook(ctx, a.AppID, w)
	})
	if err != nil {
		return nil, storeErr(err, errWebhookNotFound(id), nil)
	}
	s.hooks.forget(a.AppID)
	return out, nil
}

// DeleteWebhook removes a webhook with its triggers and deliveries.
func (s *Service) DeleteWebhook(ctx context.Context, id string) error {
	a, err := needFull(ctx, "manage webhooks")
	if err != nil {
		return err
	}
	nid, _ := parley.NormalizeID(id)
	err = storeErr(s.store.DeleteWebhook(ctx, a.AppID, nid), errWebhookNotFound(id), nil)
	s.hooks.forget(a.AppID)
	return err
}

// AddWebhookTriggers attaches triggers to a webhook and returns all it
// takes. Unknown trigger names refuse the call: nothing is written.
func (s *Service) AddWebhookTriggers(ctx context.Context, id string, triggers []string) (*WebhookTriggers, error) {
	return s.changeTriggers(ctx, id, triggers, true)
}

// RemoveWebhookTriggers detaches triggers and returns those left.
func (s *Service) RemoveWebhookTriggers(ctx context.Context, id string, triggers []string) (*WebhookTriggers, error) {
	return s.changeTriggers(ctx, id, triggers, false)
}

func (s *Service) changeTriggers(ctx context.Context, id string, in []string, add bool) (*WebhookTriggers, error) {
	a, err := needFull(ctx, "manage webhooks")
	if err != nil {
		return nil, err
	}
	triggers, err := checkTriggers(in, false)
	if err != nil {
		return nil, err
	}
	var out *WebhookTriggers
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		w, err := loadWebhook(ctx, tx, a.AppID, id)
		if err != nil {
			return err
		}
		if add {
			if err := oneModerator(ctx, tx, a.AppID, w.ID, triggers); err != nil {
				return err
			}
			err = tx.AddWebhookTriggers(ctx, a.AppID, w.ID, triggers, s.unix())
		} else {
			err = tx.RemoveWebhookTriggers(ctx, a.AppID, w.ID, triggers)
		}
		if err != nil {
			return err
		}
		if w, err = loadWebhook(ctx, tx, a.AppID, w.ID); err != nil {
			return err
		}
		out = &WebhookTriggers{Triggers: w.Triggers}
		return nil
	})
	if err != nil {
		return nil, storeErr(err, errWebhookNotFound(id), nil)
	}
	s.hooks.forget(a.AppID)
	return out, nil
}

// WebhookTriggersOf lists the triggers a webhook takes.
func (s *Service) WebhookTriggersOf(ctx context.Context, id string) (*WebhookTriggers, error) {
	w, err := s.Webhook(ctx, id)
	if err != nil {
		return nil, err
	}
	return &WebhookTriggers{Triggers: w.Triggers}, nil
}

// WebhookDeliveries lists a page of a webhook's delivery log, newest first.
func (s *Service) WebhookDeliveries(ctx context.Context, id string, f parley.DeliveryFilter) ([]*parley.Delivery, parley.Pagination, error) {
	a, err := needFull(ctx, "manage webhooks")
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	switch f.Status {
	case "", parley.DeliveryPending, parley.DeliveryDelivered, parley.DeliveryFailed:
	default:
		return nil, parley.Pagination{}, invalid("status must be pending, delivered or failed")
	}
	if f.Page, err = s.page(f.Page); err != nil {
		return nil, parley.Pagination{}, err
	}
	w, err := loadWebhook(ctx, s.store, a.AppID, id)
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	ds, total, err := s.store.Deliveries(ctx, a.AppID, w.ID, f)
	if err != nil {
		return nil, parley.Pagination{}, parley.Internal(err)
	}
	if ds == nil {
		ds = []*parley.Delivery{}
	}
	return ds, parley.NewPagination(f.Page, len(ds), total), nil
}

// Redeliver queues a delivery again, as a new delivery at the end of its
// webhook's queue, and returns it.
func (s *Service) Redeliver(ctx context.Context, id string, deliveryID int64) (*parley.Delivery, error) {
	a, err := needFull(ctx, "manage webhooks")
	if err != nil {
		return nil, err
	}
	w, err := loadWebhook(ctx, s.store, a.AppID, id)
	if err != nil {
		return nil, err
	}
	d, err := s.store.Redeliver(ctx, a.AppID, w.ID, deliveryID, s.now().UnixMilli())
	if err != nil {
		return nil, storeErr(err, parley.Errorf(parley.KindNotFound, parley.CodeDeliveryNotFound,
			"the webhook %s has no delivery %d", w.ID, deliveryID), nil)
	}
	s.notifyDeliveries()
	return d, nil
}
