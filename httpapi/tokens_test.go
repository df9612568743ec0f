package httpapi_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAuthTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustUser(t, "alice")
	e.mustUser(t, "bob")
	bobTok := e.mustToken(t, "bob")
	mask := func(tok string) string { return tok[:12] + strings.Repeat("*", 40) }

	var tok string
	t.Run("POST …/auth_tokens with the Auth Key returns the token in full, once", func(t *testing.T) {
		d := e.okObj(t, "POST", "/v3/users/ALICE/auth_tokens",
			map[string]any{"platform": "ios", "deviceId": "phone-1", "appInfo": map[string]any{"version": "2.0"}}, e.asAuth())
		tok, _ = d["authToken"].(string)
		if len(tok) != 52 || strings.Contains(tok, "*") || d["uid"] != "alice" || d["createdAt"] == nil ||
			d["platform"] != "ios" || d["deviceId"] != "phone-1" || !cmp.Equal(d["appInfo"], map[string]any{"version": "2.0"}) {
			t.Fatalf("got %v", d)
		}
	})
	if tok == "" {
		t.FailNow()
	}

	t.Run("the token works at once", func(t *testing.T) {
		if d := e.okObj(t, "GET", "/v3/me", nil, e.asToken(tok)); d["uid"] != "alice" {
			t.Errorf("got %v", d)
		}
	})

	t.Run("a token without a body has no device", func(t *testing.T) {
		tok2 := e.mustToken(t, "alice")
		e.okObj(t, "GET", "/v3/me", nil, e.asToken(tok2))
		e.okObj(t, "DELETE", "/v3/users/alice/auth_tokens/"+tok2, nil, e.asKey())
	})

	t.Run("GET …/auth_tokens lists masked values, never the secret", func(t *testing.T) {
		for _, as := range [][]hdr{{e.asKey()}, {e.asToken(tok)}} {
			resp, raw := e.raw(t, e.request(t, "GET", "/v3/users/alice/auth_tokens", nil, as...))
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, raw)
			}
			if strings.Contains(string(raw), tok) {
				t.Error("the list shows the secret")
			}
			ts := listOf(t, "token list", decodeBody(t, "token list", raw)).Items
			if len(ts) != 1 {
				t.Fatalf("got %v", ts)
			}
			got := ts[0]
			if got["authToken"] != mask(tok) || got["platform"] != "ios" || got["uid"] != "alice" {
				t.Errorf("got %v", got)
			}
		}
	})

	t.Run("GET …/auth_tokens/{authToken} by id, full value or masked value", func(t *testing.T) {
		for _, handle := range []string{tok[:12], tok, mask(tok)} {
			want := mask(tok)
			if handle == tok {
				want = tok // the caller sent it: it proved it holds it
			}
			d := e.okObj(t, "GET", "/v3/users/alice/auth_tokens/"+handle, nil, e.asKey())
			if d["authToken"] != want || d["deviceId"] != "phone-1" {
				t.Errorf("%s: got %v", handle, d)
			}
		}
	})

	t.Run("PUT …/auth_tokens/{authToken} changes the device info it names", func(t *testing.T) {
		d := e.okObj(t, "PUT", "/v3/users/alice/auth_tokens/"+tok[:12], map[string]any{"deviceId": "phone-2"}, e.asKey())
		if d["deviceId"] != "phone-2" || d["platform"] != "ios" || d["authToken"] != mask(tok) {
			t.Errorf("got %v", d)
		}
		e.okObj(t, "GET", "/v3/me", nil, e.asToken(tok))
	})

	t.Run("ERR_AUTH_TOKEN_NOT_FOUND", func(t *testing.T) {
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			e.fails(t, 404, "ERR_AUTH_TOKEN_NOT_FOUND", m, "/v3/users/alice/auth_tokens/000000000000", map[string]any{}, e.asKey())
			// Another user's token is not found under this user.
			e.fails(t, 404, "ERR_AUTH_TOKEN_NOT_FOUND", m, "/v3/users/alice/auth_tokens/"+bobTok, map[string]any{}, e.asKey())
		}
		e.okObj(t, "GET", "/v3/me", nil, e.asToken(bobTok))
	})

	t.Run("ERR_UID_NOT_FOUND", func(t *testing.T) {
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "POST", "/v3/users/nobody/auth_tokens", nil, e.asAuth())
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "GET", "/v3/users/nobody/auth_tokens", nil, e.asKey())
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "DELETE", "/v3/users/nobody/auth_tokens", nil, e.asKey())
	})

	t.Run("bad device info is refused and makes nothing", func(t *testing.T) {
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/users/bob/auth_tokens", map[string]any{"deviceId": strings.Repeat("d", 256)}, e.asKey())
		e.fails(t, 400, "ERR_INVALID_METADATA", "POST", "/v3/users/bob/auth_tokens", map[string]any{"appInfo": bigMetadata()}, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/users/bob/auth_tokens", `{"platform":1}`, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "PUT", "/v3/users/alice/auth_tokens/"+tok, map[string]any{"platform": strings.Repeat("p", 256)}, e.asKey())
		if n := len(e.ok(t, "GET", "/v3/users/bob/auth_tokens", nil, e.asKey()).([]any)); n != 1 {
			t.Errorf("bob has %d tokens, want 1", n)
		}
		if d := e.okObj(t, "GET", "/v3/users/alice/auth_tokens/"+tok, nil, e.asKey()); d["platform"] != "ios" {
			t.Errorf("token changed: %v", d)
		}
	})

	t.Run("a user deletes their own token by path", func(t *testing.T) {
		tok2 := e.mustToken(t, "alice")
		e.okObj(t, "DELETE", "/v3/users/alice/auth_tokens/"+tok2[:12], nil, e.asToken(tok))
		e.fails(t, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", "GET", "/v3/me", nil, e.asToken(tok2))
		e.okObj(t, "GET", "/v3/me", nil, e.asToken(tok))
	})

	t.Run("DELETE …/auth_tokens/{authToken} logs one device out", func(t *testing.T) {
		tok2 := e.mustToken(t, "alice")
		d := e.okObj(t, "DELETE", "/v3/users/alice/auth_tokens/"+mask(tok2), nil, e.asKey())
		if d["success"] != true {
			t.Errorf("got %v", d)
		}
		e.fails(t, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", "GET", "/v3/me", nil, e.asToken(tok2))
		e.okObj(t, "GET", "/v3/me", nil, e.asToken(tok))
	})

	t.Run("DELETE …/auth_tokens logs every device out", func(t *testing.T) {
		tok2 := e.mustToken(t, "alice")
		d := e.okObj(t, "DELETE", "/v3/users/alice/auth_tokens", nil, e.asKey())
		if d["success"] != true || d["deleted"] != 2.0 {
			t.Errorf("got %v", d)
		}
		for _, tk := range []string{tok, tok2} {
			e.fails(t, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", "GET", "/v3/me", nil, e.asToken(tk))
		}
		if ts := e.ok(t, "GET", "/v3/users/alice/auth_tokens", nil, e.asKey()).([]any); len(ts) != 0 {
			t.Errorf("left: %v", ts)
		}
		e.okObj(t, "GET", "/v3/me", nil, e.asToken(bobTok))
	})
}
