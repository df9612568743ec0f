package parley

import "context"

// Push platforms: the provider that delivers to a device token.
const (
	PushFCM     = "fcm"     // Firebase Cloud Messaging (HTTP v1)
	PushAPNs    = "apns"    // Apple Push Notification service (token-based, HTTP/2)
	PushWebhook = "webhook" // the app's own push service, POSTed JSON
)

// Push preferences: which messages of a kind a user is pushed.
const (
	PushAll      = "all"      // every one
	PushMentions = "mentions" // those that mention the user
	PushNone     = "none"     // none
)

// Limits of push tokens.
const (
	// MaxPushTokenLen bounds a device token (FCM's are ~160 characters,
	// APNs's 64 hex digits).
	MaxPushTokenLen = 4096
	// MaxPushTokens bounds the push tokens one auth token registers.
	MaxPushTokens = 10
)

// PushToken is a device's push token as an auth token (the device's login)
// registered it. One device token has one owner in an app: registering it
// again moves it. It is deleted with its auth token.
type PushToken struct {
	AppID       string `json:"-"`
	UID         string `json:"uid"`
	AuthTokenID string `json:"-"`
	Platform    string `json:"platform"` // PushFCM, PushAPNs or PushWebhook
	Token       string `json:"token"`
	CreatedAt   int64  `json:"createdAt"`
}

// PushPreferences are a user's push settings for all conversations. A user
// who never set them has DefaultPushPreferences.
type PushPreferences struct {
	OneOnOneMessages string `json:"oneOnOneMessages"` // all | mentions | none
	GroupMessages    string `json:"groupMessages"`    // all | mentions | none
	Calls            string `json:"calls"`            // all | none: incoming calls
	Muted            bool   `json:"muted"`            // no push at all (until MutedUntil when set)
	MutedUntil       int64  `json:"mutedUntil"`       // Unix seconds; 0: until unmuted
	UpdatedAt        int64  `json:"updatedAt,omitempty"`
}

// DefaultPushPreferences are the preferences of a user who set none.
func DefaultPushPreferences() PushPreferences {
	return PushPreferences{OneOnOneMessages: PushAll, GroupMessages: PushAll, Calls: PushAll}
}

// ConversationPush is a user's push setting for one conversation: a
// preference over theirs for the conversation's kind, and a mute.
type ConversationPush struct {
	ConversationID   string `json:"conversationId"`
	ConversationType string `json:"conversationType"` // user | group
	// Peer is the other user (UID) or the group (GUID).
	UID        string `json:"uid,omitempty"`
	GUID       string `json:"guid,omitempty"`
	Preference string `json:"preference,omitempty"` // all | mentions | none; empty: the user's
	Muted      bool   `json:"muted"`
	MutedUntil int64  `json:"mutedUntil"`
	UpdatedAt  int64  `json:"updatedAt"`
}

// PushTarget is a user who holds push tokens, with what decides whether a
// message is pushed to them.
type PushTarget struct {
	UID           string
	Status        string
	DeactivatedAt int64
	DeletedAt     int64
	Preferences   *PushPreferences  // nil: never set
	Conversation  *ConversationPush // the filter's conversation; nil: no setting
	Tokens        []*PushToken      // oldest first
}

// PushTargetFilter selects push targets: the users UIDs, or with GUID the
// current members of that group whose membership began at or before the
// message MessageID. ConversationID names the conversation whose settings
// to return.
type PushTargetFilter struct {
	UIDs           []string
	GUID           string
	MessageID      int64
	ConversationID string
}

// PushStore keeps device push tokens and push preferences.
type PushStore interface {
	// SavePushToken registers t.Token of t.Platform for t.AuthTokenID (of
	// t.UID), moving it from any other auth token that held it and keeping
	// its CreatedAt when it was this one's; ErrNotFound when the auth token
	// does not exist.
	SavePushToken(ctx context.Context, t *PushToken) error
	// PushTokens lists an auth token's push tokens, oldest first.
	PushTokens(ctx context.Context, appID, authTokenID string) ([]*PushToken, error)
	// DeletePushToken removes one of an auth token's push tokens;
	// ErrNotFound.
	DeletePushToken(ctx context.Context, appID, authTokenID, platform, token string) error
	// DeletePushTokens removes all of an auth token's and says how many.
	DeletePushTokens(ctx context.Context, appID, authTokenID string) (int, error)
	// DropPushToken removes a device token whoever holds it (one a
	// provider reported invalid); dropping none is no error.
	DropPushToken(ctx context.Context, appID, platform, token string) error

	// PushPreferences returns a user's preferences, ErrNotFound when they
	// never set any.
	PushPreferences(ctx context.Context, appID, uid string) (*PushPreferences, error)
	// SetPushPreferences writes a user's preferences; ErrNotFound when the
	// user does not exist.
	SetPushPreferences(ctx context.Context, appID, uid string, p *PushPreferences) error
	// DeletePushPreferences forgets a user's preferences; none is no error.
	DeletePushPreferences(ctx context.Context, appID, uid string) error

	// ConversationPushes lists a user's conversation settings by
	// conversation id.
	ConversationPushes(ctx context.Context, appID, uid string) ([]*ConversationPush, error)
	// SetConversationPush writes a user's setting for c.ConversationID;
	// ErrNotFound when the user does not exist.
	SetConversationPush(ctx context.Context, appID, uid string, c *ConversationPush) error
	// DeleteConversationPush removes one; ErrNotFound.
	DeleteConversationPush(ctx context.Context, appID, uid, conversationID string) error

	// PushTargets returns the users f selects who hold at least one push
	// token, by uid.
	PushTargets(ctx context.Context, appID string, f PushTargetFilter) ([]*PushTarget, error)
}

// Notification is what a push shows for one message: built by chat, sent
// by a provider to each device of a recipient.
type Notification struct {
	Title string
	Body  string
	// ConversationID groups a conversation's pushes: the collapse key of
	// FCM and APNs, and the thread id that stacks them on a device.
	ConversationID string
	Call           bool              // an incoming call (sent at high priority)
	Count          int               // how many messages this push stands for (a collapsed burst); 0 means 1
	Data           map[string]string // ids and kinds for the app: conversationId, messageId, sender, …
}

// PushDelivery is a notification for one user's devices.
type PushDelivery struct {
	UID          string
	Tokens       []*PushToken
	Notification *Notification // shared by the deliveries of one message: read only
}
