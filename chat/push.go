package chat

import (
	"context"
	"errors"
	"strings"

	"github.com/parleychat/parley"
)

// This file is what users say about their pushes: the device tokens their
// logins register, and their preferences. Who is pushed for a message is
// pushrules.go.

// PushTokenIn names a device push token.
type PushTokenIn struct {
	Platform string `json:"platform"` // fcm | apns | webhook
	Token    string `json:"token"`
}

func errPushTokenNotFound() *parley.Error {
	return parley.Errorf(parley.KindNotFound, parley.CodePushTokenNotFound, "this login registered no such push token")
}

// needLogin allows an auth token only: a push token belongs to the login
// of the device that registers it, and goes with it.
func needLogin(ctx context.Context) (parley.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return a, err
	}
	if a.Access != parley.AccessUser || a.TokenID == "" {
		return a, parley.Errorf(parley.KindForbidden, parley.CodePushNeedsAuthToken,
			"push tokens belong to a device's login: call with its authtoken")
	}
	return a, nil
}

// checkPushToken validates and folds a push token's platform and value.
func checkPushToken(in PushTokenIn) (PushTokenIn, error) {
	in.Platform = strings.ToLower(strings.TrimSpace(in.Platform))
	in.Token = strings.TrimSpace(in.Token)
	switch in.Platform {
	case parley.PushFCM, parley.PushAPNs, parley.PushWebhook:
	default:
		return in, parley.Errorf(parley.KindInvalid, parley.CodeInvalidPushPlatform, "platform must be fcm, apns or webhook")
	}
	if in.Token == "" {
		return in, parley.Errorf(parley.KindInvalid, parley.CodeEmptyPushToken, "a push token is required")
	}
	if len(in.Token) > parley.MaxPushTokenLen || strings.ContainsFunc(in.Token, isControl) {
		return in, invalid("token must be at most %d printable characters", parley.MaxPushTokenLen)
	}
	return in, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// RegisterPushToken registers a device token for the acting login (an auth
// token). A token already registered moves here: one device, one owner.
func (s *Service) RegisterPushToken(ctx context.Context, in PushTokenIn) (*parley.PushToken, error) {
	a, err := needLogin(ctx)
	if err != nil {
		return nil, err
	}
	if in, err = checkPushToken(in); err != nil {
		return nil, err
	}
	t := &parley.PushToken{AppID: a.AppID, UID: a.UID, AuthTokenID: a.TokenID, Platform: in.Platform,
		Token: in.Token, CreatedAt: s.unix()}
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		ts, err := tx.PushTokens(ctx, a.AppID, a.TokenID)
		if err != nil {
			return err
		}
		others := 0
		for _, o := range ts {
			if o.Platform == t.Platform && o.Token == t.Token {
				t.CreatedAt = o.CreatedAt
				continue
			}
			others++
		}
		if others >= parley.MaxPushTokens {
			return parley.Errorf(parley.KindConflict, parley.CodePushTokenLimit,
				"a login registers at most %d push tokens", parley.MaxPushTokens)
		}
		return tx.SavePushToken(ctx, t)
	})
	// ErrNotFound: the auth token was deleted meanwhile.
	if err != nil {
		return nil, storeErr(err, parley.Errorf(parley.KindUnauthorized, parley.CodeAuthTokenNotFound, "the auth token is gone"), nil)
	}
	return t, nil
}

// PushTokens lists the push tokens of the acting login, oldest first.
func (s *Service) PushTokens(ctx context.Context) ([]*parley.PushToken, error) {
	a, err := needLogin(ctx)
	if err != nil {
		return nil, err
	}
	ts, err := s.store.PushTokens(ctx, a.AppID, a.TokenID)
	if err != nil {
		return nil, parley.Internal(err)
	}
	if ts == nil {
		ts = []*parley.PushToken{}
	}
	return ts, nil
}

// UnregisterPushTokens removes one push token of the acting login, or with
// in empty all of them, and says how many went.
func (s *Service) UnregisterPushTokens(ctx context.Context, in PushTokenIn) (int, error) {
	a, err := needLogin(ctx)
	if err != nil {
		return 0, err
	}
	if in.Platform == "" && in.Token == "" {
		n, err := s.store.DeletePushTokens(ctx, a.AppID, a.TokenID)
		return n, storeErr(err, nil, nil)
	}
	if in, err = checkPushToken(in); err != nil {
		return 0, err
	}
	err = s.store.DeletePushToken(ctx, a.AppID, a.TokenID, in.Platform, in.Token)
	if err != nil {
		return 0, storeErr(err, errPushTokenNotFound(), nil)
	}
	return 1, nil
}

// ForgetPushToken drops a device token a push service reported invalid,
// whoever holds it now.
func (s *Service) ForgetPushToken(ctx context.Context, t *parley.PushToken) error {
	return s.store.DropPushToken(ctx, t.AppID, t.Platform, t.Token)
}

