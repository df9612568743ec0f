package httpapi_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
)

// groupEnv is an env with users who hold tokens.
type groupEnv struct {
	*env
	tok map[string]string
}

func newGroupEnv(t *testing.T, uids ...string) *groupEnv {
	return newGroupEnvWith(t, nil, uids...)
}

// newGroupEnvWith is newGroupEnv with more newEnv options.
func newGroupEnvWith(t *testing.T, opts []any, uids ...string) *groupEnv {
	e := &groupEnv{env: newEnv(t, append([]any{fastPasswords}, opts...)...), tok: map[string]string{}}
	for _, uid := range uids {
		e.mustUser(t, uid)
		e.tok[uid] = e.mustToken(t, uid)
	}
	return e
}

func (e *groupEnv) as(uid string) hdr { return e.asToken(e.tok[uid]) }

// mustGroup creates a group as uid.
func (e *groupEnv) mustGroup(t *testing.T, uid string, body map[string]any) map[string]any {
	t.Helper()
	return e.okObj(t, "POST", "/v3/groups", body, e.as(uid))
}

// actions lists the action messages of a group's history as uid sees them:
// "action on" strings.
func (e *groupEnv) actions(t *testing.T, guid string, hs hdr) []string {
	t.Helper()
	d := e.ok(t, "GET", "/v3/groups/"+guid+"/messages", nil, hs).([]any)
	var out []string
	for _, it := range d {
		m := it.(map[string]any)
		data := m["data"].(map[string]any)
		on := data["entities"].(map[string]any)["on"].(map[string]any)["entity"].(map[string]any)["uid"]
		out = append(out, fmt.Sprintf("%s %s", data["action"], on))
	}
	return out
}

func TestGroupCreate(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "alice", "bob", "carol")
	t.Run("CreatorIsOwnerAndAdmin", func(t *testing.T) {
		g := e.mustGroup(t, "alice", map[string]any{"guid": "Team", "name": "Team", "type": "public",
			"tags": []string{"x"}, "metadata": map[string]any{"k": "v"}})
		for k, want := range map[string]any{"guid": "team", "owner": "alice", "membersCount": 1.0,
			"hasJoined": true, "scope": "admin", "conversationId": "group_team", "type": "public"} {
			if g[k] != want {
				t.Errorf("%s = %v, want %v", k, g[k], want)
			}
		}
	})
	t.Run("Errors", func(t *testing.T) {
		e.fails(t, 409, parley.CodeGUIDExists, "POST", "/v3/groups", map[string]any{"guid": "team", "name": "T", "type": "public"}, e.as("bob"))
		e.fails(t, 400, parley.CodeInvalidGUID, "POST", "/v3/groups", map[string]any{"guid": "no spaces", "name": "T", "type": "public"}, e.as("bob"))
		e.fails(t, 400, parley.CodeEmptyName, "POST", "/v3/groups", map[string]any{"guid": "g1", "type": "public"}, e.as("bob"))
		e.fails(t, 400, parley.CodeInvalidGroupType, "POST", "/v3/groups", map[string]any{"guid": "g1", "name": "T", "type": "secret"}, e.as("bob"))
		e.fails(t, 400, parley.CodeEmptyGroupPass, "POST", "/v3/groups", map[string]any{"guid": "g1", "name": "T", "type": "password"}, e.as("bob"))
		e.fails(t, 400, parley.CodeInvalidParam, "POST", "/v3/groups", map[string]any{"guid": "g1", "name": "T", "type": "public"}, e.asKey())
		e.fails(t, 403, parley.CodeNoAccess, "POST", "/v3/groups", map[string]any{"guid": "g1", "name": "T", "type": "public", "owner": "carol"}, e.as("bob"))
		e.fails(t, 404, parley.CodeGUIDNotFound, "GET", "/v3/groups/g1", nil, e.asKey())
	})
	t.Run("InitialMembersPerUIDResults", func(t *testing.T) {
		g := e.okObj(t, "POST", "/v3/groups", map[string]any{"guid": "init", "name": "I", "type": "private", "owner": "alice",
			"members": map[string]any{"participants": []string{"bob", "ghost"}, "admins": []string{"bob"}, "usersToBan": []string{"carol"}}}, e.asKey())
		res := g["members"].(map[string]any)
		in := func(list, uid string) map[string]any {
			l, _ := res[list].(map[string]any)
			r, _ := l[uid].(map[string]any)
			return r
		}
		if in("admins", "bob")["success"] != true || in("usersToBan", "carol")["success"] != true {
			t.Errorf("bob and carol should succeed: %v", res)
		}
		if in("participants", "bob") != nil {
			t.Errorf("bob answered in participants too: %v", res) // the highest scope decided
		}
		if c := in("participants", "ghost")["error"].(map[string]any)["code"]; c != parley.CodeUIDNotFound {
			t.Errorf("ghost: %v", c)
		}
		if g["membersCount"] != 2.0 {
			t.Errorf("membersCount = %v, want 2", g["membersCount"])
		}
		m := e.list(t, "/v3/groups/init/members?scopes=admin", e.asKey())
		if diff := cmp.Diff([]string{"alice", "bob"}, m.uids()); diff != "" {
			t.Errorf("admins (-want +got):\n%s", diff) // bob listed twice: the highest scope wins
		}
		// init is private: carol, banned and no member, can't join it.
		e.fails(t, 403, parley.CodeGroupJoinNotAllowed, "POST", "/v3/groups/init/members", map[string]any{}, e.as("carol"))
	})
}

