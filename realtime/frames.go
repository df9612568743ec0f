package realtime

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/realtime/ws"
)

// Frame types the hub adds to the event types of package parley.
const (
	frameAuth            = "auth"
	frameError           = "error"
	frameResumeTruncated = "resume_truncated"
)

// Presence subscription modes of the auth frame.
const (
	subNone uint8 = iota
	subAllUsers
	subRoles
	subFriends
)

// request is a decoded client frame.
type request struct {
	kind string // "ping", "auth", or one of the event types a client sends

	auth    authRequest
	signal  chat.Signal    // typing_indicator, transient_message
	receipt receiptRequest // receipts
}

type authRequest struct {
	token, deviceID string
	mode            uint8
	roles           []string
	resume          bool
	after           int64
	keepalive       int // seconds the client declared (minKeepalive–maxKeepalive); 0: none
}

// The keepalive a client may declare in its auth frame, in seconds
// (protocol.md §4): the most it promises to stay silent when idle. The
// server pings a connection it has not heard from for that long and
// closes one silent for 6/5 of it. Longer keepalives let mobile clients
// wake their radio less often and cost the server fewer pings.
const (
	defaultKeepalive = 25 // without one: the transport's own timings
	minKeepalive     = 25
	maxKeepalive     = 300
)

type receiptRequest struct {
	typ, peer string
	read      bool
	messageID int64
}

// clientFrame is a client frame on the wire: the envelope of the protocol,
// or the keepalive {"action":"ping"}.
type clientFrame struct {
	Action       string          `json:"action"`
	Type         string          `json:"type"`
	Receiver     string          `json:"receiver"`
	ReceiverType string          `json:"receiverType"`
	Body         json.RawMessage `json:"body"`
}

// badFrame is the error of a frame that is not what the protocol says.
func badFrame(format string, args ...any) *parley.Error {
	return parley.Errorf(parley.KindInvalid, parley.CodeBadRequest, format, args...)
}

// decodeRequest parses one client frame. Its errors are *parley.Error with
// the code an error frame carries; the payload is not retained.
func decodeRequest(payload []byte) (request, error) {
	var f clientFrame
	if err := json.Unmarshal(payload, &f); err != nil {
		return request{}, badFrame("a frame is a JSON object: %s", jsonProblem(err))
	}
	if f.Type == "" && f.Action == "ping" {
		return request{kind: "ping"}, nil
	}
	switch f.Type {
	case frameAuth:
		return decodeAuth(f.Body)
	case parley.EventTyping, parley.EventTransient:
		return decodeSignal(f)
	case parley.EventReceipt:
		return decodeReceipt(f)
	case "":
		return request{}, badFrame(`a frame needs a "type" (or is {"action":"ping"})`)
	}
	return request{}, parley.Errorf(parley.KindInvalid, CodeUnknownType,
		"the server takes auth, typing_indicator, receipts and transient_message frames; everything else goes through REST")
}

func decodeAuth(body json.RawMessage) (request, error) {
	var b struct {
		Auth                 string          `json:"auth"`
		DeviceID             string          `json:"deviceId"`
		PresenceSubscription string          `json:"presenceSubscription"`
		Roles                []string        `json:"roles"`
		LastMessageID        json.RawMessage `json:"lastMessageId"`
		Keepalive            json.RawMessage `json:"keepalive"`
	}
	if err := decodeBody(body, &b); err != nil {
		return request{}, err
	}
	r := request{kind: frameAuth, auth: authRequest{token: b.Auth, deviceID: b.DeviceID}}
	if len(b.DeviceID) > 200 {
		return request{}, parley.Errorf(parley.KindInvalid, parley.CodeInvalidParam, "deviceId is longer than 200 characters")
	}
	switch b.PresenceSubscription {
	case "", "NONE":
	case "ALL_USERS":
		r.auth.mode = subAllUsers
	case "ROLES":
		r.auth.mode = subRoles
		if len(b.Roles) == 0 || len(b.Roles) > 25 {
			return request{}, parley.Errorf(parley.KindInvalid, parley.CodeInvalidParam, "presenceSubscription ROLES needs 1-25 roles")
		}
		r.auth.roles = b.Roles
	case "FRIENDS":
		r.auth.mode = subFriends
	default:
		return request{}, parley.Errorf(parley.KindInvalid, parley.CodeInvalidParam,
			"presenceSubscription is ALL_USERS, ROLES, FRIENDS or absent")
	}
	if len(b.LastMessageID) > 0 && !bytes.Equal(b.LastMessageID, []byte("null")) {
		id, ok := parseID(b.LastMessageID)
		if !ok {
			return request{}, parley.Errorf(parley.KindInvalid, parley.CodeInvalidParam, "lastMessageId must be a message id")
		}
		r.auth.resume, r.auth.after = true, id
	}
	if len(b.Keepalive) > 0 && !bytes.Equal(b.Keepalive, []byte("null")) {
		// A JSON integer only: not "60", not 60.0.
		k, err := strconv.Atoi(string(b.Keepalive))
		if err != nil || k < minKeepalive || k > maxKeepalive {
			return request{}, parley.Errorf(parley.KindInvalid, parley.CodeInvalidParam,
				"keepalive is a whole number of seconds from %d to %d", minKeepalive, maxKeepalive)
		}
		r.auth.keepalive = k
	}
	return r, nil
}

