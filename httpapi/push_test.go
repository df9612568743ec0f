package httpapi_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleychat/parley"
)

// merged is the headers of hs together, later ones winning.
func merged(hs ...hdr) hdr {
	out := hdr{}
	for _, h := range hs {
		maps.Copy(out, h)
	}
	return out
}

func pushFilterOf(uids ...string) parley.PushTargetFilter { return parley.PushTargetFilter{UIDs: uids} }

// pushTokens lists the push tokens of a login as "platform:token".
func (e *groupEnv) pushTokens(t *testing.T, hs hdr) []string {
	t.Helper()
	var out []string
	for _, it := range e.ok(t, "GET", "/v3/me/push_tokens", nil, hs).([]any) {
		m := it.(map[string]any)
		out = append(out, fmt.Sprint(m["platform"], ":", m["token"]))
	}
	return out
}

// TestPushTokens: a login registers, lists and deletes its device tokens,
// with the codes each refusal answers.
func TestPushTokens(t *testing.T) {
	t.Parallel()
	e := newGroupEnvWith(t, []any{steppingClock()}, "alice", "bob")
	got := e.okObj(t, "POST", "/v3/me/push_tokens", map[string]any{"platform": "fcm", "token": "fcm-1"}, e.as("alice"))
	if got["platform"] != "fcm" || got["token"] != "fcm-1" || got["uid"] != "alice" || got["createdAt"] == nil {
		t.Errorf("registered token = %v", got)
	}
	e.okObj(t, "POST", "/v3/me/push_tokens", map[string]any{"platform": "APNS", "token": " apns-1 "}, e.as("alice"))
	e.okObj(t, "POST", "/v3/me/push_tokens", map[string]any{"platform": "fcm", "token": "fcm-1"}, e.as("alice")) // again: no duplicate
	if diff := cmp.Diff([]string{"fcm:fcm-1", "apns:apns-1"}, e.pushTokens(t, e.as("alice"))); diff != "" {
		t.Errorf("alice's tokens (-want +got):\n%s", diff)
	}
	if got := e.pushTokens(t, e.as("bob")); len(got) != 0 {
		t.Errorf("bob's tokens = %v, want none", got)
	}

	// One device, one owner: bob logs in on alice's phone.
	e.okObj(t, "POST", "/v3/me/push_tokens", map[string]any{"platform": "fcm", "token": "fcm-1"}, e.as("bob"))
	if diff := cmp.Diff([]string{"apns:apns-1"}, e.pushTokens(t, e.as("alice"))); diff != "" {
		t.Errorf("alice's tokens after bob took the device (-want +got):\n%s", diff)
	}

	for _, c := range []struct {
		name, code string
		status     int
		method     string
		body       any
		as         hdr
	}{
		{"an unknown platform", "ERR_INVALID_PUSH_PLATFORM", 400, "POST", map[string]any{"platform": "gcm", "token": "x"}, e.as("alice")},
		{"no platform", "ERR_INVALID_PUSH_PLATFORM", 400, "POST", map[string]any{"token": "x"}, e.as("alice")},
		{"no token", "ERR_EMPTY_PUSH_TOKEN", 400, "POST", map[string]any{"platform": "fcm", "token": "  "}, e.as("alice")},
		{"a token too long", "ERR_BAD_REQUEST", 400, "POST", map[string]any{"platform": "fcm", "token": strings.Repeat("t", 4097)}, e.as("alice")},
		{"a token with a control character", "ERR_BAD_REQUEST", 400, "POST", map[string]any{"platform": "fcm", "token": "a\nb"}, e.as("alice")},
		{"a token of the wrong type", "ERR_BAD_REQUEST", 400, "POST", map[string]any{"platform": "fcm", "token": 7}, e.as("alice")},
		{"a REST API Key acting as a user", "ERR_AUTH_TOKEN_REQUIRED", 403, "POST",
			map[string]any{"platform": "fcm", "token": "x"}, merged(e.asKey(), onBehalfOf("alice"))},
		{"a REST API Key listing", "ERR_AUTH_TOKEN_REQUIRED", 403, "GET", nil, e.asKey()},
		{"no credentials", "AUTH_ERR_EMPTY_APIKEY", 401, "POST", map[string]any{"platform": "fcm", "token": "x"}, inApp(e.AppID)},
		{"deleting a token of another login", "ERR_PUSH_TOKEN_NOT_FOUND", 404, "DELETE", map[string]any{"platform": "fcm", "token": "fcm-1"}, e.as("alice")},
		{"deleting on the wrong platform", "ERR_PUSH_TOKEN_NOT_FOUND", 404, "DELETE", map[string]any{"platform": "fcm", "token": "apns-1"}, e.as("alice")},
		{"deleting with a bad platform", "ERR_INVALID_PUSH_PLATFORM", 400, "DELETE", map[string]any{"platform": "x", "token": "apns-1"}, e.as("alice")},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.fails(t, c.status, c.code, c.method, "/v3/me/push_tokens", c.body, c.as)
		})
	}
	if diff := cmp.Diff([]string{"apns:apns-1"}, e.pushTokens(t, e.as("alice"))); diff != "" {
		t.Errorf("alice's tokens after the refused calls (-want +got):\n%s", diff)
	}

	d := e.okObj(t, "DELETE", "/v3/me/push_tokens", map[string]any{"platform": "apns", "token": "apns-1"}, e.as("alice"))
	if d["success"] != true || d["deleted"] != 1.0 {
		t.Errorf("delete one = %v", d)
	}
	for i := range 3 {
		e.okObj(t, "POST", "/v3/me/push_tokens", map[string]any{"platform": "webhook", "token": fmt.Sprint("w", i)}, e.as("alice"))
	}
	if d := e.okObj(t, "DELETE", "/v3/me/push_tokens", nil, e.as("alice")); d["deleted"] != 3.0 {
		t.Errorf("delete all = %v, want 3 deleted", d)
	}
	if got := e.pushTokens(t, e.as("alice")); len(got) != 0 {
		t.Errorf("alice's tokens after deleting all = %v", got)
	}
}

