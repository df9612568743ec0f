package parley

import (
	"context"
	"errors"
)

// Sentinel errors of the store contract. Stores return them (possibly
// wrapped); package chat turns them into *Error with the right code.
var (
	ErrNotFound = errors.New("parley: not found")
	ErrConflict = errors.New("parley: already exists")
)

// Store is a persistence backend. Its data methods run each in their own
// transaction; InTx runs several in one, committing when fn returns nil and
// rolling back otherwise. Stores hold no rules: package chat decides.
type Store interface {
	Tx
	// InTx runs fn in one read-write transaction.
	InTx(ctx context.Context, fn func(tx Tx) error) error
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
	Close() error
}

// Tx is the data access of one transaction (or of the store, each call its
// own transaction). Every method is scoped to one app by its appID argument.
type Tx interface {
	// InSavepoint runs fn so that a failure of fn undoes what fn wrote and
	// nothing else: inside a transaction, under a savepoint, rolled back to
	// when fn returns an error or panics (the transaction goes on, and the
	// panic too); outside one, in a transaction of its own, as InTx. It
	// returns fn's error, joined with the rollback's should that fail (the
	// transaction is then unusable). fn must use the tx it is given.
	InSavepoint(ctx context.Context, fn func(tx Tx) error) error
	AppStore
	UserStore
	TokenStore
	RoleStore
	RelationStore
	GroupStore
	MessageStore
	MessageEditStore
	ConversationStore
	CallStore
	PushStore
	WebhookStore
}

// AppStore keeps apps, their API keys and server-level settings.
type AppStore interface {
	// CreateApp stores a new app; ErrConflict if the id is taken.
	CreateApp(ctx context.Context, a *App) error
	// App returns one app or ErrNotFound.
	App(ctx context.Context, appID string) (*App, error)
	// Apps lists all apps, oldest first.
	Apps(ctx context.Context) ([]*App, error)
	// DeleteApp removes an app and everything that belongs to it; ErrNotFound.
	DeleteApp(ctx context.Context, appID string) error

	// CreateAPIKey stores a key (with its hash); ErrConflict on a taken id.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// APIKey returns the key with that public id, or ErrNotFound.
	APIKey(ctx context.Context, appID, id string) (*APIKey, error)
	// APIKeys lists an app's keys, oldest first.
	APIKeys(ctx context.Context, appID string) ([]*APIKey, error)
	// UpdateAPIKey writes a key's name and scope; ErrNotFound.
	UpdateAPIKey(ctx context.Context, k *APIKey) error
	// DeleteAPIKey removes a key; ErrNotFound.
	DeleteAPIKey(ctx context.Context, appID, id string) error

	// Setting returns a server-level setting, or ErrNotFound.
	Setting(ctx context.Context, name string) (string, error)
	// SetSetting writes a server-level setting.
	SetSetting(ctx context.Context, name, value string) error
}

// UserStore keeps users.
type UserStore interface {
	// CreateUser stores a new user; ErrConflict if the uid is taken (also
	// by a soft-deleted user).
	CreateUser(ctx context.Context, appID string, u *User) error
	// User returns a user, deleted ones included (check DeletedAt), or
	// ErrNotFound. With viewer set, fills the block relation to the viewer.
	User(ctx context.Context, appID, uid, viewer string) (*User, error)
	// Users lists users matching f, with the total count before paging.
	Users(ctx context.Context, appID string, f UserFilter) ([]*User, int, error)
	// UpdateUser writes every field of u; ErrNotFound.
	UpdateUser(ctx context.Context, appID string, u *User) error
	// PurgeUser removes a user and all that is theirs (tokens, relations);
	// ErrNotFound.
	PurgeUser(ctx context.Context, appID, uid string) error
	// CountUsersWithRole counts users (deleted ones too) holding a role.
	CountUsersWithRole(ctx context.Context, appID, role string) (int, error)
	// SetPresence writes a user's status and, when lastActiveAt is not 0,
	// their lastActiveAt, and nothing else; ErrNotFound.
	SetPresence(ctx context.Context, appID, uid, status string, lastActiveAt int64) error
	// ResetPresence sets every user of the app whose status is available to
	// offline with lastActiveAt at, and says how many it changed.
	ResetPresence(ctx context.Context, appID string, at int64) (int, error)
}

