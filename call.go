package parley

// Call statuses. A call begins initiated; the others record how it went on
// (docs/calls.md has who may set which). Initiated and ongoing calls are
// active; the others are final.
const (
	CallInitiated  = "initiated"
	CallOngoing    = "ongoing" // accepted (a group call: joined by a member)
	CallRejected   = "rejected"
	CallBusy       = "busy"
	CallCancelled  = "cancelled"
	CallUnanswered = "unanswered"
	CallEnded      = "ended"
)

// Call types: the message type of a call's messages.
const (
	CallAudio = "audio"
	CallVideo = "video"
)

// EntityCall is the entity type of a call in a call message's
// data.entities.on.
const EntityCall = "call"

// Call is the state of one call: Parley signals calls, and the media run on
// the app's own WebRTC service, in a room named by SessionID. Each change of
// a call is also a message of category call in the conversation (see
// CallEntity); the Call is what decides the next change.
type Call struct {
	SessionID      string            `json:"sessionId"`
	ConversationID string            `json:"conversationId"`
	Type           string            `json:"type"`      // audio | video
	Initiator      string            `json:"initiator"` // the caller's uid
	Receiver       string            `json:"receiver"`  // the callee's uid, or the group's guid
	ReceiverType   string            `json:"receiverType"`
	Status         string            `json:"status"`
	InitiatedAt    int64             `json:"initiatedAt"`
	JoinedAt       int64             `json:"joinedAt,omitempty"` // when it became ongoing
	EndedAt        int64             `json:"endedAt,omitempty"`  // when it reached a final status
	Participants   []CallParticipant `json:"participants"`

	// RingUntil is when a call still ringing (initiated) becomes
	// unanswered; 0 once it is answered or over.
	RingUntil int64 `json:"-"`
	// Active says the call holds its participants (and, for a group call,
	// its group): each user is in at most one active call, each group has
	// at most one. Package chat sets it from the status.
	Active bool `json:"-"`
}

// CallParticipant is a user in a call: the caller and, for a one-to-one
// call, the callee from the moment it rings (JoinedAt 0 until they accept);
// for a group call, each member who joined.
type CallParticipant struct {
	UID      string `json:"uid"`
	JoinedAt int64  `json:"joinedAt,omitempty"`
}

// Participant returns uid's entry of the call, or nil.
func (c *Call) Participant(uid string) *CallParticipant {
	for i := range c.Participants {
		if c.Participants[i].UID == uid {
			return &c.Participants[i]
		}
	}
	return nil
}

// CallRef names a call of an app.
type CallRef struct {
	AppID     string
	SessionID string
}

// CallEntity is the call as a call message names it, in
// data.entities.on.entity (entityType "call"): the call as it is after the
// change the message records. "sessionid" is spelled as CometChat spells
// it there, so that its SDKs find it.
type CallEntity struct {
	SessionID    string `json:"sessionid"`
	Status       string `json:"status"`
	Type         string `json:"type"`
	ReceiverType string `json:"receiverType"`
	Initiator    string `json:"initiator"`
	Receiver     string `json:"receiver"`
	InitiatedAt  int64  `json:"initiatedAt"`
	JoinedAt     int64  `json:"joinedAt,omitempty"`
	EndedAt      int64  `json:"endedAt,omitempty"`
}

// NewCall starts a call (the body of POST /v3/calls). Status, when given,
// must be "initiated", as CometChat's clients send it; metadata goes into
// the first call message's data.metadata.
type NewCall struct {
	Receiver     string         `json:"receiver"`
	ReceiverType string         `json:"receiverType"`
	Type         string         `json:"type"`
	Status       string         `json:"status"`
	Metadata     map[string]any `json:"metadata"`
}

// CallUpdate moves a call on (the body of PUT /v3/calls/{sessionId}).
type CallUpdate struct {
	Status string `json:"status"`
}
