package chat

import (
	"context"
	"strings"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/internal/token"
)

func errTokenNotFound() *parley.Error {
	return parley.Errorf(parley.KindNotFound, parley.CodeTokenNotFound, "no such auth token")
}

func checkDevice(d parley.Device) error {
	if err := checkLen("platform", d.Platform, parley.MaxDeviceField); err != nil {
		return err
	}
	if err := checkLen("deviceId", d.DeviceID, parley.MaxDeviceField); err != nil {
		return err
	}
	return checkMetadata(d.AppInfo)
}

func deviceEmpty(d parley.Device) bool {
	return d.Platform == "" && d.DeviceID == "" && d.AppInfo == nil
}

func (s *Service) newAuthToken(ctx context.Context, tx parley.Tx, appID, uid string, d parley.Device) (*parley.AuthToken, error) {
	sec := token.New()
	now := s.unix()
	t := &parley.AuthToken{ID: sec.ID, AppID: appID, UID: uid, Token: sec.Value, Hash: sec.Hash,
		Platform: d.Platform, DeviceID: d.DeviceID, AppInfo: d.AppInfo, CreatedAt: now, UpdatedAt: now}
	return t, wrapf(tx.CreateAuthToken(ctx, t), "create auth token")
}

func maskedToken(t *parley.AuthToken) *parley.AuthToken {
	c := *t
	c.Token = token.Mask(t.ID)
	return &c
}

// tokenID resolves a token's path handle: its public id, its full value, or
// the masked value lists show (the only handle a list gives).
func tokenID(handle string) string {
	if id, ok := token.ID(handle); ok {
		return id
	}
	return strings.TrimRight(handle, "*")
}

// CreateAuthToken logs a user in on a device (a full access key or the Auth
// Key). The token is returned in full, once.
func (s *Service) CreateAuthToken(ctx context.Context, uid string, d parley.Device) (*parley.AuthToken, error) {
	a, err := needKey(ctx, "create auth tokens")
	if err != nil {
		return nil, err
	}
	if err := checkDevice(d); err != nil {
		return nil, err
	}
	uid, _ = parley.NormalizeID(uid)
	var t *parley.AuthToken
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		u, err := liveUser(ctx, tx, a.AppID, uid, "")
		if err != nil {
			return err
		}
		if u.DeactivatedAt != 0 { // CometChat's code for a deactivated user
			return parley.Errorf(parley.KindNotFound, parley.CodeUIDNotFound, "the user %s is deactivated", uid)
		}
		t, err = s.newAuthToken(ctx, tx, a.AppID, uid, d)
		return err
	})
	return t, storeErr(err, nil, nil)
}

// userToken returns uid's token by handle, refusing another user's token,
// and a handle in the form of a full token that is not this one's value.
func userToken(ctx context.Context, tx parley.Tx, appID, uid, handle string) (*parley.AuthToken, error) {
	t, err := tx.AuthToken(ctx, appID, tokenID(handle))
	if err == nil && t.UID != uid {
		err = parley.ErrNotFound
	}
	if _, full := token.ID(handle); err == nil && full && !token.Equal(handle, t.Hash) {
		err = parley.ErrNotFound
	}
	return t, storeErr(err, errTokenNotFound(), nil)
}

// shownToken is t as an answer about the token named by handle shows it: in
// full when the handle is its full value, which the caller proved to hold
// by sending it, else masked.
func shownToken(t *parley.AuthToken, handle string) *parley.AuthToken {
	if _, full := token.ID(handle); full && token.Equal(handle, t.Hash) {
		c := *t
		c.Token = handle
		return &c
	}
	return maskedToken(t)
}