// TokenStore keeps auth tokens.
type TokenStore interface {
	// CreateAuthToken stores a token (with its hash).
	CreateAuthToken(ctx context.Context, t *AuthToken) error
	// AuthToken returns the token with that id, or ErrNotFound.
	AuthToken(ctx context.Context, appID, id string) (*AuthToken, error)
	// AuthTokens lists a user's tokens, oldest first.
	AuthTokens(ctx context.Context, appID, uid string) ([]*AuthToken, error)
	// UpdateAuthToken writes a token's device info; ErrNotFound.
	UpdateAuthToken(ctx context.Context, t *AuthToken) error
	// DeleteAuthToken removes one token; ErrNotFound.
	DeleteAuthToken(ctx context.Context, appID, id string) error
	// DeleteAuthTokens removes all of a user's tokens and says how many.
	DeleteAuthTokens(ctx context.Context, appID, uid string) (int, error)
}

// RoleStore keeps roles.
type RoleStore interface {
	// CreateRole stores a role; ErrConflict if taken.
	CreateRole(ctx context.Context, appID string, r *Role) error
	// Role returns one role or ErrNotFound.
	Role(ctx context.Context, appID, role string) (*Role, error)
	// Roles lists roles by id, with the total before paging.
	Roles(ctx context.Context, appID string, p Page) ([]*Role, int, error)
	// UpdateRole writes every field of r; ErrNotFound.
	UpdateRole(ctx context.Context, appID string, r *Role) error
	// DeleteRole removes a role, and the features it restricts; ErrNotFound.
	DeleteRole(ctx context.Context, appID, role string) error

	// RestrictFeatures records that the role (which must exist) restricts
	// each of features; one restricted already keeps its CreatedAt.
	RestrictFeatures(ctx context.Context, appID, role string, features []string, at int64) error
	// AllowFeatures lifts the role's restriction of each of features (of
	// all its features when features is nil); lifting none is no error.
	AllowFeatures(ctx context.Context, appID, role string, features []string) error
	// RestrictedFeatures lists the features the role restricts, by feature.
	RestrictedFeatures(ctx context.Context, appID, role string) ([]RoleFeature, error)
}

// RelationStore keeps friendships (symmetric) and blocks (directed).
type RelationStore interface {
	// AddFriend makes a and b friends both ways; ErrConflict if they are.
	AddFriend(ctx context.Context, appID, a, b string, at int64) error
	// RemoveFriend ends a friendship both ways; ErrNotFound if none.
	RemoveFriend(ctx context.Context, appID, a, b string) error
	// Block records that blocker blocks blocked; ErrConflict if it does.
	Block(ctx context.Context, appID, blocker, blocked string, at int64) error
	// Unblock removes the block; ErrNotFound if none.
	Unblock(ctx context.Context, appID, blocker, blocked string) error
	// Blocked reports whether a blocks b and whether b blocks a.
	Blocked(ctx context.Context, appID, a, b string) (aBlocksB, bBlocksA bool, err error)
	// Relations lists, sorted, uid's friends and the users in a block
	// relation with uid in either direction (each once).
	Relations(ctx context.Context, appID, uid string) (friends, blocked []string, err error)
}

// GroupStore keeps groups, their members and bans. A membership is an
// interval of the app's message log: it begins at the message id JoinedID
// (the action message that records the join) and ends at the id of the
// action message that records the leave, kick or ban.
type GroupStore interface {
	// CreateGroup stores a group with MembersCount 0; ErrConflict if the
	// guid is taken.
	CreateGroup(ctx context.Context, appID string, g *Group) error
	// Group returns a group or ErrNotFound. With viewer set, fills
	// HasJoined (always), and Scope and JoinedAt for a member.
	Group(ctx context.Context, appID, guid, viewer string) (*Group, error)
	// Groups lists groups matching f with the total before paging. Private
	// groups are listed only to their members, or with IncludePrivate.
	Groups(ctx context.Context, appID string, f GroupFilter) ([]*Group, int, error)
	// UpdateGroup writes every field of g but MembersCount; ErrNotFound.
	UpdateGroup(ctx context.Context, appID string, g *Group) error
	// DeleteGroup removes a group, its memberships, bans, messages and
	// calls; ErrNotFound.
	DeleteGroup(ctx context.Context, appID, guid string) error

	// AddMember starts a membership (m.User.UID, Scope, JoinedAt, JoinedID)
	// and adds one to MembersCount; ErrConflict if uid is a member already.
	AddMember(ctx context.Context, appID, guid string, m *Member) error
	// Member returns uid's current membership (with the user), or ErrNotFound.
	Member(ctx context.Context, appID, guid, uid string) (*Member, error)
	// Members lists current members matching f, oldest first, with the total.
	Members(ctx context.Context, appID, guid string, f MemberFilter) ([]*Member, int, error)
	// SetMemberScope changes a current member's scope; ErrNotFound.
	SetMemberScope(ctx context.Context, appID, guid, uid, scope string) error
	// EndMember ends uid's current membership at message leftID and takes one
	// from MembersCount; ErrNotFound if uid is not a member.
	EndMember(ctx context.Context, appID, guid, uid string, leftID, at int64) error
	// UserGroups lists the guids of the groups uid is a current member of.
	UserGroups(ctx context.Context, appID, uid string) ([]string, error)
	// UserMemberships maps each group uid is a current member of to the
	// JoinedID of that membership.
	UserMemberships(ctx context.Context, appID, uid string) (map[string]int64, error)

	// Ban records a ban; ErrConflict if uid is banned already.
	Ban(ctx context.Context, appID, guid, uid, by string, at int64) error
	// Unban lifts a ban; ErrNotFound if none.
	Unban(ctx context.Context, appID, guid, uid string) error
	// IsBanned reports whether uid is banned from the group.
	IsBanned(ctx context.Context, appID, guid, uid string) (bool, error)
	// Bans lists a group's banned users matching f, with the total.
	Bans(ctx context.Context, appID, guid string, f MemberFilter) ([]*Banned, int, error)
}

