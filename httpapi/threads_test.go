package httpapi_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
)

func TestThreads(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	parent := e.sendID(t, toGroup("team", "parent"), e.as("alice"))
	replyCount := func(t *testing.T, id string) int64 {
		t.Helper()
		return num(e.getMsg(t, id, e.as("carol")), "replyCount")
	}

	var replies []string
	t.Run("ReplyByThreadRoute", func(t *testing.T) {
		// No receiver: the reply goes to the parent's conversation.
		m := e.okObj(t, "POST", "/v3/messages/"+parent+"/thread", map[string]any{"data": map[string]any{"text": "r1"}}, e.as("bob"))
		wantFields(t, "reply", m, map[string]any{"parentId": parent, "receiver": "team", "receiverType": "group",
			"conversationId": "group_team", "sender": "bob"})
		replies = append(replies, idOf(t, m))
		if n := replyCount(t, parent); n != 1 {
			t.Errorf("replyCount %d, want 1", n)
		}
	})
	t.Run("ReplyByParentID", func(t *testing.T) {
		for i := 2; i <= 5; i++ {
			m := e.send(t, with(toGroup("team", fmt.Sprint("r", i)), "parentId", parent), e.as("carol"))
			if m["parentId"] != parent {
				t.Fatalf("reply %d: parentId %v", i, m["parentId"])
			}
			replies = append(replies, idOf(t, m))
		}
		if n := replyCount(t, parent); n != 5 {
			t.Errorf("replyCount %d, want 5", n)
		}
	})
	t.Run("ThreadPagesByCursor", func(t *testing.T) {
		e.sendID(t, toGroup("team", "not in the thread"), e.as("alice"))
		p := e.msgs(t, "/v3/messages/"+parent+"/thread?limit=2", e.as("bob"))
		if diff := cmp.Diff(replies[3:], p.ids()); diff != "" {
			t.Errorf("newest page (-want +got):\n%s", diff)
		}
		p = e.msgs(t, "/v3/messages/"+parent+"/thread?limit=2&affix=prepend&id="+p.cursor(t, "previous"), e.as("bob"))
		if diff := cmp.Diff(replies[1:3], p.ids()); diff != "" {
			t.Errorf("older page (-want +got):\n%s", diff)
		}
		p = e.msgs(t, "/v3/messages/"+parent+"/thread?limit=3&affix=append&id="+replies[0], e.as("bob"))
		if diff := cmp.Diff(replies[1:4], p.ids()); diff != "" {
			t.Errorf("append page (-want +got):\n%s", diff)
		}
		if got := e.msgs(t, "/v3/messages/"+parent+"/thread", e.asKey()).texts(); !slices.Equal(got, []string{"r1", "r2", "r3", "r4", "r5"}) {
			t.Errorf("the key reads the thread as %v", got)
		}
		if got := e.msgs(t, "/v3/messages/"+parent+"/thread?hideReplies=1", e.as("bob")).ids(); len(got) != 5 {
			t.Errorf("hideReplies must not empty a thread: %v", got)
		}
	})
	t.Run("HideReplies", func(t *testing.T) {
		for _, path := range []string{"/v3/groups/team/messages", "/v3/messages"} {
			all := e.msgs(t, path, e.as("bob")).ids()
			top := e.msgs(t, path+"?hideReplies=1", e.as("bob")).ids()
			for _, r := range replies {
				if !slices.Contains(all, r) || slices.Contains(top, r) {
					t.Errorf("%s: reply %s listed %v without hideReplies, %v with", path, r, slices.Contains(all, r), slices.Contains(top, r))
				}
			}
			if !slices.Contains(top, parent) || len(top) != len(all)-len(replies) {
				t.Errorf("%s?hideReplies=1 = %v, want all %v but the replies", path, top, all)
			}
		}
	})
	t.Run("DeletingARepliesShrinksTheCount", func(t *testing.T) {
		e.ok(t, "DELETE", "/v3/messages/"+replies[4], nil, e.as("carol"))
		if n := replyCount(t, parent); n != 4 {
			t.Errorf("replyCount %d after a soft delete, want 4", n)
		}
		e.ok(t, "DELETE", "/v3/messages/"+replies[4], map[string]any{"permanent": true}, e.as("carol"))
		if n := replyCount(t, parent); n != 4 {
			t.Errorf("replyCount %d after purging the deleted reply, want still 4", n)
		}
		e.ok(t, "DELETE", "/v3/messages/"+replies[3], map[string]any{"permanent": true}, e.as("carol"))
		if n := replyCount(t, parent); n != 3 {
			t.Errorf("replyCount %d after a permanent delete, want 3", n)
		}
	})
	t.Run("OneToOne", func(t *testing.T) {
		dm := e.sendID(t, toUser("bob", "dm parent"), e.as("alice"))
		m := e.okObj(t, "POST", "/v3/messages/"+dm+"/thread", map[string]any{"data": map[string]any{"text": "dm reply"}}, e.as("bob"))
		wantFields(t, "reply", m, map[string]any{"sender": "bob", "receiver": "alice", "conversationId": "alice_user_bob", "parentId": dm})
		m = e.okObj(t, "POST", "/v3/messages/"+dm+"/thread", map[string]any{"data": map[string]any{"text": "me again"}}, e.as("alice"))
		wantFields(t, "reply", m, map[string]any{"sender": "alice", "receiver": "bob", "parentId": dm})
		if n := num(e.getMsg(t, dm, e.as("bob")), "replyCount"); n != 2 {
			t.Errorf("replyCount %d, want 2", n)
		}
		e.refused(t, 404, parley.CodeMessageNotFound, "POST", "/v3/messages/"+dm+"/thread", map[string]any{"data": map[string]any{"text": "x"}}, e.as("carol"))
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+dm+"/thread", nil, e.as("carol"))
	})
	t.Run("Refused", func(t *testing.T) {
		reply := replies[0]
		text := map[string]any{"data": map[string]any{"text": "x"}}
		e.refused(t, 400, parley.CodeThreadNesting, "POST", "/v3/messages/"+reply+"/thread", text, e.as("bob"))
		e.refused(t, 400, parley.CodeThreadNesting, "POST", "/v3/messages", with(toGroup("team", "x"), "parentId", reply), e.as("bob"))
		// A parent in another conversation.
		e.refused(t, 400, parley.CodeWrongThread, "POST", "/v3/messages", with(toUser("bob", "x"), "parentId", parent), e.as("alice"))
		e.refused(t, 400, parley.CodeWrongThread, "POST", "/v3/messages/"+parent+"/thread", toUser("carol", "x"), e.as("alice"))
		// An action message is no parent.
		act := e.msgs(t, "/v3/groups/team/messages?category=action&limit=1", e.as("alice")).ids()[0]
		e.refused(t, 400, parley.CodeWrongThread, "POST", "/v3/messages/"+act+"/thread", text, e.as("alice"))
		e.refused(t, 404, parley.CodeMessageNotFound, "POST", "/v3/messages/99999/thread", text, e.as("alice"))
		e.refused(t, 404, parley.CodeMessageNotFound, "POST", "/v3/messages/"+parent+"/thread", text, e.as("dave"))
		e.refused(t, 403, parley.CodeNotAMember, "POST", "/v3/messages/"+parent+"/thread", toGroup("team", "x"), e.as("dave"))
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+parent+"/thread", nil, e.as("dave"))
		// A deleted message takes no more replies.
		gone := e.sendID(t, toGroup("team", "soon gone"), e.as("alice"))
		e.ok(t, "DELETE", "/v3/messages/"+gone, nil, e.as("alice"))
		e.refused(t, 400, parley.CodeWrongThread, "POST", "/v3/messages/"+gone+"/thread", text, e.as("bob"))
	})
}
