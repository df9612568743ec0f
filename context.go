package parley

import "context"

// Access says which credential a request carries; it decides what the
// request may do (see chat for the rules).
type Access int

// The kinds of access.
const (
	AccessNone       Access = iota // no credential
	AccessAuthOnly                 // an Auth Key: create users and auth tokens only
	AccessFullAccess               // a REST API Key, or the operator token with an appid, acting as the app
	AccessUser                     // an auth token, or full access with onBehalfOf: acts as its user
	AccessOperator                 // the operator token without an app: manages apps
)

// Actor is who a request acts as. It travels in the context.
type Actor struct {
	AppID    string // the app every query is scoped to; empty for operator-only calls
	Access   Access
	UID      string // the acting user (Access is AccessUser): the token's user, or onBehalfOf; empty otherwise
	KeyID    string // the API key used, if any (to refuse self-action on keys)
	TokenID  string // the auth token used, if any (for logging out this token)
	DeviceID string
	Operator bool // the operator token: manages apps, and acts with full access in AppID
	// User is the acting user as authentication found them (UID's record,
	// read at the start of the request), when it read them; nil otherwise.
	// Read only: it is shared by every call the request makes.
	User *User
}

// IsUser reports whether the actor acts as a user: an auth token, or a full
// access key with onBehalfOf.
func (a Actor) IsUser() bool { return a.UID != "" }

// IsServer reports whether the actor holds full access and acts as no
// particular user (the system actor). A full access key with onBehalfOf is
// not: it is that user's actor (Access is AccessUser).
func (a Actor) IsServer() bool { return a.Access == AccessFullAccess && a.UID == "" }

// ActingUID is the uid recorded as the author of an action: the user, or
// SystemUID for a server call.
func (a Actor) ActingUID() string {
	if a.UID != "" {
		return a.UID
	}
	return SystemUID
}

type actorKey struct{}

// NewContext returns ctx carrying the actor.
func NewContext(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or the zero Actor (no access).
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}