// MessageStore keeps the message log.
type MessageStore interface {
	// AppendMessages gives each message the next id of the app's log, in
	// order (ids are dense: 1, 2, 3, …), and stores it.
	AppendMessages(ctx context.Context, appID string, ms ...*Message) error
	// Message returns one message or ErrNotFound.
	Message(ctx context.Context, appID string, id int64) (*Message, error)
	// Messages lists messages matching f in ascending id order: the first
	// Limit after AfterID, else the last Limit before BeforeID (or of all).
	Messages(ctx context.Context, appID string, f MessageFilter) ([]*Message, error)
	// MessagesJSON is Messages with each message's Data left as the store
	// keeps it: a JSON object in DataJSON, Data zero. For a reader that
	// passes the data on unchanged, as a page of REST does, decoding it and
	// encoding it again was most of the work of a read.
	MessagesJSON(ctx context.Context, appID string, f MessageFilter) ([]*Message, error)
}

// MessageEditStore changes stored messages and keeps what hangs on them:
// reactions and interactions.
type MessageEditStore interface {
	// MessageByMUID returns the message sender sent with the client id
	// muid, or ErrNotFound.
	MessageByMUID(ctx context.Context, appID, sender, muid string) (*Message, error)
	// UpdateMessage writes a message's data, tags, reply count, edit and
	// delete fields and updatedAt (and keeps its search text and mentions in
	// step); ErrNotFound.
	UpdateMessage(ctx context.Context, appID string, m *Message) error
	// PurgeMessage removes a message and what hangs on it; ErrNotFound.
	PurgeMessage(ctx context.Context, appID string, id int64) error
	// PurgeUserMessages removes every message uid sent, and uid's
	// conversation states and one-to-one conversations.
	PurgeUserMessages(ctx context.Context, appID, uid string) error

	// AddReaction records a reaction and sets its id, greater than that of
	// every reaction added before (ids are never reused); ErrConflict if the
	// user already reacted so on that message.
	AddReaction(ctx context.Context, appID string, r *Reaction) error
	// RemoveReaction removes one; ErrNotFound.
	RemoveReaction(ctx context.Context, appID string, messageID int64, uid, reaction string) error
	// Reactions lists a message's reactions as f selects them, in id order,
	// with their users.
	Reactions(ctx context.Context, appID string, messageID int64, f ReactionFilter) ([]*Reaction, error)
	// ReactionCounts aggregates the reactions of each message in ids, per
	// emoji (ordered by first reaction), marking those of viewer.
	ReactionCounts(ctx context.Context, appID, viewer string, ids []int64) (map[int64][]ReactionCount, error)

	// AddInteraction records uid's interaction with an element (UID set).
	AddInteraction(ctx context.Context, appID string, messageID int64, in Interaction) error
	// Interactions lists a message's interactions, oldest first.
	Interactions(ctx context.Context, appID string, messageID int64) ([]Interaction, error)

	// SetThreadSubscription records whether uid follows the thread of the
	// message parentID (subscribed or not), replacing what was recorded.
	// With nothing recorded a user follows the threads of the messages they
	// sent (see MessageFilter.ThreadsOf). The message and the user must
	// exist; the record goes with either.
	SetThreadSubscription(ctx context.Context, appID, uid string, parentID int64, subscribed bool, at int64) error
	// ThreadSubscriptions returns what is recorded of uid's subscriptions
	// to the threads of parentIDs (ids with nothing recorded are left out).
	ThreadSubscriptions(ctx context.Context, appID, uid string, parentIDs []int64) (map[int64]bool, error)
}

// ReceiptMark is one advance of a user's watermark in a conversation.
type ReceiptMark struct {
	UID    string
	Kind   string // delivered | read
	UpToID int64
	At     int64
}

