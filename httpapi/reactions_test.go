package httpapi_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
)

// reactionsOf reads data.reactions of a message as "emoji count", with
// " me" when reactedByMe.
func reactionsOf(m map[string]any) []string {
	var out []string
	rs, _ := dataOf(m)["reactions"].([]any)
	for _, r := range rs {
		r := r.(map[string]any)
		s := fmt.Sprintf("%s %d", r["reaction"], num(r, "count"))
		if r["reactedByMe"] == true {
			s += " me"
		}
		out = append(out, s)
	}
	return out
}

func reactionPath(id, emoji string) string {
	return "/v3/messages/" + id + "/reactions/" + url.PathEscape(emoji)
}

func TestReactions(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	id := e.sendID(t, toGroup("team", "react to me"), e.as("alice"))
	const thumbs, heart = "👍", "❤️"

	t.Run("Add", func(t *testing.T) {
		m := e.okObj(t, "POST", reactionPath(id, thumbs), nil, e.as("bob"))
		if diff := cmp.Diff([]string{thumbs + " 1 me"}, reactionsOf(m)); diff != "" {
			t.Errorf("after bob's reaction (-want +got):\n%s", diff)
		}
		e.fails(t, 409, parley.CodeAlreadyReacted, "POST", reactionPath(id, thumbs), nil, e.as("bob"))
		e.okObj(t, "POST", reactionPath(id, thumbs), nil, e.as("carol"))
		e.okObj(t, "POST", reactionPath(id, heart), nil, e.as("carol"))
		e.okObj(t, "POST", reactionPath(id, "ok"), nil, e.asKey(), onBehalfOf("alice"))
	})
	t.Run("ReactedByMePerViewer", func(t *testing.T) {
		for _, c := range []struct {
			viewer hdr
			want   []string
		}{
			{e.as("alice"), []string{thumbs + " 2", heart + " 1", "ok 1 me"}},
			{e.as("bob"), []string{thumbs + " 2 me", heart + " 1", "ok 1"}},
			{e.as("carol"), []string{thumbs + " 2 me", heart + " 1 me", "ok 1"}},
			{e.asKey(), []string{thumbs + " 2", heart + " 1", "ok 1"}},
		} {
			got := e.getMsg(t, id, c.viewer)
			if diff := cmp.Diff(c.want, reactionsOf(got)); diff != "" {
				t.Errorf("GET as %v (-want +got):\n%s", c.viewer, diff)
			}
			for _, path := range []string{"/v3/groups/team/messages", "/v3/messages"} {
				if diff := cmp.Diff(c.want, reactionsOf(e.msgs(t, path, c.viewer).byID(id))); diff != "" {
					t.Errorf("%s as %v (-want +got):\n%s", path, c.viewer, diff)
				}
			}
		}
	})
	t.Run("List", func(t *testing.T) {
		all := e.reactions(t, "/v3/messages/"+id+"/reactions", e.as("bob"))
		var got []string
		for _, r := range all.Items {
			by, _ := r["reactedBy"].(map[string]any)
			if r["messageId"] != id || num(r, "reactedAt") == 0 || by["uid"] != r["uid"] {
				t.Errorf("reaction %v", r)
			}
			got = append(got, r["uid"].(string)+" "+r["reaction"].(string))
		}
		if diff := cmp.Diff([]string{"bob " + thumbs, "carol " + thumbs, "carol " + heart, "alice ok"}, got); diff != "" {
			t.Errorf("all reactions, oldest first (-want +got):\n%s", diff)
		}
		if got := e.reactions(t, reactionPath(id, thumbs), e.as("bob")).uids(); !slices.Equal(got, []string{"bob", "carol"}) {
			t.Errorf("%s reactions: %v", thumbs, got)
		}
		p := e.reactions(t, "/v3/messages/"+id+"/reactions?limit=1", e.asKey())
		p = e.reactions(t, "/v3/messages/"+id+"/reactions?limit=1&affix=append&id="+p.next(t), e.asKey())
		if got := p.uids(); !slices.Equal(got, []string{"carol"}) {
			t.Errorf("page 2 of 1: %v", got)
		}
		if got := e.reactions(t, reactionPath(id, "🎉"), e.as("bob")); len(got.Items) != 0 {
			t.Errorf("no 🎉 reactions, got %v", got.Items)
		}
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+id+"/reactions", nil, e.as("dave"))
	})
	t.Run("HasReactions", func(t *testing.T) {
		other := e.sendID(t, toGroup("team", "no reactions"), e.as("alice"))
		got := e.msgs(t, "/v3/groups/team/messages?hasReactions=1", e.as("bob")).ids()
		if !slices.Equal(got, []string{id}) {
			t.Errorf("hasReactions=1: %v, want [%s] (not %s)", got, id, other)
		}
	})
	t.Run("Remove", func(t *testing.T) {
		m := e.okObj(t, "DELETE", reactionPath(id, thumbs), nil, e.as("bob"))
		if diff := cmp.Diff([]string{thumbs + " 1", heart + " 1", "ok 1"}, reactionsOf(m)); diff != "" {
			t.Errorf("after removing bob's (-want +got):\n%s", diff)
		}
		e.fails(t, 404, parley.CodeReactionNotFound, "DELETE", reactionPath(id, thumbs), nil, e.as("bob"))
		e.fails(t, 404, parley.CodeReactionNotFound, "DELETE", reactionPath(id, "🎉"), nil, e.as("carol"))
		e.ok(t, "DELETE", reactionPath(id, heart), nil, e.as("carol"))
		if diff := cmp.Diff([]string{thumbs + " 1 me", "ok 1"}, reactionsOf(e.getMsg(t, id, e.as("carol")))); diff != "" {
			t.Errorf("carol's view (-want +got):\n%s", diff)
		}
		// Removed and added again: a new reaction, listed last.
		e.ok(t, "POST", reactionPath(id, thumbs), nil, e.as("bob"))
		if got := e.reactions(t, reactionPath(id, thumbs), e.as("bob")).uids(); !slices.Equal(got, []string{"carol", "bob"}) {
			t.Errorf("%s reactions: %v", thumbs, got)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		dm := e.sendID(t, toUser("bob", "dm"), e.as("alice"))
		e.fails(t, 404, parley.CodeMessageNotFound, "POST", reactionPath(dm, thumbs), nil, e.as("carol"))
		e.fails(t, 404, parley.CodeMessageNotFound, "POST", reactionPath(id, thumbs), nil, e.as("dave"))
		e.fails(t, 404, parley.CodeMessageNotFound, "POST", reactionPath("99999", thumbs), nil, e.as("bob"))
		e.fails(t, 403, parley.CodeNoAccess, "POST", reactionPath(id, heart), nil, e.asKey())
		e.fails(t, 400, parley.CodeInvalidReaction, "POST", reactionPath(id, strings.Repeat("x", 65)), nil, e.as("bob"))
		e.fails(t, 400, parley.CodeInvalidReaction, "POST", reactionPath(id, " "), nil, e.as("bob"))
		act := e.msgs(t, "/v3/groups/team/messages?category=action&limit=1", e.as("alice")).ids()[0]
		e.fails(t, 403, parley.CodeActionNotAllowed, "POST", reactionPath(act, thumbs), nil, e.as("alice"))
		gone := e.sendID(t, toGroup("team", "gone"), e.as("alice"))
		e.ok(t, "DELETE", "/v3/messages/"+gone, nil, e.as("alice"))
		e.fails(t, 404, parley.CodeMessageNotFound, "POST", reactionPath(gone, thumbs), nil, e.as("bob"))
	})
}

