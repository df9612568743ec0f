package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAuthMatrix checks who may call what: each kind of credential against
// one representative call of each endpoint group (DESIGN.md §4,
// chat/access.go).
func TestAuthMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, uid := range []string{"alice", "bob", "carol"} {
		e.mustUser(t, uid)
	}
	aliceTok, bobTok := e.mustToken(t, "alice"), e.mustToken(t, "bob")

	creds := []struct {
		name string
		h    []hdr
	}{
		{"operator", []hdr{asOperator()}},
		{"operator+appid", []hdr{asOperator(), inApp(e.AppID)}},
		{"fullAccess", []hdr{e.asKey()}},
		{"fullAccess+onBehalfOf", []hdr{e.asKey(), onBehalfOf("alice")}},
		{"authOnly", []hdr{e.asAuth()}},
		{"authtoken self", []hdr{e.asToken(aliceTok)}},
		{"authtoken other", []hdr{e.asToken(bobTok)}},
		{"none", []hdr{{"appid": e.AppID}}},
	}
	// Each deletion in the table needs its own victim.
	for i := range creds {
		e.mustUser(t, fmt.Sprintf("victim-%d", i))
	}

	const (
		ok     = "200"
		no     = "403 AUTH_ERR_NO_ACCESS"
		noApp  = "401 AUTH_ERR_EMPTY_APPID"
		noCred = "401 AUTH_ERR_EMPTY_APIKEY"
	)
	calls := []struct {
		method, path string
		body         func(cell int) any
		want         [8]string // in the order of creds
	}{
		// operator, operator+appid, fullAccess, fullAccess+onBehalfOf, authOnly, authtoken self, authtoken other, none
		{"GET", "/v3/apps", nil,
			[8]string{ok, ok, no, no, no, no, no, noCred}},
		{"POST", "/v3/apps", func(int) any { return map[string]any{"name": "another"} },
			[8]string{ok, ok, no, no, no, no, no, noCred}},
		{"GET", "/v3/apikeys", nil,
			[8]string{noApp, ok, ok, ok, no, no, no, noCred}},
		{"POST", "/v3/users", func(i int) any { return map[string]any{"uid": fmt.Sprintf("new-%d", i), "name": "N"} },
			[8]string{noApp, ok, ok, ok, ok, no, no, noCred}},
		{"GET", "/v3/users", nil,
			[8]string{noApp, ok, ok, ok, no, ok, ok, noCred}},
		{"GET", "/v3/users/alice", nil,
			[8]string{noApp, ok, ok, ok, no, ok, ok, noCred}},
		{"PUT", "/v3/users/alice", func(int) any { return map[string]any{"name": "Alice"} },
			[8]string{noApp, ok, ok, ok, no, no, no, noCred}},
		{"DELETE", "/v3/users/victim-%d", nil,
			[8]string{noApp, ok, ok, ok, no, no, no, noCred}},
		{"DELETE", "/v3/users", func(int) any { return map[string]any{"uidsToDeactivate": []string{"ghost"}} },
			[8]string{noApp, ok, ok, ok, no, no, no, noCred}},
		{"POST", "/v3/users/carol/auth_tokens", nil,
			[8]string{noApp, ok, ok, ok, ok, no, no, noCred}},
		{"GET", "/v3/users/alice/auth_tokens", nil,
			[8]string{noApp, ok, ok, ok, no, ok, no, noCred}},
		{"GET", "/v3/me", nil,
			[8]string{noApp, no, no, ok, no, ok, ok, noCred}},
		{"PUT", "/v3/roles/default", func(int) any { return map[string]any{"name": "Default"} },
			[8]string{noApp, ok, ok, ok, no, no, no, noCred}},
		{"GET", "/v3/roles", nil,
			[8]string{noApp, ok, ok, ok, no, ok, ok, noCred}},
		{"GET", "/v3/users/alice/friends", nil,
			[8]string{noApp, ok, ok, ok, no, ok, no, noCred}},
		{"POST", "/v3/users/alice/friends", func(int) any { return map[string]any{"accepted": []string{"carol"}} },
			[8]string{noApp, ok, ok, ok, no, no, no, noCred}},
		{"GET", "/v3/users/alice/blockedusers", nil,
			[8]string{noApp, ok, ok, ok, no, ok, no, noCred}},
		{"POST", "/v3/users/alice/blockedusers", func(int) any { return map[string]any{"blockedUids": []string{"carol"}} },
			[8]string{noApp, ok, ok, ok, no, ok, no, noCred}},
		{"GET", "/v3/blockedusers", nil,
			[8]string{noApp, no, no, ok, no, ok, ok, noCred}},
	}
	for _, c := range calls {
		for i, cred := range creds {
			path := c.path
			if strings.Contains(path, "%d") {
				path = fmt.Sprintf(path, i)
			}
			t.Run(c.method+" "+c.path+" as "+cred.name, func(t *testing.T) {
				var body any
				if c.body != nil {
					body = c.body(i)
				}
				status, b := e.do(t, c.method, path, body, cred.h...)
				got := fmt.Sprint(status)
				if status != 200 {
					got += " " + errCode(b)
				} else if _, has := b["data"]; !has {
					t.Errorf("200 without data: %v", b)
				}
				if got != c.want[i] {
					t.Errorf("got %s, want %s: %v", got, c.want[i], b)
				}
			})
		}
	}

	t.Run("refused calls wrote nothing", func(t *testing.T) {
		want := []string{"alice", "bob", "carol"}
		for i := range creds {
			switch creds[i].name {
			case "operator+appid", "fullAccess", "fullAccess+onBehalfOf", "authOnly":
				want = append(want, fmt.Sprintf("new-%d", i)) // created
			}
			switch creds[i].name {
			case "operator+appid", "fullAccess", "fullAccess+onBehalfOf":
			default:
				want = append(want, fmt.Sprintf("victim-%d", i)) // not deleted
			}
		}
		if diff := cmp.Diff(sorted(want), e.allUIDs(t)); diff != "" {
			t.Errorf("users (-want +got):\n%s", diff)
		}
		// Friends and blocks were added by the allowed cells only: alice
		// is friends with carol once, and blocks carol once.
		if uids := e.list(t, "/v3/users/alice/friends", e.asKey()).uids(); !cmp.Equal([]string{"carol"}, uids) {
			t.Errorf("alice's friends: %v", uids)
		}
		if n := len(e.ok(t, "GET", "/v3/apps", nil, asOperator()).([]any)); n != 3 {
			t.Errorf("%d apps, want 3 (the default and one per allowed POST)", n)
		}
	})
}

func TestAuthErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustUser(t, "alice")
	aliceTok := e.mustToken(t, "alice")
	b := e.okObj(t, "POST", "/v3/apps", map[string]any{"name": "B"}, asOperator())
	appB := b["appId"].(string)
	keyB := b["keys"].([]any)[0].(map[string]any)["apiKey"].(string)
	const unknown52 = "0123456789abcdef0123456789abcdef0123456789abcdef0123"

	cases := []struct {
		name   string
		h      []hdr
		status int
		code   string
	}{
		{"no credentials", []hdr{inApp(e.AppID)}, 401, "AUTH_ERR_EMPTY_APIKEY"},
		{"no credentials never says whether the app exists", []hdr{inApp("nosuchapp")}, 401, "AUTH_ERR_EMPTY_APIKEY"},
		{"a key with no appid", []hdr{{"apikey": e.RESTKey}}, 401, "AUTH_ERR_EMPTY_APPID"},
		{"a token with no appid", []hdr{{"authtoken": aliceTok}}, 401, "AUTH_ERR_EMPTY_APPID"},
		{"an unknown appid", []hdr{{"appid": "nosuchapp", "apikey": e.RESTKey}}, 401, "AUTH_ERR_INVALID_APPID"},
		{"a malformed apikey", []hdr{inApp(e.AppID), {"apikey": "nonsense"}}, 401, "AUTH_ERR_APIKEY_NOT_FOUND"},
		{"an unknown apikey", []hdr{inApp(e.AppID), {"apikey": unknown52}}, 401, "AUTH_ERR_APIKEY_NOT_FOUND"},
		{"a key with its id right and the rest wrong", []hdr{inApp(e.AppID), {"apikey": e.RESTKey[:12] + unknown52[12:]}}, 401, "AUTH_ERR_APIKEY_NOT_FOUND"},
		{"another app's key", []hdr{inApp(e.AppID), {"apikey": keyB}}, 401, "AUTH_ERR_APIKEY_NOT_FOUND"},
		{"this app's key in another app", []hdr{inApp(appB), {"apikey": e.RESTKey}}, 401, "AUTH_ERR_APIKEY_NOT_FOUND"},
		{"a malformed authtoken", []hdr{e.asToken("nonsense")}, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND"},
		{"an unknown authtoken", []hdr{e.asToken(unknown52)}, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND"},
		{"a key used as an authtoken", []hdr{e.asToken(e.RESTKey)}, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND"},
		{"a token in another app", []hdr{{"appid": appB, "authtoken": aliceTok}}, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND"},
		{"a bad operator token", []hdr{{"Authorization": "Bearer wrong"}}, 401, "AUTH_ERR_OPERATOR_TOKEN_INVALID"},
		{"a bad operator token with a good key", []hdr{e.asKey(), {"Authorization": "Bearer wrong"}}, 401, "AUTH_ERR_OPERATOR_TOKEN_INVALID"},
		{"the operator in an unknown app", []hdr{asOperator(), inApp("nosuchapp")}, 401, "AUTH_ERR_INVALID_APPID"},
		{"onBehalfOf with the Auth Key", []hdr{e.asAuth(), onBehalfOf("alice")}, 403, "AUTH_ERR_NO_ACCESS"},
		{"onBehalfOf an unknown user", []hdr{e.asKey(), onBehalfOf("nobody")}, 401, "AUTH_ERR_ON_BEHALF_OF_UID_NOT_FOUND"},
		{"onBehalfOf an invalid uid", []hdr{e.asKey(), onBehalfOf("not a uid")}, 401, "AUTH_ERR_ON_BEHALF_OF_UID_NOT_FOUND"},
		{"onBehalfOf with the operator token", []hdr{asOperator(), inApp(e.AppID), onBehalfOf("nobody")}, 401, "AUTH_ERR_ON_BEHALF_OF_UID_NOT_FOUND"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.fails(t, c.status, c.code, "GET", "/v3/users", nil, c.h...)
		})
	}

	t.Run("onBehalfOf a deleted user", func(t *testing.T) {
		e.mustUser(t, "gone")
		e.ok(t, "DELETE", "/v3/users/gone", nil, e.asKey())
		e.fails(t, 401, "AUTH_ERR_ON_BEHALF_OF_UID_NOT_FOUND", "GET", "/v3/me", nil, e.asKey(), onBehalfOf("gone"))
	})

	t.Run("onBehalfOf a deactivated user", func(t *testing.T) {
		e.mustUser(t, "idle")
		e.ok(t, "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": []string{"idle"}}, e.asKey())
		e.fails(t, 401, "AUTH_ERR_USER_DEACTIVATED", "GET", "/v3/me", nil, e.asKey(), onBehalfOf("idle"))
	})

	t.Run("a key acting onBehalfOf one user still reads another's tokens", func(t *testing.T) {
		e.mustUser(t, "other")
		e.ok(t, "GET", "/v3/users/other/auth_tokens", nil, e.asKey(), onBehalfOf("alice"))
	})

	t.Run("onBehalfOf is folded to lower case", func(t *testing.T) {
		d := e.okObj(t, "GET", "/v3/me", nil, e.asKey(), onBehalfOf("ALICE"))
		if d["uid"] != "alice" {
			t.Errorf("got %v", d)
		}
	})

	t.Run("the operator with an appid acts in that app, also as a user", func(t *testing.T) {
		p := e.list(t, "/v3/users", asOperator(), inApp(e.AppID))
		if len(p.Items) == 0 {
			t.Error("no users listed")
		}
		d := e.okObj(t, "GET", "/v3/me", nil, asOperator(), inApp(e.AppID), onBehalfOf("alice"))
		if d["uid"] != "alice" {
			t.Errorf("got %v", d)
		}
	})
}

func TestAppFromHost(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustUser(t, "alice")

	get := func(t *testing.T, host string, h ...hdr) (int, map[string]any) {
		req := e.request(t, "GET", "/v3/users/alice", nil, h...)
		req.Host = host
		resp, b := e.raw(t, req)
		return resp.StatusCode, decodeBody(t, host, b)
	}
	key := hdr{"apikey": e.RESTKey}

	t.Run("the first label of <appId>.api-<region>.example.com names the app", func(t *testing.T) {
		status, b := get(t, e.AppID+".api-eu.example.com", key)
		if status != 200 || b["data"].(map[string]any)["uid"] != "alice" {
			t.Errorf("got %d %v", status, b)
		}
	})
	t.Run("the label is folded to lower case", func(t *testing.T) {
		status, b := get(t, strings.ToUpper(e.AppID)+".API-EU.EXAMPLE.COM:8080", key)
		if status != 200 {
			t.Errorf("got %d %v", status, b)
		}
	})
	t.Run("the appid header wins over the Host", func(t *testing.T) {
		status, b := get(t, "someother.api-eu.example.com", key, inApp(e.AppID))
		if status != 200 {
			t.Errorf("got %d %v", status, b)
		}
	})
	t.Run("an unknown first label is an unknown app", func(t *testing.T) {
		status, b := get(t, "nosuchapp.api-eu.example.com", key)
		wantError(t, "unknown label", status, b, 401, "AUTH_ERR_INVALID_APPID")
	})
	for _, host := range []string{"example.com", "localhost:8080", "127.0.0.1:8080", "[::1]:8080"} {
		t.Run("no app from the host "+host, func(t *testing.T) {
			status, b := get(t, host, key)
			wantError(t, host, status, b, 401, "AUTH_ERR_EMPTY_APPID")
		})
	}
}