// TestPushTokenLimit: a login holds at most 10 push tokens; registering
// one it holds again is no new one.
func TestPushTokenLimit(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "alice")
	for i := range 10 {
		e.okObj(t, "POST", "/v3/me/push_tokens", map[string]any{"platform": "fcm", "token": fmt.Sprint("t", i)}, e.as("alice"))
	}
	e.okObj(t, "POST", "/v3/me/push_tokens", map[string]any{"platform": "fcm", "token": "t3"}, e.as("alice"))
	e.fails(t, 409, "ERR_PUSH_TOKEN_LIMIT_EXCEEDED", "POST", "/v3/me/push_tokens", map[string]any{"platform": "fcm", "token": "t10"}, e.as("alice"))
}

// TestPushTokensGoWithLogin: logging out deletes the login's push tokens,
// and another login of the same user keeps its own.
func TestPushTokensGoWithLogin(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "alice")
	phone, laptop := e.tok["alice"], e.mustToken(t, "alice")
	e.okObj(t, "POST", "/v3/me/push_tokens", map[string]any{"platform": "fcm", "token": "phone"}, e.asToken(phone))
	e.okObj(t, "POST", "/v3/me/push_tokens", map[string]any{"platform": "webhook", "token": "laptop"}, e.asToken(laptop))
	e.okObj(t, "DELETE", "/v3/me", nil, e.asToken(phone))
	if diff := cmp.Diff([]string{"webhook:laptop"}, e.pushTokens(t, e.asToken(laptop))); diff != "" {
		t.Errorf("the laptop's tokens (-want +got):\n%s", diff)
	}
	targets, err := e.Store.PushTargets(t.Context(), e.AppID, pushFilterOf("alice"))
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) != 1 || len(targets[0].Tokens) != 1 || targets[0].Tokens[0].Token != "laptop" {
		t.Errorf("alice's stored tokens after the phone logged out = %+v", targets)
	}
}

// TestPushPreferencesREST: a user's preferences: defaults, partial
// updates, mutes, a reset, and the codes of bad values.
func TestPushPreferencesREST(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "alice", "bob")
	const path = "/v3/notifications/v1/preferences"
	defaults := map[string]any{"oneOnOneMessages": "all", "groupMessages": "all", "calls": "all", "muted": false, "mutedUntil": 0.0}
	if diff := cmp.Diff(defaults, e.okObj(t, "GET", path, nil, e.as("alice"))); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	got := e.okObj(t, "PUT", path, map[string]any{"groupMessages": "mentions", "muted": true}, e.as("alice"))
	delete(got, "updatedAt")
	want := map[string]any{"oneOnOneMessages": "all", "groupMessages": "mentions", "calls": "all", "muted": true, "mutedUntil": 0.0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after PUT (-want +got):\n%s", diff)
	}
	got = e.okObj(t, "GET", path, nil, merged(e.asKey(), onBehalfOf("alice")))
	if got["groupMessages"] != "mentions" || got["muted"] != true {
		t.Errorf("GET as alice on behalf = %v", got)
	}
	if got := e.okObj(t, "GET", path, nil, e.as("bob")); got["groupMessages"] != "all" {
		t.Errorf("bob's preferences = %v, want his own defaults", got)
	}
	got = e.okObj(t, "PUT", path, map[string]any{"muted": false}, e.as("alice"))
	if got["muted"] != false || got["groupMessages"] != "mentions" {
		t.Errorf("after unmuting = %v", got)
	}
	for _, c := range []struct {
		name string
		body any
		as   hdr
		code string
		st   int
	}{
		{"a bad group preference", map[string]any{"groupMessages": "some"}, e.as("alice"), "ERR_BAD_REQUEST", 400},
		{"mentions for calls", map[string]any{"calls": "mentions"}, e.as("alice"), "ERR_BAD_REQUEST", 400},
		{"a negative mute end", map[string]any{"mutedUntil": -1}, e.as("alice"), "ERR_BAD_REQUEST", 400},
		{"a wrong type", map[string]any{"muted": "yes"}, e.as("alice"), "ERR_BAD_REQUEST", 400},
		{"no user", map[string]any{"calls": "none"}, e.asKey(), "AUTH_ERR_NO_ACCESS", 403},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.fails(t, c.st, c.code, "PUT", path, c.body, c.as)
		})
	}
	if got := e.okObj(t, "GET", path, nil, e.as("alice")); got["calls"] != "all" {
		t.Errorf("calls after refused updates = %v", got["calls"])
	}
	if diff := cmp.Diff(defaults, e.okObj(t, "DELETE", path, nil, e.as("alice"))); diff != "" {
		t.Errorf("after reset (-want +got):\n%s", diff)
	}
}