func decodeSignal(f clientFrame) (request, error) {
	var b struct {
		Action   string         `json:"action"`
		Metadata map[string]any `json:"metadata"`
		Data     map[string]any `json:"data"`
	}
	if err := decodeBody(f.Body, &b); err != nil {
		return request{}, err
	}
	r := request{kind: f.Type, signal: chat.Signal{Receiver: f.Receiver, ReceiverType: f.ReceiverType}}
	if f.Type == parley.EventTyping {
		r.signal.Status, r.signal.Metadata = b.Action, b.Metadata
	} else {
		r.signal.Data = b.Data
	}
	return r, nil
}

func decodeReceipt(f clientFrame) (request, error) {
	var b struct {
		Action    string          `json:"action"`
		MessageID json.RawMessage `json:"messageId"`
	}
	if err := decodeBody(f.Body, &b); err != nil {
		return request{}, err
	}
	r := request{kind: parley.EventReceipt, receipt: receiptRequest{typ: f.ReceiverType, peer: f.Receiver}}
	switch b.Action {
	case parley.ReceiptDelivered:
	case parley.ReceiptRead:
		r.receipt.read = true
	default:
		return request{}, parley.Errorf(parley.KindInvalid, parley.CodeInvalidParam, "a receipt's action is delivered or read")
	}
	id, ok := parseID(b.MessageID)
	if !ok || id <= 0 {
		return request{}, parley.Errorf(parley.KindInvalid, parley.CodeInvalidParam, "a receipt needs the messageId it reaches")
	}
	r.receipt.messageID = id
	return r, nil
}

func decodeBody(body json.RawMessage, v any) error {
	if len(body) == 0 || bytes.Equal(body, []byte("null")) {
		return badFrame(`this frame needs a "body" object`)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return badFrame("the frame's body: %s", jsonProblem(err))
	}
	return nil
}

// parseID reads a message id written as a JSON string ("42", as the API
// writes ids) or number.
func parseID(raw json.RawMessage) (int64, bool) {
	s := string(raw)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id >= 0
}

// jsonProblem says what was wrong without echoing the client's bytes.
func jsonProblem(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		if te.Field != "" {
			return "field " + te.Field + " has the wrong type"
		}
		return "wrong type"
	}
	return "not valid JSON"
}

// envelope is an event as clients receive it: the event without its Route.
type envelope struct {
	AppID        string          `json:"appId"`
	Type         string          `json:"type"`
	Sender       string          `json:"sender,omitempty"`
	Receiver     string          `json:"receiver,omitempty"`
	ReceiverType string          `json:"receiverType,omitempty"`
	DeviceID     string          `json:"deviceId,omitempty"`
	Body         json.RawMessage `json:"body,omitempty"`
}

// eventFrame encodes e once as the frame every recipient gets.
func eventFrame(e *parley.Event) *ws.Frame {
	b, err := json.Marshal(envelope{AppID: e.AppID, Type: e.Type, Sender: e.Sender, Receiver: e.Receiver,
		ReceiverType: e.ReceiverType, DeviceID: e.DeviceID, Body: e.Body})
	if err != nil { // a body that is not JSON: the publisher's bug
		return nil
	}
	return ws.Prepare(b)
}

// controlFrame encodes a frame of the hub's own (auth answer, errors).
func controlFrame(appID, typ string, body any) *ws.Frame {
	raw, _ := json.Marshal(body)
	b, _ := json.Marshal(envelope{AppID: appID, Type: typ, Body: raw})
	return ws.Prepare(b)
}

// authOK is the body of the auth success frame. Keepalive is there only
// when the client declared one, so a client that didn't sees exactly what
// it always did.
type authOK struct {
	Code      string `json:"code"`
	Status    string `json:"status"`
	Keepalive int    `json:"keepalive,omitempty"` // seconds, as the client declared it
}

// errorBody is the body of an error frame.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Frame   string `json:"frame,omitempty"` // the type of the client frame it answers
}

// errorFrame encodes err as an error frame; internal details never leave.
func errorFrame(appID, frame string, err error) *ws.Frame {
	w := parley.Wire(err)
	return controlFrame(appID, frameError, errorBody{Code: w.Code, Message: w.Message, Frame: frame})
}

// pong is the answer to the keepalive ping.
const pong = `{"action":"pong"}`
