package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
)

// TestMessageFilters runs every filter of API.md §5 over one group's
// history. Each case expects a strict part of the unfiltered list, so that
// it fails if the filter were ignored.
func TestMessageFilters(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	label := map[string]string{} // message id -> name
	send := func(name string, as string, body map[string]any) map[string]any {
		m := e.send(t, body, e.as(as))
		label[idOf(t, m)] = name
		return m
	}
	att := func(url string) map[string]any { return map[string]any{"url": url} }
	t1 := send("t1", "alice", with(toGroup("team", "hello world"), "tags", []string{"red"}))
	t2 := send("t2", "bob", toGroup("team", "good morning <@uid:alice>"))
	img := send("img", "alice", map[string]any{"receiver": "team", "receiverType": "group", "type": "image",
		"data": map[string]any{"text": "sunset", "attachments": []any{att("https://cdn.example.com/s.png")}}})
	file := send("file", "bob", map[string]any{"receiver": "team", "receiverType": "group", "type": "file", "tags": []string{"blue"},
		"data": map[string]any{"attachments": []any{att("https://cdn.example.com/f.pdf")}}})
	cus := send("cus", "carol", map[string]any{"receiver": "team", "receiverType": "group", "category": "custom", "type": "location",
		"data": map[string]any{"customData": map[string]any{"lat": 1}}})
	send("rep", "bob", with(toGroup("team", "a reply"), "parentId", idOf(t, t1)))
	del := send("del", "carol", toGroup("team", "delete me"))
	ed := send("ed", "alice", toGroup("team", "before edit"))
	ping := send("ping", "alice", toGroup("team", "ping <@uid:carol>"))
	e.ok(t, "DELETE", "/v3/messages/"+idOf(t, del), nil, e.as("carol"))
	e.ok(t, "PUT", "/v3/messages/"+idOf(t, ed), map[string]any{"data": map[string]any{"text": "after edit"}}, e.as("alice"))
	e.ok(t, "POST", reactionPath(idOf(t, t2), "👍"), nil, e.as("alice"))
	e.ok(t, "POST", "/v3/blockedusers", map[string]any{"blockedUids": []string{"carol"}}, e.as("alice"))

	names := func(p msgPage) []string {
		var out []string
		for _, m := range p.Items {
			if n, ok := label[m["id"].(string)]; ok {
				out = append(out, n)
			} else {
				out = append(out, "act:"+dataOf(m)["action"].(string))
			}
		}
		return out
	}
	all := []string{"act:joined", "act:added", "act:added", "t1", "t2", "img", "file", "cus", "rep", "del", "ed", "ping", "act:deleted", "act:edited"}
	if diff := cmp.Diff(all, names(e.msgs(t, "/v3/groups/team/messages", e.as("alice")))); diff != "" {
		t.Fatalf("the unfiltered history (-want +got):\n%s", diff)
	}
	but := func(drop ...string) []string {
		var out []string
		for _, n := range all {
			keep := true
			for _, d := range drop {
				keep = keep && n != d
			}
			if keep {
				out = append(out, n)
			}
		}
		return out
	}
	sentAt := func(m map[string]any) int64 { return num(m, "sentAt") }
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"category=message", []string{"t1", "t2", "img", "file", "rep", "del", "ed", "ping"}},
		{"categories=custom,action", []string{"act:joined", "act:added", "act:added", "cus", "act:deleted", "act:edited"}},
		{"type=image", []string{"img"}},
		{"types=image,file", []string{"img", "file"}},
		{"tags=red", []string{"t1"}},
		{"tags=red,blue", []string{"t1", "file"}},
		{"withTags=1", []string{"t1", "file"}},
		{"sender=bob", []string{"t2", "file", "rep"}},
		{"sender=Carol", []string{"cus", "del", "act:deleted"}},
		{"searchKey=morning", []string{"t2"}},
		{"searchKey=after", []string{"ed"}}, // the edited text
		{"searchKey=before", nil},           // the text before the edit
		{"searchKey=delete", nil},           // a deleted text
		{"hasAttachments=1", []string{"img", "file"}},
		{"attachmentTypes=file", []string{"file"}},
		{"attachmentTypes=image,video", []string{"img"}},
		{"hasMentions=1", []string{"t2", "ping"}},
		{"mentionedUids=carol", []string{"ping"}},
		{"mentionedUids=alice,carol", []string{"t2", "ping"}},
		{"myMentionsOnly=1", []string{"t2"}},
		{"hasReactions=1", []string{"t2"}},
		{"hideReplies=1", but("rep")},
		{"hideDeleted=1", but("del")},
		{"onlyDeleted=1", []string{"del"}},
		{"hideMessagesFromBlockedUsers=1", but("cus", "del", "act:deleted")},
		{fmt.Sprintf("fromTimestamp=%d&toTimestamp=%d", sentAt(img), sentAt(cus)), []string{"img", "file", "cus"}},
		{fmt.Sprintf("sentAt=%d&affix=prepend", sentAt(file)), []string{"act:joined", "act:added", "act:added", "t1", "t2", "img", "file"}},
		{fmt.Sprintf("updatedAt=%d", sentAt(ping)+1), []string{"del", "ed", "act:deleted", "act:edited"}},
		{fmt.Sprintf("updatedAt=%d&onlyUpdates=1", sentAt(ping)+1), []string{"del", "ed"}},
		{"category=message&sender=bob&hideReplies=1", []string{"t2", "file"}},
	} {
		for _, path := range []string{"/v3/groups/team/messages", "/v3/messages"} {
			if diff := cmp.Diff(c.want, names(e.msgs(t, path+"?"+c.q, e.as("alice")))); diff != "" {
				t.Errorf("%s?%s (-want +got):\n%s", path, c.q, diff)
			}
		}
	}
	t.Run("OneToOneLists", func(t *testing.T) {
		d1 := e.sendID(t, with(toUser("eve", "alpha one"), "tags", []string{"x"}), e.as("dave"))
		d2 := e.sendID(t, toUser("dave", "beta two <@uid:dave>"), e.as("eve"))
		d3 := e.sendID(t, map[string]any{"receiver": "eve", "receiverType": "user", "type": "file",
			"data": map[string]any{"attachments": []any{att("https://cdn.example.com/y.pdf")}}}, e.as("dave"))
		for _, c := range []struct {
			q    string
			as   hdr
			want []string
		}{
			{"", e.as("dave"), []string{d1, d2, d3}},
			{"tags=x", e.as("dave"), []string{d1}},
			{"sender=eve", e.as("dave"), []string{d2}},
			{"searchKey=beta", e.as("dave"), []string{d2}},
			{"hasMentions=1", e.as("dave"), []string{d2}},
			{"myMentionsOnly=1", e.as("dave"), []string{d2}},
			{"myMentionsOnly=1", e.as("eve"), nil},
			{"hasAttachments=1", e.as("dave"), []string{d3}},
			{"type=file", e.as("dave"), []string{d3}},
			{"sender=dave", e.asKey(), []string{d1, d3}},
		} {
			if diff := cmp.Diff(c.want, e.msgs(t, "/v3/users/eve/messages?"+c.q, c.as).ids()); diff != "" {
				t.Errorf("/v3/users/eve/messages?%s as %v (-want +got):\n%s", c.q, c.as, diff)
			}
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		for _, c := range []struct{ q, code string }{
			{"category=bogus", parley.CodeInvalidCategory},
			{"attachmentTypes=doc", parley.CodeInvalidParam},
			{"onlyUpdates=1", parley.CodeInvalidParam},
			{"hideDeleted=1&onlyDeleted=1", parley.CodeInvalidParam},
			{"hasMentions=maybe", parley.CodeInvalidParam},
			{"fromTimestamp=-1", parley.CodeInvalidParam},
			{"updatedAt=yesterday", parley.CodeInvalidParam},
		} {
			for _, path := range []string{"/v3/messages", "/v3/groups/team/messages", "/v3/users/bob/messages", "/v3/messages/" + idOf(t, t1) + "/thread"} {
				e.fails(t, 400, c.code, "GET", path+"?"+c.q, nil, e.as("alice"))
			}
		}
	})
}

