package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// moderator answers a before_message hook by the text of the message: the
// verdict it names, a slow answer, or a failure.
func moderator(d delivered) (int, string) {
	text, _ := path(map[string]any(d.Data), "message.data.text").(string)
	switch text {
	case "spam":
		return 200, `{"action":"reject","code":"ERR_SPAM","message":"no spam here"}`
	case "plain reject":
		return 200, `{"action":"reject"}`
	case "darn it":
		return 200, `{"action":"rewrite","data":{"text":"d*** it","metadata":{"moderated":true}}}`
	case "rewrite to nothing":
		return 200, `{"action":"rewrite","data":{"text":""}}`
	case "slow": // answers after the send gave up on it
		select {
		case <-time.After(5 * time.Second):
		case <-d.ctx.Done():
		}
		return 200, `{"action":"reject"}`
	case "broken":
		return 500, ""
	case "garbage":
		return 200, `not json`
	case "silent":
		return 204, ""
	}
	return 200, `{"action":"allow"}`
}

// TestModerationHook sends messages through an app's before_message hook:
// allowed ones are stored as sent, rejected ones answer the hook's code and
// message and store nothing, rewritten ones are stored rewritten; a hook
// that is slow, fails or answers nonsense lets the message through (fail
// open) or refuses it with ERR_MODERATION_UNAVAILABLE (rejectOnFailure).
func TestModerationHook(t *testing.T) {
	t.Parallel()
	timeout := func(c *chat.Config) { c.ModerationTimeout = 100 * time.Millisecond }
	e := newGroupEnvWith(t, []any{withDispatcher(t), timeout}, "ann", "bob")
	s := newSink(t, moderator)
	e.mustWebhook(t, "mod", s, []string{"before_message"})

	count := func() int {
		ms, err := e.Store.Messages(t.Context(), e.AppID, parley.MessageFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return len(ms)
	}
	stored := func(t *testing.T, text, want string) map[string]any {
		t.Helper()
		before := count()
		m := e.send(t, toUser("bob", text), e.as("ann"))
		if got := dataOf(m)["text"]; got != want {
			t.Errorf("%q: answered with text %v, want %q", text, got, want)
		}
		if got := dataOf(e.getMsg(t, idOf(t, m), e.as("bob")))["text"]; got != want {
			t.Errorf("%q: stored text %v, want %q", text, got, want)
		}
		if count() != before+1 {
			t.Errorf("%q: %d messages stored, want 1", text, count()-before)
		}
		return m
	}
	refused := func(t *testing.T, text string, status int, code string) map[string]any {
		t.Helper()
		before := count()
		b := e.fails(t, status, code, "POST", "/v3/messages", toUser("bob", text), e.as("ann"))
		if count() != before {
			t.Errorf("%q: a refused send stored a message", text)
		}
		return b
	}

	t.Run("Allow", func(t *testing.T) { stored(t, "hello", "hello") })
	t.Run("EmptyAnswerAllows", func(t *testing.T) { stored(t, "silent", "silent") })
	t.Run("Reject", func(t *testing.T) {
		b := refused(t, "spam", http.StatusForbidden, "ERR_SPAM")
		if msg := path(b, "error.message"); msg != "no spam here" {
			t.Errorf("rejection message %v", msg)
		}
		refused(t, "plain reject", http.StatusForbidden, parley.CodeMessageRejected)
	})
	t.Run("Rewrite", func(t *testing.T) {
		m := stored(t, "darn it", "d*** it")
		if md := path(dataOf(m), "metadata.moderated"); md != true {
			t.Errorf("rewritten metadata %v", md)
		}
	})
	t.Run("FailOpen", func(t *testing.T) {
		start := time.Now()
		stored(t, "slow", "slow")
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("a send waited %v for a hook that times out after 100ms", took)
		}
		stored(t, "broken", "broken")
		stored(t, "garbage", "garbage")
		stored(t, "rewrite to nothing", "rewrite to nothing") // a rewrite that breaks a rule is a failure
	})
	t.Run("FailClosed", func(t *testing.T) {
		e.ok(t, "PUT", "/v3/webhooks/mod", map[string]any{"rejectOnFailure": true}, e.asKey())
		for _, text := range []string{"slow", "broken", "garbage", "rewrite to nothing"} {
			refused(t, text, http.StatusServiceUnavailable, parley.CodeModerationUnavailable)
		}
		stored(t, "hello again", "hello again")
		refused(t, "spam", http.StatusForbidden, "ERR_SPAM")
	})
	t.Run("Disabled", func(t *testing.T) {
		e.ok(t, "PUT", "/v3/webhooks/mod", map[string]any{"enabled": false}, e.asKey())
		stored(t, "spam", "spam")
		e.ok(t, "PUT", "/v3/webhooks/mod", map[string]any{"enabled": true}, e.asKey())
	})

	// What the hook was sent: the message about to be stored, signed (the
	// sink verifies every request), without an id.
	var first delivered
	for _, d := range s.received() {
		if d.Trigger == parley.TriggerBeforeMessage {
			first = d
			break
		}
	}
	msg, _ := first.Data["message"].(map[string]any)
	if msg["sender"] != "ann" || msg["receiver"] != "bob" || msg["receiverType"] != "user" ||
		msg["conversationId"] != "ann_user_bob" || path(msg, "data.text") != "hello" || first.Webhook != "mod" {
		t.Errorf("the hook got %v", first)
	}
	if _, has := msg["id"]; has {
		t.Errorf("the hook's message has an id: %v", msg)
	}
}

// TestModerationGroupAndMany checks the hook on group messages and on each
// copy of a multipleReceivers send: a rejected copy fails alone.
func TestModerationGroupAndMany(t *testing.T) {
	t.Parallel()
	e := newGroupEnvWith(t, []any{withDispatcher(t)}, "ann", "bob", "cat")
	s := newSink(t, func(d delivered) (int, string) {
		if path(map[string]any(d.Data), "message.receiver") == "cat" {
			return 200, `{"action":"reject","message":"not to cat"}`
		}
		return moderator(d)
	})
	e.mustWebhook(t, "mod", s, []string{"before_message"})
	e.mustGroup(t, "ann", map[string]any{"guid": "team", "name": "Team", "type": "public"})
	e.fails(t, 403, "ERR_SPAM", "POST", "/v3/messages", toGroup("team", "spam"), e.as("ann"))
	if m := e.send(t, toGroup("team", "darn it"), e.as("ann")); dataOf(m)["text"] != "d*** it" {
		t.Errorf("group message: %v", dataOf(m))
	}
	res := e.okObj(t, "POST", "/v3/messages", map[string]any{"data": map[string]any{"text": "hi all"},
		"multipleReceivers": map[string]any{"uids": []string{"bob", "cat"}}}, e.asKey())
	bob, cat := path(res, "users.bob.success"), path(res, "users.cat.success")
	code := path(res, "users.cat.error.code")
	if bob != true || cat != false || code != parley.CodeMessageRejected {
		t.Errorf("multipleReceivers: bob %v, cat %v %v: %v", bob, cat, code, res)
	}
	if n := len(s.received()); n != 4 {
		t.Errorf("the hook was asked %d times, want 4", n)
	}
}