func TestGroupTypes(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "alice", "bob", "carol")
	e.mustGroup(t, "alice", map[string]any{"guid": "pub", "name": "Pub", "type": "public"})
	e.mustGroup(t, "alice", map[string]any{"guid": "pw", "name": "Pw", "type": "password", "password": "s3cret"})
	e.mustGroup(t, "alice", map[string]any{"guid": "priv", "name": "Priv", "type": "private"})

	t.Run("PasswordNeverReturned", func(t *testing.T) {
		g := e.okObj(t, "GET", "/v3/groups/pw", nil, e.as("bob"))
		for k := range g {
			if k == "password" || k == "passwordHash" {
				t.Fatalf("group carries %s", k)
			}
		}
	})
	t.Run("PasswordJoin", func(t *testing.T) {
		e.fails(t, 400, parley.CodeEmptyGroupPass, "POST", "/v3/groups/pw/members", map[string]any{}, e.as("bob"))
		e.fails(t, 403, parley.CodeWrongGroupPass, "POST", "/v3/groups/pw/members", map[string]any{"password": "nope"}, e.as("bob"))
		g := e.okObj(t, "POST", "/v3/groups/pw/members", map[string]any{"password": "s3cret", "guid": "pw", "type": "password"}, e.as("bob"))
		if g["hasJoined"] != true || g["scope"] != "participant" || g["membersCount"] != 2.0 {
			t.Errorf("after join: %v", g)
		}
	})
	t.Run("PrivateInvisibleToNonMembers", func(t *testing.T) {
		e.fails(t, 404, parley.CodeGUIDNotFound, "GET", "/v3/groups/priv", nil, e.as("bob"))
		e.fails(t, 403, parley.CodeGroupJoinNotAllowed, "POST", "/v3/groups/priv/members", map[string]any{}, e.as("bob"))
		e.fails(t, 404, parley.CodeGUIDNotFound, "GET", "/v3/groups/priv/members", nil, e.as("bob"))
		e.fails(t, 403, parley.CodeGroupJoinNotAllowed, "POST", "/v3/groups/priv/members", map[string]any{}, e.asKey(), onBehalfOf("bob"))
		got := e.list(t, "/v3/groups", e.as("bob")).field("guid")
		if diff := cmp.Diff([]string{"pub", "pw"}, sorted(got)); diff != "" {
			t.Errorf("bob's group list (-want +got):\n%s", diff)
		}
		all := e.list(t, "/v3/groups", e.asKey()).field("guid")
		if len(all) != 3 {
			t.Errorf("server sees %v, want all 3", all)
		}
	})
	t.Run("PrivateJoinedByBeingAdded", func(t *testing.T) {
		e.ok(t, "POST", "/v3/groups/priv/members", map[string]any{"participants": []string{"carol"}}, e.as("alice"))
		g := e.okObj(t, "GET", "/v3/groups/priv", nil, e.as("carol"))
		if g["hasJoined"] != true {
			t.Errorf("carol: %v", g)
		}
		joined := e.list(t, "/v3/groups?hasJoined=1", e.as("carol")).field("guid")
		if diff := cmp.Diff([]string{"priv"}, joined); diff != "" {
			t.Errorf("hasJoined (-want +got):\n%s", diff)
		}
	})
	t.Run("ChangeToPasswordNeedsPassword", func(t *testing.T) {
		e.fails(t, 400, parley.CodeEmptyGroupPass, "PUT", "/v3/groups/pub", map[string]any{"type": "password"}, e.as("alice"))
		e.ok(t, "PUT", "/v3/groups/pub", map[string]any{"type": "password", "password": "pw2"}, e.as("alice"))
		e.fails(t, 403, parley.CodeWrongGroupPass, "POST", "/v3/groups/pub/members", map[string]any{"password": "s3cret"}, e.as("bob"))
		e.ok(t, "POST", "/v3/groups/pub/members", map[string]any{"password": "pw2"}, e.as("bob"))
	})
}

