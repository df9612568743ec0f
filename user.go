package parley

// User statuses, as clients see them.
const (
	StatusAvailable = "available"
	StatusOffline   = "offline"
)

// DefaultRole is the role every app has and every user gets unless told.
const DefaultRole = "default"

// User is a person (or bot) of an app, identified by UID.
type User struct {
	UID           string         `json:"uid"`
	Name          string         `json:"name"`
	Avatar        string         `json:"avatar,omitempty"`
	Link          string         `json:"link,omitempty"`
	Role          string         `json:"role"`
	StatusMessage string         `json:"statusMessage,omitempty"`
	Metadata      map[string]any `json:"metadata,omitempty"`
	Tags          []string       `json:"tags,omitempty"`
	Status        string         `json:"status"`
	LastActiveAt  int64          `json:"lastActiveAt,omitempty"`
	CreatedAt     int64          `json:"createdAt"`
	UpdatedAt     int64          `json:"updatedAt,omitempty"`
	DeactivatedAt int64          `json:"deactivatedAt,omitempty"`
	DeletedAt     int64          `json:"-"`

	// Seen by a user (the filter's Viewer), the relation to that user: the
	// blocks each way, when each was made, and BlockedAt, the time of the
	// latest (as CometChat names them; HasBlockedMeAt is Parley's).
	BlockedByMe    *bool  `json:"blockedByMe,omitempty"`
	HasBlockedMe   *bool  `json:"hasBlockedMe,omitempty"`
	BlockedByMeAt  int64  `json:"blockedByMeAt,omitempty"`
	HasBlockedMeAt int64  `json:"hasBlockedMeAt,omitempty"`
	BlockedAt      int64  `json:"blockedAt,omitempty"`
	ConversationID string `json:"conversationId,omitempty"`

	// AuthToken is set only in the answer to a create with withAuthToken.
	AuthToken string `json:"authToken,omitempty"`
}

// Block directions for listing blocked users.
const (
	DirectionBoth         = "both"
	DirectionBlockedByMe  = "blockedByMe"
	DirectionHasBlockedMe = "hasBlockedMe"
)

// UserFilter selects users. Zero fields select everything; deleted users are
// never listed, deactivated ones only when asked.
type UserFilter struct {
	Viewer string // fills the block relation (BlockedByMe, …) relative to this uid

	SearchKey       string   // prefix of uid or name (see SearchIn)
	SearchIn        []string // "uid", "name"; empty: both
	Status          string   // available | offline
	Roles           []string
	Tags            []string
	WithTags        bool // only users with at least one tag
	UIDs            []string
	FriendsOf       string // only friends of this uid
	HideBlockedOf   string // hide users blocked by or blocking this uid
	BlockedOf       string // only users in a block relation with this uid...
	BlockDirection  string // ...in this direction (both, blockedByMe, hasBlockedMe)
	OnlyDeactivated bool
	WithDeactivated bool
	SortBy          string // name | uid | status | createdAt; default name
	SortOrder       string // asc | desc

	Page
}

// Page asks for one page of an entity list.
type Page struct {
	Page    int // 1-based
	PerPage int
}

// Offset is the number of rows before the page.
func (p Page) Offset() int { return (p.Page - 1) * p.PerPage }

// Pagination is the meta of a paged entity list, as on the wire.
type Pagination struct {
	Total       int `json:"total"`
	Count       int `json:"count"`
	PerPage     int `json:"per_page"`
	CurrentPage int `json:"current_page"`
	TotalPages  int `json:"total_pages"`
}

// NewPagination computes the page meta for a page of count items out of total.
func NewPagination(p Page, count, total int) Pagination {
	pages := 0
	if p.PerPage > 0 {
		pages = (total + p.PerPage - 1) / p.PerPage
	}
	return Pagination{Total: total, Count: count, PerPage: p.PerPage, CurrentPage: p.Page, TotalPages: pages}
}

// AuthToken logs one user in on one device. The secret is stored hashed:
// Token is the full value only in the answer that creates it, masked after.
type AuthToken struct {
	ID        string         `json:"-"`
	AppID     string         `json:"-"`
	UID       string         `json:"uid"`
	Token     string         `json:"authToken"`
	Hash      []byte         `json:"-"`
	Platform  string         `json:"platform,omitempty"`
	DeviceID  string         `json:"deviceId,omitempty"`
	AppInfo   map[string]any `json:"appInfo,omitempty"`
	CreatedAt int64          `json:"createdAt"`
	UpdatedAt int64          `json:"updatedAt,omitempty"`
}

// Role groups users for settings and filters.
type Role struct {
	Role        string         `json:"role"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Metadata    map[string]any `json:"metadata,omitempty"`
	Settings    map[string]any `json:"settings,omitempty"`
	CreatedAt   int64          `json:"createdAt"`
	UpdatedAt   int64          `json:"updatedAt,omitempty"`
}

// NewUser is what creates a user.
type NewUser struct {
	UID           string         `json:"uid"`
	Name          string         `json:"name"`
	Avatar        string         `json:"avatar"`
	Link          string         `json:"link"`
	Role          string         `json:"role"`
	StatusMessage string         `json:"statusMessage"`
	Metadata      map[string]any `json:"metadata"`
	Tags          []string       `json:"tags"`
	WithAuthToken bool           `json:"withAuthToken"`
}

// UserUpdate changes some of a user's fields: nil fields stay as they are,
// and fields named in Unset are cleared (avatar, link, statusMessage,
// metadata, tags; role goes back to default).
type UserUpdate struct {
	Name          *string        `json:"name"`
	Avatar        *string        `json:"avatar"`
	Link          *string        `json:"link"`
	Role          *string        `json:"role"`
	StatusMessage *string        `json:"statusMessage"`
	Metadata      map[string]any `json:"metadata"`
	Tags          *[]string      `json:"tags"`
	Unset         []string       `json:"unset"`
}

// Device describes where an auth token is used.
type Device struct {
	Platform string         `json:"platform"`
	DeviceID string         `json:"deviceId"`
	AppInfo  map[string]any `json:"appInfo"`
}

// RoleFeature is a feature a role restricts: users holding the role may not
// use it. Feature is the key without the "u." prefix of the wire.
type RoleFeature struct {
	Feature   string
	CreatedAt int64
}

// RoleUpdate changes some of a role's fields; nil fields stay, Unset clears
// description, metadata or settings.
type RoleUpdate struct {
	Name        *string        `json:"name"`
	Description *string        `json:"description"`
	Metadata    map[string]any `json:"metadata"`
	Settings    map[string]any `json:"settings"`
	Unset       []string       `json:"unset"`
}

// BulkResult is one id's outcome in a bulk call, keyed by that id on the
// wire: success, and what the call says of a success (a message, or the
// data it made), or the error of a failure.
type BulkResult struct {
	Success bool       `json:"success"`
	Message string     `json:"message,omitempty"`
	Data    any        `json:"data,omitempty"`
	Error   *WireError `json:"error,omitempty"`
}

// WireError is an error as the envelope carries it.
type WireError struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	DevMessage string `json:"devMessage,omitempty"`
}

// Wire returns err as the envelope carries it; internal errors get a generic
// message.
func Wire(err error) *WireError {
	e, ok := AsError(err)
	if !ok || e.Kind == KindInternal {
		return &WireError{Code: CodeInternal, Message: "internal error"}
	}
	return &WireError{Code: e.Code, Message: e.Message}
}

// BulkOf returns the bulk result of one id's outcome.
func BulkOf(data any, err error) BulkResult {
	if err != nil {
		return BulkResult{Error: Wire(err)}
	}
	return BulkResult{Success: true, Data: data}
}
