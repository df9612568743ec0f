package httpapi_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestConformBulkShapes: bulk and relation calls answer in the shapes of
// CometChat's REST API v3 reference (chat-apis.json): reactivate users,
// add and remove friends, block and unblock, add members, list blocked
// users, change a member's scope.
func TestConformBulkShapes(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "alice", "bob", "carol", "dave")

	t.Run("PUT /v3/users answers nonDeactivatedUids", func(t *testing.T) {
		e.okObj(t, "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": []string{"dave"}}, e.asKey())
		d := e.okObj(t, "PUT", "/v3/users", map[string]any{"uidsToActivate": []string{"dave"}}, e.asKey())
		if diff := cmp.Diff([]any{"dave"}, d["nonDeactivatedUids"]); diff != "" {
			t.Errorf("nonDeactivatedUids (-want +got):\n%s\n%v", diff, d)
		}
	})

	t.Run("POST …/friends answers under accepted, with a message per uid", func(t *testing.T) {
		d := e.okObj(t, "POST", "/v3/users/alice/friends", map[string]any{"accepted": []string{"bob", "carol"}}, e.asKey())
		want := map[string]any{"accepted": map[string]any{
			"bob":   map[string]any{"success": true, "message": "Created relationship with status accepted."},
			"carol": map[string]any{"success": true, "message": "Created relationship with status accepted."},
		}}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("DELETE …/friends answers success and message", func(t *testing.T) {
		d := e.okObj(t, "DELETE", "/v3/users/alice/friends", map[string]any{"friends": []string{"bob"}}, e.asKey())
		if msg, _ := d["message"].(string); d["success"] != true || msg == "" {
			t.Errorf("got %v, want success true and a message", d)
		}
	})

	t.Run("POST and DELETE …/blockedusers answer a message per uid", func(t *testing.T) {
		for _, m := range []string{"POST", "DELETE", "POST"} {
			d := e.okObj(t, m, "/v3/users/alice/blockedusers", map[string]any{"blockedUids": []string{"bob"}}, e.asKey())
			r, _ := d["bob"].(map[string]any)
			if msg, _ := r["message"].(string); r["success"] != true || msg == "" {
				t.Errorf("%s: got %v, want bob: success true and a message", m, d)
			}
		}
	})

	t.Run("GET …/blockedusers items carry blockedByMeAt and blockedAt", func(t *testing.T) {
		it := e.list(t, "/v3/users/alice/blockedusers", e.asKey()).Items
		if len(it) != 1 {
			t.Fatalf("got %v", it)
		}
		at, _ := it[0]["blockedByMeAt"].(float64)
		if it[0]["blockedByMe"] != true || at < 1e9 || it[0]["blockedAt"] != at || it[0]["conversationId"] != "alice_user_bob" {
			t.Errorf("got %v", it[0])
		}
	})

	t.Run("POST …/members answers per list, with the added action message", func(t *testing.T) {
		e.mustGroup(t, "alice", map[string]any{"guid": "team", "name": "Team", "type": "public"})
		d := e.okObj(t, "POST", "/v3/groups/team/members", map[string]any{
			"admins": []string{"bob"}, "participants": []string{"carol", "bob"}, "usersToBan": []string{"dave"}}, e.as("alice"))
		for list, uid := range map[string]string{"admins": "bob", "participants": "carol"} {
			l, _ := d[list].(map[string]any)
			r, _ := l[uid].(map[string]any)
			m, _ := r["data"].(map[string]any)
			md, _ := m["data"].(map[string]any)
			if r["success"] != true || m["category"] != "action" || m["type"] != "groupMember" || md["action"] != "added" ||
				entityID(m, "on") != uid || entityID(m, "for") != "team" || m["receiver"] != "team" {
				t.Errorf("%s.%s: got %v", list, uid, r)
			}
		}
		if p, _ := d["participants"].(map[string]any); p["bob"] != nil {
			t.Errorf("bob answered among participants too: %v", d)
		}
		if diff := cmp.Diff(map[string]any{"dave": map[string]any{"success": true}}, d["usersToBan"]); diff != "" {
			t.Errorf("usersToBan (-want +got):\n%s", diff)
		}
	})

	t.Run("PUT …/members/{uid} answers guid, uid, scope, joinedAt", func(t *testing.T) {
		joined := e.list(t, "/v3/groups/team/members?scopes=participant", e.asKey()).Items[0]["joinedAt"]
		d := e.okObj(t, "PUT", "/v3/groups/team/members/carol", map[string]any{"scope": "moderator"}, e.as("alice"))
		want := map[string]any{"guid": "team", "uid": "carol", "scope": "moderator", "joinedAt": joined}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

// TestConformReactionCursor: the reaction lists page by cursor, as
// CometChat's: each reaction has a string id, and meta carries
// current{limit,count} and next{affix,id}, the id to list after.
func TestConformReactionCursor(t *testing.T) {
	t.Parallel()
	e := newMsgEnv(t, "alice", "bob", "carol")
	e.mustGroup(t, "alice", map[string]any{"guid": "team", "name": "Team", "type": "public",
		"members": map[string]any{"participants": []string{"bob", "carol"}}})
	id := e.sendID(t, toGroup("team", "react"), e.as("alice"))
	for _, r := range []struct{ uid, emoji string }{{"alice", "👍"}, {"bob", "👍"}, {"carol", "🎉"}, {"carol", "👍"}} {
		e.okObj(t, "POST", reactionPath(id, r.emoji), nil, e.as(r.uid))
	}
	all := e.reactions(t, "/v3/messages/"+id+"/reactions", e.as("bob"))
	if diff := cmp.Diff([]string{"alice", "bob", "carol", "carol"}, all.uids()); diff != "" {
		t.Errorf("all, in the order added (-want +got):\n%s", diff)
	}
	var ids []string
	for _, r := range all.Items {
		rid, _ := r["id"].(string)
		if rid == "" || r["messageId"] != id {
			t.Errorf("reaction without a string id or messageId: %v", r)
		}
		ids = append(ids, rid)
	}
	if diff := cmp.Diff(map[string]any{"limit": 100.0, "count": 4.0}, all.Meta["current"]); diff != "" {
		t.Errorf("meta.current (-want +got):\n%s", diff)
	}
	if got := all.next(t); got != ids[3] {
		t.Errorf("meta.next.id %s, want the last id %s", got, ids[3])
	}

	// Page through the 👍 reactions two at a time.
	path := reactionPath(id, "👍") + "?limit=2"
	p := e.reactions(t, path, e.as("carol"))
	if diff := cmp.Diff([]string{"alice", "bob"}, p.uids()); diff != "" {
		t.Errorf("first page (-want +got):\n%s", diff)
	}
	p = e.reactions(t, path+"&affix=append&id="+p.next(t), e.as("carol"))
	if diff := cmp.Diff([]string{"carol"}, p.uids()); diff != "" {
		t.Errorf("second page (-want +got):\n%s", diff)
	}
	last := p.next(t)
	p = e.reactions(t, path+"&id="+last, e.as("carol"))
	if len(p.Items) != 0 || p.next(t) != last {
		t.Errorf("past the end: %v %v", p.Items, p.Meta)
	}
	e.fails(t, 400, "ERR_BAD_REQUEST", "GET", path+"&affix=prepend", nil, e.as("carol"))
}

// TestConformConversationTypes: wherever a conversation is answered, its
// unreadMessageCount is a string, as CometChat documents it, and its
// message ids are strings.
func TestConformConversationTypes(t *testing.T) {
	t.Parallel()
	e := newMsgEnv(t, "alice", "bob")
	e.sendID(t, toUser("bob", "one"), e.as("alice"))
	e.sendID(t, toUser("bob", "two"), e.as("alice"))
	check := func(t *testing.T, what string, c map[string]any, want int64) {
		t.Helper()
		if got := unreadOf(t, c); got != want {
			t.Errorf("%s: unreadMessageCount %d, want %d", what, got, want)
		}
		for _, k := range []string{"lastReadMessageId", "latestMessageId"} {
			if _, is := c[k].(string); !is {
				t.Errorf("%s: %s %#v is not a string", what, k, c[k])
			}
		}
	}
	check(t, "the list", e.list(t, "/v3/conversations", e.as("bob")).Items[0], 2)
	check(t, "GET", e.okObj(t, "GET", "/v3/users/alice/conversation", nil, e.as("bob")), 2)
	check(t, "PUT", e.okObj(t, "PUT", "/v3/users/alice/conversation", map[string]any{"tags": []string{"x"}}, e.as("bob")), 2)
	check(t, "the sender's", e.okObj(t, "GET", "/v3/users/bob/conversation", nil, e.as("alice")), 0)
}
