package httpapi_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
)

// convIDs lists the conversationId of each conversation of a list.
func (p page) convIDs() []string { return p.field("conversationId") }

// withID returns data.conversationWith's uid or guid.
func withID(c map[string]any) string {
	w, _ := c["conversationWith"].(map[string]any)
	if s, _ := w["uid"].(string); s != "" {
		return s
	}
	s, _ := w["guid"].(string)
	return s
}

// lastMessageID returns the id of a conversation's lastMessage ("" when none).
func lastMessageID(c map[string]any) string {
	m, _ := c["lastMessage"].(map[string]any)
	s, _ := m["id"].(string)
	return s
}

func TestConversations(t *testing.T) {
	t.Parallel()
	e := newMsgEnv(t, "alice", "bob", "carol", "dave")
	e.ok(t, "PUT", "/v3/users/bob", map[string]any{"tags": []string{"vip"}}, e.asKey())
	conv := func(t *testing.T, path string, as hdr) map[string]any {
		t.Helper()
		return e.okObj(t, "GET", path, nil, as)
	}

	e.fails(t, 404, parley.CodeConversationNoAccess, "GET", "/v3/users/bob/conversation", nil, e.as("alice"))
	if got := e.list(t, "/v3/conversations", e.as("alice")); len(got.Items) != 0 || got.pg()[0] != 0 {
		t.Fatalf("alice has conversations before any message: %v", got.Items)
	}
	m1 := e.sendID(t, toUser("bob", "hi bob"), e.as("alice"))
	e.mustGroup(t, "alice", map[string]any{"guid": "team", "name": "Team", "type": "public", "tags": []string{"work"},
		"members": map[string]any{"participants": []string{"carol"}}})
	m2 := e.sendID(t, toUser("alice", "hi alice"), e.as("carol"))
	m3 := e.sendID(t, toGroup("team", "team talk"), e.as("carol"))
	m4 := e.sendID(t, toUser("alice", "hello alice"), e.as("bob"))

	t.Run("CreatedByTheFirstMessage", func(t *testing.T) {
		c := conv(t, "/v3/users/bob/conversation", e.as("alice"))
		wantFields(t, "alice's conversation with bob", c, map[string]any{"conversationId": "alice_user_bob",
			"conversationType": "user", "unreadMessageCount": "1", "unreadMentionsCount": 0,
			"lastReadMessageId": m1, "latestMessageId": m4})
		if withID(c) != "bob" || lastMessageID(c) != m4 || num(c, "createdAt") == 0 || num(c, "updatedAt") < num(c, "createdAt") {
			t.Errorf("alice's conversation with bob: %v", c)
		}
		if with := c["conversationWith"].(map[string]any); with["name"] != "User bob" || with["conversationId"] != "alice_user_bob" {
			t.Errorf("conversationWith is not bob as alice sees him: %v", with)
		}
		// Bob wrote m4 after m1: writing into a conversation reads it.
		c = conv(t, "/v3/users/alice/conversation", e.as("bob"))
		wantFields(t, "bob's conversation with alice", c, map[string]any{"conversationId": "alice_user_bob",
			"unreadMessageCount": "0", "lastReadMessageId": m4, "latestMessageId": m4})
		g := conv(t, "/v3/groups/team/conversation", e.as("alice"))
		wantFields(t, "alice's group conversation", g, map[string]any{"conversationId": "group_team",
			"conversationType": "group", "unreadMessageCount": "1", "latestMessageId": m3})
		if withID(g) != "team" || lastMessageID(g) != m3 {
			t.Errorf("group conversation: %v", g)
		}
	})
	t.Run("NewestActivityFirst", func(t *testing.T) {
		want := []string{"alice_user_bob", "group_team", "alice_user_carol"}
		p := e.list(t, "/v3/conversations", e.as("alice"))
		if diff := cmp.Diff(want, p.convIDs()); diff != "" {
			t.Errorf("alice's conversations (-want +got):\n%s", diff)
		}
		for _, c := range p.Items {
			if lastMessageID(c) == "" || lastMessageID(c) != c["latestMessageId"] {
				t.Errorf("%v: lastMessage %q, latestMessageId %v", c["conversationId"], lastMessageID(c), c["latestMessageId"])
			}
		}
		e.sendID(t, toUser("alice", "carol again"), e.as("carol"))
		want = []string{"alice_user_carol", "alice_user_bob", "group_team"}
		if diff := cmp.Diff(want, e.list(t, "/v3/conversations", e.as("alice")).convIDs()); diff != "" {
			t.Errorf("after carol's new message (-want +got):\n%s", diff)
		}
		if got := e.list(t, "/v3/conversations", e.as("dave")).convIDs(); got != nil {
			t.Errorf("dave, in no conversation, lists %v", got)
		}
		if got := e.list(t, "/v3/conversations", e.as("bob")).convIDs(); !slices.Equal(got, []string{"alice_user_bob"}) {
			t.Errorf("bob lists %v", got)
		}
	})
	t.Run("Tags", func(t *testing.T) {
		c := e.okObj(t, "PUT", "/v3/users/carol/conversation", map[string]any{"tags": []string{"fav", "fav", "x"}}, e.as("alice"))
		wantFields(t, "tagged", c, map[string]any{"tags": []string{"fav", "x"}, "conversationId": "alice_user_carol"})
		wantFields(t, "read back", conv(t, "/v3/users/carol/conversation", e.as("alice")), map[string]any{"tags": []string{"fav", "x"}})
		if got := conv(t, "/v3/users/alice/conversation", e.as("carol")); got["tags"] != nil {
			t.Errorf("carol sees alice's tags: %v", got["tags"])
		}
		e.fails(t, 400, parley.CodeInvalidTags, "PUT", "/v3/users/carol/conversation", map[string]any{"tags": manyTags(26)}, e.as("alice"))
		e.fails(t, 404, parley.CodeConversationNoAccess, "PUT", "/v3/users/dave/conversation", map[string]any{"tags": []string{"a"}}, e.as("alice"))
		g := e.okObj(t, "PUT", "/v3/groups/team/conversation", map[string]any{"tags": []string{"g"}}, e.as("carol"))
		wantFields(t, "group tagged", g, map[string]any{"tags": []string{"g"}})
	})
	t.Run("Filters", func(t *testing.T) {
		e.ok(t, "POST", "/v3/users/carol/conversation/read", map[string]any{"messageId": m2}, e.as("alice"))
		for _, c := range []struct {
			q    string
			want []string
		}{
			{"", []string{"alice_user_carol", "alice_user_bob", "group_team"}},
			{"?conversationType=user", []string{"alice_user_carol", "alice_user_bob"}},
			{"?conversationType=group", []string{"group_team"}},
			{"?searchKey=car", []string{"alice_user_carol"}},
			{"?searchKey=tea", []string{"group_team"}},
			{"?tags=fav", []string{"alice_user_carol"}},
			{"?tags=nope", nil},
			{"?withTags=1", []string{"alice_user_carol"}},
			{"?userTags=vip", []string{"alice_user_bob"}},
			{"?groupTags=work", []string{"group_team"}},
			{"?unread=1", []string{"alice_user_carol", "alice_user_bob", "group_team"}},
			{"?perPage=2", []string{"alice_user_carol", "alice_user_bob"}},
			{"?perPage=2&page=2", []string{"group_team"}},
		} {
			if diff := cmp.Diff(c.want, e.list(t, "/v3/conversations"+c.q, e.as("alice")).convIDs()); diff != "" {
				t.Errorf("GET /v3/conversations%s (-want +got):\n%s", c.q, diff)
			}
		}
		// Everything carol sent is read now but "carol again".
		e.ok(t, "POST", "/v3/groups/team/conversation/read", map[string]any{"messageId": m3}, e.as("alice"))
		if got := e.list(t, "/v3/conversations?unread=1", e.as("alice")).convIDs(); !slices.Equal(got, []string{"alice_user_carol", "alice_user_bob"}) {
			t.Errorf("unread=1 after reading team: %v", got)
		}
		if p := e.list(t, "/v3/conversations?perPage=2", e.as("alice")); p.pg() != [5]int{3, 2, 2, 1, 2} {
			t.Errorf("pagination %v", p.pg())
		}
		e.fails(t, 400, parley.CodeInvalidParam, "GET", "/v3/conversations?conversationType=channel", nil, e.as("alice"))
		e.fails(t, 400, parley.CodeInvalidParam, "GET", "/v3/conversations?unread=maybe", nil, e.as("alice"))
	})
	t.Run("Errors", func(t *testing.T) {
		e.fails(t, 404, parley.CodeConversationNoAccess, "GET", "/v3/users/dave/conversation", nil, e.as("alice"))
		e.fails(t, 404, parley.CodeUIDNotFound, "GET", "/v3/users/ghost/conversation", nil, e.as("alice"))
		e.fails(t, 403, parley.CodeConversationNoAccess, "GET", "/v3/groups/team/conversation", nil, e.as("dave"))
		e.fails(t, 404, parley.CodeGUIDNotFound, "GET", "/v3/groups/nowhere/conversation", nil, e.as("alice"))
		e.fails(t, 403, parley.CodeNoAccess, "GET", "/v3/conversations", nil, e.asKey())
		e.fails(t, 403, parley.CodeNoAccess, "GET", "/v3/users/bob/conversation", nil, e.asKey())
		e.list(t, "/v3/conversations", e.asKey(), onBehalfOf("alice"))
	})
	t.Run("DeleteResetsForTheViewerOnly", func(t *testing.T) {
		bobUnread := unreadOf(t, conv(t, "/v3/users/alice/conversation", e.as("bob")))
		d := e.okObj(t, "DELETE", "/v3/users/bob/conversation", nil, e.as("alice"))
		if d["success"] != true {
			t.Errorf("delete answered %v", d)
		}
		if got := e.list(t, "/v3/conversations", e.as("alice")).convIDs(); slices.Contains(got, "alice_user_bob") {
			t.Errorf("alice still lists the conversation she deleted: %v", got)
		}
		if got := e.msgs(t, "/v3/users/bob/messages", e.as("alice")).ids(); got != nil {
			t.Errorf("alice still reads %v of the conversation she deleted", got)
		}
		for _, id := range []string{m1, m4} {
			e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+id, nil, e.as("alice"))
			e.getMsg(t, id, e.as("bob"))
		}
		if e.msgs(t, "/v3/messages", e.as("alice")).byID(m4) != nil {
			t.Errorf("alice's /v3/messages lists a message of the conversation she deleted")
		}
		b := conv(t, "/v3/users/alice/conversation", e.as("bob"))
		if lastMessageID(b) != m4 || unreadOf(t, b) != bobUnread {
			t.Errorf("bob's side changed: %v", b)
		}
		if got := e.msgs(t, "/v3/users/alice/messages", e.as("bob")).ids(); !slices.Equal(got, []string{m1, m4}) {
			t.Errorf("bob reads %v, want %v", got, []string{m1, m4})
		}
		// A new message brings it back, with only what is new.
		m5 := e.sendID(t, toUser("alice", "are you there?"), e.as("bob"))
		c := conv(t, "/v3/users/bob/conversation", e.as("alice"))
		if lastMessageID(c) != m5 || unreadOf(t, c) != 1 {
			t.Errorf("after bob's new message: %v", c)
		}
		if got := e.list(t, "/v3/conversations", e.as("alice")).convIDs(); len(got) == 0 || got[0] != "alice_user_bob" {
			t.Errorf("alice's list %v, want alice_user_bob first", got)
		}
		if got := e.msgs(t, "/v3/users/bob/messages", e.as("alice")).ids(); !slices.Equal(got, []string{m5}) {
			t.Errorf("alice reads %v, want only %s", got, m5)
		}
	})
	t.Run("DeleteGroupConversation", func(t *testing.T) {
		e.ok(t, "DELETE", "/v3/groups/team/conversation", nil, e.as("alice"))
		if got := e.list(t, "/v3/conversations", e.as("alice")).convIDs(); slices.Contains(got, "group_team") {
			t.Errorf("alice still lists the group conversation she deleted: %v", got)
		}
		if got := e.msgs(t, "/v3/groups/team/messages", e.as("alice")).ids(); got != nil {
			t.Errorf("alice still reads %v of team", got)
		}
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+m3, nil, e.as("alice"))
		if got := e.msgs(t, "/v3/groups/team/messages?category=message", e.as("carol")).ids(); !slices.Equal(got, []string{m3}) {
			t.Errorf("carol reads %v of team, want [%s]", got, m3)
		}
		m6 := e.sendID(t, toGroup("team", "still here"), e.as("carol"))
		if got := e.msgs(t, "/v3/groups/team/messages", e.as("alice")).ids(); !slices.Equal(got, []string{m6}) {
			t.Errorf("alice reads %v of team, want only %s", got, m6)
		}
		g := conv(t, "/v3/groups/team/conversation", e.as("alice"))
		if lastMessageID(g) != m6 || unreadOf(t, g) != 1 {
			t.Errorf("team after a new message: %v", g)
		}
	})
}

