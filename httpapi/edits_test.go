package httpapi_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/parleychat/parley"
)

func TestEditMessage(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	e.ok(t, "PUT", "/v3/groups/team/members/carol", map[string]any{"scope": "moderator"}, e.as("alice"))
	id := e.sendID(t, with(toGroup("team", "hi <@uid:bob>"), "tags", []string{"old"}), e.as("alice"))

	t.Run("BySender", func(t *testing.T) {
		before := e.getMsg(t, id, e.as("alice"))
		answer := e.okObj(t, "PUT", "/v3/messages/"+id, map[string]any{"data": map[string]any{
			"text": "now <@uid:carol>, <@uid:eve> and <@uid:ghost>", "metadata": map[string]any{"v": 2}}, "tags": []string{"new"}}, e.as("alice"))
		// The answer is the edited action, naming the message as edited.
		wantMessageAction(t, "PUT answer", answer, "edited", id, "alice", "team")
		for _, got := range []map[string]any{entityOn(answer), e.getMsg(t, id, e.as("bob"))} {
			d := dataOf(got)
			if d["text"] != "now <@uid:carol>, <@uid:eve> and <@uid:ghost>" || got["editedBy"] != "alice" ||
				num(got, "editedAt") <= num(before, "sentAt") || num(got, "updatedAt") < num(got, "editedAt") {
				t.Errorf("after the edit: %v", got)
			}
			wantFields(t, "edited", got, map[string]any{"tags": []string{"new"}, "sentAt": before["sentAt"]})
			wantFields(t, "edited data", d, map[string]any{"metadata": map[string]any{"v": 2}})
			mentions, _ := d["mentions"].(map[string]any)
			if got := slices.Sorted(maps.Keys(mentions)); !slices.Equal(got, []string{"carol"}) {
				t.Errorf("mentions %v, want carol only (bob no longer mentioned, eve not a member, ghost no user)", got)
			}
		}
		all := e.msgs(t, "/v3/groups/team/messages", e.as("bob"))
		act := all.Items[len(all.Items)-1]
		wantMessageAction(t, "listed edit action", act, "edited", id, "alice", "team")
		if act["id"] != answer["id"] {
			t.Errorf("the PUT answered action %v, the conversation holds %v", answer["id"], act["id"])
		}
	})
	t.Run("Refused", func(t *testing.T) {
		body := map[string]any{"data": map[string]any{"text": "hijacked"}}
		e.refused(t, 403, parley.CodeNotASender, "PUT", "/v3/messages/"+id, body, e.as("bob"))
		e.refused(t, 403, parley.CodeNotASender, "PUT", "/v3/messages/"+id, body, e.as("carol")) // moderators delete, never edit
		e.refused(t, 404, parley.CodeMessageNotFound, "PUT", "/v3/messages/"+id, body, e.as("dave"))
		e.refused(t, 400, parley.CodeEmptyMessageText, "PUT", "/v3/messages/"+id, map[string]any{"data": map[string]any{"text": " "}}, e.as("alice"))
		e.refused(t, 400, parley.CodeInvalidMetadata, "PUT", "/v3/messages/"+id, map[string]any{"data": map[string]any{"metadata": bigMetadata()}}, e.as("alice"))
		e.refused(t, 400, parley.CodeInvalidTags, "PUT", "/v3/messages/"+id, map[string]any{"tags": manyTags(26)}, e.as("alice"))
		e.refused(t, 404, parley.CodeMessageNotFound, "PUT", "/v3/messages/99999", body, e.as("alice"))
		e.refused(t, 404, parley.CodeMessageNotFound, "PUT", "/v3/messages/abc", body, e.as("alice"))
		cid := e.sendID(t, map[string]any{"receiver": "team", "receiverType": "group", "category": "custom", "type": "poll",
			"data": map[string]any{"customData": map[string]any{}}}, e.as("alice"))
		e.refused(t, 400, parley.CodeInvalidParam, "PUT", "/v3/messages/"+cid, body, e.as("alice"))
		if got := dataOf(e.getMsg(t, id, e.asKey()))["text"]; got == "hijacked" {
			t.Errorf("a refused edit changed the text")
		}
	})
	t.Run("ByKey", func(t *testing.T) {
		act := e.okObj(t, "PUT", "/v3/messages/"+id, map[string]any{"data": map[string]any{"text": "moderated"}}, e.asKey())
		wantMessageAction(t, "PUT answer", act, "edited", id, "app_system", "team")
		if m := entityOn(act); m["editedBy"] != "app_system" || dataOf(m)["text"] != "moderated" {
			t.Errorf("edit by the key: %v", act)
		}
	})
	t.Run("ActionMessages", func(t *testing.T) {
		all := e.msgs(t, "/v3/groups/team/messages?category=action", e.asKey())
		for _, act := range []map[string]any{all.Items[0], all.Items[len(all.Items)-1]} { // a join, an edit
			aid := idOf(t, act)
			e.refused(t, 403, parley.CodeActionNotAllowed, "PUT", "/v3/messages/"+aid, map[string]any{"data": map[string]any{"text": "x"}}, e.asKey())
			// Its sender may no more edit it than anyone: it is the server's record.
			if by := act["sender"].(string); by != "app_system" {
				e.refused(t, 403, parley.CodeActionNotAllowed, "PUT", "/v3/messages/"+aid, map[string]any{"data": map[string]any{"text": "x"}}, e.as(by))
				e.refused(t, 403, parley.CodeActionNotAllowed, "PUT", "/v3/messages/"+aid, map[string]any{"tags": []string{"t"}}, e.asKey(), onBehalfOf(by))
			}
			e.refused(t, 403, parley.CodeActionNotAllowed, "DELETE", "/v3/messages/"+aid, nil, e.asKey())
			e.refused(t, 403, parley.CodeActionNotAllowed, "DELETE", "/v3/messages/"+aid, map[string]any{"permanent": true}, e.as("alice"))
		}
	})
}

