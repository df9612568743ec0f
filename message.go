package parley

import (
	"fmt"
	"strconv"
	"strings"
)

// Receiver types.
const (
	ReceiverUser  = "user"
	ReceiverGroup = "group"
)

// Message categories.
const (
	CategoryMessage     = "message"
	CategoryCustom      = "custom"
	CategoryAction      = "action"
	CategoryCall        = "call"
	CategoryInteractive = "interactive"
)

// Message types of category message.
const (
	TypeText  = "text"
	TypeImage = "image"
	TypeVideo = "video"
	TypeAudio = "audio"
	TypeFile  = "file"
)

// Action message types and actions.
const (
	TypeGroupMember = "groupMember" // membership changes
	TypeMessage     = "message"     // edits and deletes of a message

	ActionJoined       = "joined"
	ActionLeft         = "left"
	ActionAdded        = "added"
	ActionKicked       = "kicked"
	ActionBanned       = "banned"
	ActionUnbanned     = "unbanned"
	ActionScopeChanged = "scopeChanged"
	ActionOwnerChanged = "ownershipTransferred"
	ActionEdited       = "edited"
	ActionDeleted      = "deleted"
)

// Message is one entry of an app's message log. IDs are dense per app (1, 2,
// 3, … in commit order); on the wire they are strings.
type Message struct {
	ID             int64       `json:"id,string"`
	MUID           string      `json:"muid,omitempty"`
	ConversationID string      `json:"conversationId"`
	Sender         string      `json:"sender"`
	Receiver       string      `json:"receiver"`
	ReceiverType   string      `json:"receiverType"`
	Category       string      `json:"category"`
	Type           string      `json:"type"`
	Data           MessageData `json:"data"`
	Tags           []string    `json:"tags,omitempty"`
	ParentID       int64       `json:"parentId,string,omitempty"`
	ReplyCount     int         `json:"replyCount,omitempty"`
	QuotedID       int64       `json:"quotedMessageId,string,omitempty"`
	QuotedMessage  *Message    `json:"quotedMessage,omitempty"`
	SentAt         int64       `json:"sentAt"`
	UpdatedAt      int64       `json:"updatedAt"`
	EditedAt       int64       `json:"editedAt,omitempty"`
	EditedBy       string      `json:"editedBy,omitempty"`
	DeletedAt      int64       `json:"deletedAt,omitempty"`
	DeletedBy      string      `json:"deletedBy,omitempty"`
	DeliveredAt    int64       `json:"deliveredAt,omitempty"`
	ReadAt         int64       `json:"readAt,omitempty"`

	// DataJSON, when not empty, is the message's data as stored, a JSON
	// object, in place of Data (see MessageStore.MessagesJSON); Data then
	// holds at most the reader's reactions, which an encoder adds to it.
	// encoding/json does not see it: only encoders that know it do.
	DataJSON string `json:"-"`
}

// MessageData is a message's payload.
type MessageData struct {
	Text        string         `json:"text,omitempty"`
	Action      string         `json:"action,omitempty"`
	Metadata    map[string]any `json:"metadata,omitempty"`
	Attachments []Attachment   `json:"attachments,omitempty"`
	CustomData  map[string]any `json:"customData,omitempty"`

	InteractiveData        map[string]any   `json:"interactiveData,omitempty"`
	InteractionGoal        *InteractionGoal `json:"interactionGoal,omitempty"`
	Interactions           []Interaction    `json:"interactions,omitempty"`
	AllowSenderInteraction bool             `json:"allowSenderInteraction,omitempty"`

	// Entities: for user messages sender and receiver; for actions by (who
	// acted), on (what it acted on) and for (the group or conversation).
	Entities map[string]Entity `json:"entities,omitempty"`
	Extras   map[string]any    `json:"extras,omitempty"`
	Mentions map[string]*User  `json:"mentions,omitempty"`

	Reactions []ReactionCount `json:"reactions,omitempty"`
}

// Entity is a user, group or message named by a message, as it was then.
type Entity struct {
	Entity     any    `json:"entity"`
	EntityType string `json:"entityType"` // user | group | message
}

// Attachment is a file a media message carries.
type Attachment struct {
	URL       string `json:"url"`
	Name      string `json:"name,omitempty"`
	MimeType  string `json:"mimeType,omitempty"`
	Extension string `json:"extension,omitempty"`
	Size      int64  `json:"size,omitempty"`
}

// InteractionGoal says when an interactive message is complete.
type InteractionGoal struct {
	Type       string   `json:"type"` // anyAction | anyOf | allOf | none
	ElementIDs []string `json:"elementIds,omitempty"`
}

// Interaction records a user acting on an element of an interactive message.
type Interaction struct {
	UID          string `json:"uid,omitempty"`
	ElementID    string `json:"elementId"`
	InteractedAt int64  `json:"interactedAt"`
}

