package httpapi_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
)

// This file holds the message helpers the messaging tests share, and the
// tests of sending, reading, editing and deleting (API.md §5).

// newMsgEnv is a groupEnv whose clock steps one second per reading.
func newMsgEnv(t *testing.T, uids ...string) *groupEnv {
	return newGroupEnvWith(t, []any{steppingClock()}, uids...)
}

// toUser and toGroup are the bodies of a text message.
func toUser(uid, text string) map[string]any {
	return map[string]any{"receiver": uid, "receiverType": "user", "data": map[string]any{"text": text}}
}

func toGroup(guid, text string) map[string]any {
	return map[string]any{"receiver": guid, "receiverType": "group", "data": map[string]any{"text": text}}
}

// with returns a copy of body with the key/value pairs kv set.
func with(body map[string]any, kv ...any) map[string]any {
	out := maps.Clone(body)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// send posts a message that must be accepted and returns it.
func (e *env) send(t testing.TB, body any, hs ...hdr) map[string]any {
	t.Helper()
	return e.okObj(t, http.MethodPost, "/v3/messages", body, hs...)
}

// sendID is send returning the new message's id.
func (e *env) sendID(t testing.TB, body any, hs ...hdr) string {
	t.Helper()
	return idOf(t, e.send(t, body, hs...))
}

// getMsg reads one message that must be visible.
func (e *env) getMsg(t testing.TB, id string, hs ...hdr) map[string]any {
	t.Helper()
	return e.okObj(t, http.MethodGet, "/v3/messages/"+id, nil, hs...)
}

func idOf(t testing.TB, m map[string]any) string {
	t.Helper()
	id, _ := m["id"].(string)
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		t.Fatalf("message id %v is not an integer in a string: %v", m["id"], m)
	}
	return id
}

func dataOf(m map[string]any) map[string]any {
	d, _ := m["data"].(map[string]any)
	return d
}

// num reads a JSON number field (0 when absent).
func num(m map[string]any, k string) int64 {
	f, _ := m[k].(float64)
	return int64(f)
}

// jsonish returns v as encoding/json decodes it into an any: the form to
// compare decoded answers with.
func jsonish(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// wantFields checks that got holds each field of want (compared as JSON).
func wantFields(t testing.TB, what string, got map[string]any, want map[string]any) {
	t.Helper()
	for k, w := range want {
		if diff := cmp.Diff(jsonish(t, w), got[k]); diff != "" {
			t.Errorf("%s: %s (-want +got):\n%s", what, k, diff)
		}
	}
}

// msgPage is a decoded message list: items and the cursor meta.
type msgPage struct {
	Items []map[string]any
	Meta  map[string]any
}

// msgs reads a message list that must succeed, checking its envelope: data
// an array in ascending id order, meta.current{limit,count}.
func (e *env) msgs(t testing.TB, path string, hs ...hdr) msgPage {
	t.Helper()
	status, b := e.do(t, http.MethodGet, path, nil, hs...)
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %v", path, status, b)
	}
	raw, is := b["data"].([]any)
	if !is {
		t.Fatalf("GET %s: data is not an array: %v", path, b)
	}
	p := msgPage{Meta: map[string]any{}}
	if m, is := b["meta"].(map[string]any); is {
		p.Meta = m
	}
	var prev int64
	for _, it := range raw {
		m, is := it.(map[string]any)
		if !is {
			t.Fatalf("GET %s: item is not an object: %v", path, it)
		}
		id, _ := strconv.ParseInt(idOf(t, m), 10, 64)
		if id <= prev {
			t.Fatalf("GET %s: id %d after %d: not in ascending order", path, id, prev)
		}
		prev = id
		p.Items = append(p.Items, m)
	}
	cur, _ := p.Meta["current"].(map[string]any)
	if cur == nil || num(cur, "count") != int64(len(p.Items)) || num(cur, "limit") <= 0 {
		t.Fatalf("GET %s: meta.current %v does not match %d items", path, p.Meta["current"], len(p.Items))
	}
	return p
}

