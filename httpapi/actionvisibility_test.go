package httpapi_test

import (
	"bytes"
	"testing"

	"github.com/parleychat/parley"
)

// An edited or deleted action message carries the message it is about, so
// it is shown only to those who may see that message: a member who joined
// after a message sees neither its edit nor its delete, nor its media URL,
// in any list, read by id, or as a conversation's last message.
func TestActionsAboutHiddenMessages(t *testing.T) {
	e := newMediaEnv(t)
	const secret = "secret caption"
	m := e.sendFiles(t, map[string]any{"receiver": "team", "receiverType": "group", "type": "image",
		"data": map[string]any{"text": secret}}, []file{{"file", "before.png", "image/png", image(64)}}, e.as("alice"))
	id := idOf(t, m)
	e.ok(t, "POST", "/v3/groups/team/members", map[string]any{}, e.as("dave"))
	later := e.sendID(t, toGroup("team", "after dave joined"), e.as("bob"))
	e.ok(t, "PUT", "/v3/messages/"+id, map[string]any{"data": map[string]any{"metadata": map[string]any{"v": 2}}}, e.as("alice"))
	e.ok(t, "PUT", "/v3/messages/"+later, map[string]any{"data": map[string]any{"metadata": map[string]any{"v": 2}}}, e.as("bob"))
	e.ok(t, "DELETE", "/v3/messages/"+id, nil, e.as("alice"))

	// The actions, as bob (a member all along) reads them.
	about := map[string]map[string]string{} // message id -> action -> action id
	for _, act := range e.msgs(t, "/v3/groups/team/messages?category=action", e.as("bob")).Items {
		if on := entityOn(act); on["id"] != nil {
			onID := on["id"].(string)
			if about[onID] == nil {
				about[onID] = map[string]string{}
			}
			about[onID][dataOf(act)["action"].(string)] = idOf(t, act)
		}
	}
	edited, deleted, laterEdited := about[id][parley.ActionEdited], about[id][parley.ActionDeleted], about[later][parley.ActionEdited]
	if edited == "" || deleted == "" || laterEdited == "" {
		t.Fatalf("bob, a member all along, sees the actions %v, want an edit and a delete of %s and an edit of %s", about, id, later)
	}

	for _, path := range []string{"/v3/messages", "/v3/groups/team/messages", "/v3/groups/team/messages?category=action",
		"/v3/messages?category=action&types=message", "/v3/groups/team/messages?updatedAt=1&onlyUpdates=true",
		"/v3/messages?limit=1", "/v3/groups/team/conversation", "/v3/conversations"} {
		resp, body := e.raw(t, e.request(t, "GET", path, nil, e.as("dave")))
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		for _, leak := range []string{secret, "/v3/media/", `"id":"` + id + `"`, `"id":"` + edited + `"`, `"id":"` + deleted + `"`} {
			if bytes.Contains(body, []byte(leak)) {
				t.Errorf("GET %s as dave, who joined after message %s, carries %s:\n%s", path, id, leak, body)
			}
		}
	}
	for _, hidden := range []string{id, edited, deleted} {
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+hidden, nil, e.as("dave"))
	}
	// What dave may see he still sees: the edit of a message sent after he
	// joined, and the conversation's last message (edits and deletes don't
	// move it).
	if on := entityOn(e.getMsg(t, laterEdited, e.as("dave"))); on["id"] != later {
		t.Errorf("the edit of %s, sent after dave joined, names %v", later, on["id"])
	}
	if c := e.okObj(t, "GET", "/v3/groups/team/conversation", nil, e.as("dave")); lastMessageID(c) != later {
		t.Errorf("dave's last message of the group is %q, want %s", lastMessageID(c), later)
	}
}
