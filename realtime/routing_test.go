package realtime_test

import (
	"fmt"
	"testing"
)

// action returns a message frame's data.action ("" for other frames).
func action(f frame) string {
	d, _ := f.body()["data"].(map[string]any)
	s, _ := d["action"].(string)
	return s
}

// isAction matches the action message frame of a member action on uid.
func isAction(act, uid string) func(frame) bool {
	return func(f frame) bool {
		if f.Type != "message" || action(f) != act {
			return false
		}
		d, _ := f.body()["data"].(map[string]any)
		ents, _ := d["entities"].(map[string]any)
		on, _ := ents["on"].(map[string]any)
		ent, _ := on["entity"].(map[string]any)
		return ent["uid"] == uid
	}
}

// TestRouteUserMessages tests that a 1:1 message reaches both users, on
// every device of each, stamped with the device it was sent from, once,
// and nobody else; and that an onBehalfOf call acts as the user's token.
func TestRouteUserMessages(t *testing.T) {
	e := newEnv(t)
	phone := e.user(t, "alice") // device d-alice
	web := e.token(t, "alice", "web")
	a1, a2 := e.connect(t, "alice", phone), e.connect(t, "alice", web)
	b := e.connect(t, "bob", e.user(t, "bob"))
	c := e.connect(t, "carol", e.user(t, "carol"))

	id := e.sendAs(t, e.withDevice(e.asToken(web), "web"), "bob", "user", "hello")
	for _, cl := range []*client{a1, a2, b} {
		f := cl.awaitMessage(id)
		if f.AppID != e.AppID || f.Sender != "alice" || f.Receiver != "bob" || f.ReceiverType != "user" || f.DeviceID != "web" {
			t.Errorf("%s: envelope %s", cl.uid, f.raw)
		}
		d, _ := f.body()["data"].(map[string]any)
		if d["text"] != "hello" || f.str("conversationId") != "alice_user_bob" || f.str("sender") != "alice" {
			t.Errorf("%s: body is not the message as REST returns it: %s", cl.uid, f.Body)
		}
	}
	rest := e.ok(t, "GET", fmt.Sprintf("/v3/messages/%d", id), nil, e.asUser("bob"))
	if got := b.of("message")[0].body(); got["sentAt"] != rest["sentAt"] || got["category"] != rest["category"] || got["type"] != rest["type"] {
		t.Errorf("frame body %v differs from REST %v", got, rest)
	}

	// The same call with the REST API Key on behalf of alice.
	id2 := e.send(t, "alice", "bob", "user", "again")
	for _, cl := range []*client{a1, a2, b} {
		cl.awaitMessage(id2)
	}
	e.barrier(t, a1, a2, b, c)
	for _, cl := range []*client{a1, a2, b} {
		for _, m := range []int64{id, id2} {
			if n := count(cl, isMsg(m)); n != 1 {
				t.Errorf("%s got message %d %d times", cl.uid, m, n)
			}
		}
	}
	none(t, c, "a message between alice and bob", func(f frame) bool { return f.Sender == "alice" })
}