// ids lists the page's message ids.
func (p msgPage) ids() []string {
	var out []string // nil when empty
	for _, m := range p.Items {
		out = append(out, m["id"].(string))
	}
	return out
}

// texts lists the page's data.text values.
func (p msgPage) texts() []string {
	var out []string
	for _, m := range p.Items {
		s, _ := dataOf(m)["text"].(string)
		out = append(out, s)
	}
	return out
}

// byID returns the item with that id, or nil.
func (p msgPage) byID(id string) map[string]any {
	for _, m := range p.Items {
		if m["id"] == id {
			return m
		}
	}
	return nil
}

// cursor returns the id of meta.previous or meta.next ("" when absent),
// checking its affix.
func (p msgPage) cursor(t testing.TB, which string) string {
	t.Helper()
	c, _ := p.Meta[which].(map[string]any)
	if c == nil {
		return ""
	}
	want := map[string]string{"previous": "prepend", "next": "append"}[which]
	if c["affix"] != want {
		t.Errorf("meta.%s.affix = %v, want %s", which, c["affix"], want)
	}
	switch id := c["id"].(type) {
	case string:
		return id
	case float64:
		t.Errorf("meta.%s.id is the number %v: message ids are strings on the wire", which, id)
		return strconv.FormatInt(int64(id), 10)
	}
	t.Fatalf("meta.%s has no id: %v", which, c)
	return ""
}

// logIDs lists every message id of the app, read with the REST API Key:
// what a refused call must leave unchanged.
func (e *env) logIDs(t testing.TB) []string {
	t.Helper()
	return e.msgs(t, "/v3/messages?limit=1000", e.asKey()).ids()
}

// refused sends a request that must fail with status and code and must
// leave the app's message log as it was.
func (e *env) refused(t testing.TB, status int, code, method, path string, body any, hs ...hdr) {
	t.Helper()
	before := e.logIDs(t)
	e.fails(t, status, code, method, path, body, hs...)
	if after := e.logIDs(t); !slices.Equal(before, after) {
		t.Errorf("%s %s was refused but the message log changed: %v, then %v", method, path, before, after)
	}
}

// entityUID reads data.entities[key].entity.uid (or guid) of a message.
func entityID(m map[string]any, key string) string {
	ent, _ := dataOf(m)["entities"].(map[string]any)
	e, _ := ent[key].(map[string]any)
	inner, _ := e["entity"].(map[string]any)
	if s, _ := inner["uid"].(string); s != "" {
		return s
	}
	s, _ := inner["guid"].(string)
	return s
}

// teamEnv is alice (owner), bob and carol in the public group team, and
// dave and eve outside it.
func teamEnv(t *testing.T) *groupEnv {
	e := newMsgEnv(t, "alice", "bob", "carol", "dave", "eve")
	e.mustGroup(t, "alice", map[string]any{"guid": "team", "name": "Team", "type": "public",
		"members": map[string]any{"participants": []string{"bob", "carol"}}})
	return e
}

