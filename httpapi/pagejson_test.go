package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMessagePagesAsSingleReads: a page of messages is written with each
// message's stored data spliced in (pagejson.go), not decoded and encoded
// again. Every kind of message a page holds must read as GET
// /v3/messages/{id} (which decodes) reads it for the same reader: reactions
// with reactedByMe, signed URLs of stored files (also those in the entity
// of an edit), edits, deletes, quotes, replies, receipts, HTML characters.
func TestMessagePagesAsSingleReads(t *testing.T) {
	t.Parallel()
	e := newMediaEnv(t) // alice, bob, carol in group team; a clock that holds still
	alice, bob := e.as("alice"), e.as("bob")
	png := []file{{"file", "a.png", "image/png", []byte("\x89PNG not really")}}

	text := e.sendID(t, with(toGroup("team", `<b>bold</b> & "quoted" \ text`), "tags", []string{"x"},
		"data", map[string]any{"text": "<b>hi</b> @bob & co", "metadata": map[string]any{"z": 1, "a": []any{"<", 2.5, nil}}}), bob)
	e.ok(t, "POST", "/v3/messages/"+text+"/reactions/👍", nil, alice)
	e.ok(t, "POST", "/v3/messages/"+text+"/reactions/🎉", nil, bob)
	e.ok(t, "POST", "/v3/messages/"+text+"/reactions/👍", nil, e.as("carol"))
	upload := idOf(t, e.sendFiles(t, map[string]any{"receiver": "team", "receiverType": "group", "type": "image"}, png, bob))
	e.sendID(t, map[string]any{"receiver": "team", "receiverType": "group", "type": "file",
		"data": map[string]any{"attachments": []any{map[string]any{"url": "https://example.com/f.pdf", "name": "f.pdf"}}}}, alice)
	edited := e.sendID(t, toGroup("team", "first"), alice)
	e.ok(t, "PUT", "/v3/messages/"+edited, map[string]any{"data": map[string]any{"text": "second <i>"}}, alice)
	editedUpload := idOf(t, e.sendFiles(t, map[string]any{"receiver": "team", "receiverType": "group", "type": "image"}, png, alice))
	e.ok(t, "PUT", "/v3/messages/"+editedUpload, map[string]any{"data": map[string]any{"metadata": map[string]any{"v": 2}}}, alice)
	deleted := e.sendID(t, toGroup("team", "going"), bob)
	e.ok(t, "DELETE", "/v3/messages/"+deleted, nil, bob)
	e.sendID(t, with(toGroup("team", "quoting"), "quotedMessageId", upload), alice)
	e.ok(t, "POST", "/v3/messages/"+text+"/thread", map[string]any{"data": map[string]any{"text": "a reply"}}, alice)
	e.sendID(t, map[string]any{"receiver": "team", "receiverType": "group", "category": "custom", "type": "poll",
		"data": map[string]any{"customData": map[string]any{"q": "<?>", "n": 3}}}, bob)
	e.okObj(t, "POST", "/v3/groups/team/members", nil, e.as("dave")) // an action message
	own := e.sendID(t, toUser("bob", "to bob"), alice)
	e.ok(t, "POST", "/v3/users/alice/conversation/read", map[string]any{"messageId": own}, bob)
	e.sendID(t, toUser("bob", "unread"), alice)

	for _, c := range []struct {
		path string
		as   hdr
		min  int
	}{
		{"/v3/groups/team/messages", alice, 12},
		{"/v3/groups/team/messages", bob, 12},
		{"/v3/users/bob/messages", alice, 2},
		{"/v3/messages/" + text + "/thread", bob, 1},
		{"/v3/messages", alice, 14},
	} {
		p := e.msgs(t, c.path+"?limit=100", c.as)
		if len(p.Items) < c.min {
			t.Fatalf("GET %s: %d messages, want at least %d", c.path, len(p.Items), c.min)
		}
		for _, m := range p.Items {
			id := idOf(t, m)
			one := e.getMsg(t, id, c.as)
			delete(one, "receipts") // the single read's own field
			if diff := cmp.Diff(one, m); diff != "" {
				t.Errorf("GET %s: message %s (-single read +page):\n%s", c.path, id, diff)
			}
		}
	}

	// The reader's own reactions, per reader.
	p := e.msgs(t, "/v3/groups/team/messages?limit=100", alice)
	reactions := dataOf(p.byID(text))["reactions"]
	want := []any{map[string]any{"reaction": "🎉", "count": 1.0}, map[string]any{"reaction": "👍", "count": 2.0, "reactedByMe": true}}
	if diff := cmp.Diff(want, reactions); diff != "" {
		t.Errorf("reactions as alice sees them (-want +got):\n%s", diff)
	}
	// A stored file's URL is signed, in the message and in its edit.
	for _, id := range []string{upload, editedUpload} {
		u := dataOf(p.byID(id))["attachments"].([]any)[0].(map[string]any)["url"].(string)
		if !strings.Contains(u, "/v3/media/") || !strings.Contains(u, "signature=") {
			t.Errorf("message %s: attachment url %q is not signed", id, u)
		}
		if resp, _ := e.fetch(t, strings.TrimPrefix(u, e.URL)); resp.StatusCode != http.StatusOK {
			t.Errorf("message %s: GET %s: %d", id, u, resp.StatusCode)
		}
	}
	for _, m := range p.Items {
		if d := dataOf(m); d["action"] == "edited" {
			on := d["entities"].(map[string]any)["on"].(map[string]any)["entity"].(map[string]any)
			if as, ok := dataOf(on)["attachments"].([]any); ok {
				if u := as[0].(map[string]any)["url"].(string); strings.HasPrefix(u, "parley-media:") {
					t.Errorf("edit %s: the edited message's attachment url %q is not signed", idOf(t, m), u)
				}
			}
		}
	}
}