// TestRouteGroupMembership follows a group's life: members receive its
// messages from the one that made them members (join, add) on, a user
// who leaves or is kicked or banned receives the action about themselves
// and nothing after, edits reach only those who could see the message,
// and ownership changes, updates and deletion reach the members only.
func TestRouteGroupMembership(t *testing.T) {
	e := newEnv(t)
	uids := []string{"alice", "bob", "carol", "dave", "erin", "frank"}
	cl := map[string]*client{}
	for _, u := range uids {
		cl[u] = e.connect(t, u, e.user(t, u))
	}
	all := func() []*client {
		var out []*client
		for _, u := range uids {
			out = append(out, cl[u])
		}
		return out
	}
	e.group(t, "g", "public", "alice", "bob", "carol")
	created := cl["bob"].await("bob added", isAction("added", "bob"))
	m1 := e.send(t, "alice", "g", "group", "one")
	for _, u := range []string{"alice", "bob", "carol"} {
		cl[u].awaitMessage(m1)
	}

	// dave joins mid-stream: the joined action and what follows, not before.
	e.ok(t, "POST", "/v3/groups/g/members", map[string]any{}, e.asUser("dave"))
	joined := cl["dave"].await("dave joined", isAction("joined", "dave"))
	m2 := e.send(t, "bob", "g", "group", "two")
	for _, u := range []string{"alice", "bob", "carol", "dave"} {
		cl[u].awaitMessage(m2)
	}

	// An edit of m1 reaches those who could see m1; dave joined after it.
	e.ok(t, "PUT", fmt.Sprintf("/v3/messages/%d", m1), map[string]any{"data": map[string]any{"text": "one!"}}, e.asUser("alice"))
	edit := cl["alice"].await("edited", func(f frame) bool { return action(f) == "edited" })
	for _, u := range []string{"bob", "carol"} {
		cl[u].awaitMessage(edit.messageID())
	}
	// A reaction to m2 reaches dave, who joined before it.
	e.ok(t, "POST", fmt.Sprintf("/v3/messages/%d/reactions/%s", m2, "👍"), nil, e.asUser("carol"))
	for _, u := range []string{"alice", "bob", "carol", "dave"} {
		f := cl[u].awaitType("reaction")
		if f.str("action") != "message_reaction_added" {
			t.Errorf("%s: reaction frame %s", u, f.raw)
		}
	}

	// bob is kicked, carol banned, dave leaves: each gets their own action.
	e.ok(t, "DELETE", "/v3/groups/g/members/bob", nil, e.asUser("alice"))
	cl["bob"].await("bob kicked", isAction("kicked", "bob"))
	e.ok(t, "POST", "/v3/groups/g/bannedusers/carol", nil, e.asUser("alice"))
	cl["carol"].await("carol banned", isAction("banned", "carol"))
	e.ok(t, "DELETE", "/v3/groups/g/members", nil, e.asUser("dave"))
	left := cl["dave"].await("dave left", isAction("left", "dave"))

	// erin is added by the owner, then ownership moves to her.
	e.ok(t, "POST", "/v3/groups/g/members", map[string]any{"participants": []string{"erin"}}, e.asKey())
	cl["erin"].await("erin added", isAction("added", "erin"))
	e.ok(t, "PATCH", "/v3/groups/g/owner", map[string]any{"owner": "erin"}, e.asUser("alice"))
	owner := cl["erin"].await("ownership", func(f frame) bool { return action(f) == "ownershipTransferred" })
	cl["alice"].awaitMessage(owner.messageID())
	m3 := e.send(t, "erin", "g", "group", "three")
	e.ok(t, "PUT", "/v3/groups/g", map[string]any{"name": "Gee"}, e.asUser("erin"))
	for _, u := range []string{"alice", "erin"} {
		cl[u].awaitMessage(m3)
		if f := cl[u].awaitType("group_updated"); f.str("name") != "Gee" || f.Receiver != "g" {
			t.Errorf("%s: group_updated %s", u, f.raw)
		}
	}
	e.ok(t, "DELETE", "/v3/groups/g", nil, e.asUser("erin"))
	for _, u := range []string{"alice", "erin"} {
		if f := cl[u].awaitType("group_deleted"); f.str("guid") != "g" {
			t.Errorf("%s: group_deleted %s", u, f.raw)
		}
	}
	// A new group of the same guid: the old members were forgotten.
	e.group(t, "g", "public", "frank")
	m4 := e.send(t, "frank", "g", "group", "four")
	cl["frank"].awaitMessage(m4)

	e.barrier(t, all()...)
	// Who may see what, by id: everything before the member joined, and
	// after they left, is absent.
	want := map[string][]int64{ // messages of group g each must have, once
		"alice": {m1, m2, edit.messageID(), owner.messageID(), m3},
		"bob":   {m1, m2, edit.messageID()},
		"carol": {m1, m2, edit.messageID()},
		"dave":  {joined.messageID(), m2, left.messageID()},
		"erin":  {owner.messageID(), m3},
		"frank": {m4},
	}
	notWant := map[string][]int64{
		"bob":   {m3, left.messageID()},
		"carol": {m3, left.messageID()},
		"dave":  {m1, edit.messageID(), created.messageID(), m3, owner.messageID()},
		"erin":  {m1, m2, edit.messageID(), left.messageID()},
		"frank": {m1, m2, m3},
		"alice": {m4},
	}
	for u, ids := range want {
		for _, id := range ids {
			if n := count(cl[u], isMsg(id)); n != 1 {
				t.Errorf("%s got message %d %d times, want once", u, id, n)
			}
		}
	}
	for u, ids := range notWant {
		for _, id := range ids {
			none(t, cl[u], fmt.Sprintf("message %d", id), isMsg(id))
		}
	}
	for _, u := range []string{"bob", "carol", "dave", "frank"} {
		none(t, cl[u], "group_updated of g", isType("group_updated"))
		none(t, cl[u], "group_deleted of g", isType("group_deleted"))
	}
	none(t, cl["erin"], "a reaction to a message before she joined", isType("reaction"))
	none(t, cl["frank"], "a reaction", isType("reaction"))
	for _, c := range all() { // ids only grow on every connection
		ids := c.messageIDs()
		for i := 1; i < len(ids); i++ {
			if ids[i] <= ids[i-1] {
				t.Errorf("%s: message ids out of order: %v", c.uid, ids)
				break
			}
		}
	}
}