func TestSendMessage(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)

	t.Run("AsEachActor", func(t *testing.T) {
		var prev int64
		for _, c := range []struct {
			name                          string
			hs                            []hdr
			body                          map[string]any
			sender, receiver, rtype, conv string
			reader                        hdr // the receiver, who must see it
		}{
			{"AuthTokenToUser", []hdr{e.as("alice")}, toUser("Bob", "hi"), "alice", "bob", "user", "alice_user_bob", e.as("bob")},
			{"OnBehalfOfToUser", []hdr{e.asKey(), onBehalfOf("bob")}, toUser("alice", "hello"), "bob", "alice", "user", "alice_user_bob", e.as("alice")},
			{"KeyAloneToUser", []hdr{e.asKey()}, toUser("bob", "notice"), "app_system", "bob", "user", "app_system_user_bob", e.as("bob")},
			{"AuthTokenToGroup", []hdr{e.as("bob")}, toGroup("team", "yo"), "bob", "team", "group", "group_team", e.as("carol")},
			{"OnBehalfOfToGroup", []hdr{e.asKey(), onBehalfOf("carol")}, toGroup("team", "hey"), "carol", "team", "group", "group_team", e.as("bob")},
			{"KeyAloneToGroup", []hdr{e.asKey()}, toGroup("TEAM", "announcement"), "app_system", "team", "group", "group_team", e.as("bob")},
		} {
			t.Run(c.name, func(t *testing.T) {
				m := e.send(t, c.body, c.hs...)
				text := c.body["data"].(map[string]any)["text"]
				wantFields(t, "sent", m, map[string]any{"sender": c.sender, "receiver": c.receiver, "receiverType": c.rtype,
					"conversationId": c.conv, "category": "message", "type": "text"})
				if dataOf(m)["text"] != text || num(m, "sentAt") <= 0 || num(m, "updatedAt") < num(m, "sentAt") {
					t.Errorf("sent: text, sentAt or updatedAt wrong: %v", m)
				}
				if entityID(m, "sender") != c.sender || entityID(m, "receiver") != c.receiver {
					t.Errorf("entities %v, want sender %s and receiver %s", dataOf(m)["entities"], c.sender, c.receiver)
				}
				id, _ := strconv.ParseInt(idOf(t, m), 10, 64)
				if id <= prev {
					t.Errorf("id %d after %d", id, prev)
				}
				prev = id
				got := e.getMsg(t, m["id"].(string), c.reader)
				if dataOf(got)["text"] != text || got["sender"] != c.sender {
					t.Errorf("the receiver reads %v", got)
				}
			})
		}
	})

	t.Run("Categories", func(t *testing.T) {
		att := func(url, name, mt, ext string, size int) map[string]any {
			return map[string]any{"url": url, "name": name, "mimeType": mt, "extension": ext, "size": size}
		}
		for _, c := range []struct {
			name     string
			category string
			typ      string
			data     map[string]any
			tags     []string
			want     map[string]any // fields of data read back
		}{
			{"TextWithMetadataAndTags", "", "", map[string]any{"text": "hi", "metadata": map[string]any{"k": "v", "n": 1}},
				[]string{"Red", "blue", "Red"}, map[string]any{"text": "hi", "metadata": map[string]any{"k": "v", "n": 1}}},
			{"Image", "message", "image", map[string]any{"attachments": []any{att("https://cdn.example.com/a.png", "a.png", "image/png", "png", 1234)}},
				nil, map[string]any{"attachments": []any{att("https://cdn.example.com/a.png", "a.png", "image/png", "png", 1234)}}},
			{"Video", "message", "video", map[string]any{"text": "clip", "attachments": []any{att("https://cdn.example.com/v.mp4", "v.mp4", "video/mp4", "mp4", 99)}},
				nil, map[string]any{"text": "clip", "attachments": []any{att("https://cdn.example.com/v.mp4", "v.mp4", "video/mp4", "mp4", 99)}}},
			{"Audio", "message", "audio", map[string]any{"attachments": []any{att("http://cdn.example.com/s.mp3", "s.mp3", "audio/mpeg", "mp3", 5)}},
				nil, map[string]any{"attachments": []any{att("http://cdn.example.com/s.mp3", "s.mp3", "audio/mpeg", "mp3", 5)}}},
			{"FileTwoAttachments", "message", "file", map[string]any{"attachments": []any{
				att("https://cdn.example.com/a.pdf", "a.pdf", "application/pdf", "pdf", 1), att("https://cdn.example.com/b.txt", "b.txt", "text/plain", "txt", 2)}},
				nil, map[string]any{"attachments": []any{att("https://cdn.example.com/a.pdf", "a.pdf", "application/pdf", "pdf", 1),
					att("https://cdn.example.com/b.txt", "b.txt", "text/plain", "txt", 2)}}},
			{"Custom", "custom", "location", map[string]any{"customData": map[string]any{"lat": 1.5, "lng": 2}, "metadata": map[string]any{"m": true}},
				nil, map[string]any{"customData": map[string]any{"lat": 1.5, "lng": 2}, "metadata": map[string]any{"m": true}}},
			{"Interactive", "interactive", "form", map[string]any{"interactiveData": map[string]any{"title": "Pick"},
				"interactionGoal": map[string]any{"type": "allOf", "elementIds": []string{"a", "b"}}, "allowSenderInteraction": true},
				nil, map[string]any{"interactiveData": map[string]any{"title": "Pick"},
					"interactionGoal": map[string]any{"type": "allOf", "elementIds": []string{"a", "b"}}, "allowSenderInteraction": true}},
			{"InteractiveGoalDefaultsToNone", "interactive", "card", map[string]any{"interactiveData": map[string]any{}},
				nil, map[string]any{"interactionGoal": map[string]any{"type": "none"}}},
		} {
			t.Run(c.name, func(t *testing.T) {
				body := map[string]any{"receiver": "team", "receiverType": "group", "data": c.data}
				if c.category != "" {
					body["category"], body["type"] = c.category, c.typ
				}
				if c.tags != nil {
					body["tags"] = c.tags
				}
				sent := e.send(t, body, e.as("alice"))
				wantCat, wantType := c.category, c.typ
				if wantCat == "" {
					wantCat, wantType = "message", "text"
				}
				for _, m := range []map[string]any{sent, e.getMsg(t, idOf(t, sent), e.as("bob"))} {
					wantFields(t, "message", m, map[string]any{"category": wantCat, "type": wantType})
					wantFields(t, "data", dataOf(m), c.want)
					if c.tags != nil {
						wantFields(t, "message", m, map[string]any{"tags": []string{"Red", "blue"}})
					}
				}
			})
		}
	})

	t.Run("MUIDResendReturnsTheFirst", func(t *testing.T) {
		first := e.send(t, with(toUser("bob", "once"), "muid", "client-1"), e.as("alice"))
		if first["muid"] != "client-1" {
			t.Errorf("muid = %v", first["muid"])
		}
		before := e.logIDs(t)
		again := e.send(t, with(toUser("bob", "twice"), "muid", "client-1"), e.as("alice"))
		if again["id"] != first["id"] || dataOf(again)["text"] != "once" {
			t.Errorf("resend answered %v, want message %v with text once", again, first["id"])
		}
		if after := e.logIDs(t); !slices.Equal(before, after) {
			t.Errorf("the resend stored a message: %v, then %v", before, after)
		}
		other := e.send(t, with(toUser("alice", "mine"), "muid", "client-1"), e.as("bob"))
		if other["id"] == first["id"] {
			t.Errorf("bob's muid client-1 returned alice's message")
		}
	})

	t.Run("QuotedMessage", func(t *testing.T) {
		q := e.sendID(t, toGroup("team", "quote me"), e.as("bob"))
		m := e.send(t, with(toGroup("team", "quoting"), "quotedMessageId", q), e.as("alice"))
		for _, got := range []map[string]any{m, e.getMsg(t, idOf(t, m), e.as("carol"))} {
			qm, _ := got["quotedMessage"].(map[string]any)
			if qm == nil || qm["id"] != q || dataOf(qm)["text"] != "quote me" || got["quotedMessageId"] != q {
				t.Errorf("quotedMessage of %v, want message %s", got, q)
			}
		}
		other := e.sendID(t, toUser("bob", "private"), e.as("alice"))
		e.refused(t, 400, parley.CodeWrongThread, "POST", "/v3/messages", with(toGroup("team", "x"), "quotedMessageId", other), e.as("alice"))
		e.refused(t, 404, parley.CodeMessageNotFound, "POST", "/v3/messages", with(toGroup("team", "x"), "quotedMessageId", "99999"), e.as("alice"))
	})

	t.Run("MultipleReceivers", func(t *testing.T) {
		e.mustGroup(t, "dave", map[string]any{"guid": "secret", "name": "S", "type": "private"})
		before := len(e.logIDs(t))
		body := map[string]any{"data": map[string]any{"text": "to many"}, "muid": "fan",
			"multipleReceivers": map[string]any{"uids": []string{"bob", "ghost"}, "guids": []string{"team", "secret"}}}
		d := e.send(t, body, e.as("alice"))
		users, _ := d["users"].(map[string]any)
		groups, _ := d["groups"].(map[string]any)
		ok := func(res map[string]any, id, receiver string) {
			r, _ := res[id].(map[string]any)
			m, _ := r["data"].(map[string]any)
			if r["success"] != true || m["receiver"] != receiver || dataOf(m)["text"] != "to many" {
				t.Errorf("%s: %v, want a message to %s", id, r, receiver)
			}
		}
		bad := func(res map[string]any, id, code string) {
			r, _ := res[id].(map[string]any)
			if r["success"] != false || errCode(r) != code {
				t.Errorf("%s: %v, want %s", id, r, code)
			}
		}
		ok(users, "bob", "bob")
		bad(users, "ghost", parley.CodeUIDNotFound)
		ok(groups, "team", "team")
		bad(groups, "secret", parley.CodeGUIDNotFound)
		if after := len(e.logIDs(t)); after != before+2 {
			t.Errorf("%d messages stored, want 2", after-before)
		}
		again := e.send(t, body, e.as("alice"))
		if bob := again["users"].(map[string]any)["bob"].(map[string]any)["data"].(map[string]any); bob["id"] !=
			users["bob"].(map[string]any)["data"].(map[string]any)["id"] {
			t.Errorf("a resend of the same muid sent bob a new message: %v", bob)
		}
		if after := len(e.logIDs(t)); after != before+2 {
			t.Errorf("the resend stored %d more messages", after-before-2)
		}
	})
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	e.mustGroup(t, "dave", map[string]any{"guid": "secret", "name": "S", "type": "private"})
	e.mustUser(t, "gone")
	e.ok(t, "DELETE", "/v3/users/gone", nil, e.asKey())
	e.mustUser(t, "kicked")
	e.mustUser(t, "banned")
	e.ok(t, "POST", "/v3/groups/team/members", map[string]any{"participants": []string{"kicked", "banned"}}, e.as("alice"))
	e.ok(t, "DELETE", "/v3/groups/team/members/kicked", nil, e.as("alice"))
	e.ok(t, "POST", "/v3/groups/team/bannedusers/banned", nil, e.as("alice"))
	e.ok(t, "POST", "/v3/users/alice/blockedusers", map[string]any{"blockedUids": []string{"carol"}}, e.asKey())
	e.sendID(t, toUser("bob", "something to keep"), e.as("alice"))

	custom := func(data map[string]any) map[string]any {
		return map[string]any{"receiver": "bob", "receiverType": "user", "category": "custom", "type": "poll", "data": data}
	}
	interactive := func(data map[string]any) map[string]any {
		return map[string]any{"receiver": "bob", "receiverType": "user", "category": "interactive", "type": "form", "data": data}
	}
	media := func(typ string, atts ...map[string]any) map[string]any {
		return map[string]any{"receiver": "bob", "receiverType": "user", "category": "message", "type": typ,
			"data": map[string]any{"attachments": atts}}
	}
	kickedTok, bannedTok := e.mustToken(t, "kicked"), e.mustToken(t, "banned")
	for _, c := range []struct {
		name   string
		status int
		code   string
		body   any
		hs     hdr
	}{
		{"NoReceiver", 400, parley.CodeEmptyReceiver, map[string]any{"receiverType": "user", "data": map[string]any{"text": "x"}}, e.as("alice")},
		{"BlankReceiver", 400, parley.CodeEmptyReceiver, toUser("  ", "x"), e.as("alice")},
		{"NoMultipleReceivers", 400, parley.CodeEmptyReceiver, map[string]any{"multipleReceivers": map[string]any{}, "data": map[string]any{"text": "x"}}, e.as("alice")},
		{"BadReceiverType", 400, parley.CodeInvalidReceiverType, with(toUser("bob", "x"), "receiverType", "channel"), e.as("alice")},
		{"NoReceiverType", 400, parley.CodeInvalidReceiverType, with(toUser("bob", "x"), "receiverType", ""), e.as("alice")},
		{"EmptyText", 400, parley.CodeEmptyMessageText, toUser("bob", ""), e.as("alice")},
		{"BlankText", 400, parley.CodeEmptyMessageText, toUser("bob", " \n\t"), e.as("alice")},
		{"CategoryAction", 400, parley.CodeInvalidCategory, with(toUser("bob", "x"), "category", "action", "type", "groupMember"), e.as("alice")},
		{"CategoryCall", 400, parley.CodeInvalidCategory, with(toUser("bob", "x"), "category", "call", "type", "audio"), e.as("alice")},
		{"CategoryUnknown", 400, parley.CodeInvalidCategory, with(toUser("bob", "x"), "category", "sms"), e.as("alice")},
		{"TypeUnknown", 400, parley.CodeInvalidMessageType, with(toUser("bob", "x"), "type", "sticker"), e.as("alice")},
		{"CustomNoType", 400, parley.CodeEmptyMessageType, with(custom(map[string]any{"customData": map[string]any{}}), "type", ""), e.as("alice")},
		{"CustomNoData", 400, parley.CodeEmptyCustomData, custom(map[string]any{"text": "x"}), e.as("alice")},
		{"InteractiveNoData", 400, parley.CodeInvalidInteractive, interactive(map[string]any{}), e.as("alice")},
		{"InteractiveBadGoal", 400, parley.CodeInvalidInteractive, interactive(map[string]any{"interactiveData": map[string]any{},
			"interactionGoal": map[string]any{"type": "mostOf"}}), e.as("alice")},
		{"InteractiveAllOfNoElements", 400, parley.CodeInvalidInteractive, interactive(map[string]any{"interactiveData": map[string]any{},
			"interactionGoal": map[string]any{"type": "allOf"}}), e.as("alice")},
		{"MetadataTooBig", 400, parley.CodeInvalidMetadata, map[string]any{"receiver": "bob", "receiverType": "user",
			"data": map[string]any{"text": "x", "metadata": bigMetadata()}}, e.as("alice")},
		{"TooManyTags", 400, parley.CodeInvalidTags, with(toUser("bob", "x"), "tags", manyTags(26)), e.as("alice")},
		{"EmptyTag", 400, parley.CodeInvalidTags, with(toUser("bob", "x"), "tags", []string{"ok", " "}), e.as("alice")},
		{"TooLarge", 413, parley.CodeMessageTooLarge, toUser("bob", strings.Repeat("x", 64*1024)), e.as("alice")},
		{"MediaWithoutAttachment", 400, parley.CodeEmptyMessageFile, media("image"), e.as("alice")},
		{"AttachmentNotHTTP", 400, parley.CodeInvalidAttachment, media("file", map[string]any{"url": "ftp://x/y.pdf"}), e.as("alice")},
		{"AttachmentOnText", 400, parley.CodeInvalidAttachment, map[string]any{"receiver": "bob", "receiverType": "user",
			"data": map[string]any{"text": "x", "attachments": []any{map[string]any{"url": "https://x/y.png"}}}}, e.as("alice")},
		{"UnknownUser", 404, parley.CodeUIDNotFound, toUser("ghost", "x"), e.as("alice")},
		{"DeletedUser", 404, parley.CodeUIDNotFound, toUser("gone", "x"), e.as("alice")},
		{"DeletedUserAsKey", 404, parley.CodeUIDNotFound, toUser("gone", "x"), e.asKey()},
		{"UnknownGroup", 404, parley.CodeGUIDNotFound, toGroup("nowhere", "x"), e.as("alice")},
		{"PrivateGroupOfOthers", 404, parley.CodeGUIDNotFound, toGroup("secret", "x"), e.as("alice")},
		{"NotAMember", 403, parley.CodeNotAMember, toGroup("team", "x"), e.as("dave")},
		{"NotAMemberOnBehalfOf", 403, parley.CodeNotAMember, toGroup("team", "x"), merge(e.asKey(), onBehalfOf("eve"))},
		{"Kicked", 403, parley.CodeNotAMember, toGroup("team", "x"), e.asToken(kickedTok)},
		{"Banned", 403, parley.CodeBannedMember, toGroup("team", "x"), e.asToken(bannedTok)},
		{"BlockedReceiver", 403, parley.CodeBlockedReceiver, toUser("carol", "x"), e.as("alice")},
		{"BlockedSender", 403, parley.CodeBlockedSender, toUser("alice", "x"), e.as("carol")},
		{"BlockedSenderOnBehalfOf", 403, parley.CodeBlockedSender, toUser("alice", "x"), merge(e.asKey(), onBehalfOf("carol"))},
		{"UnknownParent", 404, parley.CodeMessageNotFound, with(toUser("bob", "x"), "parentId", "99999"), e.as("alice")},
		{"UnknownQuoted", 404, parley.CodeMessageNotFound, with(toUser("bob", "x"), "quotedMessageId", 99999), e.as("alice")},
		{"AuthKey", 403, parley.CodeNoAccess, toUser("bob", "x"), e.asAuth()},
		{"NotJSON", 400, parley.CodeBadRequest, `{"receiver":`, e.as("alice")},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.refused(t, c.status, c.code, "POST", "/v3/messages", c.body, c.hs)
		})
	}
}