// ReactionCount aggregates one emoji's reactions on a message.
type ReactionCount struct {
	Reaction    string `json:"reaction"`
	Count       int    `json:"count"`
	ReactedByMe bool   `json:"reactedByMe,omitempty"`
}

// Cursor affixes: which side of the cursor a page lies on.
const (
	AffixAppend  = "append"  // newer than the cursor
	AffixPrepend = "prepend" // older than the cursor
)

// MessageFilter selects messages for a list. Pages are in ascending id
// order; with no cursor the page is the newest Limit messages.
type MessageFilter struct {
	ConversationID string // one conversation; empty: every conversation Viewer is in
	// Viewer: only messages this uid may see (membership intervals, and
	// not up to where they cleared the conversation); an action message
	// about a message (category action, type message, naming it in
	// data.entities.on) only when that message is visible to them too.
	Viewer string

	AfterID int64 // cursor: ids greater than this (affix append)
	// FromStart, with no AfterID, pages forward from the oldest message:
	// the first Limit messages rather than the last.
	FromStart bool
	BeforeID  int64 // cursor: ids less than this (affix prepend)
	Limit     int

	ParentID    int64 // only replies of this thread
	HideReplies bool  // only top-level messages
	HasReplies  bool  // only messages with at least one reply: the parents of threads
	// ThreadsOf keeps the parents of the threads this uid follows: those
	// they subscribed to (SetThreadSubscription), and, where nothing is
	// recorded for them, those they sent that have replies.
	ThreadsOf  string
	Categories []string
	Types      []string

	// Participant selects the one-to-one messages this uid sent or received
	// (a server reading one user's messages).
	Participant string

	Sender          string
	Tags            []string // has any of them
	WithTags        bool     // has at least one tag
	SearchKey       string   // full-text search of the text
	HasAttachments  bool
	AttachmentTypes []string // image, video, audio, file
	HasMentions     bool
	MentionedUIDs   []string // mentions any of them
	HasReactions    bool
	HideDeleted     bool
	OnlyDeleted     bool
	HideBlockedOf   string // hide messages sent by users in a block relation with this uid
	FromTime        int64  // sentAt >= FromTime
	ToTime          int64  // sentAt <= ToTime
	UpdatedSince    int64  // updatedAt >= UpdatedSince
	OnlyUpdates     bool   // with UpdatedSince: only edited or deleted messages
}

// Reaction is one user's reaction on a message. Its id orders a message's
// reactions (in the order they were added) and is their list's cursor.
type Reaction struct {
	ID        int64  `json:"id,string"`
	MessageID int64  `json:"messageId,string"`
	UID       string `json:"uid"`
	Reaction  string `json:"reaction"`
	ReactedAt int64  `json:"reactedAt"`
	User      *User  `json:"reactedBy,omitempty"`
}

// ReactionFilter selects a page of a message's reactions, by cursor.
type ReactionFilter struct {
	Reaction string // one emoji; empty: all
	AfterID  int64  // only reactions with a greater id
	Limit    int    // at most this many; 0: all
}

// FlexID is a message id as clients send it: a JSON string ("42") or number.
type FlexID int64

// UnmarshalJSON accepts "42", 42, "" and null.
func (id *FlexID) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*id = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("a message id must be a positive integer, not %s", b)
	}
	*id = FlexID(n)
	return nil
}

// NewMessage is what sends a message (the body of POST /v3/messages).
type NewMessage struct {
	Receiver          string             `json:"receiver"`
	ReceiverType      string             `json:"receiverType"`
	Category          string             `json:"category"`
	Type              string             `json:"type"`
	Data              MessageInput       `json:"data"`
	Tags              []string           `json:"tags"`
	MUID              string             `json:"muid"`
	ParentID          FlexID             `json:"parentId"`
	QuotedMessageID   FlexID             `json:"quotedMessageId"`
	MultipleReceivers *MultipleReceivers `json:"multipleReceivers"`
}

// MessageInput is the data a sender gives.
type MessageInput struct {
	Text                   string           `json:"text"`
	Metadata               map[string]any   `json:"metadata"`
	Attachments            []Attachment     `json:"attachments"`
	CustomData             map[string]any   `json:"customData"`
	InteractiveData        map[string]any   `json:"interactiveData"`
	InteractionGoal        *InteractionGoal `json:"interactionGoal"`
	AllowSenderInteraction bool             `json:"allowSenderInteraction"`
}

// MultipleReceivers sends one message to several users and groups.
type MultipleReceivers struct {
	UIDs  []string `json:"uids"`
	GUIDs []string `json:"guids"`
}

// MessageUpdate edits a message: its text and metadata, and its tags.
type MessageUpdate struct {
	Data struct {
		Text     *string        `json:"text"`
		Metadata map[string]any `json:"metadata"`
	} `json:"data"`
	Tags *[]string `json:"tags"`
}
