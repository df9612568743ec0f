package chat

import (
	"context"

	"github.com/parleychat/parley"
)

// DeleteUser removes a user. A soft delete keeps the uid reserved and the
// user's messages, hides the user and logs out every device; a permanent
// delete removes the user and everything of theirs and frees the uid.
// Either way the user leaves every group first (see leaveAllGroups). The
// files uploaded with the messages a permanent delete removes are deleted
// once it commits.
func (s *Service) DeleteUser(ctx context.Context, uid string, permanent bool) error {
	a, err := needFull(ctx, "delete users")
	if err != nil {
		return err
	}
	uid, _ = parley.NormalizeID(uid)
	var files []string
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		files = nil
		u, err := tx.User(ctx, a.AppID, uid, "")
		if err != nil {
			return err
		}
		if u.DeletedAt != 0 && !permanent {
			return parley.ErrNotFound
		}
		if files, err = s.leaveAllGroups(ctx, tx, a.AppID, uid); err != nil {
			return err
		}
		s.afterCommit(ctx, tx, sessionEnd(a.AppID, uid, ""))
		if permanent {
			// What PurgeUserMessages removes: uid's one-to-one
			// conversations and every message uid sent.
			for _, f := range []parley.MessageFilter{{Participant: uid}, {Sender: uid}} {
				keys, err := s.filesOf(ctx, tx, a.AppID, f)
				if err != nil {
					return err
				}
				files = append(files, keys...)
			}
			if err := tx.PurgeUserMessages(ctx, a.AppID, uid); err != nil {
				return err
			}
			return tx.PurgeUser(ctx, a.AppID, uid)
		}
		u.DeletedAt = s.unix()
		u.UpdatedAt = u.DeletedAt
		if err := tx.UpdateUser(ctx, a.AppID, u); err != nil {
			return err
		}
		_, err = tx.DeleteAuthTokens(ctx, a.AppID, uid)
		return err
	})
	if err != nil {
		return storeErr(err, errUIDNotFound(uid), nil)
	}
	s.dropFiles(ctx, files)
	return nil
}

// Activation is the answer to a bulk (de)activation: which uids changed.
type Activation struct {
	Changed   []string
	Unchanged []string
}

// DeactivateUsers deactivates users: they can't log in or use their tokens
// until reactivated, and they leave every group (see leaveAllGroups;
// reactivation does not restore memberships). Unknown or already deactivated uids are reported as
// unchanged.
func (s *Service) DeactivateUsers(ctx context.Context, uids []string) (Activation, error) {
	return s.setActive(ctx, uids, false)
}

// ReactivateUsers undoes DeactivateUsers.
func (s *Service) ReactivateUsers(ctx context.Context, uids []string) (Activation, error) {
	return s.setActive(ctx, uids, true)
}

func (s *Service) setActive(ctx context.Context, uids []string, active bool) (Activation, error) {
	out := Activation{Changed: []string{}, Unchanged: []string{}}
	a, err := needFull(ctx, "deactivate users")
	if err != nil {
		return out, err
	}
	if len(uids) == 0 {
		return out, invalid("name at least one uid")
	}
	if len(uids) > s.limits.MaxPerPage {
		return out, parley.Errorf(parley.KindInvalid, parley.CodeTooManyUIDs, "at most %d uids a call", s.limits.MaxPerPage)
	}
	now := s.unix()
	var files []string
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		files = nil
		for _, raw := range uids {
			uid, _ := parley.NormalizeID(raw)
			u, err := liveUser(ctx, tx, a.AppID, uid, "")
			if err != nil || (u.DeactivatedAt == 0) == active {
				out.Unchanged = append(out.Unchanged, raw)
				continue
			}
			u.DeactivatedAt, u.UpdatedAt = 0, now
			if !active {
				u.DeactivatedAt = now
				keys, err := s.leaveAllGroups(ctx, tx, a.AppID, uid)
				if err != nil {
					return err
				}
				s.afterCommit(ctx, tx, sessionEnd(a.AppID, uid, ""))
				files = append(files, keys...)
			}
			if err := tx.UpdateUser(ctx, a.AppID, u); err != nil {
				return err
			}
			out.Changed = append(out.Changed, uid)
		}
		return nil
	})
	if err == nil {
		s.dropFiles(ctx, files)
	}
	return out, storeErr(err, nil, nil)
}

// Me returns the acting user.
func (s *Service) Me(ctx context.Context) (*parley.User, error) {
	if err := s.mayUse(ctx, featGetMyDetails); err != nil {
		return nil, err
	}
	a, err := needUser(ctx, "reading /me")
	if err != nil {
		return nil, err
	}
	return liveUser(ctx, s.store, a.AppID, a.UID, "")
}

// MeUpdate is what a user may change of themself: the profile (not the
// role) and the device info of the token in use.
type MeUpdate struct {
	parley.UserUpdate
	parley.Device
}

// UpdateMe changes the acting user's profile and, for an auth token, the
// token's device info.
func (s *Service) UpdateMe(ctx context.Context, in MeUpdate) (*parley.User, error) {
	if err := s.mayUse(ctx, featUpdateAuthToken); err != nil {
		return nil, err
	}
	a, err := needUser(ctx, "updating /me")
	if err != nil {
		return nil, err
	}
	if in.Role != nil {
		return nil, errNoAccess("change their own role")
	}
	for _, f := range in.Unset {
		if f == "role" {
			return nil, errNoAccess("change their own role")
		}
	}
	if err := checkDevice(in.Device); err != nil {
		return nil, err
	}
	var u *parley.User
	err = s.store.InTx(ctx, func(tx parley.Tx) (err error) {
		if u, err = liveUser(ctx, tx, a.AppID, a.UID, ""); err != nil {
			return err
		}
		if err := s.applyUserUpdate(ctx, tx, a.AppID, u, in.UserUpdate); err != nil {
			return err
		}
		u.UpdatedAt = s.unix()
		if err := tx.UpdateUser(ctx, a.AppID, u); err != nil {
			return err
		}
		s.afterCommit(ctx, tx, s.userUpdated(ctx, a.AppID, u))
		if a.TokenID == "" || deviceEmpty(in.Device) {
			return nil
		}
		return s.updateDevice(ctx, tx, a.AppID, a.TokenID, in.Device)
	})
	if err != nil {
		return nil, storeErr(err, errUIDNotFound(a.UID), nil)
	}
	return u, nil
}

// Logout deletes the auth token the request came with.
func (s *Service) Logout(ctx context.Context) error {
	if err := s.mayUse(ctx, featLogout); err != nil {
		return err
	}
	a, err := needUser(ctx, "logging out")
	if err != nil {
		return err
	}
	if a.TokenID == "" {
		return invalid("logging out needs an authtoken")
	}
	if err := s.store.DeleteAuthToken(ctx, a.AppID, a.TokenID); err != nil {
		return storeErr(err, errTokenNotFound(), nil)
	}
	s.publish(ctx, sessionEnd(a.AppID, a.UID, a.TokenID))
	return nil
}
