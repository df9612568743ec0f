package httpapi_test

import (
	"net/http"
	"testing"
)

// TestCallsREST tests the calls endpoints over HTTP: the call message a
// start and a change answer, as CometChat's clients read it, the state GET
// answers, and the status each refusal comes with.
func TestCallsREST(t *testing.T) {
	t.Parallel()
	e := newMsgEnv(t, "alice", "bob", "carol")
	toBob := map[string]any{"receiver": "bob", "receiverType": "user", "type": "audio"}

	m := e.okObj(t, "POST", "/v3/calls", toBob, e.as("alice"))
	data, _ := m["data"].(map[string]any)
	on, _ := data["entities"].(map[string]any)["on"].(map[string]any)
	entity, _ := on["entity"].(map[string]any)
	session, _ := entity["sessionid"].(string)
	if _, isString := m["id"].(string); !isString || m["category"] != "call" || m["type"] != "audio" ||
		data["action"] != "initiated" || on["entityType"] != "call" || entity["status"] != "initiated" || session == "" ||
		m["sender"] != "alice" || m["receiver"] != "bob" || m["conversationId"] != "alice_user_bob" {
		t.Fatalf("call message %v", m)
	}

	for _, c := range []struct {
		name         string
		status       int
		code         string
		method, path string
		body         any
		as           hdr
	}{
		{"the callee is in a call", 409, "ERR_CALL_BUSY_USER", "POST", "/v3/calls", toBob, e.as("carol")},
		{"the caller is in a call", 409, "ERR_CALL_BUSY_SELF", "POST", "/v3/calls",
			map[string]any{"receiver": "carol", "receiverType": "user", "type": "audio"}, e.as("alice")},
		{"calling oneself", 400, "ERR_CALLING_SELF", "POST", "/v3/calls",
			map[string]any{"receiver": "carol", "receiverType": "user", "type": "audio"}, e.as("carol")},
		{"a type that is no call type", 400, "ERR_BAD_REQUEST", "POST", "/v3/calls",
			map[string]any{"receiver": "bob", "receiverType": "user", "type": "text"}, e.as("carol")},
		{"the app as no user", 403, "AUTH_ERR_NO_ACCESS", "POST", "/v3/calls", toBob, e.asKey()},
		{"no credentials", 401, "AUTH_ERR_EMPTY_APIKEY", "POST", "/v3/calls", toBob, hdr{"appid": e.AppID}},
		{"a stranger moves the call", 403, "ERR_CALL_NOT_A_PART", "PUT", "/v3/calls/" + session,
			map[string]any{"status": "ended"}, e.as("carol")},
		{"the caller accepts", 403, "ERR_CALL_STATUS_NOT_ALLOWED", "PUT", "/v3/calls/" + session,
			map[string]any{"status": "ongoing"}, e.as("alice")},
		{"back to initiated", 400, "ERR_CALL_INVALID_INIT", "PUT", "/v3/calls/" + session,
			map[string]any{"status": "initiated"}, e.as("bob")},
		{"a status given twice", 400, "ERR_BAD_REQUEST", "PUT", "/v3/calls/" + session,
			`{"status":"ongoing","STATUS":"rejected"}`, e.as("bob")},
		{"a status that is no string", 400, "ERR_BAD_REQUEST", "PUT", "/v3/calls/" + session,
			map[string]any{"status": 1}, e.as("bob")},
		{"an unknown session", 404, "ERR_CALL_SESSION_NOT_FOUND", "PUT", "/v3/calls/nosuchsession",
			map[string]any{"status": "ended"}, e.as("bob")},
		{"ended before it was answered", 409, "ERR_CALL_NOT_STARTED", "PUT", "/v3/calls/" + session,
			map[string]any{"status": "ended"}, e.as("bob")},
		{"a stranger reads the call", 403, "ERR_CALL_NOT_A_PART", "GET", "/v3/calls/" + session, nil, e.as("carol")},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.fails(t, c.status, c.code, c.method, c.path, c.body, c.as)
		})
	}

	accepted := e.okObj(t, "PUT", "/v3/calls/"+session, map[string]any{"status": "ongoing"}, e.as("bob"))
	if d, _ := accepted["data"].(map[string]any); d["action"] != "ongoing" || accepted["sender"] != "bob" || accepted["receiver"] != "alice" {
		t.Errorf("accept answered %v", accepted)
	}
	e.okObj(t, "PUT", "/v3/calls/"+session, map[string]any{"status": "ended"}, e.as("alice"))
	e.fails(t, http.StatusConflict, "ERR_CALL_TERMINATED", "PUT", "/v3/calls/"+session, map[string]any{"status": "ended"}, e.as("bob"))

	c := e.okObj(t, "GET", "/v3/calls/"+session, nil, e.as("bob"))
	parts, _ := c["participants"].([]any)
	if c["sessionId"] != session || c["status"] != "ended" || c["initiator"] != "alice" || c["receiver"] != "bob" ||
		len(parts) != 2 || c["endedAt"] == nil || c["ringUntil"] != nil {
		t.Errorf("GET the call: %v", c)
	}
}