// TestRoutePrivateGroup tests that nothing of a private group reaches a
// user who is not its member, and that a member added later receives from
// the action that added them on.
func TestRoutePrivateGroup(t *testing.T) {
	e := newEnv(t)
	a := e.connect(t, "alice", e.user(t, "alice"))
	b := e.connect(t, "bob", e.user(t, "bob"))
	out := e.connect(t, "mallory", e.user(t, "mallory"))
	e.group(t, "secret", "private", "alice", "bob")
	m1 := e.send(t, "bob", "secret", "group", "psst")
	a.awaitMessage(m1)
	b.awaitMessage(m1)
	e.ok(t, "PUT", "/v3/groups/secret", map[string]any{"description": "hush"}, e.asUser("alice"))
	a.awaitType("group_updated")
	// mallory can't join; her attempt writes nothing she could receive.
	if status, _ := e.call(t, "POST", "/v3/groups/secret/members", map[string]any{}, e.asUser("mallory")); status == 200 {
		t.Fatalf("mallory joined a private group")
	}
	e.barrier(t, out)
	none(t, out, "anything of the private group", func(f frame) bool { return f.Receiver == "secret" })

	e.ok(t, "POST", "/v3/groups/secret/members", map[string]any{"participants": []string{"mallory"}}, e.asUser("alice"))
	added := out.await("mallory added", isAction("added", "mallory"))
	m2 := e.send(t, "alice", "secret", "group", "welcome")
	out.awaitMessage(m2)
	none(t, out, "a message from before she was added", isMsg(m1))
	if added.messageID() <= m1 {
		t.Errorf("added action %d not after %d", added.messageID(), m1)
	}
}

// TestAppsApart tests that nothing crosses apps, even between users of the
// same uid, and that deleting an app ends its connections only.
func TestAppsApart(t *testing.T) {
	e := newEnv(t)
	d := e.ok(t, "POST", "/v3/apps", map[string]any{"name": "Other"}, hdr{"Authorization": "Bearer op-token"})
	keys := d["keys"].([]any)
	other := &env{URL: e.URL, WSURL: e.WSURL, Svc: e.Svc, AppID: d["appId"].(string),
		RESTKey: keys[0].(map[string]any)["apiKey"].(string)}
	a := e.connect(t, "amy", e.user(t, "amy"), map[string]any{"presenceSubscription": "ALL_USERS"})
	b := other.connect(t, "amy", other.user(t, "amy"), map[string]any{"presenceSubscription": "ALL_USERS"})
	e.user(t, "bob")
	other.user(t, "bob")
	id := e.send(t, "bob", "amy", "user", "in app one")
	a.awaitMessage(id)
	id2 := other.send(t, "bob", "amy", "user", "in app two")
	f := b.awaitMessage(id2)
	if f.AppID != other.AppID {
		t.Errorf("frame of app %s on a connection of app %s", f.AppID, other.AppID)
	}
	e.connect(t, "bob", e.token(t, "bob", "x")) // presence in app one
	a.waitHas("bob online", presenceOf("bob", "online"))
	e.barrier(t, a)
	other.barrier(t, b)
	for _, f := range b.all() {
		if f.AppID != other.AppID {
			t.Errorf("app two's amy got %s", f.raw)
		}
	}
	none(t, b, "app one's presence", isType("presence"))

	e.ok(t, "DELETE", "/v3/apps/"+other.AppID, nil, hdr{"Authorization": "Bearer op-token"})
	b.awaitError("ERR_WS_SESSION_ENDED")
	b.wantClosed(4005)
	e.barrier(t, a) // app one's connection is untouched
}
