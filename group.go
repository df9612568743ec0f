package parley

// Group types.
const (
	GroupPublic   = "public"   // anyone may see and join
	GroupPassword = "password" // anyone may see; joining needs the password
	GroupPrivate  = "private"  // visible to members only; joined only by being added
)

// Member scopes, highest first.
const (
	ScopeAdmin       = "admin"
	ScopeModerator   = "moderator"
	ScopeParticipant = "participant"
)

// ScopeRank orders scopes: admin 3, moderator 2, participant 1, else 0.
func ScopeRank(scope string) int {
	switch scope {
	case ScopeAdmin:
		return 3
	case ScopeModerator:
		return 2
	case ScopeParticipant:
		return 1
	}
	return 0
}

// Group is a many-user conversation, identified by GUID.
type Group struct {
	GUID         string         `json:"guid"`
	Name         string         `json:"name"`
	Type         string         `json:"type"`
	Icon         string         `json:"icon,omitempty"`
	Description  string         `json:"description,omitempty"`
	Metadata     map[string]any `json:"metadata,omitempty"`
	Tags         []string       `json:"tags,omitempty"`
	Owner        string         `json:"owner"`
	MembersCount int            `json:"membersCount"`
	CreatedAt    int64          `json:"createdAt"`
	UpdatedAt    int64          `json:"updatedAt,omitempty"`

	// PasswordHash is the slow hash of a password group's password.
	PasswordHash string `json:"-"`

	ConversationID string `json:"conversationId"`

	// Seen by a user (the filter's Viewer): their membership.
	HasJoined *bool  `json:"hasJoined,omitempty"`
	Scope     string `json:"scope,omitempty"`
	JoinedAt  int64  `json:"joinedAt,omitempty"`
}

// GroupFilter selects groups.
type GroupFilter struct {
	Viewer         string // fills HasJoined/Scope/JoinedAt for this uid
	IncludePrivate bool   // list private groups the Viewer is not in (server calls)

	SearchKey string   // prefix of guid or name (see SearchIn)
	SearchIn  []string // "guid", "name"; empty: both
	Types     []string
	Tags      []string
	WithTags  bool
	HasJoined bool   // only groups the Viewer is a member of
	SortBy    string // name | guid | createdAt; default name
	SortOrder string // asc | desc

	Page
}

// Member is a user's membership of a group, as listed: the user's fields
// plus scope and joinedAt.
type Member struct {
	*User
	Scope    string `json:"scope"`
	JoinedAt int64  `json:"joinedAt"`
	// JoinedID is the message id of the log at which the membership began:
	// the member sees messages from it on.
	JoinedID int64 `json:"-"`
}

// MemberFilter selects members or banned users of a group.
type MemberFilter struct {
	Scopes    []string
	Status    string // available | offline
	SearchKey string // prefix of uid or name
	Page
}

// Banned is a banned user of a group, as listed.
type Banned struct {
	*User
	BannedAt int64  `json:"bannedAt"`
	BannedBy string `json:"bannedBy,omitempty"`
}

// NewGroup is what creates a group.
type NewGroup struct {
	GUID        string         `json:"guid"`
	Name        string         `json:"name"`
	Type        string         `json:"type"`
	Password    string         `json:"password"`
	Icon        string         `json:"icon"`
	Description string         `json:"description"`
	Metadata    map[string]any `json:"metadata"`
	Owner       string         `json:"owner"`
	Tags        []string       `json:"tags"`
	Members     MemberLists    `json:"members"`
}

// MemberLists names uids by the scope to add them with, and uids to ban.
type MemberLists struct {
	Admins       []string `json:"admins"`
	Moderators   []string `json:"moderators"`
	Participants []string `json:"participants"`
	UsersToBan   []string `json:"usersToBan"`
}

// Empty reports whether no uid is named.
func (l MemberLists) Empty() bool {
	return len(l.Admins)+len(l.Moderators)+len(l.Participants)+len(l.UsersToBan) == 0
}

// GroupUpdate changes some of a group's fields; nil fields stay, Unset
// clears icon, description, metadata or tags. Owner transfers ownership.
type GroupUpdate struct {
	Name        *string        `json:"name"`
	Type        *string        `json:"type"`
	Password    *string        `json:"password"`
	Icon        *string        `json:"icon"`
	Description *string        `json:"description"`
	Metadata    map[string]any `json:"metadata"`
	Tags        *[]string      `json:"tags"`
	Owner       *string        `json:"owner"`
	Unset       []string       `json:"unset"`
}
