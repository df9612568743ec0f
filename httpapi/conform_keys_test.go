package httpapi_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// These tests hold Parley to CometChat's published REST API v3 reference
// (www.cometchat.com/docs/rest-api, its OpenAPI file chat-apis.json): the
// shapes a client written for that API parses.

// TestConformListMeta: every list answers with the documented meta: a
// pagination for entity lists (API keys and auth tokens included), a cursor
// for message-like lists.
func TestConformListMeta(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustUser(t, "alice")
	e.mustUser(t, "bob")
	tok := e.mustToken(t, "alice")
	e.mustToken(t, "alice")
	e.okObj(t, "POST", "/v3/users/alice/friends", map[string]any{"accepted": []string{"bob"}}, e.asKey())
	e.okObj(t, "POST", "/v3/users/alice/blockedusers", map[string]any{"blockedUids": []string{"bob"}}, e.asKey())
	e.okObj(t, "POST", "/v3/groups", map[string]any{"guid": "g", "name": "G", "type": "public", "owner": "alice"}, e.asKey())
	m := e.okObj(t, "POST", "/v3/messages", map[string]any{"receiver": "g", "receiverType": "group", "data": map[string]any{"text": "hi"}},
		e.asToken(tok))
	id := m["id"].(string)
	e.okObj(t, "POST", "/v3/messages/"+id+"/reactions/👍", nil, e.asToken(tok))

	t.Run("GET /v3/apikeys pages the keys", func(t *testing.T) {
		p := e.list(t, "/v3/apikeys", e.asKey())
		if diff := cmp.Diff([5]int{2, 2, 100, 1, 1}, p.pg()); diff != "" {
			t.Errorf("pagination (-want +got):\n%s", diff)
		}
		p = e.list(t, "/v3/apikeys?perPage=1&page=2", e.asKey())
		if diff := cmp.Diff([5]int{2, 1, 1, 2, 2}, p.pg()); diff != "" {
			t.Errorf("second page (-want +got):\n%s", diff)
		}
		if got := p.field("name"); len(got) != 1 || got[0] != "Auth Key" {
			t.Errorf("second page holds %v, want the Auth Key", got)
		}
		if p := e.list(t, "/v3/apikeys?page=9", e.asKey()); len(p.Items) != 0 || p.pg()[0] != 2 {
			t.Errorf("a page past the end: %v %v", p.Items, p.Pagination)
		}
		e.fails(t, 400, "ERR_BAD_REQUEST", "GET", "/v3/apikeys?perPage=x", nil, e.asKey())
	})

	t.Run("GET /v3/users/{uid}/auth_tokens pages the tokens", func(t *testing.T) {
		for _, as := range []hdr{e.asKey(), e.asToken(tok)} {
			p := e.list(t, "/v3/users/alice/auth_tokens", as)
			if diff := cmp.Diff([5]int{2, 2, 100, 1, 1}, p.pg()); diff != "" {
				t.Errorf("pagination (-want +got):\n%s", diff)
			}
		}
		p := e.list(t, "/v3/users/alice/auth_tokens?perPage=1", e.asKey())
		if diff := cmp.Diff([5]int{2, 1, 1, 1, 2}, p.pg()); diff != "" {
			t.Errorf("first page of one (-want +got):\n%s", diff)
		}
	})

	t.Run("every entity list has meta.pagination", func(t *testing.T) {
		for _, path := range []string{"/v3/users", "/v3/roles", "/v3/users/alice/friends", "/v3/users/alice/blockedusers",
			"/v3/groups", "/v3/groups/g/members", "/v3/groups/g/bannedusers", "/v3/apikeys", "/v3/users/alice/auth_tokens"} {
			e.list(t, path, e.asKey()) // fails without meta.pagination
		}
		e.list(t, "/v3/conversations", e.asToken(tok))
	})

	t.Run("every message-like list has the cursor meta", func(t *testing.T) {
		for _, path := range []string{"/v3/messages", "/v3/groups/g/messages", "/v3/messages/" + id + "/thread",
			"/v3/messages/" + id + "/reactions", "/v3/messages/" + id + "/reactions/👍"} {
			b := e.okCursorList(t, path, e.asToken(tok))
			meta, _ := b["meta"].(map[string]any)
			cur, _ := meta["current"].(map[string]any)
			if _, is := cur["limit"].(float64); !is {
				t.Errorf("%s: no meta.current.limit: %v", path, meta)
			}
			if _, is := cur["count"].(float64); !is {
				t.Errorf("%s: no meta.current.count: %v", path, meta)
			}
			if _, has := meta["pagination"]; has {
				t.Errorf("%s: a cursor list with a pagination: %v", path, meta)
			}
		}
	})
}

// okCursorList sends a GET that must succeed with an array and returns the body.
func (e *env) okCursorList(t testing.TB, path string, hs ...hdr) map[string]any {
	t.Helper()
	status, b := e.do(t, "GET", path, nil, hs...)
	if status != 200 {
		t.Fatalf("GET %s: status %d: %v", path, status, b)
	}
	if _, is := b["data"].([]any); !is {
		t.Fatalf("GET %s: data is not an array: %v", path, b)
	}
	return b
}

