package httpapi_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// results turns a bulk answer into uid → "ok" or the error code.
func results(t testing.TB, data any) map[string]string {
	t.Helper()
	m, is := data.(map[string]any)
	if !is {
		t.Fatalf("bulk data is not an object: %v", data)
	}
	out := map[string]string{}
	for uid, r := range m {
		r := r.(map[string]any)
		switch r["success"] {
		case true:
			out[uid] = "ok"
		case false:
			e, _ := r["error"].(map[string]any)
			out[uid], _ = e["code"].(string)
			if msg, _ := e["message"].(string); msg == "" {
				t.Errorf("%s: error without message: %v", uid, r)
			}
		default:
			t.Errorf("%s: no success field: %v", uid, r)
		}
	}
	return out
}

func TestFriends(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, uid := range []string{"alice", "bob", "carol", "dave"} {
		e.mustUser(t, uid)
	}
	friendsOf := func(t *testing.T, uid string) []string {
		return e.list(t, "/v3/users/"+uid+"/friends?sortBy=uid", e.asKey()).uids()
	}

	t.Run("POST …/friends answers per uid", func(t *testing.T) {
		d := e.okObj(t, "POST", "/v3/users/alice/friends", map[string]any{"accepted": []string{"BOB", "carol", "alice", "nobody", "not a uid"}}, e.asKey())["accepted"]
		want := map[string]string{"bob": "ok", "carol": "ok", "alice": "ERR_CANNOT_FORM_SELF_RELATION",
			"nobody": "ERR_UID_NOT_FOUND", "not a uid": "ERR_UID_NOT_FOUND"}
		if diff := cmp.Diff(want, results(t, d)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("friendship is symmetric", func(t *testing.T) {
		if diff := cmp.Diff([]string{"bob", "carol"}, friendsOf(t, "alice")); diff != "" {
			t.Errorf("alice's (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"alice"}, friendsOf(t, "bob")); diff != "" {
			t.Errorf("bob's (-want +got):\n%s", diff)
		}
	})

	t.Run("ERR_ALREADY_FRIEND, either way round", func(t *testing.T) {
		d := e.okObj(t, "POST", "/v3/users/bob/friends", map[string]any{"accepted": []string{"alice", "dave"}}, e.asKey())["accepted"]
		if diff := cmp.Diff(map[string]string{"alice": "ERR_ALREADY_FRIEND", "dave": "ok"}, results(t, d)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("GET …/friends is a paged user list with filters", func(t *testing.T) {
		p := e.list(t, "/v3/users/alice/friends?perPage=1&sortBy=uid", e.asKey())
		if !cmp.Equal([]string{"bob"}, p.uids()) || p.pg() != [5]int{2, 1, 1, 1, 2} {
			t.Errorf("got %v %v", p.uids(), p.pg())
		}
		if uids := e.list(t, "/v3/users/alice/friends?searchKey=car", e.asKey()).uids(); !cmp.Equal([]string{"carol"}, uids) {
			t.Errorf("searchKey: %v", uids)
		}
		e.fails(t, 400, "ERR_BAD_REQUEST", "GET", "/v3/users/alice/friends?sortBy=x", nil, e.asKey())
	})

	t.Run("a user lists their own friends", func(t *testing.T) {
		tok := e.mustToken(t, "alice")
		p := e.list(t, "/v3/users/alice/friends?sortBy=uid", e.asToken(tok))
		if !cmp.Equal([]string{"bob", "carol"}, p.uids()) {
			t.Errorf("got %v", p.uids())
		}
		if p.Items[0]["conversationId"] != "alice_user_bob" || p.Items[0]["blockedByMe"] != false {
			t.Errorf("not seen by alice: %v", p.Items[0])
		}
	})

	t.Run("DELETE …/friends answers per uid", func(t *testing.T) {
		d := e.okObj(t, "DELETE", "/v3/users/alice/friends", map[string]any{"friends": []string{"bob", "dave", "alice", "nobody"}}, e.asKey())["friends"]
		want := map[string]string{"bob": "ok", "dave": "ERR_NOT_A_FRIEND", "alice": "ERR_CANNOT_FORM_SELF_RELATION", "nobody": "ERR_UID_NOT_FOUND"}
		if diff := cmp.Diff(want, results(t, d)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"carol"}, friendsOf(t, "alice")); diff != "" {
			t.Errorf("alice's (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"dave"}, friendsOf(t, "bob")); diff != "" {
			t.Errorf("bob's (-want +got):\n%s", diff)
		}
	})

	t.Run("whole-call failures change nothing", func(t *testing.T) {
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "POST", "/v3/users/nobody/friends", map[string]any{"accepted": []string{"bob"}}, e.asKey())
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "GET", "/v3/users/nobody/friends", nil, e.asKey())
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "DELETE", "/v3/users/nobody/friends", map[string]any{"friends": []string{"bob"}}, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/users/alice/friends", map[string]any{"accepted": []string{}}, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "DELETE", "/v3/users/alice/friends", nil, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/users/alice/friends", `{"accepted":"bob"}`, e.asKey())
		e.fails(t, 400, "ERR_TOO_MANY_UIDS", "POST", "/v3/users/alice/friends", map[string]any{"accepted": append(manyTags(25), "bob")}, e.asKey())
		e.fails(t, 400, "ERR_TOO_MANY_UIDS", "DELETE", "/v3/users/alice/friends", map[string]any{"friends": append(manyTags(25), "carol")}, e.asKey())
		if diff := cmp.Diff([]string{"carol"}, friendsOf(t, "alice")); diff != "" {
			t.Errorf("alice's (-want +got):\n%s", diff)
		}
	})

	t.Run("25 uids is the most a call takes", func(t *testing.T) {
		d := e.okObj(t, "POST", "/v3/users/alice/friends", map[string]any{"accepted": append(manyTags(24), "dave")}, e.asKey())["accepted"]
		if r := results(t, d); len(r) != 25 || r["dave"] != "ok" || r["t0"] != "ERR_UID_NOT_FOUND" {
			t.Errorf("got %v", r)
		}
	})
}

func TestBlocks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, uid := range []string{"alice", "bob", "carol", "dave"} {
		e.mustUser(t, uid)
	}
	aliceTok := e.mustToken(t, "alice")
	asAlice := e.asToken(aliceTok)

	t.Run("POST /v3/blockedusers blocks as the token's user, per uid", func(t *testing.T) {
		d := e.ok(t, "POST", "/v3/blockedusers", map[string]any{"blockedUids": []string{"Bob", "alice", "nobody"}}, asAlice)
		want := map[string]string{"bob": "ok", "alice": "ERR_CANNOT_BLOCK_SELF", "nobody": "ERR_UID_NOT_FOUND"}
		if diff := cmp.Diff(want, results(t, d)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("POST …/users/{uid}/blockedusers blocks for that user", func(t *testing.T) {
		d := e.ok(t, "POST", "/v3/users/carol/blockedusers", map[string]any{"blockedUids": []string{"alice"}}, e.asKey())
		if diff := cmp.Diff(map[string]string{"alice": "ok"}, results(t, d)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		d = e.ok(t, "POST", "/v3/users/alice/blockedusers", map[string]any{"blockedUids": []string{"bob", "dave"}}, asAlice)
		if diff := cmp.Diff(map[string]string{"bob": "ERR_ALREADY_BLOCKED", "dave": "ok"}, results(t, d)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	// Now alice blocks bob and dave; carol blocks alice.
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{"bob", "dave"}},
		{"?direction=blockedByMe", []string{"bob", "dave"}},
		{"?direction=hasBlockedMe", []string{"carol"}},
		{"?direction=both", []string{"bob", "carol", "dave"}},
		{"?direction=both&searchKey=d", []string{"dave"}},
	} {
		t.Run("the block list"+c.query, func(t *testing.T) {
			for _, as := range []struct {
				path string
				h    []hdr
			}{
				{"/v3/blockedusers", []hdr{asAlice}},
				{"/v3/blockedusers", []hdr{e.asKey(), onBehalfOf("alice")}},
				{"/v3/users/alice/blockedusers", []hdr{e.asKey()}},
				{"/v3/users/alice/blockedusers", []hdr{asAlice}},
			} {
				sep := "?sortBy=uid"
				if c.query != "" {
					sep = "&sortBy=uid"
				}
				p := e.list(t, as.path+c.query+sep, as.h...)
				if diff := cmp.Diff(c.want, p.uids()); diff != "" {
					t.Errorf("%s (-want +got):\n%s", as.path, diff)
				}
			}
		})
	}

	t.Run("listed users carry the relation to the owner", func(t *testing.T) {
		p := e.list(t, "/v3/users/alice/blockedusers?direction=both&sortBy=uid", e.asKey())
		got := map[string][2]any{}
		for _, u := range p.Items {
			got[u["uid"].(string)] = [2]any{u["blockedByMe"], u["hasBlockedMe"]}
		}
		want := map[string][2]any{"bob": {true, false}, "carol": {false, true}, "dave": {true, false}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("a bad direction is 400", func(t *testing.T) {
		e.fails(t, 400, "ERR_BAD_REQUEST", "GET", "/v3/blockedusers?direction=sideways", nil, asAlice)
	})

	t.Run("the client routes need a user", func(t *testing.T) {
		e.fails(t, 403, "AUTH_ERR_NO_ACCESS", "GET", "/v3/blockedusers", nil, e.asKey())
		e.fails(t, 403, "AUTH_ERR_NO_ACCESS", "POST", "/v3/blockedusers", map[string]any{"blockedUids": []string{"bob"}}, e.asKey())
		e.fails(t, 403, "AUTH_ERR_NO_ACCESS", "DELETE", "/v3/blockedusers", map[string]any{"blockedUids": []string{"bob"}}, e.asKey())
	})

	t.Run("a user can't block for another", func(t *testing.T) {
		e.fails(t, 403, "AUTH_ERR_NO_ACCESS", "POST", "/v3/users/bob/blockedusers", map[string]any{"blockedUids": []string{"carol"}}, asAlice)
		e.fails(t, 403, "AUTH_ERR_NO_ACCESS", "GET", "/v3/users/bob/blockedusers", nil, asAlice)
	})

	t.Run("DELETE /v3/blockedusers unblocks, per uid", func(t *testing.T) {
		d := e.ok(t, "DELETE", "/v3/blockedusers", map[string]any{"blockedUids": []string{"bob", "carol", "alice", "nobody"}}, asAlice)
		want := map[string]string{"bob": "ok", "carol": "ERR_NOT_BLOCKED", "alice": "ERR_CANNOT_BLOCK_SELF", "nobody": "ERR_UID_NOT_FOUND"}
		if diff := cmp.Diff(want, results(t, d)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"dave"}, e.list(t, "/v3/blockedusers", asAlice).uids()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		d = e.ok(t, "DELETE", "/v3/users/carol/blockedusers", map[string]any{"blockedUids": []string{"alice"}}, e.asKey())
		if diff := cmp.Diff(map[string]string{"alice": "ok"}, results(t, d)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("whole-call failures change nothing", func(t *testing.T) {
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "POST", "/v3/users/nobody/blockedusers", map[string]any{"blockedUids": []string{"bob"}}, e.asKey())
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "GET", "/v3/users/nobody/blockedusers", nil, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/blockedusers", map[string]any{}, asAlice)
		e.fails(t, 400, "ERR_BAD_REQUEST", "POST", "/v3/blockedusers", `{"blockedUids":[1]}`, asAlice)
		e.fails(t, 400, "ERR_TOO_MANY_UIDS", "POST", "/v3/blockedusers", map[string]any{"blockedUids": append(manyTags(25), "bob")}, asAlice)
		e.fails(t, 400, "ERR_TOO_MANY_UIDS", "DELETE", "/v3/blockedusers", map[string]any{"blockedUids": append(manyTags(25), "dave")}, asAlice)
		if diff := cmp.Diff([]string{"dave"}, e.list(t, "/v3/blockedusers?direction=both", asAlice).uids()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("a soft-deleted user is neither listed nor blockable", func(t *testing.T) {
		e.ok(t, "DELETE", "/v3/users/dave", nil, e.asKey())
		if uids := e.list(t, "/v3/blockedusers", asAlice).uids(); len(uids) != 0 {
			t.Errorf("listed %v", uids)
		}
		d := e.ok(t, "POST", "/v3/blockedusers", map[string]any{"blockedUids": []string{"dave"}}, asAlice)
		if diff := cmp.Diff(map[string]string{"dave": "ERR_UID_NOT_FOUND"}, results(t, d)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}
