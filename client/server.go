package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/parleychat/parley"
)

// Server makes the calls of an app's backend with a key (a REST API Key,
// or for CreateUser and CreateAuthToken the Auth Key), or of the server's
// operator with the operator token. It shares its Client's settings and
// HTTP client, and never uses the user session or the WebSocket.
type Server struct {
	c  *Client
	cr creds
}

// WithKey returns a Server that calls with an API key of the app.
func (c *Client) WithKey(apiKey string) *Server {
	return &Server{c: c, cr: creds{apiKey: apiKey}}
}

// WithOperator returns a Server that calls with the operator token: it
// manages apps and, in Settings.AppID, acts with full access.
func (c *Client) WithOperator(token string) *Server {
	return &Server{c: c, cr: creds{operator: token}}
}

// OnBehalfOf returns a copy of s whose calls act as uid, exactly as that
// user's own token would (a REST API Key or the operator token only).
func (s *Server) OnBehalfOf(uid string) *Server {
	cr := s.cr
	cr.onBehalfOf = uid
	return &Server{c: s.c, cr: cr}
}

func (s *Server) caller() caller {
	return caller{c: s.c, creds: func() (creds, error) { return s.cr, nil }}
}

func (s *Server) call(ctx context.Context, method, p string, q url.Values, in, out any) (*meta, error) {
	return s.c.do(ctx, s.cr, method, p, q, in, out)
}

// CreateApp creates an app (operator token). The answer holds its REST API
// Key and Auth Key in full: the only time they are shown.
func (s *Server) CreateApp(ctx context.Context, name, region string) (*parley.App, error) {
	var a parley.App
	_, err := s.call(ctx, http.MethodPost, path("apps"), nil, map[string]string{"name": name, "region": region}, &a)
	return ptr(&a, err)
}

// Apps lists every app, oldest first (operator token).
func (s *Server) Apps(ctx context.Context) ([]*parley.App, error) {
	var as []*parley.App
	_, err := s.call(ctx, http.MethodGet, path("apps"), nil, nil, &as)
	return as, err
}

// App reads one app (operator token).
func (s *Server) App(ctx context.Context, appID string) (*parley.App, error) {
	var a parley.App
	_, err := s.call(ctx, http.MethodGet, path("apps", appID), nil, nil, &a)
	return ptr(&a, err)
}

// DeleteApp deletes an app and everything in it (operator token).
func (s *Server) DeleteApp(ctx context.Context, appID string) error {
	_, err := s.call(ctx, http.MethodDelete, path("apps", appID), nil, nil, nil)
	return err
}

// CreateAPIKey makes a key of the app; scope is parley.ScopeFullAccess or
// parley.ScopeAuthOnly. The answer holds the key in full, once.
func (s *Server) CreateAPIKey(ctx context.Context, name, scope string) (*parley.APIKey, error) {
	var k parley.APIKey
	_, err := s.call(ctx, http.MethodPost, path("apikeys"), nil, map[string]string{"name": name, "scope": scope}, &k)
	return ptr(&k, err)
}

// APIKeys lists the app's keys, masked, oldest first.
func (s *Server) APIKeys(ctx context.Context) ([]*parley.APIKey, error) {
	var ks []*parley.APIKey
	_, err := s.call(ctx, http.MethodGet, path("apikeys"), nil, nil, &ks)
	return ks, err
}

// DeleteAPIKey revokes a key (by its id, full value or masked value); it
// stops working at once. A key can't revoke itself.
func (s *Server) DeleteAPIKey(ctx context.Context, id string) error {
	_, err := s.call(ctx, http.MethodDelete, path("apikeys", id), nil, nil, nil)
	return err
}

// CreateUser creates a user (Auth Key or REST API Key).
func (s *Server) CreateUser(ctx context.Context, u parley.NewUser) (*parley.User, error) {
	var out parley.User
	_, err := s.call(ctx, http.MethodPost, path("users"), nil, u, &out)
	return ptr(&out, err)
}