// TestConformSecretEcho: a call that names an API key or an auth token by
// its full value answers with that value, as CometChat's does; by id or
// masked value it stays masked, lists stay masked, and a full-length value
// that is not the secret names nothing.
func TestConformSecretEcho(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	k := e.okObj(t, "POST", "/v3/apikeys", map[string]any{"name": "Backend", "scope": "authOnly"}, e.asKey())
	key, keyID := k["apiKey"].(string), k["id"].(string)
	keyMask := keyID + strings.Repeat("*", 40)
	forged := keyID + strings.Repeat("0", len(key)-len(keyID))

	t.Run("API key", func(t *testing.T) {
		for _, c := range []struct{ method, handle, want string }{
			{"GET", key, key},
			{"PUT", key, key},
			{"GET", keyID, keyMask},
			{"PUT", keyID, keyMask},
			{"GET", keyMask, keyMask},
		} {
			d := e.okObj(t, c.method, "/v3/apikeys/"+c.handle, map[string]any{"name": "Backend"}, e.asKey())
			if d["apiKey"] != c.want {
				t.Errorf("%s by %s: apiKey %v, want %s", c.method, c.handle, d["apiKey"], c.want)
			}
		}
		for _, it := range e.list(t, "/v3/apikeys", e.asKey()).Items {
			if !strings.HasSuffix(it["apiKey"].(string), "****") {
				t.Errorf("the list shows a key: %v", it)
			}
		}
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			e.fails(t, 404, "ERR_APIKEY_NOT_FOUND", m, "/v3/apikeys/"+forged, map[string]any{"name": "x"}, e.asKey())
		}
		e.okObj(t, "GET", "/v3/apikeys/"+keyID, nil, e.asKey()) // not deleted by the forged value
	})

	t.Run("auth token", func(t *testing.T) {
		e.mustUser(t, "alice")
		tok := e.mustToken(t, "alice")
		tokMask := tok[:12] + strings.Repeat("*", 40)
		forged := tok[:12] + strings.Repeat("0", len(tok)-12)
		for _, c := range []struct{ method, handle, want string }{
			{"GET", tok, tok},
			{"PUT", tok, tok},
			{"GET", tok[:12], tokMask},
			{"PUT", tok[:12], tokMask},
			{"GET", tokMask, tokMask},
		} {
			d := e.okObj(t, c.method, "/v3/users/alice/auth_tokens/"+c.handle, map[string]any{"platform": "web"}, e.asKey())
			if d["authToken"] != c.want {
				t.Errorf("%s by %s: authToken %v, want %s", c.method, c.handle, d["authToken"], c.want)
			}
		}
		if d := e.okObj(t, "GET", "/v3/users/alice/auth_tokens/"+tok, nil, e.asToken(tok)); d["authToken"] != tok {
			t.Errorf("the user reading their own token by value: %v", d)
		}
		if it := e.list(t, "/v3/users/alice/auth_tokens", e.asKey()).Items; it[0]["authToken"] != tokMask {
			t.Errorf("the list shows a token: %v", it)
		}
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			e.fails(t, 404, "ERR_AUTH_TOKEN_NOT_FOUND", m, "/v3/users/alice/auth_tokens/"+forged, map[string]any{}, e.asKey())
		}
		e.okObj(t, "GET", "/v3/me", nil, e.asToken(tok)) // not deleted by the forged value
	})
}

// reactionList is a decoded reaction list: its items and cursor meta.
type reactionList struct {
	Items []map[string]any
	Meta  map[string]any
}

// reactions reads a reaction list that must succeed with the cursor meta.
func (e *env) reactions(t testing.TB, path string, hs ...hdr) reactionList {
	t.Helper()
	b := e.okCursorList(t, path, hs...)
	var l reactionList
	for _, it := range b["data"].([]any) {
		l.Items = append(l.Items, it.(map[string]any))
	}
	l.Meta, _ = b["meta"].(map[string]any)
	cur, _ := l.Meta["current"].(map[string]any)
	if cur["count"] != float64(len(l.Items)) {
		t.Fatalf("GET %s: meta.current.count %v, but %d items: %v", path, cur["count"], len(l.Items), l.Meta)
	}
	return l
}

func (l reactionList) uids() []string {
	var out []string
	for _, it := range l.Items {
		s, _ := it["uid"].(string)
		out = append(out, s)
	}
	return out
}

// next is the id of meta.next, which must be there with affix append.
func (l reactionList) next(t testing.TB) string {
	t.Helper()
	n, _ := l.Meta["next"].(map[string]any)
	id, _ := n["id"].(string)
	if n["affix"] != "append" || id == "" {
		t.Fatalf("no meta.next{affix: append, id}: %v", l.Meta)
	}
	return id
}

// unreadOf reads a conversation's unreadMessageCount, which must be a
// string of digits, as CometChat documents it.
func unreadOf(t testing.TB, c map[string]any) int64 {
	t.Helper()
	s, is := c["unreadMessageCount"].(string)
	n, err := strconv.ParseInt(s, 10, 64)
	if !is || err != nil {
		t.Fatalf("unreadMessageCount %#v is not a string of digits: %v", c["unreadMessageCount"], c)
	}
	return n
}