// ConversationStore keeps conversations and each user's state in them:
// read and delivered watermarks, tags, and the point up to which they
// cleared it.
type ConversationStore interface {
	// TouchConversation records ms (just appended, in id order) as the
	// newest messages of their conversations, as if each in turn: a
	// conversation is created on its first message and its latest message
	// only grows; each sender's read and delivered watermarks move to their
	// message (a user with no state in a conversation reads as all zero).
	// With logRead, each sender's last message that is not an action is
	// also logged as their read receipt up to it (a ReceiptMark of kind
	// read at its SentAt), unconditionally: ms are new, so beyond every
	// mark. The app itself (SystemUID) has no state and logs nothing.
	TouchConversation(ctx context.Context, appID string, logRead bool, ms ...*Message) error
	// Conversations lists the viewer's conversations, newest activity first:
	// one-to-one conversations they are in and not cleared since the last
	// message, and the groups they are a current member of. Fills every
	// field but ConversationWith and LastMessage, with the total.
	Conversations(ctx context.Context, appID string, f ConversationFilter) ([]*Conversation, int, error)
	// Conversation returns one of them, or ErrNotFound.
	Conversation(ctx context.Context, appID, viewer, conversationID string) (*Conversation, error)
	// SetConversationTags writes the viewer's tags on a conversation.
	SetConversationTags(ctx context.Context, appID, viewer, conversationID string, tags []string) error
	// ClearConversation hides the conversation's messages up to uptoID from
	// the viewer (and the conversation until a newer message).
	ClearConversation(ctx context.Context, appID, viewer, conversationID string, uptoID int64) error
	// MarkReceipt moves the viewer's watermark of kind up to uptoID (never
	// down; read moves delivered too) and logs the advance.
	MarkReceipt(ctx context.Context, appID, viewer, conversationID, kind string, uptoID, at int64) error
	// MarkUnread moves the viewer's read watermark down to fromID-1.
	MarkUnread(ctx context.Context, appID, viewer, conversationID string, fromID int64) error
	// ReceiptMarks lists the logged advances in a conversation that reach
	// at least minID, oldest first.
	ReceiptMarks(ctx context.Context, appID, conversationID string, minID int64) ([]ReceiptMark, error)
	// UserReceiptMarks lists uid's logged advances in a conversation that
	// decide when uid received and read each message from minID to maxID:
	// for each kind, those that reach minID up to the first that reaches
	// maxID, oldest first. A user's advances of one kind only grow, so a
	// later one never reaches a message first.
	UserReceiptMarks(ctx context.Context, appID, conversationID, uid string, minID, maxID int64) ([]ReceiptMark, error)
	// MemberReceiptMarks lists, for each current member of the group guid
	// whose membership began at or before message id, the first logged
	// advance of each kind in the group's conversation that reaches id,
	// oldest first: what decides when each member received and read it. It
	// reads a bounded number of marks per member, however long the
	// conversation went on after id.
	MemberReceiptMarks(ctx context.Context, appID, guid string, id int64) ([]ReceiptMark, error)
	// UnreadCounts counts the viewer's unread messages per conversation
	// (conversations with none are left out).
	UnreadCounts(ctx context.Context, appID, viewer string) ([]UnreadCount, error)
}

// CallStore keeps calls. Each user is a participant of at most one active
// call (Call.Active, as written) and each group the receiver of at most one:
// a write that would break this fails with ErrConflict, so that two calls
// racing for one user can't both win.
type CallStore interface {
	// CreateCall stores a new call with its participants; ErrConflict if
	// the session id is taken or the call is active and a participant, or
	// its group, is in another active call; ErrNotFound if a participant
	// is no user.
	CreateCall(ctx context.Context, appID string, c *Call) error
	// Call returns a call with its participants (in the order they came
	// in), or ErrNotFound.
	Call(ctx context.Context, appID, sessionID string) (*Call, error)
	// UpdateCall writes a call's status, times, RingUntil and Active, and
	// its participants (adding those it does not have); ErrNotFound, and
	// ErrConflict as CreateCall.
	UpdateCall(ctx context.Context, appID string, c *Call) error
	// ActiveCall returns the active call uid is a participant of, or
	// ErrNotFound.
	ActiveCall(ctx context.Context, appID, uid string) (*Call, error)
	// ActiveGroupCall returns the active call to a group, or ErrNotFound.
	ActiveGroupCall(ctx context.Context, appID, guid string) (*Call, error)
	// DueCalls lists, across apps, at most limit active calls whose
	// RingUntil is set and not after at, earliest first.
	DueCalls(ctx context.Context, at int64, limit int) ([]CallRef, error)
}