// AuthTokens lists a page of a user's tokens, oldest first, masked.
func (s *Service) AuthTokens(ctx context.Context, uid string, p parley.Page) ([]*parley.AuthToken, parley.Pagination, error) {
	uid, _ = parley.NormalizeID(uid)
	a, err := needSelfOrFull(ctx, uid, "list auth tokens")
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	if p, err = s.page(p); err != nil {
		return nil, parley.Pagination{}, err
	}
	if _, err := liveUser(ctx, s.store, a.AppID, uid, ""); err != nil {
		return nil, parley.Pagination{}, err
	}
	ts, err := s.store.AuthTokens(ctx, a.AppID, uid)
	if err != nil {
		return nil, parley.Pagination{}, parley.Internal(err)
	}
	ts, meta := pageOf(ts, p)
	for i, t := range ts {
		ts[i] = maskedToken(t)
	}
	return ts, meta, nil
}

// AuthToken returns one of a user's tokens; handle is its id, its masked
// value or its full value, and only the last is echoed in full.
func (s *Service) AuthToken(ctx context.Context, uid, handle string) (*parley.AuthToken, error) {
	uid, _ = parley.NormalizeID(uid)
	a, err := needSelfOrFull(ctx, uid, "read auth tokens")
	if err != nil {
		return nil, err
	}
	t, err := userToken(ctx, s.store, a.AppID, uid, handle)
	if err != nil {
		return nil, err
	}
	return shownToken(t, handle), nil
}

// UpdateAuthToken changes a token's device info.
func (s *Service) UpdateAuthToken(ctx context.Context, uid, handle string, d parley.Device) (*parley.AuthToken, error) {
	uid, _ = parley.NormalizeID(uid)
	a, err := needFull(ctx, "update auth tokens")
	if err != nil {
		return nil, err
	}
	if err := checkDevice(d); err != nil {
		return nil, err
	}
	var t *parley.AuthToken
	err = s.store.InTx(ctx, func(tx parley.Tx) (err error) {
		if t, err = userToken(ctx, tx, a.AppID, uid, handle); err != nil {
			return err
		}
		return s.updateDevice(ctx, tx, a.AppID, t.ID, d)
	})
	if err != nil {
		return nil, storeErr(err, errTokenNotFound(), nil)
	}
	if t, err = s.AuthToken(ctx, uid, t.ID); err != nil {
		return nil, err
	}
	return shownToken(t, handle), nil
}

func (s *Service) updateDevice(ctx context.Context, tx parley.Tx, appID, id string, d parley.Device) error {
	t, err := tx.AuthToken(ctx, appID, id)
	if err != nil {
		return err
	}
	if d.Platform != "" {
		t.Platform = d.Platform
	}
	if d.DeviceID != "" {
		t.DeviceID = d.DeviceID
	}
	if d.AppInfo != nil {
		t.AppInfo = d.AppInfo
	}
	t.UpdatedAt = s.unix()
	return tx.UpdateAuthToken(ctx, t)
}

// DeleteAuthToken logs one device out.
func (s *Service) DeleteAuthToken(ctx context.Context, uid, handle string) error {
	uid, _ = parley.NormalizeID(uid)
	a, err := needSelfOrFull(ctx, uid, "delete auth tokens")
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx parley.Tx) error {
		t, err := userToken(ctx, tx, a.AppID, uid, handle)
		if err != nil {
			return err
		}
		if err := tx.DeleteAuthToken(ctx, a.AppID, t.ID); err != nil {
			return storeErr(err, errTokenNotFound(), nil)
		}
		s.afterCommit(ctx, tx, sessionEnd(a.AppID, uid, t.ID))
		return nil
	})
}

// FlushAuthTokens logs a user out everywhere and says how many tokens went.
func (s *Service) FlushAuthTokens(ctx context.Context, uid string) (int, error) {
	uid, _ = parley.NormalizeID(uid)
	a, err := needSelfOrFull(ctx, uid, "delete auth tokens")
	if err != nil {
		return 0, err
	}
	if _, err := liveUser(ctx, s.store, a.AppID, uid, ""); err != nil {
		return 0, err
	}
	n, err := s.store.DeleteAuthTokens(ctx, a.AppID, uid)
	if err != nil {
		return 0, storeErr(err, nil, nil)
	}
	s.publish(ctx, sessionEnd(a.AppID, uid, ""))
	return n, nil
}
