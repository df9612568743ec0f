package httpapi_test

import (
	"slices"
	"testing"

	"github.com/parleychat/parley"
)

// TestRestrictedFeatures tests POST, GET and DELETE
// /v3/roles/{role}/restrictedfeatures as CometChat documents them, and that
// a restriction refuses the role's users over HTTP (chat's table test
// covers every feature).
func TestRestrictedFeatures(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	e.ok(t, "POST", "/v3/roles", map[string]any{"role": "limited", "name": "Limited"}, e.asKey())
	e.ok(t, "PUT", "/v3/users/bob", map[string]any{"role": "limited"}, e.asKey())
	const path = "/v3/roles/limited/restrictedfeatures"
	features := func(t *testing.T) page {
		t.Helper()
		return e.list(t, path, e.asKey())
	}

	t.Run("Restrict", func(t *testing.T) {
		// Keys as the feature table writes them and as answers do, "u.".
		d := e.okObj(t, "POST", path, map[string]any{"featuresToRestrict": []string{"createMessage", "u.listUsers"}}, e.asKey())
		for _, k := range []string{"createMessage", "u.listUsers"} {
			r, _ := d[k].(map[string]any)
			if r["success"] != true || r["message"] != "The feature "+k+" has been restricted successfully." {
				t.Errorf("answer for %s: %v (all: %v)", k, r, d)
			}
		}
		if len(d) != 2 {
			t.Errorf("answer keys: %v", d)
		}
		p := features(t)
		if got := p.field("key"); !slices.Equal(got, []string{"u.createMessage", "u.listUsers"}) {
			t.Fatalf("listed keys %v", got)
		}
		wantFields(t, "listed feature", p.Items[1], map[string]any{"title": "List Users", "path": "/v3/users"})
		for _, it := range p.Items {
			if s, _ := it["description"].(string); s == "" || num(it, "createdAt") == 0 {
				t.Errorf("listed feature lacks description or createdAt: %v", it)
			}
		}
		if pg := p.pg(); pg != [5]int{2, 2, 100, 1, 1} {
			t.Errorf("pagination %v", pg)
		}
		// A single key may come as a string; restricting again is fine.
		e.ok(t, "POST", path, map[string]any{"featuresToRestrict": "createMessage"}, e.asKey())
		if n := len(features(t).Items); n != 2 {
			t.Errorf("%d features after restricting one again, want 2", n)
		}
		if p := e.list(t, path+"?perPage=1&page=2", e.asKey()); p.pg() != [5]int{2, 1, 1, 2, 2} || p.Items[0]["key"] != "u.listUsers" {
			t.Errorf("second page: %v %v", p.pg(), p.Items)
		}
	})

	t.Run("Enforced", func(t *testing.T) {
		msg := toGroup("team", "hello")
		e.refused(t, 403, parley.CodePermissionDenied, "POST", "/v3/messages", msg, e.as("bob"))
		e.refused(t, 403, parley.CodePermissionDenied, "POST", "/v3/messages", msg, e.asKey(), onBehalfOf("bob"))
		e.fails(t, 403, parley.CodePermissionDenied, "GET", "/v3/users", nil, e.as("bob"))
		// Replies are another feature; other roles and the key are not limited.
		parent := e.sendID(t, toGroup("team", "parent"), e.as("alice"))
		e.ok(t, "POST", "/v3/messages/"+parent+"/thread", map[string]any{"data": map[string]any{"text": "reply"}}, e.as("bob"))
		e.send(t, msg, e.as("carol"))
		e.send(t, msg, e.asKey())
		e.list(t, "/v3/users", e.as("carol"))
		e.list(t, "/v3/users", e.asKey())
	})

	t.Run("Refused", func(t *testing.T) {
		before := features(t).field("key")
		e.fails(t, 400, parley.CodeInvalidParam, "POST", path, map[string]any{"featuresToRestrict": []string{"ban", "flyToTheMoon"}}, e.asKey())
		e.fails(t, 400, parley.CodeInvalidParam, "POST", path, map[string]any{"featuresToRestrict": []string{}}, e.asKey())
		e.fails(t, 400, parley.CodeInvalidParam, "POST", path, map[string]any{}, e.asKey())
		e.fails(t, 400, parley.CodeBadRequest, "POST", path, map[string]any{"featuresToRestrict": 7}, e.asKey())
		e.fails(t, 404, parley.CodeRoleNotFound, "POST", "/v3/roles/ghost/restrictedfeatures", map[string]any{"featuresToRestrict": []string{"ban"}}, e.asKey())
		e.fails(t, 404, parley.CodeRoleNotFound, "GET", "/v3/roles/ghost/restrictedfeatures", nil, e.asKey())
		e.fails(t, 404, parley.CodeRoleNotFound, "DELETE", "/v3/roles/ghost/restrictedfeatures", map[string]any{"allowAll": true}, e.asKey())
		e.fails(t, 403, parley.CodeNoAccess, "POST", path, map[string]any{"featuresToRestrict": []string{"ban"}}, e.as("alice"))
		e.fails(t, 403, parley.CodeNoAccess, "GET", path, nil, e.as("alice"))
		e.fails(t, 403, parley.CodeNoAccess, "DELETE", path, map[string]any{"allowAll": true}, e.as("alice"))
		e.fails(t, 403, parley.CodeNoAccess, "POST", path, map[string]any{"featuresToRestrict": []string{"ban"}}, e.asAuth())
		e.fails(t, 400, parley.CodeInvalidParam, "DELETE", path, map[string]any{}, e.asKey())
		e.fails(t, 400, parley.CodeInvalidParam, "DELETE", path, map[string]any{"featuresToAllow": []string{"nothing"}}, e.asKey())
		if after := features(t).field("key"); !slices.Equal(before, after) {
			t.Errorf("refused calls changed the features: %v, then %v", before, after)
		}
	})

	t.Run("Allow", func(t *testing.T) {
		d := e.okObj(t, "DELETE", path, map[string]any{"featuresToAllow": []string{"u.createMessage"}}, e.asKey())
		wantFields(t, "DELETE answer", d, map[string]any{"success": true, "message": "The feature has been allowed successfully."})
		if got := features(t).field("key"); !slices.Equal(got, []string{"u.listUsers"}) {
			t.Errorf("features after allowing one: %v", got)
		}
		e.send(t, toGroup("team", "allowed again"), e.as("bob"))
		e.ok(t, "DELETE", path, map[string]any{"allowAll": true}, e.asKey())
		if p := features(t); len(p.Items) != 0 || p.pg()[0] != 0 {
			t.Errorf("features after allowAll: %v", p.Items)
		}
		e.list(t, "/v3/users", e.as("bob"))
	})

	t.Run("GoWithTheRole", func(t *testing.T) {
		e.ok(t, "POST", "/v3/roles", map[string]any{"role": "brief", "name": "Brief"}, e.asKey())
		e.ok(t, "POST", "/v3/roles/brief/restrictedfeatures", map[string]any{"featuresToRestrict": []string{"ban"}}, e.asKey())
		e.ok(t, "DELETE", "/v3/roles/brief", nil, e.asKey())
		e.ok(t, "POST", "/v3/roles", map[string]any{"role": "brief", "name": "Brief again"}, e.asKey())
		if p := e.list(t, "/v3/roles/brief/restrictedfeatures", e.asKey()); len(p.Items) != 0 {
			t.Errorf("a role made again inherits %v", p.Items)
		}
	})
}
