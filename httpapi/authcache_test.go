package httpapi_test

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestCredentialChangesHoldAtOnce: a node keeps the credentials and users
// it authenticated in memory (chat/authcache.go). Each subtest uses a
// credential first, so that it is kept, then changes it, and checks that
// the very next request sees the change.
func TestCredentialChangesHoldAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	me := func(tok string) { t.Helper(); e.okObj(t, "GET", "/v3/me", nil, e.asToken(tok)) }
	asUser := func(uid string) hdr { return hdr{"appid": e.AppID, "apikey": e.RESTKey, "onBehalfOf": uid} }

	t.Run("a revoked token", func(t *testing.T) {
		e.mustUser(t, "revoked")
		tok, other := e.mustToken(t, "revoked"), e.mustToken(t, "revoked")
		me(tok)
		me(other)
		e.ok(t, "DELETE", "/v3/users/revoked/auth_tokens/"+tok, nil, e.asKey())
		e.fails(t, 401, parley.CodeAuthTokenNotFound, "GET", "/v3/me", nil, e.asToken(tok))
		me(other) // the user's other devices stay signed in
	})

	t.Run("tokens flushed", func(t *testing.T) {
		e.mustUser(t, "flushed")
		a, b := e.mustToken(t, "flushed"), e.mustToken(t, "flushed")
		me(a)
		me(b)
		e.ok(t, "DELETE", "/v3/users/flushed/auth_tokens", nil, e.asKey())
		e.fails(t, 401, parley.CodeAuthTokenNotFound, "GET", "/v3/me", nil, e.asToken(a))
		e.fails(t, 401, parley.CodeAuthTokenNotFound, "GET", "/v3/me", nil, e.asToken(b))
	})

	t.Run("a logout", func(t *testing.T) {
		e.mustUser(t, "leaver")
		tok := e.mustToken(t, "leaver")
		me(tok)
		e.ok(t, "DELETE", "/v3/me", nil, e.asToken(tok))
		e.fails(t, 401, parley.CodeAuthTokenNotFound, "GET", "/v3/me", nil, e.asToken(tok))
	})

	t.Run("a deactivated user, reactivated", func(t *testing.T) {
		e.mustUser(t, "paused")
		tok := e.mustToken(t, "paused")
		me(tok)
		e.okObj(t, "GET", "/v3/me", nil, asUser("paused"))
		e.ok(t, "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": []string{"paused"}}, e.asKey())
		e.fails(t, 401, parley.CodeUserDeactivated, "GET", "/v3/me", nil, e.asToken(tok))
		e.fails(t, 401, parley.CodeUserDeactivated, "GET", "/v3/me", nil, asUser("paused"))
		e.ok(t, "PUT", "/v3/users", map[string]any{"uidsToActivate": []string{"paused"}}, e.asKey())
		e.okObj(t, "GET", "/v3/me", nil, asUser("paused"))
	})

	t.Run("a deleted user", func(t *testing.T) {
		e.mustUser(t, "gone")
		e.mustUser(t, "purged")
		tokGone, tokPurged := e.mustToken(t, "gone"), e.mustToken(t, "purged")
		me(tokGone)
		me(tokPurged)
		e.okObj(t, "GET", "/v3/me", nil, asUser("gone"))
		e.okObj(t, "GET", "/v3/me", nil, asUser("purged"))
		e.ok(t, "DELETE", "/v3/users/gone", nil, e.asKey())
		e.ok(t, "DELETE", "/v3/users/purged", map[string]any{"permanent": true}, e.asKey())
		for _, tok := range []string{tokGone, tokPurged} {
			e.fails(t, 401, parley.CodeAuthTokenNotFound, "GET", "/v3/me", nil, e.asToken(tok))
		}
		for _, uid := range []string{"gone", "purged"} {
			e.fails(t, 401, parley.CodeOnBehalfOfUnknown, "GET", "/v3/me", nil, asUser(uid))
		}
	})

	t.Run("a renamed user sends under the new name", func(t *testing.T) {
		e.mustUser(t, "renamed")
		e.mustUser(t, "peer")
		tok := e.mustToken(t, "renamed")
		send := func() map[string]any {
			t.Helper()
			return e.okObj(t, "POST", "/v3/messages", map[string]any{"receiver": "peer", "receiverType": "user",
				"category": "message", "type": "text", "data": map[string]any{"text": "hi"}}, e.asToken(tok))
		}
		send()
		e.okObj(t, "PUT", "/v3/users/renamed", map[string]any{"name": "New Name"}, e.asKey())
		m := send()
		sender := m["data"].(map[string]any)["entities"].(map[string]any)["sender"].(map[string]any)["entity"].(map[string]any)
		if sender["name"] != "New Name" {
			t.Errorf("sender entity after the rename: %v", sender)
		}
	})

	t.Run("an API key deleted or narrowed", func(t *testing.T) {
		mk := func(name string) (id, key string) {
			d := e.okObj(t, "POST", "/v3/apikeys", map[string]any{"name": name, "scope": "fullAccess"}, e.asKey())
			return d["id"].(string), d["apiKey"].(string)
		}
		delID, delKey := mk("Doomed")
		narrowID, narrowKey := mk("Narrowed")
		as := func(key string) hdr { return hdr{"appid": e.AppID, "apikey": key} }
		e.ok(t, "GET", "/v3/users", nil, as(delKey))
		e.ok(t, "GET", "/v3/users", nil, as(narrowKey))
		e.ok(t, "DELETE", "/v3/apikeys/"+delID, nil, e.asKey())
		e.okObj(t, "PUT", "/v3/apikeys/"+narrowID, map[string]any{"scope": "authOnly"}, e.asKey())
		e.fails(t, 401, parley.CodeAPIKeyNotFound, "GET", "/v3/users", nil, as(delKey))
		e.fails(t, 403, parley.CodeNoAccess, "GET", "/v3/users", nil, as(narrowKey))
	})

	t.Run("a deleted app", func(t *testing.T) {
		id, rest, _ := e.newApp(t, "Doomed App")
		key := hdr{"appid": id, "apikey": rest}
		e.okObj(t, "POST", "/v3/users", map[string]any{"uid": "someone", "name": "S"}, key)
		tok := e.okObj(t, "POST", "/v3/users/someone/auth_tokens", nil, key)["authToken"].(string)
		e.okObj(t, "GET", "/v3/me", nil, hdr{"appid": id, "authtoken": tok})
		e.ok(t, "DELETE", "/v3/apps/"+id, nil, asOperator())
		e.fails(t, 401, parley.CodeAppIDNotFound, "GET", "/v3/users", nil, key)
		e.fails(t, 401, parley.CodeAppIDNotFound, "GET", "/v3/me", nil, hdr{"appid": id, "authtoken": tok})
	})

}
