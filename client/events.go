package client

import (
	"encoding/json"

	"github.com/parleychat/parley"
)

// Event is one frame the server sent on the WebSocket, as received
// (docs/protocol.md §5). Listeners of OnEvent receive every event; the
// typed listeners (OnMessage, OnUser, OnGroup, OnCall) receive them
// decoded.
type Event struct {
	AppID        string          `json:"appId,omitempty"`
	Type         string          `json:"type"`
	Sender       string          `json:"sender,omitempty"`
	Receiver     string          `json:"receiver,omitempty"`
	ReceiverType string          `json:"receiverType,omitempty"`
	DeviceID     string          `json:"deviceId,omitempty"`
	Body         json.RawMessage `json:"body,omitempty"`
	// Raw is the whole frame, one JSON object. Messages the SDK fetched
	// over REST to fill a truncated resume carry a frame made like the
	// server's.
	Raw json.RawMessage `json:"-"`
}

// Event types, as the frames' type field names them.
const (
	EventMessage         = parley.EventMessage
	EventReaction        = parley.EventReaction
	EventReceipt         = parley.EventReceipt
	EventTyping          = parley.EventTyping
	EventTransient       = parley.EventTransient
	EventPresence        = parley.EventPresence
	EventInteraction     = parley.EventInteraction
	EventUserUpdated     = parley.EventUserUpdated
	EventGroupUpdated    = parley.EventGroupUpdate
	EventGroupDeleted    = parley.EventGroupGone
	EventError           = "error"
	EventResumeTruncated = "resume_truncated"
)

// Conversation returns the conversation the event is about: its receiver
// and receiver type.
func (e Event) Conversation() Receiver { return Receiver{ID: e.Receiver, Type: e.ReceiverType} }

// TypingIndicator says that a user started or stopped typing.
type TypingIndicator struct {
	Sender    string         // who types
	Receiver  Receiver       // where: the group, or the user typed to
	Metadata  map[string]any // the typist's own data, if any
	Timestamp int64
	DeviceID  string
}

// MessageReceipt says that a user received or read messages up to one.
type MessageReceipt struct {
	Action         string       // parley.ReceiptDelivered or ReceiptRead
	MessageID      int64        // the watermark: this message and every earlier one
	ConversationID string       // the conversation
	Receiver       Receiver     // the conversation's peer, as the event names it
	Reader         *parley.User // who received or read
	Timestamp      int64
	DeviceID       string
}

// ReactionEvent says that a reaction was added to or removed from a
// message.
type ReactionEvent struct {
	Reaction parley.Reaction // message id, uid, emoji, when, who
	Receiver Receiver        // the message's conversation
}

// TransientMessage is a payload a user sent that is delivered live and
// never stored (a cursor position, a live location…).
type TransientMessage struct {
	Sender    string
	Receiver  Receiver
	Data      map[string]any
	Timestamp int64
	DeviceID  string
}

// InteractionReceipt says that a user's interactions completed an
// interactive message's goal.
type InteractionReceipt struct {
	MessageID    int64
	Sender       string // who interacted
	Receiver     Receiver
	Interactions []parley.Interaction
	Completed    bool
}

// GroupAction is a change of a group's members, as the action message the
// server wrote for it tells it.
type GroupAction struct {
	Message *parley.Message // the action message (category action, type groupMember)
	Action  string          // parley.ActionJoined, ActionLeft, ActionAdded, …
	By      *parley.User    // who acted
	On      *parley.User    // who it was done to
	Group   *parley.Group   // the group, as it was then
	// OldScope and NewScope are set for scope changes.
	OldScope, NewScope string
}

// FrameError is an error frame: the server refused a frame the SDK sent
// (typing, transient), or says why it is about to close the connection.
type FrameError struct {
	Frame string        // the type of the refused frame, when there is one
	Err   *parley.Error // the server's code and message
}

// groupAction reads a member action message.
func groupAction(m *parley.Message) GroupAction {
	a := GroupAction{Message: m, Action: m.Data.Action}
	a.By, _ = m.Data.Entities["by"].Entity.(*parley.User)
	a.On, _ = m.Data.Entities["on"].Entity.(*parley.User)
	a.Group, _ = m.Data.Entities["for"].Entity.(*parley.Group)
	if s, ok := m.Data.Extras["scope"].(map[string]any); ok {
		a.OldScope, _ = s["old"].(string)
		a.NewScope, _ = s["new"].(string)
	}
	return a
}

// decodeBody decodes an event's body tolerantly.
func decodeBody[T any](e *Event) (T, bool) {
	var v T
	if err := decodeJSON(e.Body, &v); err != nil {
		return v, false
	}
	return v, true
}

// Bodies of the frames, as the protocol writes them.
type (
	typingBody struct {
		Action    string         `json:"action"`
		Metadata  map[string]any `json:"metadata"`
		Timestamp int64          `json:"timestamp"`
	}
	receiptBody struct {
		Action         string       `json:"action"`
		MessageID      int64        `json:"messageId,string"`
		ConversationID string       `json:"conversationId"`
		Timestamp      int64        `json:"timestamp"`
		User           *parley.User `json:"user"`
	}
	reactionBody struct {
		Action   string          `json:"action"`
		Reaction parley.Reaction `json:"reaction"`
	}
	transientBody struct {
		Data      map[string]any `json:"data"`
		Timestamp int64          `json:"timestamp"`
	}
	interactionBody struct {
		MessageID    int64                `json:"messageId,string"`
		Interactions []parley.Interaction `json:"interactions"`
		Completed    bool                 `json:"interactionCompleted"`
	}
	presenceBody struct {
		Status    string       `json:"status"`
		Timestamp int64        `json:"timestamp"`
		User      *parley.User `json:"user"`
	}
	errorBody struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Frame   string `json:"frame"`
	}
	truncatedBody struct {
		LastMessageID int64 `json:"lastMessageId,string"`
		ResumeUntil   int64 `json:"resumeUntil,string"`
	}
)