// merge joins header sets into one.
func merge(hs ...hdr) hdr {
	out := hdr{}
	for _, h := range hs {
		maps.Copy(out, h)
	}
	return out
}

func TestMentions(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	mentioned := func(m map[string]any) []string {
		ms, _ := dataOf(m)["mentions"].(map[string]any)
		return slices.Sorted(maps.Keys(ms))
	}
	t.Run("Group", func(t *testing.T) {
		m := e.send(t, toGroup("team", "<@uid:bob> <@uid:Carol> <@uid:bob> <@uid:dave> <@uid:ghost> <@uid: eve> <@uid:alice"), e.as("alice"))
		for _, got := range []map[string]any{m, e.getMsg(t, idOf(t, m), e.as("carol"))} {
			if diff := cmp.Diff([]string{"bob", "carol"}, mentioned(got)); diff != "" {
				t.Errorf("mentions (-want +got):\n%s", diff)
			}
			bob, _ := dataOf(got)["mentions"].(map[string]any)["bob"].(map[string]any)
			if bob["uid"] != "bob" || bob["name"] != "User bob" {
				t.Errorf("mentions.bob is not the user: %v", bob)
			}
		}
	})
	t.Run("OneToOne", func(t *testing.T) {
		m := e.send(t, toUser("bob", "<@uid:bob> meet <@uid:carol>, says <@uid:alice>"), e.as("alice"))
		if diff := cmp.Diff([]string{"alice", "bob"}, mentioned(m)); diff != "" {
			t.Errorf("mentions (-want +got):\n%s", diff) // carol can't see the message
		}
	})
	t.Run("None", func(t *testing.T) {
		m := e.send(t, toGroup("team", "no mention <@uid:> <@bob>"), e.as("alice"))
		if dataOf(m)["mentions"] != nil {
			t.Errorf("mentions %v, want none", dataOf(m)["mentions"])
		}
	})
}

