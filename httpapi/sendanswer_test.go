package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/blob"
	"github.com/parleychat/parley/broker/inmem"
	"github.com/parleychat/parley/chat"
)

// TestSendAnswerAsRead: the answer to a send is, for most messages, the
// body of the message's event, encoded once (chat/answerjson.go). Whatever
// the message, the answer must read as GET /v3/messages/{id} reads it for
// the sender, match the event the hubs get, and be written as every answer
// is (<, > and & as they are).
func TestSendAnswerAsRead(t *testing.T) {
	t.Parallel()
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	broker := inmem.New(inmem.Config{})
	t.Cleanup(func() { broker.Close() })
	e := newGroupEnvWith(t, []any{newManualClock().opt(), func(c *chat.Config) { c.Blobs, c.MaxUpload, c.Broker = blobs, maxUpload, broker }},
		"alice", "bob")
	e.mustGroup(t, "alice", map[string]any{"guid": "team", "name": "Team", "type": "public",
		"members": map[string]any{"participants": []string{"bob"}}})
	sub, err := broker.Subscribe(t.Context(), e.AppID)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	alice := e.as("alice")
	png := []file{{"file", "a.png", "image/png", []byte("\x89PNG not really")}}
	first := e.sendID(t, toUser("bob", "first"), alice)

	// event returns the body of the message event of id.
	event := func(id string) []byte {
		t.Helper()
		for {
			select {
			case ev := <-sub.C():
				if ev.Type == parley.EventMessage && strconv.FormatInt(ev.Route.MessageID, 10) == id {
					return ev.Body
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("no event of message %s", id)
			}
		}
	}
	for _, c := range []struct {
		name string
		send func() (int, []byte)
	}{
		{"text to a user", func() (int, []byte) {
			return e.rawSend(t, with(toUser("bob", "<b>hi</b> & bye"), "tags", []string{"t"},
				"data", map[string]any{"text": "<b>hi</b> & bye", "metadata": map[string]any{"x": []any{1, "<"}}}), alice)
		}},
		{"text to a group, with a mention", func() (int, []byte) {
			return e.rawSend(t, toGroup("team", "hello <@uid:bob>"), alice)
		}},
		{"an external attachment", func() (int, []byte) {
			return e.rawSend(t, map[string]any{"receiver": "team", "receiverType": "group", "type": "file",
				"data": map[string]any{"attachments": []any{map[string]any{"url": "https://example.com/<f>.pdf"}}}}, alice)
		}},
		{"a quote", func() (int, []byte) {
			return e.rawSend(t, with(toUser("bob", "quoting"), "quotedMessageId", first), alice)
		}},
		{"a stored file", func() (int, []byte) {
			req := e.multipartRequest(t, "/v3/messages", map[string]any{"receiver": "team", "receiverType": "group", "type": "image"}, png, alice)
			resp, b := e.raw(t, req)
			return resp.StatusCode, b
		}},
		{"a muid sent again", func() (int, []byte) {
			body := with(toUser("bob", "once <only>"), "muid", "m-1")
			e.rawSend(t, body, alice)
			return e.rawSend(t, body, alice)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, raw := c.send()
			if status != http.StatusOK {
				t.Fatalf("send: %d %s", status, raw)
			}
			if bytes.Contains(raw, []byte(`\u003c`)) || bytes.Contains(raw, []byte(`\u0026`)) {
				t.Errorf("the answer escapes HTML characters: %s", raw)
			}
			got := dataOf(decodeBody(t, "send", raw))
			read := e.getMsg(t, idOf(t, got), alice)
			delete(read, "receipts")
			if diff := cmp.Diff(read, got); diff != "" {
				t.Errorf("(-read +answer):\n%s", diff)
			}
			if c.name == "a muid sent again" {
				return // no event: nothing new was written
			}
			// What the hubs deliver is the message as anyone may see it:
			// the answer but for the sender's own fields (the quote).
			var ev map[string]any
			if err := json.Unmarshal(event(idOf(t, got)), &ev); err != nil {
				t.Fatal(err)
			}
			delete(got, "quotedMessage")
			if c.name == "a stored file" { // signed again for the answer
				ev["data"], got["data"] = nil, nil
			}
			if diff := cmp.Diff(ev, got); diff != "" {
				t.Errorf("(-event +answer):\n%s", diff)
			}
		})
	}
}

// rawSend posts a JSON message and returns the status and the raw body.
func (e *env) rawSend(t testing.TB, body any, hs ...hdr) (int, []byte) {
	t.Helper()
	resp, b := e.raw(t, e.request(t, http.MethodPost, "/v3/messages", body, hs...))
	return resp.StatusCode, b
}