func TestGroupUpdateAndList(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "alice")
	for i, name := range []string{"Charlie", "alpha", "Bravo"} {
		e.mustGroup(t, "alice", map[string]any{"guid": fmt.Sprintf("g%d", i), "name": name, "type": "public",
			"tags": []string{fmt.Sprintf("t%d", i%2)}, "icon": "http://i", "description": "d"})
	}
	got := e.okObj(t, "PUT", "/v3/groups/g0", map[string]any{"name": "Delta", "unset": []string{"icon", "tags"}}, e.as("alice"))
	if got["name"] != "Delta" || got["icon"] != nil || got["tags"] != nil || got["description"] != "d" {
		t.Errorf("after update: %v", got)
	}
	e.fails(t, 400, parley.CodeInvalidParam, "PUT", "/v3/groups/g0", map[string]any{"unset": []string{"guid"}}, e.as("alice"))
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"", []string{"g1", "g2", "g0"}},
		{"?sortOrder=desc", []string{"g0", "g2", "g1"}},
		{"?sortBy=guid", []string{"g0", "g1", "g2"}},
		{"?searchKey=br", []string{"g2"}},
		{"?tags=t0", []string{"g2"}},
		{"?withTags=1", []string{"g1", "g2"}},
		{"?perPage=2&page=2", []string{"g0"}},
	} {
		if diff := cmp.Diff(c.want, e.list(t, "/v3/groups"+c.q, e.asKey()).field("guid")); diff != "" {
			t.Errorf("GET /v3/groups%s (-want +got):\n%s", c.q, diff)
		}
	}
	e.fails(t, 400, parley.CodeInvalidParam, "GET", "/v3/groups?sortBy=size", nil, e.asKey())
}