// TestConversationPushREST: per-conversation preferences and mutes.
func TestConversationPushREST(t *testing.T) {
	t.Parallel()
	e := newGroupEnv(t, "alice", "bob", "carol")
	e.mustGroup(t, "alice", map[string]any{"guid": "team", "name": "Team", "type": "public"})
	e.mustGroup(t, "carol", map[string]any{"guid": "secret", "name": "Secret", "type": "private"})
	const path = "/v3/notifications/v1/preferences/conversations"
	got := e.ok(t, "PUT", path, map[string]any{"guids": []string{"team"}, "uids": []string{"bob"}, "preference": "mentions"}, e.as("alice"))
	got2 := e.ok(t, "PUT", path, map[string]any{"uids": []string{"BOB"}, "muted": true, "mutedUntil": 4102444800}, e.as("alice"))
	if n := len(got.([]any)) + len(got2.([]any)); n != 3 {
		t.Errorf("settings answered = %d, want 3", n)
	}
	list := e.ok(t, "GET", path, nil, e.as("alice")).([]any)
	var rows []string
	for _, it := range list {
		m := it.(map[string]any)
		rows = append(rows, fmt.Sprint(m["conversationId"], " ", m["conversationType"], " ", m["uid"], m["guid"], " ",
			m["preference"], " ", m["muted"], " ", m["mutedUntil"]))
	}
	want := []string{
		"alice_user_bob user bob<nil> mentions true 4.1024448e+09",
		"group_team group <nil>team mentions false 0",
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		name   string
		body   any
		code   string
		status int
	}{
		{"no conversation", map[string]any{"preference": "all"}, "ERR_BAD_REQUEST", 400},
		{"nothing to set", map[string]any{"uids": []string{"bob"}}, "ERR_BAD_REQUEST", 400},
		{"a bad preference", map[string]any{"uids": []string{"bob"}, "preference": "loud"}, "ERR_BAD_REQUEST", 400},
		{"an unknown user", map[string]any{"uids": []string{"nobody"}, "muted": true}, "ERR_UID_NOT_FOUND", 404},
		{"an unknown group", map[string]any{"guids": []string{"nogroup"}, "muted": true}, "ERR_GUID_NOT_FOUND", 404},
		{"a group alice is not in", map[string]any{"guids": []string{"secret"}, "muted": true}, "ERR_GUID_NOT_FOUND", 404},
		{"herself", map[string]any{"uids": []string{"alice"}, "muted": true}, "ERR_BAD_REQUEST", 400},
		{"too many", map[string]any{"uids": strings.Split(strings.Repeat("bob,", 26)[:4*26-1], ","), "muted": true}, "ERR_TOO_MANY_UIDS", 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.fails(t, c.status, c.code, "PUT", path, c.body, e.as("alice"))
		})
	}
	e.mustGroup(t, "bob", map[string]any{"guid": "open", "name": "Open", "type": "public"})
	e.fails(t, 403, "ERR_CONVERSATION_NOT_ACCESSIBLE", "PUT", path, map[string]any{"guids": []string{"open"}, "muted": true}, e.as("alice"))

	d := e.okObj(t, "DELETE", path, map[string]any{"uids": []string{"bob", "carol"}}, e.as("alice"))
	if d["deleted"] != 1.0 {
		t.Errorf("reset = %v, want 1 deleted", d)
	}
	if n := len(e.ok(t, "GET", path, nil, e.as("alice")).([]any)); n != 1 {
		t.Errorf("settings after the reset = %d, want 1", n)
	}
}
