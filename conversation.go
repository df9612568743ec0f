package parley

// UserConversationID is the id of the one-to-one conversation of two users:
// the two uids sorted, joined by "_user_".
func UserConversationID(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "_user_" + b
}

// GroupConversationID is the id of a group's conversation.
func GroupConversationID(guid string) string { return "group_" + guid }

// Conversation types.
const (
	ConversationUser  = "user"
	ConversationGroup = "group"
)

// Conversation is one conversation as one user (the viewer) sees it. On
// the wire unreadMessageCount is a string, as CometChat documents it (and
// message ids); unreadMentionsCount, which CometChat's REST API does not
// document, is a number.
type Conversation struct {
	ConversationID      string   `json:"conversationId"`
	ConversationType    string   `json:"conversationType"`
	ConversationWith    any      `json:"conversationWith"` // *User or *Group
	LastMessage         *Message `json:"lastMessage,omitempty"`
	UnreadMessageCount  int      `json:"unreadMessageCount,string"`
	UnreadMentionsCount int      `json:"unreadMentionsCount"`
	LastReadMessageID   int64    `json:"lastReadMessageId,string"`
	LatestMessageID     int64    `json:"latestMessageId,string"`
	Tags                []string `json:"tags,omitempty"`
	CreatedAt           int64    `json:"createdAt"`
	UpdatedAt           int64    `json:"updatedAt"`

	// Peer is the other user's uid (user conversations) or the guid.
	Peer string `json:"-"`
	// DeliveredID is the viewer's delivered watermark; ClearedID hides
	// messages up to it from the viewer (a reset conversation).
	DeliveredID int64 `json:"-"`
	ClearedID   int64 `json:"-"`
}

// ConversationFilter selects a viewer's conversations.
type ConversationFilter struct {
	Viewer           string // required: whose conversations
	ConversationType string // user | group; empty: both
	SearchKey        string // prefix of the peer's name or id
	Tags             []string
	UserTags         []string
	GroupTags        []string
	WithTags         bool // only conversations the viewer tagged
	Unread           bool // only conversations with unread messages
	Page
}

// Receipt kinds.
const (
	ReceiptDelivered = "delivered"
	ReceiptRead      = "read"
)

// Receipt says when one recipient received and read one message.
type Receipt struct {
	UID         string `json:"uid"`
	DeliveredAt int64  `json:"deliveredAt,omitempty"`
	ReadAt      int64  `json:"readAt,omitempty"`
}

// UnreadCount is a conversation's unread count for one viewer.
type UnreadCount struct {
	ConversationID string `json:"conversationId"`
	Count          int    `json:"count"`
}