func TestGroupActionMessages(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "alice", "bob", "carol", "dave")
	e.mustGroup(t, "alice", map[string]any{"guid": "team", "name": "Team", "type": "public"})
	e.ok(t, "POST", "/v3/groups/team/members", map[string]any{}, e.as("bob"))
	e.ok(t, "POST", "/v3/groups/team/members", map[string]any{"participants": []string{"carol"}}, e.as("alice"))
	e.ok(t, "PUT", "/v3/groups/team/members/carol", map[string]any{"scope": "moderator"}, e.as("alice"))
	e.ok(t, "DELETE", "/v3/groups/team/members/bob", nil, e.as("carol"))
	e.ok(t, "POST", "/v3/groups/team/members", map[string]any{}, e.as("bob"))
	e.ok(t, "POST", "/v3/groups/team/bannedusers/bob", nil, e.as("alice"))
	e.ok(t, "DELETE", "/v3/groups/team/bannedusers/bob", nil, e.as("alice"))
	e.ok(t, "DELETE", "/v3/groups/team/members", nil, e.as("carol"))
	e.fails(t, 404, parley.CodeNotAMember, "PATCH", "/v3/groups/team/owner", map[string]any{"owner": "dave"}, e.asKey())
	e.ok(t, "POST", "/v3/groups/team/members", map[string]any{}, e.as("dave"))
	e.ok(t, "PATCH", "/v3/groups/team/owner", map[string]any{"owner": "dave"}, e.as("alice"))

	all := []string{"joined alice", "joined bob", "added carol", "scopeChanged carol", "kicked bob", "joined bob",
		"banned bob", "unbanned bob", "left carol", "joined dave", "ownershipTransferred dave"}
	if diff := cmp.Diff(all, e.actions(t, "team", e.asKey())); diff != "" {
		t.Errorf("server's history (-want +got):\n%s", diff)
	}
	// dave joined at "joined dave": he sees from there on.
	if diff := cmp.Diff(all[9:], e.actions(t, "team", e.as("dave"))); diff != "" {
		t.Errorf("dave's history (-want +got):\n%s", diff)
	}
	e.fails(t, 403, parley.CodeNotAMember, "GET", "/v3/groups/team/messages", nil, e.as("carol"))
	e.fails(t, 403, parley.CodeNotAMember, "GET", "/v3/groups/team/messages", nil, e.as("bob"))

	ms := e.ok(t, "GET", "/v3/groups/team/messages", nil, e.asKey()).([]any)
	sc := ms[3].(map[string]any)
	data := sc["data"].(map[string]any)
	want := map[string]any{"scope": map[string]any{"old": "participant", "new": "moderator"}}
	if diff := cmp.Diff(want, data["extras"]); diff != "" {
		t.Errorf("scope extras (-want +got):\n%s", diff)
	}
	ent := data["entities"].(map[string]any)
	if ent["by"].(map[string]any)["entity"].(map[string]any)["uid"] != "alice" || ent["for"].(map[string]any)["entityType"] != "group" {
		t.Errorf("entities: %v", ent)
	}
	if sc["category"] != "action" || sc["type"] != "groupMember" || sc["receiverType"] != "group" || sc["conversationId"] != "group_team" {
		t.Errorf("action message: %v", sc)
	}
	var prev int
	for _, it := range ms {
		var id int
		fmt.Sscan(it.(map[string]any)["id"].(string), &id)
		if id != prev+1 {
			t.Fatalf("ids not dense: %d after %d", id, prev)
		}
		prev = id
	}
}

func TestGroupMessageCursor(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "alice")
	e.mustGroup(t, "alice", map[string]any{"guid": "team", "name": "Team", "type": "public"})
	for i := 0; i < 5; i++ {
		uid := fmt.Sprintf("u%d", i)
		e.mustUser(t, uid)
		e.ok(t, "POST", "/v3/groups/team/members", map[string]any{}, e.asKey(), onBehalfOf(uid))
	}
	ids := func(q string) []string {
		status, b := e.do(t, "GET", "/v3/groups/team/messages"+q, nil, e.asKey())
		if status != 200 {
			t.Fatalf("%s: %d %v", q, status, b)
		}
		var out []string
		for _, it := range b["data"].([]any) {
			out = append(out, it.(map[string]any)["id"].(string))
		}
		return out
	}
	for q, want := range map[string][]string{
		"?limit=2":                    {"5", "6"},
		"?limit=2&id=5&affix=prepend": {"3", "4"},
		"?limit=2&id=2&affix=append":  {"3", "4"},
		"?id=6&affix=append":          nil,
		"?limit=2&affix=append":       {"1", "2"},
		"?id=1&affix=prepend":         nil,
	} {
		if diff := cmp.Diff(want, ids(q)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", q, diff)
		}
	}
	e.fails(t, 400, parley.CodeInvalidParam, "GET", "/v3/groups/team/messages?affix=sideways", nil, e.asKey())
}

