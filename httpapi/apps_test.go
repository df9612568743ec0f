package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// newApp creates an app as the operator and returns its id, REST API Key
// and Auth Key.
func (e *env) newApp(t testing.TB, name string) (id, restKey, authKey string) {
	t.Helper()
	d := e.okObj(t, "POST", "/v3/apps", map[string]any{"name": name}, asOperator())
	keys := d["keys"].([]any)
	return d["appId"].(string), keys[0].(map[string]any)["apiKey"].(string), keys[1].(map[string]any)["apiKey"].(string)
}

func TestApps(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	var appB map[string]any
	if !t.Run("POST /v3/apps returns the app and both keys in full, once", func(t *testing.T) {
		appB = e.okObj(t, "POST", "/v3/apps", map[string]any{"name": " App B ", "region": "eu"}, asOperator())
		if appB["name"] != "App B" || appB["region"] != "eu" || appB["appId"] == "" || appB["createdAt"] == nil {
			t.Errorf("app: %v", appB)
		}
		keys, _ := appB["keys"].([]any)
		if len(keys) != 2 {
			t.Fatalf("keys: %v", appB["keys"])
		}
		var got []string
		for _, k := range keys {
			k := k.(map[string]any)
			key := k["apiKey"].(string)
			if len(key) != 52 || strings.Contains(key, "*") || !strings.HasPrefix(key, k["id"].(string)) {
				t.Errorf("key not in full: %v", k)
			}
			got = append(got, k["name"].(string)+"/"+k["scope"].(string))
		}
		if diff := cmp.Diff([]string{"Rest API Key/fullAccess", "Auth Key/authOnly"}, got); diff != "" {
			t.Errorf("keys (-want +got):\n%s", diff)
		}
	}) {
		t.FailNow()
	}
	id := appB["appId"].(string)
	restB := appB["keys"].([]any)[0].(map[string]any)["apiKey"].(string)
	authB := appB["keys"].([]any)[1].(map[string]any)["apiKey"].(string)

	t.Run("the new app's keys work at once and it has role default", func(t *testing.T) {
		p := e.list(t, "/v3/roles", inApp(id), hdr{"apikey": restB})
		if diff := cmp.Diff([]string{"default"}, p.field("role")); diff != "" {
			t.Errorf("roles (-want +got):\n%s", diff)
		}
		e.okObj(t, "POST", "/v3/users", map[string]any{"uid": "bobby", "name": "B"}, inApp(id), hdr{"apikey": authB})
	})

	t.Run("GET /v3/apps lists every app without keys", func(t *testing.T) {
		d := e.ok(t, "GET", "/v3/apps", nil, asOperator()).([]any)
		var ids []string
		for _, a := range d {
			a := a.(map[string]any)
			if _, has := a["keys"]; has {
				t.Errorf("app list shows keys: %v", a)
			}
			ids = append(ids, a["appId"].(string))
		}
		if diff := cmp.Diff([]string{e.AppID, id}, ids); diff != "" {
			t.Errorf("apps (-want +got):\n%s", diff)
		}
	})

	t.Run("GET /v3/apps/{appId}", func(t *testing.T) {
		d := e.okObj(t, "GET", "/v3/apps/"+id, nil, asOperator())
		if d["appId"] != id || d["name"] != "App B" {
			t.Errorf("got %v", d)
		}
		if _, has := d["keys"]; has {
			t.Errorf("keys shown again: %v", d)
		}
	})

	t.Run("apps are isolated", func(t *testing.T) {
		e.mustUser(t, "alice")
		keyB := hdr{"appid": id, "apikey": restB}
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "GET", "/v3/users/alice", nil, keyB)
		if uids := e.list(t, "/v3/users", keyB).uids(); !cmp.Equal([]string{"bobby"}, uids) {
			t.Errorf("app B lists %v", uids)
		}
		if uids := e.list(t, "/v3/users", e.asKey()).uids(); !cmp.Equal([]string{"alice"}, uids) {
			t.Errorf("app A lists %v", uids)
		}
		// The same uid may exist in both apps.
		e.okObj(t, "POST", "/v3/users", map[string]any{"uid": "alice", "name": "Other Alice"}, keyB)
		if d := e.okObj(t, "GET", "/v3/users/alice", nil, e.asKey()); d["name"] != "User alice" {
			t.Errorf("app A's alice changed: %v", d)
		}
		e.fails(t, 401, "AUTH_ERR_APIKEY_NOT_FOUND", "GET", "/v3/users", nil, hdr{"appid": id, "apikey": e.RESTKey})
		tok := e.mustToken(t, "alice")
		e.fails(t, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", "GET", "/v3/me", nil, hdr{"appid": id, "authtoken": tok})
		e.fails(t, 404, "ERR_APIKEY_NOT_FOUND", "GET", "/v3/apikeys/"+restB[:12], nil, e.asKey())
	})

	t.Run("DELETE /v3/apps/{appId} removes the app and its keys stop working", func(t *testing.T) {
		d := e.okObj(t, "DELETE", "/v3/apps/"+id, nil, asOperator())
		if d["success"] != true {
			t.Errorf("got %v", d)
		}
		e.fails(t, 404, "ERR_APP_NOT_FOUND", "GET", "/v3/apps/"+id, nil, asOperator())
		e.fails(t, 401, "AUTH_ERR_INVALID_APPID", "GET", "/v3/users", nil, hdr{"appid": id, "apikey": restB})
		if got := len(e.ok(t, "GET", "/v3/apps", nil, asOperator()).([]any)); got != 1 {
			t.Errorf("%d apps left, want 1", got)
		}
	})

	t.Run("ERR_APP_NOT_FOUND", func(t *testing.T) {
		e.fails(t, 404, "ERR_APP_NOT_FOUND", "GET", "/v3/apps/nosuchapp", nil, asOperator())
		e.fails(t, 404, "ERR_APP_NOT_FOUND", "DELETE", "/v3/apps/nosuchapp", nil, asOperator())
	})

	t.Run("bad app input writes nothing", func(t *testing.T) {
		count := func() int { return len(e.ok(t, "GET", "/v3/apps", nil, asOperator()).([]any)) }
		before := count()
		e.fails(t, 400, "ERR_EMPTY_NAME", "POST", "/v3/apps", map[string]any{"name": "  "}, asOperator())
		e.fails(t, 400, "ERR_EMPTY_NAME", "POST", "/v3/apps", nil, asOperator())
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/apps", map[string]any{"name": strings.Repeat("n", 101)}, asOperator())
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/apps", map[string]any{"name": "n", "region": strings.Repeat("r", 101)}, asOperator())
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/apps", `{"name":1}`, asOperator())
		e.fails(t, 403, "AUTH_ERR_NO_ACCESS", "POST", "/v3/apps", map[string]any{"name": "x"}, e.asKey())
		if got := count(); got != before {
			t.Errorf("%d apps, want %d", got, before)
		}
	})
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	restID, authID := e.RESTKey[:12], e.AuthKey[:12]

	t.Run("GET /v3/apikeys lists the keys masked", func(t *testing.T) {
		d := e.ok(t, "GET", "/v3/apikeys", nil, e.asKey()).([]any)
		var got []string
		for _, k := range d {
			k := k.(map[string]any)
			got = append(got, fmt.Sprintf("%s %s %s %s", k["id"], k["apiKey"], k["name"], k["scope"]))
		}
		want := []string{
			restID + " " + restID + strings.Repeat("*", 40) + " Rest API Key fullAccess",
			authID + " " + authID + strings.Repeat("*", 40) + " Auth Key authOnly",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("keys (-want +got):\n%s", diff)
		}
	})

	var created map[string]any
	if !t.Run("POST /v3/apikeys shows the new key in full, once", func(t *testing.T) {
		created = e.okObj(t, "POST", "/v3/apikeys", map[string]any{"name": " Backend ", "scope": "fullAccess"}, e.asKey())
		key, _ := created["apiKey"].(string)
		if len(key) != 52 || created["name"] != "Backend" || created["scope"] != "fullAccess" || created["id"] != key[:12] {
			t.Fatalf("got %v", created)
		}
	}) {
		t.FailNow()
	}
	newKey := created["apiKey"].(string)
	newID := created["id"].(string)
	asNew := hdr{"appid": e.AppID, "apikey": newKey}

	t.Run("a new key authenticates at once", func(t *testing.T) {
		e.list(t, "/v3/users", asNew)
	})

	t.Run("GET /v3/apikeys/{apiKey} by id or masked value, masked; by full value, in full", func(t *testing.T) {
		for _, handle := range []string{newID, newKey, newID + strings.Repeat("*", 40)} {
			want := newID + strings.Repeat("*", 40)
			if handle == newKey {
				want = newKey // the caller sent it: it proved it holds it
			}
			d := e.okObj(t, "GET", "/v3/apikeys/"+handle, nil, e.asKey())
			if d["apiKey"] != want || d["name"] != "Backend" {
				t.Errorf("%s: got %v", handle, d)
			}
		}
	})

	t.Run("PUT /v3/apikeys/{apiKey} renames and rescopes", func(t *testing.T) {
		d := e.okObj(t, "PUT", "/v3/apikeys/"+newID, map[string]any{"name": "Login", "scope": "authOnly"}, e.asKey())
		if d["name"] != "Login" || d["scope"] != "authOnly" || strings.Trim(d["apiKey"].(string), "*") != newID {
			t.Errorf("got %v", d)
		}
		// The key now only logs in.
		e.fails(t, 403, "AUTH_ERR_NO_ACCESS", "GET", "/v3/users", nil, asNew)
		e.okObj(t, "POST", "/v3/users", map[string]any{"uid": "made-by-login", "name": "M"}, asNew)
		// A partial update keeps the other field.
		d = e.okObj(t, "PUT", "/v3/apikeys/"+newID, map[string]any{"name": "Login 2"}, e.asKey())
		if d["scope"] != "authOnly" || d["name"] != "Login 2" {
			t.Errorf("got %v", d)
		}
	})

	t.Run("a key can't change or delete itself", func(t *testing.T) {
		for _, handle := range []string{restID, e.RESTKey} {
			e.fails(t, 403, "ERR_APIKEY_NO_SELF_ACTION", "PUT", "/v3/apikeys/"+handle, map[string]any{"scope": "authOnly"}, e.asKey())
			e.fails(t, 403, "ERR_APIKEY_NO_SELF_ACTION", "DELETE", "/v3/apikeys/"+handle, nil, e.asKey())
		}
		if d := e.okObj(t, "GET", "/v3/apikeys/"+restID, nil, e.asKey()); d["scope"] != "fullAccess" {
			t.Errorf("key changed: %v", d)
		}
	})

	t.Run("bad key input is refused and writes nothing", func(t *testing.T) {
		before := e.ok(t, "GET", "/v3/apikeys", nil, e.asKey())
		e.fails(t, 400, "ERR_EMPTY_NAME", "POST", "/v3/apikeys", map[string]any{"name": " ", "scope": "fullAccess"}, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/apikeys", map[string]any{"name": "k", "scope": "admin"}, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/apikeys", map[string]any{"name": "k"}, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/apikeys", map[string]any{"name": strings.Repeat("k", 101), "scope": "authOnly"}, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/apikeys", `{"name":"k","scope":true}`, e.asKey())
		e.fails(t, 400, "ERR_EMPTY_NAME", "PUT", "/v3/apikeys/"+newID, map[string]any{"name": ""}, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "PUT", "/v3/apikeys/"+newID, map[string]any{"scope": "root"}, e.asKey())
		if diff := cmp.Diff(before, e.ok(t, "GET", "/v3/apikeys", nil, e.asKey())); diff != "" {
			t.Errorf("keys changed (-before +after):\n%s", diff)
		}
	})

	t.Run("ERR_APIKEY_NOT_FOUND", func(t *testing.T) {
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			e.fails(t, 404, "ERR_APIKEY_NOT_FOUND", m, "/v3/apikeys/000000000000", map[string]any{"name": "x"}, e.asKey())
		}
	})

	t.Run("DELETE /v3/apikeys/{apiKey}: the key stops working at once", func(t *testing.T) {
		d := e.okObj(t, "DELETE", "/v3/apikeys/"+newKey, nil, e.asKey())
		if d["success"] != true {
			t.Errorf("got %v", d)
		}
		e.fails(t, 401, "AUTH_ERR_APIKEY_NOT_FOUND", "POST", "/v3/users", map[string]any{"uid": "late", "name": "L"}, asNew)
		e.fails(t, 404, "ERR_APIKEY_NOT_FOUND", "GET", "/v3/apikeys/"+newID, nil, e.asKey())
		e.fails(t, 404, "ERR_APIKEY_NOT_FOUND", "DELETE", "/v3/apikeys/"+newID, nil, e.asKey())
	})

	t.Run("another key may delete the REST API Key", func(t *testing.T) {
		other := e.okObj(t, "POST", "/v3/apikeys", map[string]any{"name": "Second", "scope": "fullAccess"}, e.asKey())
		asOther := hdr{"appid": e.AppID, "apikey": other["apiKey"].(string)}
		e.okObj(t, "DELETE", "/v3/apikeys/"+restID, nil, asOther)
		e.fails(t, 401, "AUTH_ERR_APIKEY_NOT_FOUND", "GET", "/v3/apikeys", nil, e.asKey())
		e.RESTKey = other["apiKey"].(string) // the rest of the test uses this one
	})

	t.Run("ERR_APIKEY_LIMIT_EXCEEDED at 25 keys per app", func(t *testing.T) {
		n := len(e.ok(t, "GET", "/v3/apikeys", nil, e.asKey()).([]any))
		for i := n; i < 25; i++ {
			e.okObj(t, "POST", "/v3/apikeys", map[string]any{"name": fmt.Sprint("k", i), "scope": "authOnly"}, e.asKey())
		}
		e.fails(t, 409, "ERR_APIKEY_LIMIT_EXCEEDED", "POST", "/v3/apikeys", map[string]any{"name": "one too many", "scope": "authOnly"}, e.asKey())
		if n := len(e.ok(t, "GET", "/v3/apikeys", nil, e.asKey()).([]any)); n != 25 {
			t.Errorf("%d keys, want 25", n)
		}
	})

	t.Run("the operator manages keys in an app", func(t *testing.T) {
		e.ok(t, "GET", "/v3/apikeys", nil, asOperator(), inApp(e.AppID))
		e.fails(t, 401, "AUTH_ERR_EMPTY_APPID", "GET", "/v3/apikeys", nil, asOperator())
	})
}
