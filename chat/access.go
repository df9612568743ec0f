package chat

import (
	"context"

	"github.com/parleychat/parley"
)

// The access rules of DESIGN.md §4, by credential:
//   - the operator token alone manages apps;
//   - a full access key (or the operator token with an app) may do anything
//     in its app, as the system actor or, with onBehalfOf, as a user;
//   - an Auth Key may only create users and auth tokens;
//   - an auth token acts as its user and sees what that user may see.

// actor returns the context's actor, refusing a call with no app.
func actor(ctx context.Context) (parley.Actor, error) {
	a := parley.ActorFrom(ctx)
	if a.AppID == "" {
		return a, parley.Errorf(parley.KindUnauthorized, parley.CodeEmptyAppID, "the appid header is required")
	}
	return a, nil
}

// needOperator allows the operator token only.
func needOperator(ctx context.Context) error {
	if !parley.ActorFrom(ctx).Operator {
		return parley.Errorf(parley.KindForbidden, parley.CodeNoAccess, "only the operator token manages apps")
	}
	return nil
}

// needFull allows a full access key (or the operator in an app).
func needFull(ctx context.Context, what string) (parley.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return a, err
	}
	if a.Access != parley.AccessFullAccess {
		return a, errNoAccess(what)
	}
	return a, nil
}

// needServer allows a full access actor acting as no user: the operator
// in an app, or a REST API Key without onBehalfOf.
func needServer(ctx context.Context, what string) (parley.Actor, error) {
	a, err := needFull(ctx, what)
	if err != nil {
		return a, err
	}
	if a.IsUser() {
		return a, errNoAccess(what + " on behalf of a user")
	}
	return a, nil
}

// needKey allows a full access key or an Auth Key: creating users and
// logging them in.
func needKey(ctx context.Context, what string) (parley.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return a, err
	}
	if a.Access != parley.AccessFullAccess && a.Access != parley.AccessAuthOnly {
		return a, errNoAccess(what)
	}
	return a, nil
}

// needUser allows a call acting as a user: an auth token, or a full access
// key with onBehalfOf.
func needUser(ctx context.Context, what string) (parley.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return a, err
	}
	if !a.IsUser() {
		return a, parley.Errorf(parley.KindForbidden, parley.CodeNoAccess,
			"%s needs a user: an authtoken, or an apikey with onBehalfOf", what)
	}
	return a, nil
}

// needReader allows a full access key or a user.
func needReader(ctx context.Context, what string) (parley.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return a, err
	}
	if a.Access != parley.AccessFullAccess && !a.IsUser() {
		return a, errNoAccess(what)
	}
	return a, nil
}

// needSelfOrFull allows a full access key (acting as anyone: such a key may
// do anything in its app), or uid's own auth token.
func needSelfOrFull(ctx context.Context, uid, what string) (parley.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return a, err
	}
	if a.Access == parley.AccessFullAccess || (a.IsUser() && a.UID == uid) {
		return a, nil
	}
	return a, errNoAccess(what)
}
