package httpapi_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
)

func TestReceiptsOneToOne(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	var m []string
	for _, text := range []string{"one", "two", "three"} {
		m = append(m, e.sendID(t, toUser("bob", text), e.as("alice")))
	}
	// state is bob's conversation with alice: unread count and last read id.
	state := func(t *testing.T) (int64, string) {
		t.Helper()
		c := e.okObj(t, "GET", "/v3/users/alice/conversation", nil, e.as("bob"))
		id, _ := c["lastReadMessageId"].(string)
		return unreadOf(t, c), id
	}
	wantUnread := func(t *testing.T, want int64) {
		t.Helper()
		if n, _ := state(t); n != want {
			t.Errorf("bob's unreadMessageCount = %d, want %d", n, want)
		}
		counts := e.ok(t, "GET", "/v3/messages?unread=1&count=1", nil, e.as("bob")).([]any)
		wantCounts := []any{} // conversations with nothing unread are left out
		if want > 0 {
			wantCounts = []any{map[string]any{"conversationId": "alice_user_bob", "count": float64(want)}}
		}
		if diff := cmp.Diff(wantCounts, counts); diff != "" {
			t.Errorf("GET /v3/messages?unread=1&count=1 (-want +got):\n%s", diff)
		}
	}
	// receipts reads deliveredAt and readAt of each message as alice, the
	// sender, sees them: "d" delivered, "r" read too, "" neither.
	receipts := func(t *testing.T, as hdr) []string {
		t.Helper()
		var out []string
		for _, id := range m {
			r := e.getMsg(t, id, as)
			s := ""
			if num(r, "deliveredAt") > 0 {
				s += "d"
			}
			if num(r, "readAt") > 0 {
				s += "r"
			}
			out = append(out, s)
		}
		return out
	}
	path := "/v3/users/alice/conversation/"

	t.Run("Start", func(t *testing.T) {
		wantUnread(t, 3)
		if _, last := state(t); last != "0" {
			t.Errorf("lastReadMessageId %q, want 0", last)
		}
		c := e.okObj(t, "GET", "/v3/users/bob/conversation", nil, e.as("alice"))
		if unreadOf(t, c) != 0 || c["lastReadMessageId"] != m[2] {
			t.Errorf("alice's own messages are read to her: %v", c)
		}
		if diff := cmp.Diff([]string{"", "", ""}, receipts(t, e.as("alice"))); diff != "" {
			t.Errorf("receipts (-want +got):\n%s", diff)
		}
	})
	t.Run("Delivered", func(t *testing.T) {
		d := e.okObj(t, "POST", path+"delivered", map[string]any{"messageId": m[1]}, e.as("bob"))
		if d["success"] != true {
			t.Errorf("answer %v", d)
		}
		if diff := cmp.Diff([]string{"d", "d", ""}, receipts(t, e.as("alice"))); diff != "" {
			t.Errorf("receipts after delivered up to two (-want +got):\n%s", diff)
		}
		wantUnread(t, 3)
	})
	t.Run("Read", func(t *testing.T) {
		e.ok(t, "POST", path+"read", map[string]any{"messageId": m[1]}, e.as("bob"))
		wantUnread(t, 1)
		if _, last := state(t); last != m[1] {
			t.Errorf("lastReadMessageId %q, want %s", last, m[1])
		}
		if diff := cmp.Diff([]string{"dr", "dr", ""}, receipts(t, e.as("alice"))); diff != "" {
			t.Errorf("receipts after read up to two (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"", "", ""}, receipts(t, e.as("bob"))); diff != "" {
			t.Errorf("bob, no sender, sees receipts (-want +got):\n%s", diff)
		}
		listed := e.msgs(t, "/v3/users/bob/messages", e.as("alice")).byID(m[0])
		if num(listed, "readAt") == 0 || num(listed, "deliveredAt") == 0 {
			t.Errorf("the list carries no receipt times: %v", listed)
		}
		e.ok(t, "POST", path+"read", map[string]any{"messageId": m[2]}, e.as("bob"))
		wantUnread(t, 0)
		e.ok(t, "POST", path+"read", map[string]any{"messageId": m[0]}, e.as("bob")) // a watermark never goes down
		wantUnread(t, 0)
		if diff := cmp.Diff([]string{"dr", "dr", "dr"}, receipts(t, e.as("alice"))); diff != "" {
			t.Errorf("receipts after read (-want +got):\n%s", diff)
		}
	})
	t.Run("Unread", func(t *testing.T) {
		d := e.okObj(t, "DELETE", path+"read", map[string]any{"messageId": m[1]}, e.as("bob"))
		if d["success"] != true {
			t.Errorf("answer %v", d)
		}
		wantUnread(t, 2)
		e.ok(t, "DELETE", path+"read", map[string]any{"messageId": m[0]}, e.as("bob"))
		wantUnread(t, 3)
		if diff := cmp.Diff([]string{"dr", "dr", "dr"}, receipts(t, e.as("alice"))); diff != "" {
			t.Errorf("marking unread takes back no receipt (-want +got):\n%s", diff)
		}
	})
	t.Run("Arithmetic", func(t *testing.T) {
		m = append(m, e.sendID(t, toUser("bob", "four"), e.as("alice")))
		wantUnread(t, 4)
		e.ok(t, "DELETE", "/v3/messages/"+m[2], nil, e.as("alice"))
		wantUnread(t, 3) // a deleted message is no longer unread
		e.okObj(t, "POST", "/v3/messages/"+m[0]+"/thread", map[string]any{"data": map[string]any{"text": "aside"}}, e.as("alice"))
		wantUnread(t, 3) // thread replies count in their thread, not in the conversation
		e.ok(t, "POST", path+"read", map[string]any{"messageId": m[3]}, e.as("bob"))
		wantUnread(t, 0)
		e.ok(t, "DELETE", path+"read", map[string]any{"messageId": m[3]}, e.as("bob"))
		wantUnread(t, 1)
		e.ok(t, "DELETE", "/v3/messages/"+m[3], map[string]any{"permanent": true}, e.as("alice"))
		wantUnread(t, 0)
		e.ok(t, "DELETE", path+"read", map[string]any{"messageId": m[0]}, e.as("bob"))
		wantUnread(t, 2) // m[0] and m[1]: m[2] is deleted, m[3] gone
		e.sendID(t, toUser("alice", "bob writes"), e.as("bob"))
		wantUnread(t, 0) // writing into a conversation reads it
	})
	t.Run("DeliveredWithoutMessageID", func(t *testing.T) {
		m5 := e.sendID(t, toUser("bob", "five"), e.as("alice"))
		e.ok(t, "POST", path+"delivered", nil, e.as("bob"))
		if r := e.getMsg(t, m5, e.as("alice")); num(r, "deliveredAt") == 0 || num(r, "readAt") != 0 {
			t.Errorf("delivered with no messageId marks the whole conversation delivered: %v", r)
		}
		e.ok(t, "POST", path+"read", map[string]any{}, e.as("bob"))
		if r := e.getMsg(t, m5, e.as("alice")); num(r, "readAt") == 0 {
			t.Errorf("read with no messageId marks the whole conversation read: %v", r)
		}
		wantUnread(t, 0)
	})
	t.Run("ReadAfterReplying", func(t *testing.T) {
		// Bob replies before he marks anything: his reply reads the
		// conversation to him (his unread count drops), and alice must
		// still learn when bob received and read her message.
		m6 := e.sendID(t, toUser("bob", "six"), e.as("alice"))
		e.sendID(t, toUser("alice", "got it"), e.as("bob"))
		e.ok(t, "POST", path+"read", map[string]any{"messageId": m6}, e.as("bob"))
		if r := e.getMsg(t, m6, e.as("alice")); num(r, "deliveredAt") == 0 || num(r, "readAt") == 0 {
			t.Errorf("bob replied and marked it read, yet alice sees no receipt: %v", r)
		}
	})
	t.Run("ReplyReads", func(t *testing.T) {
		// A reply alone tells alice that bob received and read what came
		// before it; his own messages carry no receipt of his.
		m7 := e.sendID(t, toUser("bob", "seven"), e.as("alice"))
		if r := e.getMsg(t, m7, e.as("alice")); num(r, "readAt") != 0 {
			t.Fatalf("read before bob did anything: %v", r)
		}
		reply := e.sendID(t, toUser("alice", "on it"), e.as("bob"))
		r := e.getMsg(t, m7, e.as("alice"))
		if num(r, "deliveredAt") == 0 || num(r, "readAt") == 0 {
			t.Errorf("bob replied, yet alice sees no receipt: %v", r)
		}
		if r := e.getMsg(t, reply, e.as("bob")); num(r, "readAt") != 0 {
			t.Errorf("bob's reply is read by nobody yet: %v", r)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		g := e.sendID(t, toGroup("team", "group"), e.as("alice"))
		other := e.sendID(t, toUser("carol", "not bob's"), e.as("alice"))
		for _, c := range []struct {
			method, path string
			body         any
			hs           hdr
			status       int
			code         string
		}{
			{"POST", path + "read", map[string]any{"messageId": g}, e.as("bob"), 404, parley.CodeMessageNotFound},
			{"POST", path + "read", map[string]any{"messageId": other}, e.as("bob"), 404, parley.CodeMessageNotFound},
			{"POST", path + "delivered", map[string]any{"messageId": "99999"}, e.as("bob"), 404, parley.CodeMessageNotFound},
			{"DELETE", path + "read", map[string]any{}, e.as("bob"), 404, parley.CodeMessageNotFound},
			{"POST", path + "read", map[string]any{"messageId": "x"}, e.as("bob"), 400, parley.CodeBadRequest},
			{"POST", path + "read", map[string]any{"messageId": m[0]}, e.asKey(), 403, parley.CodeNoAccess},
			{"POST", "/v3/users/ghost/conversation/read", map[string]any{"messageId": m[0]}, e.as("bob"), 404, parley.CodeUIDNotFound},
			{"POST", "/v3/groups/team/conversation/read", map[string]any{"messageId": g}, e.as("dave"), 403, parley.CodeConversationNoAccess},
		} {
			e.fails(t, c.status, c.code, c.method, c.path, c.body, c.hs)
		}
	})
}

func TestReceiptsGroup(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	g1 := e.sendID(t, toGroup("team", "hello team"), e.as("alice"))
	g2 := e.sendID(t, toGroup("team", "hey <@uid:bob>"), e.as("alice"))
	conv := func(t *testing.T, uid string) map[string]any {
		t.Helper()
		return e.okObj(t, "GET", "/v3/groups/team/conversation", nil, e.as(uid))
	}
	t.Run("UnreadAndMentions", func(t *testing.T) {
		wantFields(t, "bob's", conv(t, "bob"), map[string]any{"unreadMessageCount": "2", "unreadMentionsCount": 1})
		wantFields(t, "carol's", conv(t, "carol"), map[string]any{"unreadMessageCount": "2", "unreadMentionsCount": 0})
		wantFields(t, "alice's", conv(t, "alice"), map[string]any{"unreadMessageCount": "0", "unreadMentionsCount": 0, "lastReadMessageId": g2})
		e.ok(t, "POST", "/v3/groups/team/conversation/read", map[string]any{"messageId": g1}, e.as("bob"))
		wantFields(t, "bob's after reading g1", conv(t, "bob"), map[string]any{"unreadMessageCount": "1", "unreadMentionsCount": 1})
		e.ok(t, "POST", "/v3/groups/team/conversation/read", map[string]any{"messageId": g2}, e.as("bob"))
		wantFields(t, "bob's after reading g2", conv(t, "bob"), map[string]any{"unreadMessageCount": "0", "unreadMentionsCount": 0})
		e.ok(t, "DELETE", "/v3/groups/team/conversation/read", map[string]any{"messageId": g2}, e.as("bob"))
		wantFields(t, "bob's after unreading g2", conv(t, "bob"), map[string]any{"unreadMessageCount": "1", "unreadMentionsCount": 1})
		e.ok(t, "POST", "/v3/groups/team/members", map[string]any{}, e.as("dave"))
		wantFields(t, "dave's, joined after", conv(t, "dave"), map[string]any{"unreadMessageCount": "0", "unreadMentionsCount": 0})
	})
	t.Run("SenderSeesPerRecipientReceipts", func(t *testing.T) {
		e.ok(t, "POST", "/v3/groups/team/conversation/delivered", map[string]any{"messageId": g1}, e.as("carol"))
		e.ok(t, "POST", "/v3/groups/team/conversation/read", map[string]any{"messageId": g2}, e.as("carol"))
		recs := func(as hdr, id string) map[string]string {
			out := map[string]string{}
			rs, _ := e.getMsg(t, id, as)["receipts"].([]any)
			for _, r := range rs {
				r := r.(map[string]any)
				s := ""
				if num(r, "deliveredAt") > 0 {
					s += "d"
				}
				if num(r, "readAt") > 0 {
					s += "r"
				}
				out[r["uid"].(string)] = s
			}
			return out
		}
		// bob read g2 and marked it unread again; carol delivered g1, then read both.
		want := map[string]map[string]string{g1: {"bob": "dr", "carol": "dr"}, g2: {"bob": "dr", "carol": "dr"}}
		for _, id := range []string{g1, g2} {
			if diff := cmp.Diff(want[id], recs(e.as("alice"), id)); diff != "" {
				t.Errorf("%s as alice, the sender (-want +got):\n%s", id, diff)
			}
			if diff := cmp.Diff(want[id], recs(e.asKey(), id)); diff != "" {
				t.Errorf("%s as the key (-want +got):\n%s", id, diff)
			}
			if got := recs(e.as("bob"), id); len(got) != 0 {
				t.Errorf("%s: bob, no sender, sees receipts %v", id, got)
			}
		}
		g3 := e.sendID(t, toGroup("team", "later"), e.as("alice"))
		e.ok(t, "POST", "/v3/groups/team/conversation/delivered", map[string]any{"messageId": g3}, e.as("bob"))
		if diff := cmp.Diff(map[string]string{"bob": "d"}, recs(e.as("alice"), g3)); diff != "" {
			t.Errorf("g3 (-want +got):\n%s", diff)
		}
	})
}