func TestMessageCursor(t *testing.T) {
	t.Parallel()
	e := newMsgEnv(t, "alice", "bob")
	var ids []string
	for i := range 7 {
		ids = append(ids, e.sendID(t, toUser("bob", fmt.Sprint("m", i)), e.as("alice")))
	}
	for _, path := range []string{"/v3/users/bob/messages", "/v3/messages"} {
		t.Run(strings.ReplaceAll(path, "/", "_"), func(t *testing.T) {
			// Backwards from the newest: prepend pages.
			p := e.msgs(t, path+"?limit=3", e.as("alice"))
			if diff := cmp.Diff(ids[4:], p.ids()); diff != "" {
				t.Fatalf("first page (-want +got):\n%s", diff)
			}
			if cur := p.Meta["current"].(map[string]any); num(cur, "limit") != 3 || num(cur, "count") != 3 {
				t.Errorf("meta.current %v", cur)
			}
			var back [][]string
			for p.cursor(t, "previous") != "" && len(back) < 5 {
				p = e.msgs(t, path+"?limit=3&affix=prepend&id="+p.cursor(t, "previous"), e.as("alice"))
				back = append(back, p.ids())
			}
			if diff := cmp.Diff([][]string{ids[1:4], ids[:1], nil}, back); diff != "" {
				t.Errorf("paging back (-want +got):\n%s", diff)
			}
			// Forwards from the first: append pages.
			p = e.msgs(t, path+"?limit=3&affix=append&id="+ids[0], e.as("alice"))
			fwd := [][]string{p.ids()}
			for p.cursor(t, "next") != "" && len(fwd) < 5 {
				next := p.cursor(t, "next")
				p = e.msgs(t, path+"?limit=3&affix=append&id="+next, e.as("alice"))
				if p.ids() == nil {
					if p.cursor(t, "next") != next {
						t.Errorf("an empty append page must keep the cursor: %v, want %s", p.Meta["next"], next)
					}
					break
				}
				fwd = append(fwd, p.ids())
			}
			if diff := cmp.Diff([][]string{ids[1:4], ids[4:7]}, fwd); diff != "" {
				t.Errorf("paging forward (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("Limits", func(t *testing.T) {
		if p := e.msgs(t, "/v3/users/bob/messages", e.as("alice")); num(p.Meta["current"].(map[string]any), "limit") != 100 || len(p.Items) != 7 {
			t.Errorf("default limit: %v", p.Meta)
		}
		if p := e.msgs(t, "/v3/users/bob/messages?limit=5000", e.as("alice")); num(p.Meta["current"].(map[string]any), "limit") != 1000 {
			t.Errorf("limit over 1000: %v", p.Meta)
		}
		for _, q := range []string{"limit=-1", "limit=x", "id=-3", "affix=sideways"} {
			e.fails(t, 400, parley.CodeInvalidParam, "GET", "/v3/users/bob/messages?"+q, nil, e.as("alice"))
		}
	})
}
