package httpapi_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/parleychat/parley/httpapi"
	"github.com/parleychat/parley/internal/ratelimit"
)

// slow is a rate that never refills within a test: only its burst counts.
func slow(burst int) ratelimit.Rate { return ratelimit.Rate{PerSecond: 1.0 / 3600, Burst: burst} }

// withLimits gives the handler these rates; clients are told apart by
// X-Forwarded-For, as behind a proxy.
func withLimits(r ratelimit.Rates) func(*httpapi.Config) {
	return func(c *httpapi.Config) {
		c.Limits = ratelimit.NewLimits(r)
		c.ClientIPHeader = "X-Forwarded-For"
	}
}

func from(addr string) hdr { return hdr{"X-Forwarded-For": addr} }

// want429 checks a rate-limited answer: the code, and a Retry-After of
// whole seconds, at least 1 (here about an hour: the test rates barely
// refill).
func (e *env) want429(t *testing.T, method, path string, body any, hs ...hdr) {
	t.Helper()
	resp, b := e.raw(t, e.request(t, method, path, body, hs...))
	wantError(t, method+" "+path, resp.StatusCode, decodeBody(t, path, b), http.StatusTooManyRequests, "ERR_TOO_MANY_REQUESTS")
	if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || n < 1 {
		t.Fatalf("Retry-After %q, want whole seconds ≥ 1", resp.Header.Get("Retry-After"))
	}
}