func TestPermanentUserDelete(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	b1 := e.sendID(t, toUser("alice", "from bob"), e.as("bob"))
	a1 := e.sendID(t, toUser("bob", "to bob"), e.as("alice"))
	b2 := e.sendID(t, toGroup("team", "bob in team"), e.as("bob"))
	c1 := e.sendID(t, toGroup("team", "carol in team"), e.as("carol"))
	e.ok(t, "POST", reactionPath(c1, "👍"), nil, e.as("bob"))
	e.ok(t, "POST", reactionPath(c1, "🎉"), nil, e.as("alice"))
	e.sendID(t, toUser("carol", "bob to carol"), e.as("bob"))

	e.ok(t, "DELETE", "/v3/users/bob", map[string]any{"permanent": true}, e.asKey())
	for _, id := range []string{b1, b2} {
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+id, nil, e.asKey())
	}
	for _, uid := range []string{"alice", "carol"} {
		if got := e.list(t, "/v3/conversations", e.as(uid)).convIDs(); slices.ContainsFunc(got, func(c string) bool {
			return c == "alice_user_bob" || c == "bob_user_carol"
		}) {
			t.Errorf("%s still lists a conversation with bob: %v", uid, got)
		}
	}
	if got := e.msgs(t, "/v3/groups/team/messages?category=message", e.as("carol")).ids(); !slices.Equal(got, []string{c1}) {
		t.Errorf("team's messages %v, want only carol's %s", got, c1)
	}
	if diff := cmp.Diff([]string{"🎉 1"}, reactionsOf(e.getMsg(t, c1, e.as("carol")))); diff != "" {
		t.Errorf("bob's reaction survives (-want +got):\n%s", diff)
	}
	// A new user with the uid inherits nothing of the old one.
	e.mustUser(t, "bob")
	tok := e.mustToken(t, "bob")
	if got := e.msgs(t, "/v3/messages", e.asToken(tok)).ids(); got != nil {
		t.Errorf("the new bob reads %v", got)
	}
	if got := e.list(t, "/v3/conversations", e.asToken(tok)).convIDs(); got != nil {
		t.Errorf("the new bob lists %v", got)
	}
	e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+a1, nil, e.asToken(tok))
}