// User reads one user.
func (s *Server) User(ctx context.Context, uid string) (*parley.User, error) {
	return s.caller().user(ctx, uid)
}

// Users returns a request for pages of the app's users.
func (s *Server) Users() *UsersRequest { return newUsersRequest(s.caller(), path("users")) }

// UpdateUser changes some of a user's fields (nil fields stay).
func (s *Server) UpdateUser(ctx context.Context, uid string, in parley.UserUpdate) (*parley.User, error) {
	var u parley.User
	_, err := s.call(ctx, http.MethodPut, path("users", uid), nil, in, &u)
	return ptr(&u, err)
}

// DeleteUser deletes a user: softly (the uid stays taken), or permanently
// with their messages.
func (s *Server) DeleteUser(ctx context.Context, uid string, permanent bool) error {
	_, err := s.call(ctx, http.MethodDelete, path("users", uid), nil, map[string]bool{"permanent": permanent}, nil)
	return err
}

// CreateAuthToken makes an auth token for uid (Auth Key or REST API Key);
// d describes the device and may be zero.
func (s *Server) CreateAuthToken(ctx context.Context, uid string, d parley.Device) (*parley.AuthToken, error) {
	var t parley.AuthToken
	_, err := s.call(ctx, http.MethodPost, path("users", uid, "auth_tokens"), nil, d, &t)
	return ptr(&t, err)
}

// AuthTokens lists uid's auth tokens, masked.
func (s *Server) AuthTokens(ctx context.Context, uid string) ([]*parley.AuthToken, error) {
	var ts []*parley.AuthToken
	_, err := s.call(ctx, http.MethodGet, path("users", uid, "auth_tokens"), nil, nil, &ts)
	return ts, err
}

// AddFriends makes uid and each of friends friends; the answer holds one
// result per uid.
func (s *Server) AddFriends(ctx context.Context, uid string, friends ...string) (map[string]parley.BulkResult, error) {
	var res bulk
	_, err := s.call(ctx, http.MethodPost, path("users", uid, "friends"), nil, map[string][]string{"accepted": friends}, &res)
	return res, err
}

// RemoveFriends ends uid's friendship with each of friends.
func (s *Server) RemoveFriends(ctx context.Context, uid string, friends ...string) (map[string]parley.BulkResult, error) {
	var res bulk
	_, err := s.call(ctx, http.MethodDelete, path("users", uid, "friends"), nil, map[string][]string{"friends": friends}, &res)
	return res, err
}

// CreateGroup creates a group. Without OnBehalfOf, g.Owner names its
// owner. The map holds the result for each uid of g.Members.
func (s *Server) CreateGroup(ctx context.Context, g parley.NewGroup) (*parley.Group, map[string]parley.BulkResult, error) {
	return s.caller().createGroup(ctx, g)
}

// Groups returns a request for pages of groups (every group, private ones
// too, to a key acting as no user).
func (s *Server) Groups() *GroupsRequest { return newGroupsRequest(s.caller()) }

// GroupMembers returns a request for pages of a group's members.
func (s *Server) GroupMembers(guid string) *MembersRequest {
	return newMembersRequest(s.caller(), guid)
}

// AddMembers adds users to a group by scope (and bans those in
// UsersToBan); the answer holds one result per uid.
func (s *Server) AddMembers(ctx context.Context, guid string, lists parley.MemberLists) (map[string]parley.BulkResult, error) {
	return s.caller().addMembers(ctx, guid, lists)
}

// Send sends a message as the app (sender app_system) or, with
// OnBehalfOf, as that user.
func (s *Server) Send(ctx context.Context, m parley.NewMessage) (*parley.Message, error) {
	return s.caller().send(ctx, path("messages"), m, nil)
}

// ptr returns v, or nil with err.
func ptr[T any](v *T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}
