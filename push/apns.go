package push

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/parleychat/parley"
)

// APNs sends through the Apple Push Notification service with token-based
// authentication: a provider token (ES256 JWT naming the key id and team
// id) renewed every apnsTokenLife, and HTTP/2 POSTs to
// {BaseURL}/3/device/{device token}.
type APNs struct {
	keyID, teamID, topic, base string
	key                        *ecdsa.PrivateKey
	client                     *http.Client
	now                        func() time.Time

	mu     sync.Mutex
	jwt    string
	issued time.Time
}

// Apple's hosts.
const (
	APNsProductionURL = "https://api.push.apple.com"
	APNsSandboxURL    = "https://api.sandbox.push.apple.com"
)

// apnsTokenLife is how long a provider token is reused: Apple refuses one
// older than an hour and asks that it be renewed at most every 20 minutes.
const apnsTokenLife = 50 * time.Minute

// APNsConfig configures an APNs provider.
type APNsConfig struct {
	Key    []byte // the .p8 signing key (PEM, PKCS#8 P-256)
	KeyID  string // its 10-character key id
	TeamID string // the developer team id
	Topic  string // the app's bundle id
	// BaseURL is APNsProductionURL (the default) or APNsSandboxURL; tests
	// point it elsewhere.
	BaseURL string
	// Client must speak HTTP/2 (APNs takes nothing else): the default, a
	// client whose transport attempts HTTP/2 over TLS.
	Client *http.Client
	Now    func() time.Time // time.Now when nil
}

// NewAPNs checks cfg and reads its key.
func NewAPNs(cfg APNsConfig) (*APNs, error) {
	if cfg.KeyID == "" || cfg.TeamID == "" || cfg.Topic == "" {
		return nil, errors.New("apns: a key id, a team id and a topic (the bundle id) are required")
	}
	k, err := parsePrivateKey(cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("apns: %w", err)
	}
	ek, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, errors.New("apns: the signing key is not an EC (P-256) key")
	}
	a := &APNs{keyID: cfg.KeyID, teamID: cfg.TeamID, topic: cfg.Topic, base: strings.TrimRight(cfg.BaseURL, "/"),
		key: ek, client: cfg.Client, now: cfg.Now}
	if a.base == "" {
		a.base = APNsProductionURL
	}
	if a.client == nil {
		a.client = &http.Client{Transport: &http.Transport{ForceAttemptHTTP2: true, Proxy: http.ProxyFromEnvironment}}
	}
	if a.now == nil {
		a.now = time.Now
	}
	return a, nil
}

// providerToken returns the current provider token, signing a new one when
// it is older than apnsTokenLife or was refused (stale set).
func (a *APNs) providerToken(stale string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	// A token other than the refused one is fresh (another send may have
	// renewed it meanwhile).
	if a.jwt != "" && a.jwt != stale && now.Sub(a.issued) < apnsTokenLife {
		return a.jwt, nil
	}
	t, err := signJWT(map[string]string{"alg": "ES256", "kid": a.keyID},
		map[string]any{"iss": a.teamID, "iat": now.Unix()}, es256(a.key))
	if err != nil {
		return "", fmt.Errorf("apns: %w", err)
	}
	a.jwt, a.issued = t, now
	return t, nil
}

// apnsPayload is the JSON body: aps, and the notification's data as
// top-level keys (as FCM's data, so that an app reads one set of keys).
type apnsAPS struct {
	Alert struct {
		Title string `json:"title,omitempty"`
		Body  string `json:"body,omitempty"`
	} `json:"alert"`
	Sound          string `json:"sound,omitempty"`
	ThreadID       string `json:"thread-id,omitempty"`
	MutableContent int    `json:"mutable-content,omitempty"`
}

// Send POSTs one notification; a refused provider token is renewed once.
func (a *APNs) Send(ctx context.Context, t *parley.PushToken, n *parley.Notification) error {
	aps := apnsAPS{Sound: "default", ThreadID: n.ConversationID, MutableContent: 1}
	aps.Alert.Title, aps.Alert.Body = n.Title, n.Body
	payload := make(map[string]any, len(n.Data)+1)
	for k, v := range n.Data {
		payload[k] = v
	}
	payload["aps"] = aps
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("apns: encode: %w", err)
	}
	stale := ""
	for attempt := 0; ; attempt++ {
		jwt, err := a.providerToken(stale)
		if err != nil {
			return err
		}
		reason, err := a.post(ctx, jwt, t.Token, n, body)
		if attempt == 0 && (reason == "ExpiredProviderToken" || reason == "InvalidProviderToken") {
			stale = jwt
			continue
		}
		return err
	}
}

// post sends one request and maps Apple's answer; it returns the reason
// Apple gave for a refusal.
func (a *APNs) post(ctx context.Context, jwt, device string, n *parley.Notification, body []byte) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/3/device/"+url.PathEscape(device), bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("apns: %w", err)
	}
	h := req.Header
	h.Set("authorization", "bearer "+jwt)
	h.Set("apns-topic", a.topic)
	h.Set("apns-push-type", "alert")
	h.Set("apns-priority", "10")
	if n.ConversationID != "" {
		h.Set("apns-collapse-id", collapseID(n.ConversationID))
	}
	if n.Call {
		h.Set("apns-expiration", "0") // a ring is worth nothing later: now or never
	}
	h.Set("content-type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("apns: send: %w", err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode == http.StatusOK {
		return "", nil
	}
	var e struct {
		Reason string `json:"reason"`
	}
	_ = json.Unmarshal(rb, &e)
	// 410 Unregistered: the token is no longer active for the topic;
	// BadDeviceToken, DeviceTokenNotForTopic: it never was.
	if resp.StatusCode == http.StatusGone || e.Reason == "BadDeviceToken" || e.Reason == "Unregistered" ||
		e.Reason == "DeviceTokenNotForTopic" {
		return e.Reason, fmt.Errorf("apns: %s %s: %w", resp.Status, e.Reason, ErrInvalidToken)
	}
	return e.Reason, fmt.Errorf("apns: send: %s %s", resp.Status, e.Reason)
}

// hashHex is a short hex digest of s.
func hashHex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}
