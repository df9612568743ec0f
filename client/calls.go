package client

import (
	"context"
	"net/http"

	"github.com/parleychat/parley"
)

// Calls are signalling only (docs/calls.md): Parley rings, accepts and
// ends calls as call messages; the media runs on the app's WebRTC service,
// with the call's session id as the room name. Every change arrives on
// the OnCall listener of both sides (all members of a group).

// StartCall rings receiver (a uid with parley.ReceiverUser, a guid with
// parley.ReceiverGroup) for an audio or video call (callType "audio" or
// "video") and returns the call's first message, status initiated; CallOf
// reads the session id from it. The server's codes: ERR_CALLING_SELF,
// ERR_CALL_BUSY_SELF, ERR_CALL_BUSY_USER, ERR_CALL_BUSY_GROUP, and those
// of sending a message.
func (c *Client) StartCall(ctx context.Context, receiver, receiverType, callType string) (*parley.Message, error) {
	in := parley.NewCall{Receiver: receiver, ReceiverType: receiverType, Type: callType}
	return c.caller().message(ctx, http.MethodPost, path("calls"), in)
}

// UpdateCall moves a call on: "ongoing" (accept, or join a group call),
// "rejected", "busy", "cancelled", "ended". It returns the message that
// records the change.
func (c *Client) UpdateCall(ctx context.Context, sessionID, status string) (*parley.Message, error) {
	return c.caller().message(ctx, http.MethodPut, path("calls", sessionID), map[string]string{"status": status})
}

// CallOf returns the call a call message names (its session id, status,
// caller and receiver), or nil for a message that is not a call's.
func CallOf(m *parley.Message) *parley.CallEntity {
	if m == nil || m.Category != parley.CategoryCall {
		return nil
	}
	call, _ := m.Data.Entities["on"].Entity.(*parley.CallEntity)
	return call
}
