package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
)

// TestOnBehalfOfIsTheUser makes the same calls as bob twice, in two servers
// set up alike: once with bob's auth token, once with the REST API Key and
// onBehalfOf bob. Each call must answer the same status, code and body
// (times aside): the key sees and may do exactly what bob may — private
// groups, histories, group permissions, blocks, hasJoined, server-only
// calls — no more.
func TestOnBehalfOfIsTheUser(t *testing.T) {
	t.Parallel()
	byToken, byKey := newOBOWorld(t), newOBOWorld(t)
	asBob := map[*oboWorld]hdr{
		byToken: byToken.as("bob"),
		byKey:   merge(byKey.asKey(), onBehalfOf("bob")),
	}
	text := func(to, typ, s string) map[string]any {
		return map[string]any{"receiver": to, "receiverType": typ, "category": "message", "type": "text",
			"data": map[string]any{"text": s}}
	}
	calls := []struct {
		method, path string // {toBob}, {beforeBob}, {secret}: message ids of the set-up
		body         any
		want         string // status and code; "" when another rule decides it (only equality is checked)
	}{
		{"GET", "/v3/groups", nil, "200"},
		{"GET", "/v3/groups?hasJoined=1", nil, "200"},
		{"GET", "/v3/groups/priv", nil, "404 " + parley.CodeGUIDNotFound},
		{"GET", "/v3/groups/priv/members", nil, "404 " + parley.CodeGUIDNotFound},
		{"GET", "/v3/groups/priv/messages", nil, "404 " + parley.CodeGUIDNotFound},
		{"GET", "/v3/messages/{secret}", nil, ""},
		{"POST", "/v3/groups/priv/members", map[string]any{}, ""}, // joining a private group: refused, the code is §11's
		{"POST", "/v3/messages", text("priv", "group", "let me in"), "404 " + parley.CodeGUIDNotFound},
		{"GET", "/v3/groups/pub", nil, "200"},
		{"GET", "/v3/groups/pub/messages", nil, ""},
		{"POST", "/v3/groups/pub/members", map[string]any{}, "200"},
		{"GET", "/v3/groups/pub", nil, "200"},
		{"GET", "/v3/groups/pub/messages", nil, "200"},
		{"PUT", "/v3/groups/pub", map[string]any{"name": "Mine"}, "403 " + parley.CodeGroupNoModerator},
		{"DELETE", "/v3/groups/pub", nil, "403 " + parley.CodeGroupNoAdmin},
		{"POST", "/v3/groups/pub/members", map[string]any{"participants": []string{"carol"}}, ""},
		{"PUT", "/v3/groups/pub/members/alice", map[string]any{"scope": "participant"}, ""},
		{"DELETE", "/v3/messages/{beforeBob}", nil, ""},
		{"PUT", "/v3/messages/{toBob}", map[string]any{"data": map[string]any{"text": "changed"}}, "403 " + parley.CodeNotASender},
		{"POST", "/v3/groups", map[string]any{"guid": "bobs", "name": "Bob's", "type": "public", "owner": "carol"}, "403 " + parley.CodeNoAccess},
		{"POST", "/v3/messages", text("dave", "user", "hi dave"), "403 " + parley.CodeBlockedSender},
		{"GET", "/v3/users/dave", nil, "200"},
		{"GET", "/v3/users", nil, "200"},
		{"GET", "/v3/users/alice/messages", nil, "200"},
		{"GET", "/v3/users/carol/messages", nil, "200"},
		{"POST", "/v3/messages", text("pub", "group", "hello all"), "200"},
		{"GET", "/v3/conversations", nil, "200"},
		{"GET", "/v3/me", nil, "200"},
		{"GET", "/v3/users/bob/friends", nil, "200"},
		{"GET", "/v3/users/carol/auth_tokens", nil, "403 " + parley.CodeNoAccess},
		{"GET", "/v3/apikeys", nil, "403 " + parley.CodeNoAccess},
		{"POST", "/v3/users", map[string]any{"uid": "eve", "name": "Eve"}, "403 " + parley.CodeNoAccess},
		{"PUT", "/v3/users/bob", map[string]any{"name": "Robert"}, "403 " + parley.CodeNoAccess},
		{"GET", "/v3/groups", nil, "200"},
	}
	for i, c := range calls {
		var got [2]string
		var bodies [2]any
		for j, w := range []*oboWorld{byToken, byKey} {
			path := c.path
			for k, id := range w.ids {
				path = strings.ReplaceAll(path, "{"+k+"}", id)
			}
			status, b := w.do(t, c.method, path, c.body, asBob[w])
			got[j] = fmt.Sprint(status)
			if code := errCode(b); code != "" {
				got[j] += " " + code
			}
			bodies[j] = timeless(b)
		}
		what := fmt.Sprintf("call %d: %s %s", i, c.method, c.path)
		if got[0] != got[1] {
			t.Errorf("%s: by token %s, by key+onBehalfOf %s", what, got[0], got[1])
		} else if c.want != "" && got[0] != c.want {
			t.Errorf("%s: got %s, want %s", what, got[0], c.want)
		}
		if diff := cmp.Diff(bodies[0], bodies[1]); diff != "" {
			t.Errorf("%s: bodies differ (-token +key+onBehalfOf):\n%s", what, diff)
		}
	}
}

// oboWorld is one server set up for TestOnBehalfOfIsTheUser: alice owns a
// private group (with carol) and a public one, in which she spoke before bob
// came; she wrote to bob and to carol; dave blocked bob.
type oboWorld struct {
	*groupEnv
	ids map[string]string // message ids by name
}

func newOBOWorld(t *testing.T) *oboWorld {
	t.Helper()
	w := &oboWorld{groupEnv: newGroupEnv(t, "alice", "bob", "carol", "dave"), ids: map[string]string{}}
	w.mustGroup(t, "alice", map[string]any{"guid": "priv", "name": "Priv", "type": "private"})
	w.ok(t, "POST", "/v3/groups/priv/members", map[string]any{"participants": []string{"carol"}}, w.as("alice"))
	w.mustGroup(t, "alice", map[string]any{"guid": "pub", "name": "Pub", "type": "public"})
	send := func(name, from, to, typ string) {
		m := w.okObj(t, "POST", "/v3/messages", map[string]any{"receiver": to, "receiverType": typ,
			"category": "message", "type": "text", "data": map[string]any{"text": name}}, w.as(from))
		w.ids[name] = fmt.Sprint(m["id"])
	}
	send("beforeBob", "alice", "pub", "group")
	send("secret", "alice", "priv", "group")
	send("toBob", "alice", "bob", "user")
	send("toCarol", "alice", "carol", "user")
	w.ok(t, "POST", "/v3/blockedusers", map[string]any{"blockedUids": []string{"bob"}}, w.as("dave"))
	return w
}

// timeless returns v with every time (a number under a key ending in "At")
// zeroed: the one part of an answer that depends on when it was made.
func timeless(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if _, num := x.(float64); num && strings.HasSuffix(k, "At") {
				x = 0.0
			}
			out[k] = timeless(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = timeless(x)
		}
		return out
	}
	return v
}