// PushPreferencesUpdate changes some of a user's push preferences.
type PushPreferencesUpdate struct {
	OneOnOneMessages *string `json:"oneOnOneMessages"`
	GroupMessages    *string `json:"groupMessages"`
	Calls            *string `json:"calls"`
	Muted            *bool   `json:"muted"`
	MutedUntil       *int64  `json:"mutedUntil"`
}

// checkPreference validates a preference value: all, mentions or none;
// withMentions false refuses mentions (calls), withEmpty allows "" (a
// conversation's "the user's").
func checkPreference(field, v string, withMentions, withEmpty bool) error {
	switch {
	case v == parley.PushAll, v == parley.PushNone, v == parley.PushMentions && withMentions, v == "" && withEmpty:
		return nil
	case withMentions:
		return invalid("%s must be all, mentions or none", field)
	}
	return invalid("%s must be all or none", field)
}

// applyMute sets a mute from an update: muting with a time mutes until
// then, unmuting clears the time.
func applyMute(muted *bool, until *int64, m *bool, u *int64) error {
	if until != nil && *until < 0 {
		return invalid("mutedUntil must be a Unix time in seconds, or 0 for no end")
	}
	if muted != nil {
		*m = *muted
		if !*muted {
			*u = 0
		}
	}
	if until != nil {
		*u = *until
		if *until > 0 && muted == nil {
			*m = true // a time to mute until says muted
		}
	}
	return nil
}

// mutedAt reports whether a mute holds at now.
func mutedAt(muted bool, until, now int64) bool { return muted && (until == 0 || until > now) }

// shownPreferences is p as read at now: a mute that ended is shown ended.
func shownPreferences(p parley.PushPreferences, now int64) *parley.PushPreferences {
	if !mutedAt(p.Muted, p.MutedUntil, now) {
		p.Muted, p.MutedUntil = false, 0
	}
	return &p
}

// userPreferences reads uid's preferences, the defaults when none are set.
func userPreferences(ctx context.Context, tx parley.Tx, appID, uid string) (parley.PushPreferences, error) {
	p, err := tx.PushPreferences(ctx, appID, uid)
	switch {
	case err == nil:
		return *p, nil
	case errors.Is(err, parley.ErrNotFound):
		return parley.DefaultPushPreferences(), nil
	}
	return parley.PushPreferences{}, err
}

// PushPreferences returns the acting user's push preferences.
func (s *Service) PushPreferences(ctx context.Context) (*parley.PushPreferences, error) {
	a, err := needUser(ctx, "push preferences")
	if err != nil {
		return nil, err
	}
	p, err := userPreferences(ctx, s.store, a.AppID, a.UID)
	if err != nil {
		return nil, parley.Internal(err)
	}
	return shownPreferences(p, s.unix()), nil
}

// UpdatePushPreferences changes the fields of in that are set.
func (s *Service) UpdatePushPreferences(ctx context.Context, in PushPreferencesUpdate) (*parley.PushPreferences, error) {
	a, err := needUser(ctx, "push preferences")
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name     string
		v        *string
		mentions bool
	}{{"oneOnOneMessages", in.OneOnOneMessages, true}, {"groupMessages", in.GroupMessages, true}, {"calls", in.Calls, false}} {
		if f.v != nil {
			if err := checkPreference(f.name, *f.v, f.mentions, false); err != nil {
				return nil, err
			}
		}
	}
	var p parley.PushPreferences
	err = s.store.InTx(ctx, func(tx parley.Tx) (err error) {
		if p, err = userPreferences(ctx, tx, a.AppID, a.UID); err != nil {
			return err
		}
		setIf(&p.OneOnOneMessages, in.OneOnOneMessages)
		setIf(&p.GroupMessages, in.GroupMessages)
		setIf(&p.Calls, in.Calls)
		if err := applyMute(in.Muted, in.MutedUntil, &p.Muted, &p.MutedUntil); err != nil {
			return err
		}
		p.UpdatedAt = s.unix()
		return tx.SetPushPreferences(ctx, a.AppID, a.UID, &p)
	})
	if err != nil {
		return nil, storeErr(err, errUIDNotFound(a.UID), nil)
	}
	return shownPreferences(p, s.unix()), nil
}

// ResetPushPreferences returns the acting user to the defaults.
func (s *Service) ResetPushPreferences(ctx context.Context) (*parley.PushPreferences, error) {
	a, err := needUser(ctx, "push preferences")
	if err != nil {
		return nil, err
	}
	if err := s.store.DeletePushPreferences(ctx, a.AppID, a.UID); err != nil {
		return nil, parley.Internal(err)
	}
	p := parley.DefaultPushPreferences()
	return &p, nil
}

func setIf(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}
