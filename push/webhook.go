package push

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/parleychat/parley"
)

// Webhook hands each notification to the app's own push service: a JSON
// POST to one configured URL (never a URL a client gave). The device token
// is opaque to Parley: whatever the app's service registered. The service
// answers 2xx when it took the push, 404 or 410 when the token is unknown
// to it (Parley then forgets the token), anything else for a failure.
type Webhook struct {
	url, secret string
	client      *http.Client
}

// WebhookConfig configures a Webhook provider.
type WebhookConfig struct {
	URL string
	// Secret, when set, is sent as "Authorization: Bearer <secret>" so the
	// receiver knows the call is Parley's.
	Secret string
	Client *http.Client // http.DefaultClient when nil
}

// NewWebhook checks cfg.
func NewWebhook(cfg WebhookConfig) (*Webhook, error) {
	if cfg.URL == "" {
		return nil, errors.New("push webhook: a URL is required")
	}
	w := &Webhook{url: cfg.URL, secret: cfg.Secret, client: cfg.Client}
	if w.client == nil {
		w.client = http.DefaultClient
	}
	return w, nil
}

// WebhookPush is the body a Webhook POSTs.
type WebhookPush struct {
	AppID        string           `json:"appId"`
	UID          string           `json:"uid"`
	Platform     string           `json:"platform"` // "webhook"
	Token        string           `json:"token"`
	Notification WebhookPushShown `json:"notification"`
}

// WebhookPushShown is the notification in a WebhookPush.
type WebhookPushShown struct {
	Title          string            `json:"title"`
	Body           string            `json:"body"`
	ConversationID string            `json:"conversationId"` // collapse key / thread id
	Call           bool              `json:"call,omitempty"`
	Count          int               `json:"count,omitempty"`
	Data           map[string]string `json:"data,omitempty"`
}

// Send POSTs one notification.
func (w *Webhook) Send(ctx context.Context, t *parley.PushToken, n *parley.Notification) error {
	body, err := json.Marshal(WebhookPush{AppID: t.AppID, UID: t.UID, Platform: t.Platform, Token: t.Token,
		Notification: WebhookPushShown{Title: n.Title, Body: n.Body, ConversationID: n.ConversationID, Call: n.Call,
			Count: n.Count, Data: n.Data}})
	if err != nil {
		return fmt.Errorf("push webhook: encode: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("push webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if w.secret != "" {
		req.Header.Set("Authorization", "Bearer "+w.secret)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("push webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return fmt.Errorf("push webhook: %s: %w", resp.Status, ErrInvalidToken)
	}
	return fmt.Errorf("push webhook: %s", resp.Status)
}
