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

// threadsOf reads a thread list that must succeed, checking its envelope:
// data an array, meta.current{limit,count}.
func (e *env) threadsOf(t testing.TB, path string, hs ...hdr) msgPage {
	t.Helper()
	status, b := e.do(t, "GET", path, nil, hs...)
	if status != 200 {
		t.Fatalf("GET %s: status %d: %v", path, status, b)
	}
	raw, _ := b["data"].([]any)
	if raw == nil {
		t.Fatalf("GET %s: data is not an array: %v", path, b)
	}
	p := msgPage{}
	p.Meta, _ = b["meta"].(map[string]any)
	for _, it := range raw {
		p.Items = append(p.Items, it.(map[string]any))
	}
	cur, _ := p.Meta["current"].(map[string]any)
	if cur == nil || num(cur, "count") != int64(len(p.Items)) {
		t.Fatalf("GET %s: meta.current %v does not match %d items", path, p.Meta["current"], len(p.Items))
	}
	return p
}

// parents lists the parentMessageId of each thread of a page.
func (p msgPage) parents() []string {
	var out []string // nil when empty
	for _, m := range p.Items {
		out = append(out, m["parentMessageId"].(string))
	}
	return out
}

// TestThreadList tests GET /v3/threads, /v3/users/{uid}/threads and
// /v3/groups/{guid}/threads: the threads a reader may see, or with
// participatedByMe those they follow, each with its parent, reply count,
// last reply and, for a user, their subscription and unread replies.
func TestThreadList(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	p1 := e.sendID(t, toGroup("team", "p1"), e.as("alice"))
	r1 := e.sendID(t, with(toGroup("team", "r1"), "parentId", p1), e.as("bob"))
	p2 := e.sendID(t, toGroup("team", "p2, no replies"), e.as("carol"))
	p3 := e.sendID(t, toUser("dave", "p3"), e.as("alice"))
	r3 := e.okObj(t, "POST", "/v3/messages/"+p3+"/thread", map[string]any{"data": map[string]any{"text": "r3"}}, e.as("dave"))

	t.Run("Shape", func(t *testing.T) {
		p := e.threadsOf(t, "/v3/threads", e.as("bob"))
		if diff := cmp.Diff([]string{p1}, p.parents()); diff != "" {
			t.Fatalf("bob's threads (-want +got):\n%s", diff)
		}
		th := p.Items[0]
		wantFields(t, "thread", th, map[string]any{"replyCount": 1, "subscribed": true, "unreadReplyCount": 0,
			"conversationId": "group_team", "receiverType": "group", "receiver": "team"})
		parent, _ := th["parentMessage"].(map[string]any)
		last, _ := th["lastReply"].(map[string]any)
		if parent["id"] != p1 || dataOf(parent)["text"] != "p1" || last["id"] != r1 || last["parentId"] != p1 {
			t.Errorf("parent %v, last reply %v", parent, last)
		}
		if num(th, "updatedAt") < num(last, "sentAt") {
			t.Errorf("updatedAt %v before the last reply %v", th["updatedAt"], last["sentAt"])
		}
		if c := p.cursor(t, "previous"); c != p1 {
			t.Errorf("meta.previous %s, want %s", c, p1)
		}
		// carol neither sent nor replied: not subscribed; her p2, sent after
		// r1, moved her read watermark past it.
		th = e.threadsOf(t, "/v3/threads", e.as("carol")).Items[0]
		wantFields(t, "carol's thread", th, map[string]any{"subscribed": false, "unreadReplyCount": 0})
		// The app alone sees every thread, with nothing of a reader's.
		p = e.threadsOf(t, "/v3/threads", e.asKey())
		if diff := cmp.Diff([]string{p1, p3}, p.parents()); diff != "" {
			t.Errorf("the key's threads (-want +got):\n%s", diff)
		}
		for _, th := range p.Items {
			if _, has := th["subscribed"]; has {
				t.Errorf("the key's thread has subscribed: %v", th)
			}
			if _, has := th["unreadReplyCount"]; has {
				t.Errorf("the key's thread has unreadReplyCount: %v", th)
			}
		}
	})
	t.Run("Scoped", func(t *testing.T) {
		if got := e.threadsOf(t, "/v3/groups/team/threads", e.as("bob")).parents(); !slices.Equal(got, []string{p1}) {
			t.Errorf("team's threads: %v", got)
		}
		if got := e.threadsOf(t, "/v3/users/dave/threads", e.as("alice")).parents(); !slices.Equal(got, []string{p3}) {
			t.Errorf("alice's threads with dave: %v", got)
		}
		if got := e.threadsOf(t, "/v3/users/bob/threads", e.as("alice")).parents(); got != nil {
			t.Errorf("alice's threads with bob: %v", got)
		}
		if got := e.threadsOf(t, "/v3/users/alice/threads", e.asKey()).parents(); !slices.Equal(got, []string{p3}) {
			t.Errorf("the key's threads of alice's one-to-one conversations: %v", got)
		}
	})
	t.Run("Pages", func(t *testing.T) {
		p := e.threadsOf(t, "/v3/threads?limit=1", e.asKey())
		if got := p.parents(); !slices.Equal(got, []string{p3}) {
			t.Fatalf("first page %v", got)
		}
		p = e.threadsOf(t, "/v3/threads?limit=1&affix=prepend&id="+p.cursor(t, "previous"), e.asKey())
		if got := p.parents(); !slices.Equal(got, []string{p1}) {
			t.Errorf("older page %v", got)
		}
		p = e.threadsOf(t, "/v3/threads?affix=append&id="+p1, e.asKey())
		if got := p.parents(); !slices.Equal(got, []string{p3}) {
			t.Errorf("newer page %v", got)
		}
	})
	t.Run("ParticipatedByMe", func(t *testing.T) {
		participated := func(uid string) []string {
			t.Helper()
			p := e.threadsOf(t, "/v3/threads?participatedByMe=true", e.as(uid))
			for _, th := range p.Items {
				if th["subscribed"] != true {
					t.Errorf("%s: a participated thread not subscribed: %v", uid, th)
				}
			}
			return p.parents()
		}
		// alice sent p1 and p3, which have replies; dave replied in p3.
		if got := participated("alice"); !slices.Equal(got, []string{p1, p3}) {
			t.Errorf("alice's: %v", got)
		}
		if got := participated("dave"); !slices.Equal(got, []string{p3}) {
			t.Errorf("dave's: %v", got)
		}
		if got := participated("carol"); got != nil {
			t.Errorf("carol's: %v", got)
		}
		// A subscription, to a message with no reply yet.
		d := e.okObj(t, "POST", "/v3/messages/"+p2+"/thread/subscription", nil, e.as("bob"))
		if d["success"] != true || d["message"] == "" {
			t.Errorf("subscribe answered %v", d)
		}
		e.ok(t, "POST", "/v3/messages/"+p2+"/thread/subscription", nil, e.as("bob")) // again: idempotent
		p := e.threadsOf(t, "/v3/threads?participatedByMe=1", e.as("bob"))
		if got := p.parents(); !slices.Equal(got, []string{p1, p2}) {
			t.Fatalf("bob's after subscribing to p2: %v", got)
		}
		if th := p.Items[1]; num(th, "replyCount") != 0 || th["lastReply"] != nil {
			t.Errorf("a thread with no reply: %v", th)
		}
		// Without participatedByMe, a thread with no reply is no thread.
		if got := e.threadsOf(t, "/v3/groups/team/threads", e.as("bob")).parents(); !slices.Equal(got, []string{p1}) {
			t.Errorf("team's threads: %v", got)
		}
		// Unsubscribing, twice, from one's own message.
		for range 2 {
			e.ok(t, "DELETE", "/v3/messages/"+p1+"/thread/subscription", nil, e.as("alice"))
		}
		if got := participated("alice"); !slices.Equal(got, []string{p3}) {
			t.Errorf("alice's after unsubscribing from p1: %v", got)
		}
		// Being mentioned in a reply subscribes again; so does replying.
		e.send(t, with(toGroup("team", "ping <@uid:alice>"), "parentId", p1), e.as("bob"))
		if got := participated("alice"); !slices.Equal(got, []string{p1, p3}) {
			t.Errorf("alice's after a mention in p1: %v", got)
		}
		e.ok(t, "DELETE", "/v3/messages/"+p2+"/thread/subscription", nil, e.as("bob"))
		e.ok(t, "DELETE", "/v3/messages/"+p1+"/thread/subscription", nil, e.as("bob"))
		e.send(t, with(toGroup("team", "r again"), "parentId", p1), e.as("bob"))
		if got := participated("bob"); !slices.Equal(got, []string{p1}) {
			t.Errorf("bob's after replying again: %v", got)
		}
	})
	t.Run("Unread", func(t *testing.T) {
		// alice's read watermark of group_team is her own p1; bob replied
		// three times since.
		th := e.threadsOf(t, "/v3/groups/team/threads", e.as("alice")).Items[0]
		if n := num(th, "unreadReplyCount"); n != 3 {
			t.Errorf("alice's unread replies of p1: %d, want 3", n)
		}
		last, _ := th["lastReply"].(map[string]any)
		e.ok(t, "POST", "/v3/groups/team/conversation/read", map[string]any{"messageId": last["id"]}, e.as("alice"))
		th = e.threadsOf(t, "/v3/groups/team/threads", e.as("alice")).Items[0]
		if n := num(th, "unreadReplyCount"); n != 0 {
			t.Errorf("alice's unread replies after reading: %d", n)
		}
		if th := e.threadsOf(t, "/v3/users/alice/threads", e.as("dave")).Items[0]; num(th, "unreadReplyCount") != 0 || th["lastReply"].(map[string]any)["id"] != r3["id"] {
			t.Errorf("dave's thread of his own reply: %v", th)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		act := e.msgs(t, "/v3/groups/team/messages?category=action&limit=1", e.as("alice")).ids()[0]
		for _, c := range []struct {
			method, path string
			hs           hdr
			status       int
			code         string
		}{
			{"GET", "/v3/threads?participatedByMe=true", e.asKey(), 403, parley.CodeNoAccess},
			{"GET", "/v3/threads?participatedByMe=maybe", e.as("bob"), 400, parley.CodeInvalidParam},
			{"GET", "/v3/threads?affix=sideways", e.as("bob"), 400, parley.CodeInvalidParam},
			{"GET", "/v3/threads", e.asAuth(), 403, parley.CodeNoAccess},
			{"GET", "/v3/groups/team/threads", e.as("dave"), 403, parley.CodeNotAMember},
			{"GET", "/v3/groups/ghost/threads", e.as("bob"), 404, parley.CodeGUIDNotFound},
			{"GET", "/v3/users/ghost/threads", e.as("bob"), 404, parley.CodeUIDNotFound},
			{"POST", "/v3/messages/" + p1 + "/thread/subscription", e.asKey(), 403, parley.CodeNoAccess},
			{"POST", "/v3/messages/" + p1 + "/thread/subscription", e.as("dave"), 404, parley.CodeMessageNotFound},
			{"DELETE", "/v3/messages/" + p1 + "/thread/subscription", e.as("dave"), 404, parley.CodeMessageNotFound},
			{"POST", "/v3/messages/" + r1 + "/thread/subscription", e.as("carol"), 400, parley.CodeThreadNesting},
			{"POST", "/v3/messages/" + act + "/thread/subscription", e.as("alice"), 400, parley.CodeWrongThread},
			{"POST", "/v3/messages/99999/thread/subscription", e.as("alice"), 404, parley.CodeMessageNotFound},
			{"POST", "/v3/messages/abc/thread/subscription", e.as("alice"), 404, parley.CodeMessageNotFound},
		} {
			e.fails(t, c.status, c.code, c.method, c.path, nil, c.hs)
		}
		if got := e.threadsOf(t, "/v3/threads?participatedByMe=true", e.as("carol")).parents(); got != nil {
			t.Errorf("refused subscriptions subscribed carol to %v", got)
		}
	})
}