func TestInteractions(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	form := func(goal map[string]any, allowSender bool) string {
		return e.sendID(t, map[string]any{"receiver": "team", "receiverType": "group", "category": "interactive", "type": "form",
			"data": map[string]any{"interactiveData": map[string]any{"title": "t"}, "interactionGoal": goal, "allowSenderInteraction": allowSender}},
			e.as("alice"))
	}
	interact := func(t *testing.T, id, uid string, elements ...string) bool {
		t.Helper()
		d := e.okObj(t, "PATCH", "/v3/messages/"+id+"/interacted", map[string]any{"interactions": elements}, e.as(uid))
		if d["messageId"] != id {
			t.Errorf("answer names message %v, want %s", d["messageId"], id)
		}
		ins, _ := d["interactions"].([]any)
		for _, in := range ins {
			in := in.(map[string]any)
			if in["uid"] != uid || in["elementId"] == "" || num(in, "interactedAt") == 0 {
				t.Errorf("interaction %v", in)
			}
		}
		done, is := d["interactionCompleted"].(bool)
		if !is {
			t.Fatalf("no interactionCompleted in %v", d)
		}
		return done
	}
	for _, c := range []struct {
		name  string
		goal  map[string]any
		steps [][]string // bob's calls
		want  []bool     // interactionCompleted after each
	}{
		{"AnyAction", map[string]any{"type": "anyAction"}, [][]string{{"x"}}, []bool{true}},
		{"AnyOf", map[string]any{"type": "anyOf", "elementIds": []string{"a", "b"}}, [][]string{{"c"}, {"b"}}, []bool{false, true}},
		{"AllOf", map[string]any{"type": "allOf", "elementIds": []string{"a", "b"}}, [][]string{{"a"}, {"c"}, {"b"}}, []bool{false, false, true}},
		{"AllOfInOneCall", map[string]any{"type": "allOf", "elementIds": []string{"a", "b"}}, [][]string{{"b", "a"}}, []bool{true}},
		{"None", map[string]any{"type": "none"}, [][]string{{"a"}, {"b"}}, []bool{false, false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			id := form(c.goal, false)
			var got []bool
			for _, els := range c.steps {
				got = append(got, interact(t, id, "bob", els...))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("interactionCompleted after each call: %v, want %v", got, c.want)
			}
			// Each user's goal is their own.
			if c.want[len(c.want)-1] && interact(t, id, "carol", "zzz") && c.name != "AnyAction" {
				t.Errorf("carol completed the goal with an unrelated element")
			}
		})
	}
	t.Run("Sender", func(t *testing.T) {
		id := form(map[string]any{"type": "anyAction"}, false)
		e.fails(t, 403, parley.CodeInvalidInteraction, "PATCH", "/v3/messages/"+id+"/interacted", map[string]any{"interactions": []string{"a"}}, e.as("alice"))
		id = form(map[string]any{"type": "anyAction"}, true)
		if !interact(t, id, "alice", "a") {
			t.Errorf("the sender, allowed, did not complete anyAction")
		}
	})
	t.Run("Refused", func(t *testing.T) {
		id := form(map[string]any{"type": "anyAction"}, false)
		text := e.sendID(t, toGroup("team", "plain"), e.as("alice"))
		body := map[string]any{"interactions": []string{"a"}}
		e.fails(t, 400, parley.CodeInvalidInteraction, "PATCH", "/v3/messages/"+text+"/interacted", body, e.as("bob"))
		e.fails(t, 400, parley.CodeInvalidInteraction, "PATCH", "/v3/messages/"+id+"/interacted", map[string]any{"interactions": []string{}}, e.as("bob"))
		e.fails(t, 400, parley.CodeInvalidInteraction, "PATCH", "/v3/messages/"+id+"/interacted", map[string]any{}, e.as("bob"))
		e.fails(t, 404, parley.CodeMessageNotFound, "PATCH", "/v3/messages/"+id+"/interacted", body, e.as("dave"))
		e.fails(t, 404, parley.CodeMessageNotFound, "PATCH", "/v3/messages/99999/interacted", body, e.as("bob"))
		e.fails(t, 403, parley.CodeNoAccess, "PATCH", "/v3/messages/"+id+"/interacted", body, e.asKey())
	})
}
