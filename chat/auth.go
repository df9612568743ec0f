package chat

import (
	"context"
	"encoding/hex"
	"errors"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/internal/token"
)

// Credentials are what a request presents, as the transport read them.
type Credentials struct {
	AppID      string // appid header, or the Host's first label
	APIKey     string // apikey header
	AuthToken  string // authtoken header
	Operator   string // bearer token of the Authorization header
	OnBehalfOf string // onBehalfOf header
	DeviceID   string
}

// settingOperatorHash names the stored hash of the operator token.
const settingOperatorHash = "operator_token_hash"

// Authenticate checks credentials and returns the actor they make. It never
// says whether an app exists to a caller with no credentials at all.
func (s *Service) Authenticate(ctx context.Context, c Credentials) (parley.Actor, error) {
	if c.Operator != "" {
		return s.authOperator(ctx, c)
	}
	if c.APIKey == "" && c.AuthToken == "" {
		return parley.Actor{}, parley.Errorf(parley.KindUnauthorized, parley.CodeNoCredentials,
			"an apikey or authtoken header is required")
	}
	appID, err := s.authApp(ctx, c.AppID)
	if err != nil {
		return parley.Actor{}, err
	}
	if c.APIKey != "" {
		return s.authAPIKey(ctx, appID, c)
	}
	return s.authToken(ctx, appID, c)
}

// authApp checks that the app exists.
func (s *Service) authApp(ctx context.Context, appID string) (string, error) {
	if appID == "" {
		return "", parley.Errorf(parley.KindUnauthorized, parley.CodeEmptyAppID, "the appid header is required")
	}
	if err := s.creds.app(ctx, s.store, s.now, appID); err != nil {
		return "", storeErr(err, parley.Errorf(parley.KindUnauthorized, parley.CodeAppIDNotFound,
			"no app with that appid"), nil)
	}
	return appID, nil
}

func (s *Service) authOperator(ctx context.Context, c Credentials) (parley.Actor, error) {
	hash, err := s.store.Setting(ctx, settingOperatorHash)
	if err != nil && !errors.Is(err, parley.ErrNotFound) {
		return parley.Actor{}, parley.Internal(err)
	}
	want, _ := hex.DecodeString(hash)
	if len(want) == 0 || !token.Equal(c.Operator, want) {
		return parley.Actor{}, parley.Errorf(parley.KindUnauthorized, parley.CodeOperatorToken, "the operator token is not valid")
	}
	a := parley.Actor{Access: parley.AccessOperator, Operator: true, DeviceID: c.DeviceID}
	if c.AppID == "" {
		return a, nil
	}
	if a.AppID, err = s.authApp(ctx, c.AppID); err != nil {
		return parley.Actor{}, err
	}
	a.Access = parley.AccessFullAccess
	return s.onBehalfOf(ctx, a, c.OnBehalfOf)
}

func (s *Service) authAPIKey(ctx context.Context, appID string, c Credentials) (parley.Actor, error) {
	notFound := parley.Errorf(parley.KindUnauthorized, parley.CodeAPIKeyNotFound, "the apikey is not valid for this app")
	id, ok := token.ID(c.APIKey)
	if !ok {
		return parley.Actor{}, notFound
	}
	k, err := s.creds.apiKey(ctx, s.store, s.now, appID, id)
	if err != nil {
		return parley.Actor{}, storeErr(err, notFound, nil)
	}
	if !token.Equal(c.APIKey, k.Hash) {
		return parley.Actor{}, notFound
	}
	a := parley.Actor{AppID: appID, KeyID: k.ID, DeviceID: c.DeviceID, Access: parley.AccessAuthOnly}
	if k.Scope == parley.ScopeFullAccess {
		a.Access = parley.AccessFullAccess
	}
	if c.OnBehalfOf == "" {
		return a, nil
	}
	if a.Access != parley.AccessFullAccess {
		return parley.Actor{}, errNoAccess("act on behalf of a user")
	}
	return s.onBehalfOf(ctx, a, c.OnBehalfOf)
}

// onBehalfOf makes a full access actor act as uid.
func (s *Service) onBehalfOf(ctx context.Context, a parley.Actor, uid string) (parley.Actor, error) {
	if uid == "" {
		return a, nil
	}
	// Its own code and status: a 404 ERR_UID_NOT_FOUND would read as "the
	// user the call is about does not exist".
	notFound := parley.Errorf(parley.KindUnauthorized, parley.CodeOnBehalfOfUnknown,
		"the onBehalfOf user %s does not exist", uid)
	id, ok := parley.NormalizeID(uid)
	if !ok {
		return parley.Actor{}, notFound
	}
	u, err := s.creds.user(ctx, s.store, s.now, a.AppID, id)
	if err == nil && u.DeletedAt != 0 {
		err = parley.ErrNotFound
	}
	if err != nil {
		return parley.Actor{}, storeErr(err, notFound, nil)
	}
	if u.DeactivatedAt != 0 {
		return parley.Actor{}, parley.Errorf(parley.KindUnauthorized, parley.CodeUserDeactivated,
			"the onBehalfOf user %s is deactivated", id)
	}
	// The user's own actor, built as for their auth token: every rule
	// then judges the call by the one path that judges that token, so the
	// key sees and may do exactly what the user may, no more.
	return userActor(a.AppID, u, "", a.DeviceID), nil
}

// userActor is the actor of a call made as user u: by u's auth token
// (tokenID set), or by a full access key with onBehalfOf u (tokenID empty:
// there is no token to log out).
func userActor(appID string, u *parley.User, tokenID, deviceID string) parley.Actor {
	return parley.Actor{AppID: appID, Access: parley.AccessUser, UID: u.UID, TokenID: tokenID, DeviceID: deviceID, User: u}
}

func (s *Service) authToken(ctx context.Context, appID string, c Credentials) (parley.Actor, error) {
	notFound := parley.Errorf(parley.KindUnauthorized, parley.CodeAuthTokenNotFound, "the authtoken is not valid")
	id, ok := token.ID(c.AuthToken)
	if !ok {
		return parley.Actor{}, notFound
	}
	t, err := s.creds.authToken(ctx, s.store, s.now, appID, id)
	if err != nil {
		return parley.Actor{}, storeErr(err, notFound, nil)
	}
	if !token.Equal(c.AuthToken, t.Hash) {
		return parley.Actor{}, notFound
	}
	u, err := s.creds.user(ctx, s.store, s.now, appID, t.UID)
	if err == nil && u.DeletedAt != 0 {
		err = parley.ErrNotFound
	}
	if err != nil {
		return parley.Actor{}, storeErr(err, notFound, nil)
	}
	if u.DeactivatedAt != 0 {
		return parley.Actor{}, parley.Errorf(parley.KindUnauthorized, parley.CodeUserDeactivated, "the user is deactivated")
	}
	deviceID := c.DeviceID
	if deviceID == "" {
		deviceID = t.DeviceID
	}
	return userActor(appID, u, t.ID, deviceID), nil
}
