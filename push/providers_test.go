package push_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parleychat/parley"
	"github.com/parleychat/parley/push"
	"github.com/parleychat/parley/push/pushtest"
)

// note is the notification the provider tests send.
func note() *parley.Notification {
	return &parley.Notification{Title: "Alice", Body: "hello <b>", ConversationID: "alice_user_bob",
		Data: map[string]string{"conversationId": "alice_user_bob", "messageId": "7", "sender": "alice"}}
}

func device(platform, token string) *parley.PushToken {
	return &parley.PushToken{AppID: "app1", UID: "bob", Platform: platform, Token: token}
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newFCM(t *testing.T, f *pushtest.FCM, now func() time.Time) *push.FCM {
	t.Helper()
	p, err := push.NewFCM(push.FCMConfig{Credentials: f.Credentials, BaseURL: f.URL, Client: f.Client(), Now: now})
	if err != nil {
		t.Fatalf("NewFCM: %v", err)
	}
	return p
}

func wantNoFailures(t *testing.T, failures []string) {
	t.Helper()
	if len(failures) > 0 {
		t.Errorf("the fake service refused requests: %q", failures)
	}
}

// TestFCMRequest: the assertion carries the claims Google checks (signed
// RS256 with the service account's key, verified by the fake with the
// public key), the access token is fetched once and reused, and the
// message has FCM v1's shape.
func TestFCMRequest(t *testing.T) {
	t.Parallel()
	f := pushtest.NewFCM(t)
	c := &clock{t: time.Unix(1_800_000_000, 0)}
	p := newFCM(t, f, c.now)
	for range 2 {
		if err := p.Send(t.Context(), device(parley.PushFCM, "fcm-token-1"), note()); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	wantNoFailures(t, f.Failures())
	toks := f.TokenRequests()
	if len(toks) != 1 {
		t.Fatalf("token requests = %d, want 1 (the access token is cached)", len(toks))
	}
	want := map[string]any{"iss": "parley@" + pushtest.FCMProject + ".iam.gserviceaccount.com",
		"scope": push.FCMScope, "aud": f.URL + "/token", "iat": 1_800_000_000.0, "exp": 1_800_003_600.0}
	if diff := cmp.Diff(want, toks[0].Claims); diff != "" {
		t.Errorf("assertion claims (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"alg": "RS256", "typ": "JWT", "kid": "key-1"}, toks[0].Header); diff != "" {
		t.Errorf("assertion header (-want +got):\n%s", diff)
	}
	sends := f.Sends()
	if len(sends) != 2 {
		t.Fatalf("sends = %d, want 2", len(sends))
	}
	s := sends[0]
	if got, want := s.Path, "/v1/projects/"+pushtest.FCMProject+"/messages:send"; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
	if got := s.Header.Get("Authorization"); got != "Bearer ya29.fake-1" {
		t.Errorf("Authorization = %q, want the access token", got)
	}
	wantBody := map[string]any{"message": map[string]any{
		"token":        "fcm-token-1",
		"notification": map[string]any{"title": "Alice", "body": "hello <b>"},
		"data":         map[string]any{"conversationId": "alice_user_bob", "messageId": "7", "sender": "alice"},
		"android": map[string]any{"collapse_key": "alice_user_bob", "priority": "normal",
			"notification": map[string]any{"tag": "alice_user_bob"}},
		"apns": map[string]any{"headers": map[string]any{"apns-collapse-id": "alice_user_bob"},
			"payload": map[string]any{"aps": map[string]any{"thread-id": "alice_user_bob"}}},
	}}
	if diff := cmp.Diff(wantBody, s.Body); diff != "" {
		t.Errorf("send body (-want +got):\n%s", diff)
	}
}

// TestFCMAccessTokenRenewal: an access token is renewed when it nears its
// expiry, and once when FCM refuses it.
func TestFCMAccessTokenRenewal(t *testing.T) {
	t.Parallel()
	f := pushtest.NewFCM(t)
	c := &clock{t: time.Unix(1_800_000_000, 0)}
	p := newFCM(t, f, c.now)
	send := func() {
		t.Helper()
		if err := p.Send(t.Context(), device(parley.PushFCM, "tok"), note()); err != nil {
			t.Fatalf("Send: %v (fake: %q)", err, f.Failures())
		}
	}
	send()
	c.add(3600*time.Second - 30*time.Second) // within a minute of expiry
	send()
	if n := len(f.TokenRequests()); n != 2 {
		t.Errorf("token requests after nearing expiry = %d, want 2", n)
	}
	f.RevokeAccessTokens()
	send()
	if n := len(f.TokenRequests()); n != 3 {
		t.Errorf("token requests after a refused access token = %d, want 3", n)
	}
	if n := len(f.Sends()); n != 3 {
		t.Errorf("sends = %d, want 3", n)
	}
}

// TestFCMUnregistered: FCM's UNREGISTERED is ErrInvalidToken; other
// failures are not.
func TestFCMUnregistered(t *testing.T) {
	t.Parallel()
	f := pushtest.NewFCM(t)
	p := newFCM(t, f, nil)
	f.Unregister("gone")
	if err := p.Send(t.Context(), device(parley.PushFCM, "gone"), note()); !errors.Is(err, push.ErrInvalidToken) {
		t.Errorf("Send to an unregistered token: %v, want ErrInvalidToken", err)
	}
	if err := p.Send(t.Context(), device(parley.PushFCM, ""), note()); err == nil || errors.Is(err, push.ErrInvalidToken) {
		t.Errorf("Send refused as INVALID_ARGUMENT: %v, want a plain error", err)
	}
}

func newAPNs(t *testing.T, a *pushtest.APNs, now func() time.Time) *push.APNs {
	t.Helper()
	p, err := push.NewAPNs(push.APNsConfig{Key: a.Key, KeyID: pushtest.APNsKeyID, TeamID: pushtest.APNsTeamID,
		Topic: pushtest.APNsTopic, BaseURL: a.URL, Client: a.Client(), Now: now})
	if err != nil {
		t.Fatalf("NewAPNs: %v", err)
	}
	return p
}

// TestAPNsRequest: HTTP/2, the provider token (ES256, verified with the
// public key) naming key and team and reused, and the headers and payload
// APNs takes.
func TestAPNsRequest(t *testing.T) {
	t.Parallel()
	a := pushtest.NewAPNs(t)
	c := &clock{t: time.Unix(1_800_000_000, 0)}
	p := newAPNs(t, a, c.now)
	for range 2 {
		if err := p.Send(t.Context(), device(parley.PushAPNs, "a1b2c3"), note()); err != nil {
			t.Fatalf("Send: %v (fake: %q)", err, a.Failures())
		}
	}
	wantNoFailures(t, a.Failures())
	reqs := a.Requests()
	if len(reqs) != 2 {
		t.Fatalf("requests = %d, want 2", len(reqs))
	}
	r := reqs[0]
	if r.Proto != "HTTP/2.0" || r.Path != "/3/device/a1b2c3" {
		t.Errorf("request %s %s, want HTTP/2.0 /3/device/a1b2c3", r.Proto, r.Path)
	}
	if diff := cmp.Diff(map[string]any{"alg": "ES256", "kid": pushtest.APNsKeyID}, r.JWTHeader); diff != "" {
		t.Errorf("provider token header (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"iss": pushtest.APNsTeamID, "iat": 1_800_000_000.0}, r.Claims); diff != "" {
		t.Errorf("provider token claims (-want +got):\n%s", diff)
	}
	if reqs[1].Header.Get("authorization") != r.Header.Get("authorization") {
		t.Error("the provider token was not reused")
	}
	for h, want := range map[string]string{"apns-topic": pushtest.APNsTopic, "apns-push-type": "alert",
		"apns-priority": "10", "apns-collapse-id": "alice_user_bob"} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	wantBody := map[string]any{
		"aps": map[string]any{"alert": map[string]any{"title": "Alice", "body": "hello <b>"}, "sound": "default",
			"thread-id": "alice_user_bob", "mutable-content": 1.0},
		"conversationId": "alice_user_bob", "messageId": "7", "sender": "alice",
	}
	if diff := cmp.Diff(wantBody, r.Body); diff != "" {
		t.Errorf("payload (-want +got):\n%s", diff)
	}

	// Fifty minutes on, a new provider token.
	c.add(50 * time.Minute)
	if err := p.Send(t.Context(), device(parley.PushAPNs, "a1b2c3"), note()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	reqs = a.Requests()
	if got := reqs[2].Claims["iat"]; got != float64(c.now().Unix()) {
		t.Errorf("iat after 50 minutes = %v, want a new token", got)
	}
}

// TestAPNsTokenErrors: 410 Unregistered and 400 BadDeviceToken are
// ErrInvalidToken; an expired provider token is renewed and the push goes.
func TestAPNsTokenErrors(t *testing.T) {
	t.Parallel()
	a := pushtest.NewAPNs(t)
	p := newAPNs(t, a, nil)
	a.Unregister("gone")
	a.BadToken("bad")
	for _, tok := range []string{"gone", "bad"} {
		if err := p.Send(t.Context(), device(parley.PushAPNs, tok), note()); !errors.Is(err, push.ErrInvalidToken) {
			t.Errorf("Send to %q: %v, want ErrInvalidToken", tok, err)
		}
	}
	a.ExpireNextProviderToken()
	if err := p.Send(t.Context(), device(parley.PushAPNs, "ok"), note()); err != nil {
		t.Fatalf("Send after the provider token expired: %v", err)
	}
	if n := len(a.Requests()); n != 3 {
		t.Errorf("requests taken = %d, want 3", n)
	}
	long := note()
	long.ConversationID = strings.Repeat("x", 80)
	if err := p.Send(t.Context(), device(parley.PushAPNs, "ok"), long); err != nil {
		t.Errorf("Send with a conversation id over 64 bytes: %v (fake: %q)", err, a.Failures())
	}
}

// TestAPNsNeedsHTTP2: a client that speaks only HTTP/1.1 is refused, as
// APNs refuses it.
func TestAPNsNeedsHTTP2(t *testing.T) {
	t.Parallel()
	a := pushtest.NewAPNs(t)
	tr := a.Client().Transport.(*http.Transport).Clone()
	tr.ForceAttemptHTTP2 = false
	tr.TLSClientConfig.NextProtos = []string{"http/1.1"}
	p, err := push.NewAPNs(push.APNsConfig{Key: a.Key, KeyID: pushtest.APNsKeyID, TeamID: pushtest.APNsTeamID,
		Topic: pushtest.APNsTopic, BaseURL: a.URL, Client: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Send(t.Context(), device(parley.PushAPNs, "x"), note()); err == nil {
		t.Error("Send over HTTP/1.1 succeeded")
	}
}

// TestWebhookRequest: the JSON the app's push service receives, with the
// shared secret; 410 is ErrInvalidToken.
func TestWebhookRequest(t *testing.T) {
	t.Parallel()
	wh := pushtest.NewWebhook(t)
	p, err := push.NewWebhook(push.WebhookConfig{URL: wh.URL + "/push", Secret: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	n := note()
	n.Count = 3
	if err := p.Send(t.Context(), device(parley.PushWebhook, "dev-1"), n); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := wh.Pushes()
	if len(got) != 1 {
		t.Fatalf("pushes = %d, want 1", len(got))
	}
	if h := got[0].Header.Get("Authorization"); h != "Bearer s3cret" {
		t.Errorf("Authorization = %q", h)
	}
	want := map[string]any{"appId": "app1", "uid": "bob", "platform": "webhook", "token": "dev-1",
		"notification": map[string]any{"title": "Alice", "body": "hello <b>", "conversationId": "alice_user_bob", "count": 3.0,
			"data": map[string]any{"conversationId": "alice_user_bob", "messageId": "7", "sender": "alice"}}}
	if diff := cmp.Diff(want, got[0].Body); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	wh.Forget("dev-1")
	if err := p.Send(t.Context(), device(parley.PushWebhook, "dev-1"), n); !errors.Is(err, push.ErrInvalidToken) {
		t.Errorf("Send to a forgotten token: %v, want ErrInvalidToken", err)
	}
}