func TestMessageVisibility(t *testing.T) {
	t.Parallel()
	e := teamEnv(t)
	dm := e.sendID(t, toUser("bob", "alice to bob"), e.as("alice"))
	before := e.sendID(t, toGroup("team", "before dave"), e.as("alice"))
	e.ok(t, "POST", "/v3/groups/team/members", map[string]any{}, e.as("dave"))
	during := e.sendID(t, toGroup("team", "while dave is in"), e.as("bob"))
	e.ok(t, "DELETE", "/v3/groups/team/members", nil, e.as("dave"))
	after := e.sendID(t, toGroup("team", "after dave left"), e.as("carol"))
	dm2 := e.sendID(t, toUser("dave", "carol to dave"), e.as("carol"))

	t.Run("OneToOneOnlyToThePair", func(t *testing.T) {
		for _, uid := range []string{"alice", "bob"} {
			e.getMsg(t, dm, e.as(uid))
		}
		for _, uid := range []string{"carol", "dave"} {
			e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+dm, nil, e.as(uid))
			e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+dm, nil, e.asKey(), onBehalfOf(uid))
			if e.msgs(t, "/v3/messages", e.as(uid)).byID(dm) != nil {
				t.Errorf("%s lists alice's message to bob", uid)
			}
			if e.msgs(t, "/v3/users/alice/messages", e.as(uid)).byID(dm) != nil {
				t.Errorf("%s's conversation with alice holds alice's message to bob", uid)
			}
		}
		if got := e.msgs(t, "/v3/users/bob/messages", e.as("alice")).texts(); !slices.Equal(got, []string{"alice to bob"}) {
			t.Errorf("alice's conversation with bob: %v", got)
		}
	})
	t.Run("GroupHistoryOnlyWhileAMember", func(t *testing.T) {
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+before, nil, e.as("dave"))
		e.getMsg(t, during, e.as("dave"))
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+after, nil, e.as("dave"))
		e.fails(t, 403, parley.CodeNotAMember, "GET", "/v3/groups/team/messages", nil, e.as("dave"))
		all := e.msgs(t, "/v3/messages", e.as("dave"))
		if got := all.texts(); !slices.Contains(got, "while dave is in") || slices.Contains(got, "before dave") ||
			slices.Contains(got, "after dave left") || !slices.Contains(got, "carol to dave") {
			t.Errorf("dave's messages: %v", got)
		}
		e.ok(t, "POST", "/v3/groups/team/members", map[string]any{}, e.as("dave"))
		got := e.msgs(t, "/v3/groups/team/messages?category=message", e.as("dave")).texts()
		if !slices.Equal(got, []string{"while dave is in"}) {
			t.Errorf("dave back in team reads %v: only what was sent while he was a member", got)
		}
		e.fails(t, 403, parley.CodeNotAMember, "GET", "/v3/groups/team/messages", nil, e.as("eve"))
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/"+during, nil, e.as("eve"))
	})
	t.Run("KeySeesAll", func(t *testing.T) {
		all := e.msgs(t, "/v3/messages", e.asKey())
		for _, id := range []string{dm, before, during, after, dm2} {
			if all.byID(id) == nil {
				t.Errorf("the key does not list %s", id)
			}
			e.getMsg(t, id, e.asKey())
		}
		if got := e.msgs(t, "/v3/users/carol/messages", e.asKey()).ids(); !slices.Equal(got, []string{dm2}) {
			t.Errorf("the key's /v3/users/carol/messages: %v, want carol's one-to-one message %s only", got, dm2)
		}
		if got := e.msgs(t, "/v3/groups/team/messages?category=message", e.asKey()).ids(); !slices.Equal(got, []string{before, during, after}) {
			t.Errorf("the key's group history: %v", got)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/0", nil, e.asKey())
		e.fails(t, 404, parley.CodeMessageNotFound, "GET", "/v3/messages/x1", nil, e.asKey())
		e.fails(t, 404, parley.CodeUIDNotFound, "GET", "/v3/users/ghost/messages", nil, e.as("alice"))
		e.fails(t, 404, parley.CodeGUIDNotFound, "GET", "/v3/groups/nowhere/messages", nil, e.as("alice"))
		e.fails(t, 403, parley.CodeNoAccess, "GET", "/v3/messages", nil, e.asAuth())
		e.fails(t, 403, parley.CodeNoAccess, "GET", "/v3/messages/"+dm, nil, e.asAuth())
	})
}