// entityOn returns data.entities.on.entity of an action message.
func entityOn(m map[string]any) map[string]any {
	ent, _ := dataOf(m)["entities"].(map[string]any)
	on, _ := ent["on"].(map[string]any)
	inner, _ := on["entity"].(map[string]any)
	return inner
}

func TestDeleteMessage(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	e.ok(t, "PUT", "/v3/groups/team/members/carol", map[string]any{"scope": "moderator"}, e.as("alice"))
	e.ok(t, "POST", "/v3/groups/team/members", map[string]any{}, e.as("dave"))
	n := 0
	// send has bob send a message whose text is not in any other.
	send := func() (id, text string) {
		n++
		text = fmt.Sprintf("secret recipe number %d", n)
		return e.sendID(t, map[string]any{"receiver": "team", "receiverType": "group", "data": map[string]any{"text": text,
			"metadata": map[string]any{"k": "v"}}, "tags": []string{"t"}}, e.as("bob")), text
	}
	// deleted checks that a message was deleted by uid and that its text
	// is gone from the conversation, the deleted action included.
	deleted := func(t *testing.T, id, by, secret string) {
		t.Helper()
		m := e.getMsg(t, id, e.as("dave"))
		d := dataOf(m)
		if m["deletedBy"] != by || num(m, "deletedAt") < num(m, "sentAt") || num(m, "deletedAt") == 0 ||
			d["text"] != nil || d["metadata"] != nil || d["attachments"] != nil || m["sender"] != "bob" {
			t.Errorf("after the delete by %s: %v", by, m)
		}
		all := e.msgs(t, "/v3/groups/team/messages", e.as("dave"))
		act := all.Items[len(all.Items)-1]
		if act["category"] != "action" || act["type"] != "message" || dataOf(act)["action"] != "deleted" ||
			act["sender"] != by || entityOn(act)["id"] != id {
			t.Errorf("the last message is not the deleted action of %s by %s: %v", id, by, act)
		}
		b, _ := json.Marshal(all.Items)
		if strings.Contains(string(b), secret) {
			t.Errorf("the deleted text is still readable in the conversation: %s", b)
		}
	}
	for _, c := range []struct{ name, by string }{{"BySender", "bob"}, {"ByModerator", "carol"}, {"ByAdmin", "alice"}} {
		t.Run(c.name, func(t *testing.T) {
			id, text := send()
			act := e.okObj(t, "DELETE", "/v3/messages/"+id, nil, e.as(c.by))
			wantMessageAction(t, "DELETE answer", act, "deleted", id, c.by, "team")
			if on := entityOn(act); on["deletedBy"] != c.by || len(dataOf(on)) != 0 {
				t.Errorf("the answer names the message not as deleted: %v", on)
			}
			deleted(t, id, c.by, text)
			e.refused(t, 404, parley.CodeMessageNotFound, "DELETE", "/v3/messages/"+id, nil, e.as(c.by))
			e.refused(t, 404, parley.CodeMessageNotFound, "PUT", "/v3/messages/"+id, map[string]any{"data": map[string]any{"text": "back"}}, e.as("bob"))
		})
	}
	t.Run("ByKey", func(t *testing.T) {
		id, text := send()
		e.ok(t, "DELETE", "/v3/messages/"+id, nil, e.asKey())
		deleted(t, id, "app_system", text)
	})
	t.Run("Refused", func(t *testing.T) {
		id, text := send()
		e.refused(t, 403, parley.CodeNotASender, "DELETE", "/v3/messages/"+id, nil, e.as("dave")) // a participant
		e.refused(t, 404, parley.CodeMessageNotFound, "DELETE", "/v3/messages/"+id, nil, e.as("eve"))
		e.refused(t, 404, parley.CodeMessageNotFound, "DELETE", "/v3/messages/99999", nil, e.as("bob"))
		dm := e.sendID(t, toUser("bob", "just us"), e.as("alice"))
		e.refused(t, 403, parley.CodeNotASender, "DELETE", "/v3/messages/"+dm, nil, e.as("bob")) // the receiver
		if m := e.getMsg(t, id, e.asKey()); m["deletedAt"] != nil || dataOf(m)["text"] != text {
			t.Errorf("refused deletes changed the message: %v", m)
		}
	})
	t.Run("Permanent", func(t *testing.T) {
		for _, c := range []struct {
			name  string
			path  string
			body  any
			actor string
		}{{"Body", "", map[string]any{"permanent": true}, "bob"}, {"Query", "?permanent=true", nil, "carol"}} {
			id, secret := send()
			answer := e.okObj(t, "DELETE", "/v3/messages/"+id+c.path, c.body, e.as(c.actor))
			wantMessageAction(t, c.name+" answer", answer, "deleted", id, c.actor, "team")
			e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+id, nil, e.asKey())
			e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+id, nil, e.as("alice"))
			all := e.msgs(t, "/v3/groups/team/messages", e.as("alice"))
			if all.byID(id) != nil {
				t.Errorf("%s: the purged message is still listed", c.name)
			}
			act := all.Items[len(all.Items)-1]
			if dataOf(act)["action"] != "deleted" || act["sender"] != c.actor || entityOn(act)["id"] != id {
				t.Errorf("%s: last message %v, want the deleted action", c.name, act)
			}
			if b, _ := json.Marshal(all.Items); strings.Contains(string(b), secret) {
				t.Errorf("%s: the purged text is still readable in the conversation", c.name)
			}
		}
		// A soft-deleted message may still be purged.
		id, _ := send()
		e.ok(t, "DELETE", "/v3/messages/"+id, nil, e.as("bob"))
		e.ok(t, "DELETE", "/v3/messages/"+id, map[string]any{"permanent": true}, e.as("bob"))
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+id, nil, e.asKey())
	})
}

// wantMessageAction checks that m is the action message, as CometChat
// documents PUT and DELETE /v3/messages/{id} answering: of category action
// and type message, data.action the action, by the actor, on the message id
// (entityType message), for the conversation's receiver (here a group).
func wantMessageAction(t *testing.T, what string, m map[string]any, action, id, by, guid string) {
	t.Helper()
	wantFields(t, what, m, map[string]any{"category": "action", "type": "message", "sender": by,
		"receiver": guid, "receiverType": "group", "conversationId": "group_" + guid})
	if s, _ := m["id"].(string); s == "" || s == id {
		t.Errorf("%s: id %v, want the action's own id (a string)", what, m["id"])
	}
	for _, k := range []string{"sentAt", "updatedAt"} {
		if _, ok := m[k].(float64); !ok {
			t.Errorf("%s: %s missing: %v", what, k, m)
		}
	}
	ents, _ := dataOf(m)["entities"].(map[string]any)
	on, _ := ents["on"].(map[string]any)
	if dataOf(m)["action"] != action || entityID(m, "by") != by || entityID(m, "for") != guid ||
		on["entityType"] != "message" || entityOn(m)["id"] != id {
		t.Errorf("%s: want the %s action on %s by %s: %v", what, action, id, by, m)
	}
}
