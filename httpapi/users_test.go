package httpapi_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// bigMetadata is a metadata object that encodes to more than 5 KB.
func bigMetadata() map[string]any {
	return map[string]any{"blob": strings.Repeat("m", 5*1024)}
}

func manyTags(n int) []string {
	tags := make([]string, n)
	for i := range tags {
		tags[i] = fmt.Sprint("t", i)
	}
	return tags
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	t.Run("the answer carries every field given", func(t *testing.T) {
		d := e.mustUser(t, "Alice", map[string]any{"name": " Alice ", "avatar": "https://a/av.png", "link": "https://a",
			"statusMessage": "hi", "metadata": map[string]any{"k": "v", "n": 1}, "tags": []string{"b", " a ", "b"}})
		if d["createdAt"] == nil || d["updatedAt"] == nil {
			t.Errorf("no times: %v", d)
		}
		delete(d, "createdAt")
		delete(d, "updatedAt")
		want := map[string]any{"uid": "alice", "name": "Alice", "avatar": "https://a/av.png", "link": "https://a",
			"role": "default", "statusMessage": "hi", "metadata": map[string]any{"k": "v", "n": 1.0},
			"tags": []any{"b", "a"}, "status": "offline"}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("user (-want +got):\n%s", diff)
		}
		if got := e.okObj(t, "GET", "/v3/users/alice", nil, e.asKey()); got["name"] != "Alice" || got["statusMessage"] != "hi" {
			t.Errorf("stored: %v", got)
		}
	})

	t.Run("the uid is folded to lower case and trimmed", func(t *testing.T) {
		d := e.mustUser(t, " MiXeD_Case-1 ")
		if d["uid"] != "mixed_case-1" {
			t.Errorf("uid %v", d["uid"])
		}
		e.okObj(t, "GET", "/v3/users/MIXED_CASE-1", nil, e.asKey())
	})

	t.Run("the Auth Key may create users", func(t *testing.T) {
		e.okObj(t, "POST", "/v3/users", map[string]any{"uid": "byauth", "name": "A"}, e.asAuth())
	})

	t.Run("withAuthToken logs the user in", func(t *testing.T) {
		d := e.okObj(t, "POST", "/v3/users", map[string]any{"uid": "withtok", "name": "W", "withAuthToken": true}, e.asAuth())
		tok, _ := d["authToken"].(string)
		if tok == "" {
			t.Fatalf("no authToken: %v", d)
		}
		if me := e.okObj(t, "GET", "/v3/me", nil, e.asToken(tok)); me["uid"] != "withtok" {
			t.Errorf("me: %v", me)
		}
		if _, has := e.okObj(t, "GET", "/v3/users/withtok", nil, e.asKey())["authToken"]; has {
			t.Error("authToken shown outside the create answer")
		}
	})

	t.Run("a role that exists", func(t *testing.T) {
		e.ok(t, "POST", "/v3/roles", map[string]any{"role": "mod", "name": "Moderator"}, e.asKey())
		if d := e.mustUser(t, "moddy", map[string]any{"role": "MOD"}); d["role"] != "mod" {
			t.Errorf("role %v", d["role"])
		}
	})

	t.Run("limits hold at their edge", func(t *testing.T) {
		meta := map[string]any{"b": strings.Repeat("m", 5*1024-len(`{"b":""}`))}
		e.mustUser(t, strings.Repeat("u", 100), map[string]any{"name": strings.Repeat("n", 100),
			"tags": manyTags(25), "metadata": meta, "statusMessage": strings.Repeat("s", 1024)})
	})

	e.mustUser(t, "taken")
	cases := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"a taken uid", map[string]any{"uid": "taken", "name": "T"}, 409, "ERR_UID_ALREADY_EXISTS"},
		{"a taken uid in another case", map[string]any{"uid": "TAKEN", "name": "T"}, 409, "ERR_UID_ALREADY_EXISTS"},
		{"no uid", map[string]any{"name": "T"}, 400, "ERR_INVALID_UID"},
		{"a uid with a space", map[string]any{"uid": "a b", "name": "T"}, 400, "ERR_INVALID_UID"},
		{"a uid with a dot", map[string]any{"uid": "a.b", "name": "T"}, 400, "ERR_INVALID_UID"},
		{"a uid of 101 characters", map[string]any{"uid": strings.Repeat("u", 101), "name": "T"}, 400, "ERR_INVALID_UID"},
		{"a non-ASCII uid", map[string]any{"uid": "zoë", "name": "T"}, 400, "ERR_INVALID_UID"},
		{"no name", map[string]any{"uid": "noname"}, 400, "ERR_EMPTY_NAME"},
		{"a blank name", map[string]any{"uid": "noname", "name": " \t"}, 400, "ERR_EMPTY_NAME"},
		{"a name of 101 characters", map[string]any{"uid": "longname", "name": strings.Repeat("n", 101)}, 400, "ERR_BAD_REQUEST"},
		{"an avatar over 2048", map[string]any{"uid": "x", "name": "X", "avatar": strings.Repeat("a", 2049)}, 400, "ERR_BAD_REQUEST"},
		{"a status message over 1024", map[string]any{"uid": "x", "name": "X", "statusMessage": strings.Repeat("a", 1025)}, 400, "ERR_BAD_REQUEST"},
		{"metadata over 5 KB", map[string]any{"uid": "x", "name": "X", "metadata": bigMetadata()}, 400, "ERR_INVALID_METADATA"},
		{"26 tags", map[string]any{"uid": "x", "name": "X", "tags": manyTags(26)}, 400, "ERR_INVALID_TAGS"},
		{"an empty tag", map[string]any{"uid": "x", "name": "X", "tags": []string{"a", " "}}, 400, "ERR_INVALID_TAGS"},
		{"a tag of 101 characters", map[string]any{"uid": "x", "name": "X", "tags": []string{strings.Repeat("t", 101)}}, 400, "ERR_INVALID_TAGS"},
		{"an unknown role", map[string]any{"uid": "x", "name": "X", "role": "nosuch"}, 404, "ERR_ROLE_NOT_FOUND"},
		{"a malformed role", map[string]any{"uid": "x", "name": "X", "role": "no such"}, 400, "ERR_ROLE_NOT_FOUND"},
		{"a wrong type", `{"uid":"x","name":"X","tags":[1]}`, 400, "ERR_BAD_REQUEST"},
		{"malformed JSON", `{"uid":"x",`, 400, "ERR_BAD_REQUEST"},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused and writes nothing", func(t *testing.T) {
			before := e.allUIDs(t)
			e.fails(t, c.status, c.code, "POST", "/v3/users", c.body, e.asKey())
			if diff := cmp.Diff(before, e.allUIDs(t)); diff != "" {
				t.Errorf("users changed (-before +after):\n%s", diff)
			}
		})
	}

	t.Run("withAuthToken on a refused create makes no token", func(t *testing.T) {
		e.fails(t, 409, "ERR_UID_ALREADY_EXISTS", "POST", "/v3/users", map[string]any{"uid": "taken", "name": "T", "withAuthToken": true}, e.asKey())
		if n := len(e.ok(t, "GET", "/v3/users/taken/auth_tokens", nil, e.asKey()).([]any)); n != 0 {
			t.Errorf("%d tokens", n)
		}
	})
}

func TestGetUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustUser(t, "alice")
	t.Run("by any case of the uid", func(t *testing.T) {
		if d := e.okObj(t, "GET", "/v3/users/ALICE", nil, e.asKey()); d["uid"] != "alice" {
			t.Errorf("got %v", d)
		}
	})
	t.Run("ERR_UID_NOT_FOUND", func(t *testing.T) {
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "GET", "/v3/users/nobody", nil, e.asKey())
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "GET", "/v3/users/not%20a%20uid", nil, e.asKey())
	})
	t.Run("a deactivated user is still readable", func(t *testing.T) {
		e.mustUser(t, "sleepy")
		e.ok(t, "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": []string{"sleepy"}}, e.asKey())
		if d := e.okObj(t, "GET", "/v3/users/sleepy", nil, e.asKey()); d["deactivatedAt"] == nil {
			t.Errorf("no deactivatedAt: %v", d)
		}
	})
}

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.ok(t, "POST", "/v3/roles", map[string]any{"role": "mod", "name": "Moderator"}, e.asKey())
	e.mustUser(t, "alice", map[string]any{"avatar": "av", "link": "ln", "statusMessage": "st",
		"metadata": map[string]any{"a": 1}, "tags": []string{"x"}, "role": "mod"})

	t.Run("a partial update changes only what it names", func(t *testing.T) {
		d := e.okObj(t, "PUT", "/v3/users/ALICE", map[string]any{"name": " New ", "tags": []string{"y", "z"}}, e.asKey())
		if d["name"] != "New" || d["avatar"] != "av" || d["link"] != "ln" || d["statusMessage"] != "st" || d["role"] != "mod" ||
			!cmp.Equal(d["tags"], []any{"y", "z"}) || !cmp.Equal(d["metadata"], map[string]any{"a": 1.0}) {
			t.Errorf("got %v", d)
		}
		if got := e.okObj(t, "GET", "/v3/users/alice", nil, e.asKey()); !cmp.Equal(got, d) {
			t.Errorf("stored %v, answered %v", got, d)
		}
	})

	t.Run("metadata replaces, role changes", func(t *testing.T) {
		d := e.okObj(t, "PUT", "/v3/users/alice", map[string]any{"metadata": map[string]any{"b": "2"}, "role": "default"}, e.asKey())
		if !cmp.Equal(d["metadata"], map[string]any{"b": "2"}) || d["role"] != "default" {
			t.Errorf("got %v", d)
		}
	})

	t.Run("unset clears fields and sends the role back to default", func(t *testing.T) {
		e.okObj(t, "PUT", "/v3/users/alice", map[string]any{"role": "mod"}, e.asKey())
		d := e.okObj(t, "PUT", "/v3/users/alice", map[string]any{
			"unset": []string{"avatar", "link", "statusMessage", "metadata", "tags", "role"}}, e.asKey())
		for _, f := range []string{"avatar", "link", "statusMessage", "metadata", "tags"} {
			if _, has := d[f]; has {
				t.Errorf("%s still set: %v", f, d)
			}
		}
		if d["role"] != "default" || d["name"] != "New" {
			t.Errorf("got %v", d)
		}
	})

	t.Run("a field set and unset in one call is set", func(t *testing.T) {
		d := e.okObj(t, "PUT", "/v3/users/alice", map[string]any{"avatar": "new", "unset": []string{"avatar"}}, e.asKey())
		if d["avatar"] != "new" {
			t.Errorf("got %v", d)
		}
	})

	cases := []struct {
		name   string
		uid    string
		body   any
		status int
		code   string
	}{
		{"an unknown user", "nobody", map[string]any{"name": "X"}, 404, "ERR_UID_NOT_FOUND"},
		{"a blank name", "alice", map[string]any{"name": " "}, 400, "ERR_EMPTY_NAME"},
		{"a name of 101 characters", "alice", map[string]any{"name": strings.Repeat("n", 101)}, 400, "ERR_BAD_REQUEST"},
		{"metadata over 5 KB", "alice", map[string]any{"metadata": bigMetadata()}, 400, "ERR_INVALID_METADATA"},
		{"26 tags", "alice", map[string]any{"tags": manyTags(26)}, 400, "ERR_INVALID_TAGS"},
		{"an unknown role", "alice", map[string]any{"role": "nosuch"}, 404, "ERR_ROLE_NOT_FOUND"},
		{"an unknown unset field", "alice", map[string]any{"unset": []string{"name"}}, 400, "ERR_BAD_REQUEST"},
		{"a good field with a bad one", "alice", map[string]any{"name": "Changed", "tags": manyTags(26)}, 400, "ERR_INVALID_TAGS"},
		{"a wrong type", "alice", `{"name":"Changed","tags":"x"}`, 400, "ERR_BAD_REQUEST"},
		{"unset as a string", "alice", `{"unset":"avatar"}`, 400, "ERR_BAD_REQUEST"},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused and changes nothing", func(t *testing.T) {
			before := e.storedUser(t, "alice")
			e.fails(t, c.status, c.code, "PUT", "/v3/users/"+c.uid, c.body, e.asKey())
			if diff := cmp.Diff(before, e.storedUser(t, "alice")); diff != "" {
				t.Errorf("alice changed (-before +after):\n%s", diff)
			}
		})
	}

	t.Run("a deleted user can't be updated", func(t *testing.T) {
		e.mustUser(t, "gone")
		e.ok(t, "DELETE", "/v3/users/gone", nil, e.asKey())
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "PUT", "/v3/users/gone", map[string]any{"name": "X"}, e.asKey())
	})
}

func TestDeleteUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	t.Run("a soft delete hides the user, keeps the uid and logs out every device", func(t *testing.T) {
		e.mustUser(t, "soft")
		tok1, tok2 := e.mustToken(t, "soft"), e.mustToken(t, "soft")
		e.okObj(t, "GET", "/v3/me", nil, e.asToken(tok1))
		d := e.okObj(t, "DELETE", "/v3/users/SOFT", nil, e.asKey())
		if d["success"] != true || d["message"] == "" {
			t.Errorf("got %v", d)
		}
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "GET", "/v3/users/soft", nil, e.asKey())
		for _, tok := range []string{tok1, tok2} {
			e.fails(t, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", "GET", "/v3/me", nil, e.asToken(tok))
		}
		if uids := e.list(t, "/v3/users?withDeactivated=1", e.asKey()).uids(); len(uids) != 0 {
			t.Errorf("listed: %v", uids)
		}
		e.fails(t, 409, "ERR_UID_ALREADY_EXISTS", "POST", "/v3/users", map[string]any{"uid": "soft", "name": "S"}, e.asKey())
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "DELETE", "/v3/users/soft", nil, e.asKey())
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "POST", "/v3/users/soft/auth_tokens", nil, e.asKey())
	})

	t.Run("a permanent delete frees the uid", func(t *testing.T) {
		e.okObj(t, "DELETE", "/v3/users/soft", map[string]any{"permanent": true}, e.asKey())
		if e.storedUser(t, "soft") != nil {
			t.Error("still stored")
		}
		d := e.mustUser(t, "soft")
		if d["name"] != "User soft" {
			t.Errorf("got %v", d)
		}
	})

	t.Run("permanent may also come in the query", func(t *testing.T) {
		e.mustUser(t, "byquery")
		tok := e.mustToken(t, "byquery")
		e.okObj(t, "DELETE", "/v3/users/byquery?permanent=true", nil, e.asKey())
		e.fails(t, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", "GET", "/v3/me", nil, e.asToken(tok))
		e.mustUser(t, "byquery")
	})

	t.Run("a permanent delete removes the user's relations", func(t *testing.T) {
		e.mustUser(t, "pal")
		e.mustUser(t, "temp")
		e.ok(t, "POST", "/v3/users/pal/friends", map[string]any{"accepted": []string{"temp"}}, e.asKey())
		e.ok(t, "POST", "/v3/users/pal/blockedusers", map[string]any{"blockedUids": []string{"temp"}}, e.asKey())
		e.okObj(t, "DELETE", "/v3/users/temp", map[string]any{"permanent": true}, e.asKey())
		e.mustUser(t, "temp")
		if n := len(e.list(t, "/v3/users/pal/friends", e.asKey()).Items); n != 0 {
			t.Errorf("%d friends left", n)
		}
		if n := len(e.list(t, "/v3/users/pal/blockedusers", e.asKey()).Items); n != 0 {
			t.Errorf("%d blocks left", n)
		}
	})

	t.Run("ERR_UID_NOT_FOUND", func(t *testing.T) {
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "DELETE", "/v3/users/nobody", nil, e.asKey())
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "DELETE", "/v3/users/nobody", map[string]any{"permanent": true}, e.asKey())
	})

	t.Run("a bad body is refused", func(t *testing.T) {
		e.mustUser(t, "kept")
		e.fails(t, 400, "ERR_BAD_REQUEST", "DELETE", "/v3/users/kept", `{"permanent":"yes"}`, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "DELETE", "/v3/users/kept?permanent=maybe", nil, e.asKey())
		e.okObj(t, "GET", "/v3/users/kept", nil, e.asKey())
	})
}

func TestDeactivateUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, uid := range []string{"alice", "bob", "carol"} {
		e.mustUser(t, uid)
	}
	aliceTok := e.mustToken(t, "alice")

	t.Run("DELETE /v3/users deactivates and says which uids changed", func(t *testing.T) {
		d := e.okObj(t, "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": []string{"ALICE", "bob", "nobody"}}, e.asKey())
		want := map[string]any{"success": true, "deactivatedUids": []any{"alice", "bob"}, "nonDeactivatedUids": []any{"nobody"}}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("a deactivated user's token is refused, and no new one is made", func(t *testing.T) {
		e.fails(t, 401, "AUTH_ERR_USER_DEACTIVATED", "GET", "/v3/me", nil, e.asToken(aliceTok))
		e.fails(t, 404, "ERR_UID_NOT_FOUND", "POST", "/v3/users/alice/auth_tokens", nil, e.asAuth())
		e.fails(t, 409, "ERR_UID_ALREADY_EXISTS", "POST", "/v3/users", map[string]any{"uid": "alice", "name": "A"}, e.asKey())
	})

	t.Run("deactivated users leave the default list", func(t *testing.T) {
		if diff := cmp.Diff([]string{"carol"}, e.list(t, "/v3/users", e.asKey()).uids()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"alice", "bob"}, e.list(t, "/v3/users?onlyDeactivated=1&sortBy=uid", e.asKey()).uids()); diff != "" {
			t.Errorf("onlyDeactivated (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"alice", "bob", "carol"}, e.list(t, "/v3/users?withDeactivated=true&sortBy=uid", e.asKey()).uids()); diff != "" {
			t.Errorf("withDeactivated (-want +got):\n%s", diff)
		}
	})

	t.Run("deactivating again changes nothing", func(t *testing.T) {
		d := e.okObj(t, "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": []string{"alice"}}, e.asKey())
		if !cmp.Equal(d["deactivatedUids"], []any{}) || !cmp.Equal(d["nonDeactivatedUids"], []any{"alice"}) {
			t.Errorf("got %v", d)
		}
	})

	t.Run("PUT /v3/users reactivates and the old token works again", func(t *testing.T) {
		d := e.okObj(t, "PUT", "/v3/users", map[string]any{"uidsToActivate": []string{"alice", "carol"}}, e.asKey())
		want := map[string]any{"success": true, "nonDeactivatedUids": []any{"alice"}, "nonActivatedUids": []any{"carol"}}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if me := e.okObj(t, "GET", "/v3/me", nil, e.asToken(aliceTok)); me["uid"] != "alice" {
			t.Errorf("me: %v", me)
		}
		if _, has := e.okObj(t, "GET", "/v3/users/alice", nil, e.asKey())["deactivatedAt"]; has {
			t.Error("deactivatedAt still set")
		}
	})

	t.Run("bad lists are refused and change nothing", func(t *testing.T) {
		before := e.list(t, "/v3/users?onlyDeactivated=1", e.asKey()).uids()
		e.fails(t, 400, "ERR_BAD_REQUEST", "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": []string{}}, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "DELETE", "/v3/users", nil, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "PUT", "/v3/users", map[string]any{}, e.asKey())
		e.fails(t, 400, "ERR_BAD_REQUEST", "DELETE", "/v3/users", `{"uidsToDeactivate":"carol"}`, e.asKey())
		tooMany := append(manyTags(1000), "carol")
		e.fails(t, 400, "ERR_TOO_MANY_UIDS", "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": tooMany}, e.asKey())
		e.fails(t, 400, "ERR_TOO_MANY_UIDS", "PUT", "/v3/users", map[string]any{"uidsToActivate": tooMany}, e.asKey())
		if diff := cmp.Diff(before, e.list(t, "/v3/users?onlyDeactivated=1", e.asKey()).uids()); diff != "" {
			t.Errorf("deactivated users changed (-before +after):\n%s", diff)
		}
	})
}

