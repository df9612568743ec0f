package push

import (
	"bytes"
	"context"
	"crypto/rsa"
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

// FCM sends through Firebase Cloud Messaging's HTTP v1 API. It signs an
// OAuth2 assertion (RS256) with the service account's key, exchanges it at
// the account's token URI for an access token, keeps that until shortly
// before it expires, and POSTs each message to
// {BaseURL}/v1/projects/{project}/messages:send.
type FCM struct {
	projectID, email, keyID, tokenURI, base string
	key                                     *rsa.PrivateKey
	client                                  *http.Client
	now                                     func() time.Time

	mu      sync.Mutex
	access  string
	expires time.Time
}

// FCMScope is the OAuth2 scope of sending.
const FCMScope = "https://www.googleapis.com/auth/firebase.messaging"

// DefaultFCMURL is FCM's API.
const DefaultFCMURL = "https://fcm.googleapis.com"

// FCMConfig configures an FCM provider.
type FCMConfig struct {
	// Credentials is the service account's JSON key file (project_id,
	// private_key_id, private_key, client_email, token_uri).
	Credentials []byte
	// BaseURL is FCM's API (DefaultFCMURL); tests point it elsewhere.
	BaseURL string
	Client  *http.Client     // http.DefaultClient when nil
	Now     func() time.Time // time.Now when nil
}

// serviceAccount is the part of a service account key FCM needs.
type serviceAccount struct {
	Type         string `json:"type"`
	ProjectID    string `json:"project_id"`
	PrivateKeyID string `json:"private_key_id"`
	PrivateKey   string `json:"private_key"`
	ClientEmail  string `json:"client_email"`
	TokenURI     string `json:"token_uri"`
}

// NewFCM reads the service account of cfg.Credentials.
func NewFCM(cfg FCMConfig) (*FCM, error) {
	var sa serviceAccount
	if err := json.Unmarshal(cfg.Credentials, &sa); err != nil {
		return nil, fmt.Errorf("fcm: service account file: %w", err)
	}
	if sa.ProjectID == "" || sa.ClientEmail == "" || sa.PrivateKey == "" || sa.TokenURI == "" {
		return nil, errors.New("fcm: the service account file needs project_id, client_email, private_key and token_uri")
	}
	k, err := parsePrivateKey([]byte(sa.PrivateKey))
	if err != nil {
		return nil, fmt.Errorf("fcm: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("fcm: the service account's private key is not an RSA key")
	}
	f := &FCM{projectID: sa.ProjectID, email: sa.ClientEmail, keyID: sa.PrivateKeyID, tokenURI: sa.TokenURI,
		base: strings.TrimRight(cfg.BaseURL, "/"), key: rk, client: cfg.Client, now: cfg.Now}
	if f.base == "" {
		f.base = DefaultFCMURL
	}
	if f.client == nil {
		f.client = http.DefaultClient
	}
	if f.now == nil {
		f.now = time.Now
	}
	return f, nil
}

// accessToken returns the cached access token, fetching a new one when it
// is missing or within a minute of expiring.
func (f *FCM) accessToken(ctx context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	if f.access != "" && now.Before(f.expires.Add(-time.Minute)) {
		return f.access, nil
	}
	iat := now.Unix()
	assertion, err := signJWT(map[string]string{"alg": "RS256", "typ": "JWT", "kid": f.keyID},
		map[string]any{"iss": f.email, "scope": FCMScope, "aud": f.tokenURI, "iat": iat, "exp": iat + 3600},
		rs256(f.key))
	if err != nil {
		return "", fmt.Errorf("fcm: %w", err)
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.tokenURI, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("fcm: token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := f.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("fcm: token request: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("fcm: token request: %s: %s", resp.Status, bytes.TrimSpace(body))
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("fcm: token response without an access token: %s", bytes.TrimSpace(body))
	}
	f.access, f.expires = tok.AccessToken, now.Add(time.Duration(tok.ExpiresIn)*time.Second)
	return f.access, nil
}

// forget drops the cached access token if it is still access (the service
// refused it).
func (f *FCM) forget(access string) {
	f.mu.Lock()
	if f.access == access {
		f.access = ""
	}
	f.mu.Unlock()
}

// fcmMessage is the body of messages:send.
type fcmMessage struct {
	Message struct {
		Token        string            `json:"token"`
		Notification fcmNotification   `json:"notification"`
		Data         map[string]string `json:"data,omitempty"`
		Android      fcmAndroid        `json:"android"`
		APNs         fcmAPNs           `json:"apns"`
	} `json:"message"`
}

type fcmNotification struct {
	Title string `json:"title,omitempty"`
	Body  string `json:"body,omitempty"`
}

type fcmAndroid struct {
	CollapseKey  string `json:"collapse_key,omitempty"`
	Priority     string `json:"priority"`
	Notification struct {
		Tag string `json:"tag,omitempty"` // replaces the conversation's shown notification
	} `json:"notification"`
}

type fcmAPNs struct {
	Headers map[string]string `json:"headers,omitempty"`
	Payload struct {
		APS struct {
			ThreadID string `json:"thread-id,omitempty"`
		} `json:"aps"`
	} `json:"payload"`
}

// Send POSTs one message; a refused access token is renewed once.
func (f *FCM) Send(ctx context.Context, t *parley.PushToken, n *parley.Notification) error {
	var m fcmMessage
	msg := &m.Message
	msg.Token, msg.Notification, msg.Data = t.Token, fcmNotification{Title: n.Title, Body: n.Body}, n.Data
	msg.Android.CollapseKey, msg.Android.Priority = collapseID(n.ConversationID), "normal"
	if n.Call {
		msg.Android.Priority = "high"
	}
	msg.Android.Notification.Tag = n.ConversationID
	if n.ConversationID != "" {
		msg.APNs.Headers = map[string]string{"apns-collapse-id": collapseID(n.ConversationID)}
	}
	msg.APNs.Payload.APS.ThreadID = n.ConversationID
	body, err := json.Marshal(&m)
	if err != nil {
		return fmt.Errorf("fcm: encode: %w", err)
	}
	for attempt := 0; ; attempt++ {
		access, err := f.accessToken(ctx)
		if err != nil {
			return err
		}
		status, err := f.post(ctx, access, body)
		if status == http.StatusUnauthorized && attempt == 0 {
			f.forget(access)
			continue
		}
		return err
	}
}

// post sends one messages:send request and maps FCM's answer.
func (f *FCM) post(ctx context.Context, access string, body []byte) (int, error) {
	u := f.base + "/v1/projects/" + url.PathEscape(f.projectID) + "/messages:send"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("fcm: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	resp, err := f.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("fcm: send: %w", err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode == http.StatusOK {
		return resp.StatusCode, nil
	}
	var e struct {
		Error struct {
			Status  string `json:"status"`
			Message string `json:"message"`
			Details []struct {
				ErrorCode string `json:"errorCode"`
			} `json:"details"`
		} `json:"error"`
	}
	_ = json.Unmarshal(rb, &e)
	code := e.Error.Status
	for _, d := range e.Error.Details {
		if d.ErrorCode != "" {
			code = d.ErrorCode
		}
	}
	// UNREGISTERED (404): the app was uninstalled or the token expired.
	if code == "UNREGISTERED" || resp.StatusCode == http.StatusNotFound {
		return resp.StatusCode, fmt.Errorf("fcm: %s %s: %w", resp.Status, code, ErrInvalidToken)
	}
	return resp.StatusCode, fmt.Errorf("fcm: send: %s %s: %s", resp.Status, code, e.Error.Message)
}

// collapseID fits a conversation id to the 64 bytes APNs allows a
// collapse id (FCM's collapse key takes the same): a longer one is
// replaced by a hash of it.
func collapseID(conversationID string) string {
	if len(conversationID) <= 64 {
		return conversationID
	}
	return "c-" + hashHex(conversationID)
}