func TestGroupDeleteAndUserRemoval(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "alice", "bob", "carol", "dave")
	e.mustGroup(t, "alice", map[string]any{"guid": "team", "name": "Team", "type": "public",
		"members": map[string]any{"moderators": []string{"carol"}, "participants": []string{"bob"}}})
	e.mustGroup(t, "alice", map[string]any{"guid": "solo", "name": "Solo", "type": "public"})
	e.mustGroup(t, "bob", map[string]any{"guid": "bobs", "name": "Bob's", "type": "public"})
	e.ok(t, "POST", "/v3/groups/bobs/members", map[string]any{}, e.as("alice"))

	t.Run("DeletedOwnerHandsOverToLongestStandingHighestScope", func(t *testing.T) {
		e.ok(t, "DELETE", "/v3/users/alice", nil, e.asKey())
		g := e.okObj(t, "GET", "/v3/groups/team", nil, e.asKey())
		if g["owner"] != "carol" || g["membersCount"] != 2.0 {
			t.Errorf("team after alice's deletion: owner %v, membersCount %v; want carol, 2", g["owner"], g["membersCount"])
		}
		m := e.okObj(t, "GET", "/v3/groups/team", nil, e.as("carol"))
		if m["scope"] != "admin" {
			t.Errorf("carol's scope %v, want admin", m["scope"])
		}
		e.fails(t, 404, parley.CodeGUIDNotFound, "GET", "/v3/groups/solo", nil, e.asKey())
		b := e.okObj(t, "GET", "/v3/groups/bobs", nil, e.asKey())
		if b["owner"] != "bob" || b["membersCount"] != 1.0 {
			t.Errorf("bobs: %v", b)
		}
	})
	t.Run("DeactivatedUserLeaves", func(t *testing.T) {
		e.ok(t, "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": []string{"bob"}}, e.asKey())
		if got := e.list(t, "/v3/groups/team/members", e.asKey()).uids(); !cmp.Equal(got, []string{"carol"}) {
			t.Errorf("team members %v, want [carol]", got)
		}
		e.fails(t, 404, parley.CodeGUIDNotFound, "GET", "/v3/groups/bobs", nil, e.asKey())
	})
	t.Run("DeleteGroupRemovesEverything", func(t *testing.T) {
		e.ok(t, "POST", "/v3/groups/team/members", map[string]any{}, e.as("dave"))
		e.ok(t, "DELETE", "/v3/groups/team", nil, e.as("carol"))
		e.fails(t, 404, parley.CodeGUIDNotFound, "GET", "/v3/groups/team", nil, e.asKey())
		g := e.okObj(t, "POST", "/v3/groups", map[string]any{"guid": "team", "name": "Again", "type": "public"}, e.as("dave"))
		if g["membersCount"] != 1.0 {
			t.Errorf("recreated: %v", g)
		}
		if got := e.actions(t, "team", e.asKey()); !cmp.Equal(got, []string{"joined dave"}) {
			t.Errorf("recreated group's history %v: the old one must be gone", got)
		}
	})
}

// TestGroupConcurrentJoins: 50 users joining at once leave membersCount
// exact.
func TestGroupConcurrentJoins(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "owner")
	e.mustGroup(t, "owner", map[string]any{"guid": "big", "name": "Big", "type": "public"})
	const n = 50
	toks := make([]string, n)
	for i := range toks {
		uid := fmt.Sprintf("j%02d", i)
		e.mustUser(t, uid)
		toks[i] = e.mustToken(t, uid)
	}
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for _, tok := range toks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, b := e.raw(t, e.request(t, "POST", "/v3/groups/big/members", map[string]any{}, e.asToken(tok)))
			if resp.StatusCode != http.StatusOK {
				errs <- string(b)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Errorf("join failed: %s", msg)
	}
	g := e.okObj(t, "GET", "/v3/groups/big", nil, e.asKey())
	if g["membersCount"] != float64(n+1) {
		t.Errorf("membersCount = %v, want %d", g["membersCount"], n+1)
	}
	if p := e.list(t, "/v3/groups/big/members?perPage=1000", e.asKey()); p.pg()[0] != n+1 {
		t.Errorf("member list total %d, want %d", p.pg()[0], n+1)
	}
}