// listEnv is an app with users to filter:
//
//	uid      name         role     tags       state
//	alice    Alice Smith  default  vip
//	al-bert  Zed          default
//	bob      Bob          mod      vip, beta
//	carol    carol lower  mod
//	eve      Alice Eve    default  beta
//	dave     Dave         default             deactivated
//
// alice is friends with bob and eve, blocks carol, and eve blocks alice.
func listEnv(t *testing.T) (*env, string) {
	e := newEnv(t, steppingClock())
	e.ok(t, "POST", "/v3/roles", map[string]any{"role": "mod", "name": "Moderator"}, e.asKey())
	for _, u := range []map[string]any{
		{"uid": "alice", "name": "Alice Smith", "tags": []string{"vip"}},
		{"uid": "al-bert", "name": "Zed"},
		{"uid": "bob", "name": "Bob", "role": "mod", "tags": []string{"vip", "beta"}},
		{"uid": "carol", "name": "carol lower", "role": "mod"},
		{"uid": "eve", "name": "Alice Eve", "tags": []string{"beta"}},
		{"uid": "dave", "name": "Dave"},
	} {
		e.okObj(t, "POST", "/v3/users", u, e.asKey())
	}
	e.ok(t, "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": []string{"dave"}}, e.asKey())
	e.ok(t, "POST", "/v3/users/alice/friends", map[string]any{"accepted": []string{"bob", "eve"}}, e.asKey())
	e.ok(t, "POST", "/v3/users/alice/blockedusers", map[string]any{"blockedUids": []string{"carol"}}, e.asKey())
	e.ok(t, "POST", "/v3/users/eve/blockedusers", map[string]any{"blockedUids": []string{"alice"}}, e.asKey())
	return e, e.mustToken(t, "alice")
}

