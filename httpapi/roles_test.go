package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	roleIDs := func(t *testing.T) []string { return e.list(t, "/v3/roles?perPage=1000", e.asKey()).field("role") }

	t.Run("POST /v3/roles returns the role, its id folded", func(t *testing.T) {
		d := e.okObj(t, "POST", "/v3/roles", map[string]any{"role": "Mod", "name": " Moderator ", "description": "keeps order",
			"metadata": map[string]any{"level": 2}, "settings": map[string]any{"listUsers": true, "sendMessagesTo": "friendsOnly"}}, e.asKey())
		delete(d, "createdAt")
		delete(d, "updatedAt")
		want := map[string]any{"role": "mod", "name": "Moderator", "description": "keeps order",
			"metadata": map[string]any{"level": 2.0}, "settings": map[string]any{"listUsers": true, "sendMessagesTo": "friendsOnly"}}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("GET /v3/roles/{role}", func(t *testing.T) {
		d := e.okObj(t, "GET", "/v3/roles/MOD", nil, e.asKey())
		if d["role"] != "mod" || d["description"] != "keeps order" {
			t.Errorf("got %v", d)
		}
	})

	t.Run("GET /v3/roles lists by id, paged", func(t *testing.T) {
		e.ok(t, "POST", "/v3/roles", map[string]any{"role": "admin", "name": "Admin"}, e.asKey())
		p := e.list(t, "/v3/roles", e.asKey())
		if diff := cmp.Diff([]string{"admin", "default", "mod"}, p.field("role")); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if p.pg() != [5]int{3, 3, 100, 1, 1} {
			t.Errorf("pagination %v", p.pg())
		}
		p = e.list(t, "/v3/roles?perPage=2&page=2", e.asKey())
		if !cmp.Equal([]string{"mod"}, p.field("role")) || p.pg() != [5]int{3, 1, 2, 2, 2} {
			t.Errorf("page 2: %v %v", p.field("role"), p.pg())
		}
		e.fails(t, 400, "ERR_BAD_REQUEST", "GET", "/v3/roles?perPage=x", nil, e.asKey())
		if pg := e.list(t, "/v3/roles?perPage=1001", e.asKey()).pg(); pg[2] != 1000 {
			t.Errorf("per_page %d", pg[2])
		}
	})

	t.Run("PUT /v3/roles/{role} is partial, with unset", func(t *testing.T) {
		d := e.okObj(t, "PUT", "/v3/roles/mod", map[string]any{"name": "Moderators", "unset": []string{"metadata", "description"}}, e.asKey())
		if d["name"] != "Moderators" || d["description"] != nil || d["metadata"] != nil || d["settings"] == nil {
			t.Errorf("got %v", d)
		}
		d = e.okObj(t, "PUT", "/v3/roles/mod", map[string]any{"settings": map[string]any{"sendMessagesTo": "all"}, "description": "d"}, e.asKey())
		if !cmp.Equal(d["settings"], map[string]any{"sendMessagesTo": "all"}) || d["description"] != "d" || d["name"] != "Moderators" {
			t.Errorf("got %v", d)
		}
		d = e.okObj(t, "PUT", "/v3/roles/mod", map[string]any{"unset": []string{"settings"}}, e.asKey())
		if _, has := d["settings"]; has {
			t.Errorf("got %v", d)
		}
		if got := e.okObj(t, "GET", "/v3/roles/mod", nil, e.asKey()); !cmp.Equal(got, d) {
			t.Errorf("stored %v, answered %v", got, d)
		}
	})

	createCases := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"a taken role", map[string]any{"role": "mod", "name": "M"}, 409, "ERR_ROLE_ALREADY_EXISTS"},
		{"a taken role in another case", map[string]any{"role": "DEFAULT", "name": "M"}, 409, "ERR_ROLE_ALREADY_EXISTS"},
		{"no role", map[string]any{"name": "M"}, 400, "ERR_BAD_REQUEST"},
		{"a malformed role", map[string]any{"role": "a role", "name": "M"}, 400, "ERR_BAD_REQUEST"},
		{"no name", map[string]any{"role": "r1"}, 400, "ERR_EMPTY_NAME"},
		{"a name of 101 characters", map[string]any{"role": "r1", "name": strings.Repeat("n", 101)}, 400, "ERR_BAD_REQUEST"},
		{"a description over 1024", map[string]any{"role": "r1", "name": "R", "description": strings.Repeat("d", 1025)}, 400, "ERR_BAD_REQUEST"},
		{"metadata over 5 KB", map[string]any{"role": "r1", "name": "R", "metadata": bigMetadata()}, 400, "ERR_INVALID_METADATA"},
		{"settings over 5 KB", map[string]any{"role": "r1", "name": "R", "settings": bigMetadata()}, 400, "ERR_BAD_REQUEST"},
		{"a bad sendMessagesTo", map[string]any{"role": "r1", "name": "R", "settings": map[string]any{"sendMessagesTo": "nobody"}}, 400, "ERR_BAD_REQUEST"},
		{"a wrong type", `{"role":"r1","name":"R","settings":[]}`, 400, "ERR_BAD_REQUEST"},
	}
	for _, c := range createCases {
		t.Run("create with "+c.name+" is refused and writes nothing", func(t *testing.T) {
			before := roleIDs(t)
			e.fails(t, c.status, c.code, "POST", "/v3/roles", c.body, e.asKey())
			if diff := cmp.Diff(before, roleIDs(t)); diff != "" {
				t.Errorf("roles changed (-before +after):\n%s", diff)
			}
		})
	}

	updateCases := []struct {
		name   string
		role   string
		body   any
		status int
		code   string
	}{
		{"an unknown role", "nosuch", map[string]any{"name": "N"}, 404, "ERR_ROLE_NOT_FOUND"},
		{"a blank name", "mod", map[string]any{"name": " "}, 400, "ERR_EMPTY_NAME"},
		{"metadata over 5 KB", "mod", map[string]any{"metadata": bigMetadata()}, 400, "ERR_INVALID_METADATA"},
		{"a bad sendMessagesTo", "mod", map[string]any{"settings": map[string]any{"sendMessagesTo": 1}}, 400, "ERR_BAD_REQUEST"},
		{"an unknown unset field", "mod", map[string]any{"unset": []string{"name"}}, 400, "ERR_BAD_REQUEST"},
		{"a good field with a bad one", "mod", map[string]any{"description": "changed", "metadata": bigMetadata()}, 400, "ERR_INVALID_METADATA"},
		{"a wrong type", "mod", `{"name":false}`, 400, "ERR_BAD_REQUEST"},
	}
	for _, c := range updateCases {
		t.Run("update with "+c.name+" is refused and changes nothing", func(t *testing.T) {
			before := e.okObj(t, "GET", "/v3/roles/mod", nil, e.asKey())
			e.fails(t, c.status, c.code, "PUT", "/v3/roles/"+c.role, c.body, e.asKey())
			if diff := cmp.Diff(before, e.okObj(t, "GET", "/v3/roles/mod", nil, e.asKey())); diff != "" {
				t.Errorf("role changed (-before +after):\n%s", diff)
			}
		})
	}

	t.Run("ERR_ROLE_NOT_FOUND on read and delete", func(t *testing.T) {
		e.fails(t, 404, "ERR_ROLE_NOT_FOUND", "GET", "/v3/roles/nosuch", nil, e.asKey())
		e.fails(t, 404, "ERR_ROLE_NOT_FOUND", "DELETE", "/v3/roles/nosuch", nil, e.asKey())
	})

	t.Run("the default role can't be deleted", func(t *testing.T) {
		e.fails(t, 403, "ERR_ROLE_DELETE_DENIED", "DELETE", "/v3/roles/default", nil, e.asKey())
		e.fails(t, 403, "ERR_ROLE_DELETE_DENIED", "DELETE", "/v3/roles/Default", nil, e.asKey())
	})

	t.Run("a role in use can't be deleted, also by a deleted user", func(t *testing.T) {
		e.mustUser(t, "alice", map[string]any{"role": "mod"})
		b := e.fails(t, 409, "ERR_ROLE_IN_USE", "DELETE", "/v3/roles/mod", nil, e.asKey())
		if msg := fmt.Sprint(b["error"].(map[string]any)["message"]); !strings.Contains(msg, "1 users") {
			t.Errorf("message %q", msg)
		}
		e.ok(t, "DELETE", "/v3/users/alice", nil, e.asKey())
		e.fails(t, 409, "ERR_ROLE_IN_USE", "DELETE", "/v3/roles/mod", nil, e.asKey())
		e.ok(t, "DELETE", "/v3/users/alice", map[string]any{"permanent": true}, e.asKey())
	})

	t.Run("DELETE /v3/roles/{role}", func(t *testing.T) {
		d := e.okObj(t, "DELETE", "/v3/roles/MOD", nil, e.asKey())
		if d["success"] != true {
			t.Errorf("got %v", d)
		}
		e.fails(t, 404, "ERR_ROLE_NOT_FOUND", "GET", "/v3/roles/mod", nil, e.asKey())
		if diff := cmp.Diff([]string{"admin", "default"}, roleIDs(t)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("a user reads roles", func(t *testing.T) {
		e.mustUser(t, "bob")
		tok := e.mustToken(t, "bob")
		e.okObj(t, "GET", "/v3/roles/admin", nil, e.asToken(tok))
		e.fails(t, 403, "AUTH_ERR_NO_ACCESS", "POST", "/v3/roles", map[string]any{"role": "x", "name": "X"}, e.asToken(tok))
	})
}