func TestRateLimitFailedAuthPerAddress(t *testing.T) {
	e := newEnv(t, withLimits(ratelimit.Rates{AuthFailuresPerAddr: slow(3)}))
	wrong := hdr{"appid": e.AppID, "apikey": "wrong-key"}
	for range 3 {
		e.fails(t, 401, "AUTH_ERR_APIKEY_NOT_FOUND", "GET", "/v3/users", nil, wrong, from("10.0.0.1"))
	}
	// Now even the right key is refused unchecked from that address, so a
	// guess can't be told apart from a miss.
	e.want429(t, "GET", "/v3/users", nil, wrong, from("10.0.0.1"))
	e.want429(t, "GET", "/v3/users", nil, e.asKey(), from("10.0.0.1"))
	e.want429(t, "GET", "/v3/apps", nil, asOperator(), from("10.0.0.1"))
	// Another address is not affected.
	e.ok(t, "GET", "/v3/users", nil, e.asKey(), from("10.0.0.2"))

	t.Run("guessed operator tokens count", func(t *testing.T) {
		for range 3 {
			e.fails(t, 401, "AUTH_ERR_OPERATOR_TOKEN_INVALID", "GET", "/v3/apps", nil, hdr{"Authorization": "Bearer guess"}, from("10.0.0.3"))
		}
		e.want429(t, "GET", "/v3/apps", nil, asOperator(), from("10.0.0.3"))
	})
	t.Run("guessed auth tokens and app ids count", func(t *testing.T) {
		e.fails(t, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", "GET", "/v3/me", nil, e.asToken("guess"), from("10.0.0.4"))
		e.fails(t, 401, "AUTH_ERR_INVALID_APPID", "GET", "/v3/users", nil, hdr{"appid": "nope", "apikey": "k"}, from("10.0.0.4"))
		e.fails(t, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", "GET", "/v3/me", nil, e.asToken("guess"), from("10.0.0.4"))
		e.want429(t, "GET", "/v3/users", nil, e.asKey(), from("10.0.0.4"))
	})
	t.Run("missing credentials don't count", func(t *testing.T) {
		for range 10 {
			e.fails(t, 401, "AUTH_ERR_EMPTY_APIKEY", "GET", "/v3/users", nil, inApp(e.AppID), from("10.0.0.5"))
		}
		e.ok(t, "GET", "/v3/users", nil, e.asKey(), from("10.0.0.5"))
	})
	t.Run("an IPv6 client counts by its /64", func(t *testing.T) {
		for i := range 3 {
			e.fails(t, 401, "AUTH_ERR_APIKEY_NOT_FOUND", "GET", "/v3/users", nil, wrong, from(fmt.Sprintf("2001:db8:1:2::%x", i+1)))
		}
		e.want429(t, "GET", "/v3/users", nil, e.asKey(), from("2001:db8:1:2:ffff::1"))
		e.ok(t, "GET", "/v3/users", nil, e.asKey(), from("2001:db8:1:3::1"))
	})
	t.Run("the proxy's own entry counts, not what the client wrote before it", func(t *testing.T) {
		for i := range 3 {
			spoof := fmt.Sprintf("192.0.2.%d, 10.0.0.6", i)
			e.fails(t, 401, "AUTH_ERR_APIKEY_NOT_FOUND", "GET", "/v3/users", nil, wrong, from(spoof))
		}
		e.want429(t, "GET", "/v3/users", nil, e.asKey(), from("198.51.100.1, 10.0.0.6"))
	})
}

func TestRateLimitFailedAuthPerApp(t *testing.T) {
	e := newEnv(t, withLimits(ratelimit.Rates{AuthFailuresPerApp: slow(3)}))
	otherApp, otherKey, _ := e.newApp(t, "other")
	for i := range 3 { // from three addresses: the app's budget is shared
		e.fails(t, 401, "AUTH_ERR_APIKEY_NOT_FOUND", "GET", "/v3/users", nil,
			hdr{"appid": e.AppID, "apikey": "wrong"}, from(fmt.Sprintf("10.1.0.%d", i)))
	}
	e.want429(t, "GET", "/v3/users", nil, e.asKey(), from("10.1.0.9"))
	e.ok(t, "GET", "/v3/users", nil, hdr{"appid": otherApp, "apikey": otherKey}, from("10.1.0.9"))
}

func TestRateLimitRequests(t *testing.T) {
	t.Run("per user", func(t *testing.T) {
		e := newEnv(t, withLimits(ratelimit.Rates{RequestsPerUser: slow(3)}))
		e.mustUser(t, "alice")
		e.mustUser(t, "bob")
		alice := e.asToken(e.mustToken(t, "alice"))
		for range 3 {
			e.ok(t, "GET", "/v3/me", nil, alice)
		}
		e.want429(t, "GET", "/v3/me", nil, alice)
		// onBehalfOf is the same user and the same budget.
		e.want429(t, "GET", "/v3/me", nil, e.asKey(), onBehalfOf("alice"))
		e.ok(t, "GET", "/v3/me", nil, e.asToken(e.mustToken(t, "bob")))
		e.ok(t, "GET", "/v3/users", nil, e.asKey()) // the app itself has no per-user budget
	})
	t.Run("per app", func(t *testing.T) {
		e := newEnv(t, withLimits(ratelimit.Rates{RequestsPerApp: slow(4)}))
		otherApp, otherKey, _ := e.newApp(t, "other")
		e.mustUser(t, "alice")                      // 1
		alice := e.asToken(e.mustToken(t, "alice")) // 2
		e.ok(t, "GET", "/v3/me", nil, alice)        // 3
		e.ok(t, "GET", "/v3/users", nil, e.asKey()) // 4
		e.want429(t, "GET", "/v3/me", nil, alice)
		e.want429(t, "GET", "/v3/users", nil, e.asKey())
		e.ok(t, "GET", "/v3/users", nil, hdr{"appid": otherApp, "apikey": otherKey})
		e.ok(t, "GET", "/v3/apps", nil, asOperator()) // managing apps is not an app's request
	})
}

func TestRateLimitMessages(t *testing.T) {
	msg := map[string]any{"receiver": "bob", "receiverType": "user", "category": "message", "type": "text",
		"data": map[string]any{"text": "hi"}}
	t.Run("per user", func(t *testing.T) {
		e := newEnv(t, withLimits(ratelimit.Rates{MessagesPerUser: slow(2)}))
		e.mustUser(t, "alice")
		e.mustUser(t, "bob")
		e.mustUser(t, "carol")
		alice := e.asToken(e.mustToken(t, "alice"))
		sent := e.okObj(t, "POST", "/v3/messages", msg, alice)
		e.okObj(t, "POST", "/v3/messages/"+sent["id"].(string)+"/thread", msg, alice) // a reply is a message
		e.want429(t, "POST", "/v3/messages", msg, alice)
		e.want429(t, "POST", "/v3/messages", msg, e.asKey(), onBehalfOf("alice"))
		e.ok(t, "GET", "/v3/users/bob/messages", nil, alice) // reading is not sending
		e.okObj(t, "POST", "/v3/messages", msg, e.asToken(e.mustToken(t, "carol")))
		if n := len(e.ok(t, "GET", "/v3/users/bob/messages", nil, alice).([]any)); n != 2 {
			t.Errorf("alice's conversation holds %d messages, want the message and the reply sent before the limit", n)
		}
	})
	t.Run("per app", func(t *testing.T) {
		e := newEnv(t, withLimits(ratelimit.Rates{MessagesPerApp: slow(2)}))
		e.mustUser(t, "alice")
		e.mustUser(t, "bob")
		e.okObj(t, "POST", "/v3/messages", msg, e.asKey(), onBehalfOf("alice"))
		e.okObj(t, "POST", "/v3/messages", msg, e.asKey()) // as the app (app_system)
		e.want429(t, "POST", "/v3/messages", msg, e.asToken(e.mustToken(t, "alice")))
		e.ok(t, "GET", "/v3/users", nil, e.asKey())
	})
}