func TestListUsers(t *testing.T) {
	t.Parallel()
	e, aliceTok := listEnv(t)
	asAlice := e.asToken(aliceTok)

	cases := []struct {
		query string
		as    hdr
		want  []string
	}{
		{"", nil, []string{"eve", "alice", "bob", "carol", "al-bert"}}, // by name, ignoring case
		{"searchKey=al", nil, []string{"eve", "alice", "al-bert"}},
		{"searchKey=AL&searchIn=uid", nil, []string{"alice", "al-bert"}},
		{"searchKey=al&searchIn=name", nil, []string{"eve", "alice"}},
		{"searchKey=al&searchIn=uid,name", nil, []string{"eve", "alice", "al-bert"}},
		{"searchKey=smith", nil, nil}, // a prefix, not a substring
		{"searchKey=%25", nil, nil},   // LIKE wildcards are literal
		{"searchKey=_", nil, nil},
		{"status=offline", nil, []string{"eve", "alice", "bob", "carol", "al-bert"}},
		{"status=available", nil, nil},
		{"role=mod", nil, []string{"bob", "carol"}},
		{"role=MOD", nil, []string{"bob", "carol"}},
		{"roles=mod,default&sortBy=uid", nil, []string{"al-bert", "alice", "bob", "carol", "eve"}},
		{"role=mod&roles=default&sortBy=uid", nil, []string{"al-bert", "alice", "bob", "carol", "eve"}},
		{"tags=beta", nil, []string{"eve", "bob"}},
		{"tags=vip,beta&sortBy=uid", nil, []string{"alice", "bob", "eve"}},
		{"tags=VIP", nil, nil}, // tags are case-sensitive
		{"withTags=1&sortBy=uid", nil, []string{"alice", "bob", "eve"}},
		{"uids=alice,BOB,nobody&sortBy=uid", nil, []string{"alice", "bob"}},
		{"uids[]=alice&uids[]=carol&sortBy=uid", nil, []string{"alice", "carol"}},
		{"uids=dave", nil, nil},
		{"uids=dave&withDeactivated=1", nil, []string{"dave"}},
		{"onlyDeactivated=1", nil, []string{"dave"}},
		{"withDeactivated=1&sortBy=uid", nil, []string{"al-bert", "alice", "bob", "carol", "dave", "eve"}},
		{"friendsOnly=1", asAlice, []string{"eve", "bob"}},
		{"friendsOnly=1", nil, []string{"eve", "alice", "bob", "carol", "al-bert"}}, // no viewer: ignored
		{"hideBlockedUsers=1", asAlice, []string{"alice", "bob", "al-bert"}},
		{"hideBlockedUsers=true&friendsOnly=true", asAlice, []string{"bob"}},
		{"hideBlockedUsers=1", nil, []string{"eve", "alice", "bob", "carol", "al-bert"}}, // no viewer: ignored
		{"sortBy=uid", nil, []string{"al-bert", "alice", "bob", "carol", "eve"}},
		{"sortBy=uid&sortOrder=desc", nil, []string{"eve", "carol", "bob", "alice", "al-bert"}},
		{"sortBy=name&sortOrder=desc", nil, []string{"al-bert", "carol", "bob", "alice", "eve"}},
		{"sortBy=createdAt", nil, []string{"alice", "al-bert", "bob", "carol", "eve"}},
		{"sortBy=createdAt&sortOrder=desc", nil, []string{"eve", "carol", "bob", "al-bert", "alice"}},
		{"sortBy=status", nil, []string{"al-bert", "alice", "bob", "carol", "eve"}}, // all offline: by uid
		{"role=mod&tags=vip", nil, []string{"bob"}},
	}
	for _, c := range cases {
		name := c.query
		if c.as != nil {
			name += " as alice"
		}
		t.Run(name, func(t *testing.T) {
			as := c.as
			if as == nil {
				as = e.asKey()
			}
			p := e.list(t, "/v3/users?"+c.query, as)
			if diff := cmp.Diff(c.want, p.uids()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if total := p.pg()[0]; total != len(c.want) {
				t.Errorf("total %d, want %d", total, len(c.want))
			}
		})
	}

	t.Run("pages", func(t *testing.T) {
		p := e.list(t, "/v3/users?sortBy=uid&perPage=2&page=2", e.asKey())
		if diff := cmp.Diff([]string{"bob", "carol"}, p.uids()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([5]int{5, 2, 2, 2, 3}, p.pg()); diff != "" {
			t.Errorf("pagination (-want +got):\n%s", diff)
		}
		p = e.list(t, "/v3/users?sortBy=uid&perPage=2&page=3", e.asKey())
		if diff := cmp.Diff([]string{"eve"}, p.uids()); diff != "" || p.pg() != [5]int{5, 1, 2, 3, 3} {
			t.Errorf("last page %v %v", p.uids(), p.pg())
		}
		p = e.list(t, "/v3/users?perPage=2&page=9", e.asKey())
		if len(p.Items) != 0 || p.pg() != [5]int{5, 0, 2, 9, 3} {
			t.Errorf("past the end %v %v", p.uids(), p.pg())
		}
		p = e.list(t, "/v3/users?page=0&perPage=0", e.asKey())
		if p.pg() != [5]int{5, 5, 100, 1, 1} {
			t.Errorf("zero is the default: %v", p.pg())
		}
	})

	t.Run("perPage over 1000 is clamped to 1000", func(t *testing.T) {
		if pg := e.list(t, "/v3/users?perPage=5000", e.asKey()).pg(); pg[2] != 1000 {
			t.Errorf("per_page %d", pg[2])
		}
	})

	for _, q := range []string{"perPage=-1", "perPage=abc", "page=-2", "page=1.5", "withTags=maybe",
		"friendsOnly=yes", "onlyDeactivated=2", "sortBy=age", "sortOrder=up", "searchIn=email",
		"status=busy"} {
		t.Run("bad "+q+" is 400", func(t *testing.T) {
			e.fails(t, 400, "ERR_BAD_REQUEST", "GET", "/v3/users?"+q, nil, e.asKey())
		})
	}

	t.Run("users seen by a user carry the relation to them", func(t *testing.T) {
		p := e.list(t, "/v3/users?sortBy=uid", asAlice)
		got := map[string]string{}
		for _, u := range p.Items {
			got[u["uid"].(string)] = fmt.Sprintf("%v %v %v", u["blockedByMe"], u["hasBlockedMe"], u["conversationId"])
		}
		want := map[string]string{
			"al-bert": "false false al-bert_user_alice",
			"alice":   "false false <nil>",
			"bob":     "false false alice_user_bob",
			"carol":   "true false alice_user_carol",
			"eve":     "false true alice_user_eve",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		d := e.okObj(t, "GET", "/v3/users/eve", nil, asAlice)
		if d["blockedByMe"] != false || d["hasBlockedMe"] != true || d["conversationId"] != "alice_user_eve" {
			t.Errorf("GET as alice: %v", d)
		}
		d = e.okObj(t, "GET", "/v3/users/eve", nil, e.asKey(), onBehalfOf("alice"))
		if d["hasBlockedMe"] != true {
			t.Errorf("GET onBehalfOf alice: %v", d)
		}
	})

	t.Run("users seen by a key carry no relation", func(t *testing.T) {
		for _, u := range e.list(t, "/v3/users", e.asKey()).Items {
			for _, f := range []string{"blockedByMe", "hasBlockedMe", "conversationId"} {
				if _, has := u[f]; has {
					t.Errorf("%s on %v", f, u)
				}
			}
		}
	})

	t.Run("the user list is the same through url-encoded values", func(t *testing.T) {
		q := url.Values{"searchKey": {"Alice "}, "searchIn": {"name"}}
		if diff := cmp.Diff([]string{"eve", "alice"}, e.list(t, "/v3/users?"+q.Encode(), e.asKey()).uids()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

func TestMe(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustUser(t, "alice", map[string]any{"avatar": "av"})
	tok1, tok2 := e.mustToken(t, "alice"), e.mustToken(t, "alice")

	t.Run("GET /v3/me is the token's user", func(t *testing.T) {
		d := e.okObj(t, "GET", "/v3/me", nil, e.asToken(tok1))
		if d["uid"] != "alice" || d["avatar"] != "av" {
			t.Errorf("got %v", d)
		}
	})

	t.Run("PUT /v3/me updates the profile and this token's device", func(t *testing.T) {
		d := e.okObj(t, "PUT", "/v3/me", map[string]any{"name": "Al", "statusMessage": "busy", "unset": []string{"avatar"},
			"platform": "ios", "deviceId": "phone-1", "appInfo": map[string]any{"v": "1.2"}}, e.asToken(tok1))
		if d["name"] != "Al" || d["statusMessage"] != "busy" || d["avatar"] != nil {
			t.Errorf("got %v", d)
		}
		if got := e.okObj(t, "GET", "/v3/users/alice", nil, e.asKey()); got["name"] != "Al" {
			t.Errorf("stored %v", got)
		}
		ts := e.ok(t, "GET", "/v3/users/alice/auth_tokens", nil, e.asKey()).([]any)
		var devices []string
		for _, tk := range ts {
			tk := tk.(map[string]any)
			devices = append(devices, fmt.Sprintf("%v/%v/%v", tk["platform"], tk["deviceId"], tk["appInfo"]))
		}
		if diff := cmp.Diff([]string{"ios/phone-1/map[v:1.2]", "<nil>/<nil>/<nil>"}, devices); diff != "" {
			t.Errorf("devices (-want +got):\n%s", diff)
		}
	})

	t.Run("PUT /v3/me with onBehalfOf updates the profile", func(t *testing.T) {
		d := e.okObj(t, "PUT", "/v3/me", map[string]any{"name": "Alice"}, e.asKey(), onBehalfOf("alice"))
		if d["name"] != "Alice" {
			t.Errorf("got %v", d)
		}
	})

	t.Run("a user can't change their own role", func(t *testing.T) {
		e.fails(t, 403, "AUTH_ERR_NO_ACCESS", "PUT", "/v3/me", map[string]any{"role": "default"}, e.asToken(tok1))
		e.fails(t, 403, "AUTH_ERR_NO_ACCESS", "PUT", "/v3/me", map[string]any{"unset": []string{"role"}}, e.asToken(tok1))
	})

	t.Run("bad profile input is refused and changes nothing", func(t *testing.T) {
		before := e.storedUser(t, "alice")
		e.fails(t, 400, "ERR_EMPTY_NAME", "PUT", "/v3/me", map[string]any{"name": ""}, e.asToken(tok1))
		e.fails(t, 400, "ERR_INVALID_METADATA", "PUT", "/v3/me", map[string]any{"metadata": bigMetadata()}, e.asToken(tok1))
		e.fails(t, 400, "ERR_INVALID_TAGS", "PUT", "/v3/me", map[string]any{"tags": manyTags(26)}, e.asToken(tok1))
		e.fails(t, 400, "ERR_BAD_REQUEST", "PUT", "/v3/me", map[string]any{"name": "X", "platform": strings.Repeat("p", 256)}, e.asToken(tok1))
		e.fails(t, 400, "ERR_INVALID_METADATA", "PUT", "/v3/me", map[string]any{"name": "X", "appInfo": bigMetadata()}, e.asToken(tok1))
		e.fails(t, 400, "ERR_BAD_REQUEST", "PUT", "/v3/me", `{"name":1}`, e.asToken(tok1))
		if diff := cmp.Diff(before, e.storedUser(t, "alice")); diff != "" {
			t.Errorf("alice changed (-before +after):\n%s", diff)
		}
	})

	t.Run("DELETE /v3/me logs out only that token", func(t *testing.T) {
		d := e.okObj(t, "DELETE", "/v3/me", nil, e.asToken(tok1))
		if d["success"] != true {
			t.Errorf("got %v", d)
		}
		e.fails(t, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", "GET", "/v3/me", nil, e.asToken(tok1))
		e.okObj(t, "GET", "/v3/me", nil, e.asToken(tok2))
		if n := len(e.ok(t, "GET", "/v3/users/alice/auth_tokens", nil, e.asKey()).([]any)); n != 1 {
			t.Errorf("%d tokens left, want 1", n)
		}
	})

	t.Run("DELETE /v3/me with onBehalfOf has no token to log out", func(t *testing.T) {
		e.fails(t, 400, "ERR_BAD_REQUEST", "DELETE", "/v3/me", nil, e.asKey(), onBehalfOf("alice"))
		e.okObj(t, "GET", "/v3/me", nil, e.asToken(tok2))
	})
}
