package chat

import (
	"context"

	"github.com/parleychat/parley"
)

// TransferOwner makes another member the group's owner (and an admin). Only
// the owner, or a full access key acting as the app, may.
func (s *Service) TransferOwner(ctx context.Context, guid, owner string) (*parley.Group, error) {
	if err := s.mayUse(ctx, featPatchOwner); err != nil {
		return nil, err
	}
	owner, _ = parley.NormalizeID(owner)
	var out *parley.Group
	err := s.groupTx(ctx, guid, func(tx parley.Tx, v *groupView) error {
		if err := s.transferOwner(ctx, tx, v, owner); err != nil {
			return err
		}
		var err error
		out, err = tx.Group(ctx, v.a.AppID, v.g.GUID, v.a.UID)
		return err
	})
	return out, err
}

func (s *Service) transferOwner(ctx context.Context, tx parley.Tx, v *groupView, owner string) error {
	if v.a.UID != v.g.Owner && !v.a.IsServer() {
		return groupErr(parley.CodeGroupNoClearance, "only the owner may transfer ownership")
	}
	if owner == v.g.Owner {
		return parley.Errorf(parley.KindConflict, parley.CodeSameScope, "%s already owns the group", owner)
	}
	t, err := v.target(ctx, tx, owner)
	if err != nil {
		return err
	}
	if t == nil {
		return errTargetNotMember(owner)
	}
	return s.setOwner(ctx, tx, v.a.AppID, v.g, v.a.ActingUID(), t)
}

// setOwner hands the group to member t, making them an admin, and records
// it in the group's history.
func (s *Service) setOwner(ctx context.Context, tx parley.Tx, appID string, g *parley.Group, by string, t *parley.Member) error {
	old := g.Owner
	if t.Scope != parley.ScopeAdmin {
		if err := tx.SetMemberScope(ctx, appID, g.GUID, t.UID, parley.ScopeAdmin); err != nil {
			return err
		}
	}
	g.Owner, g.UpdatedAt = t.UID, s.unix()
	if err := tx.UpdateGroup(ctx, appID, g); err != nil {
		return err
	}
	extras := map[string]any{"owner": map[string]string{"old": old, "new": t.UID}}
	if t.Scope != parley.ScopeAdmin {
		extras["scope"] = map[string]string{"old": t.Scope, "new": parley.ScopeAdmin}
	}
	_, err := s.groupActionMessage(ctx, tx, appID, g, parley.ActionOwnerChanged, by, t.UID, extras)
	return err
}

// leaveAllGroups takes a user who is being deleted or deactivated out of
// every group, as if they left. A group they own passes to its longest-
// standing admin, else moderator, else participant; a group left with no
// member at all is deleted with its history (see deleteGroup: the keys of
// its files are returned, for the caller to drop once tx commits).
func (s *Service) leaveAllGroups(ctx context.Context, tx parley.Tx, appID, uid string) ([]string, error) {
	guids, err := tx.UserGroups(ctx, appID, uid)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, guid := range guids {
		g, err := tx.Group(ctx, appID, guid, "")
		if err != nil {
			return nil, err
		}
		if err := s.endMember(ctx, tx, appID, g, uid, uid, parley.ActionLeft); err != nil {
			return nil, err
		}
		if g.Owner != uid {
			continue
		}
		heir, err := successor(ctx, tx, appID, guid)
		if err != nil {
			return nil, err
		}
		if heir == nil {
			keys, err := s.deleteGroup(ctx, tx, appID, guid)
			if err != nil {
				return nil, err
			}
			if err := s.hookGroup(ctx, tx, appID, parley.TriggerGroupDeleted, g); err != nil {
				return nil, err
			}
			files = append(files, keys...)
			continue
		}
		if err := s.setOwner(ctx, tx, appID, g, parley.SystemUID, heir); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// successor is the member who inherits a group: the longest-standing admin,
// else moderator, else participant; nil when no member is left.
func successor(ctx context.Context, tx parley.Tx, appID, guid string) (*parley.Member, error) {
	for _, scope := range []string{parley.ScopeAdmin, parley.ScopeModerator, parley.ScopeParticipant} {
		ms, _, err := tx.Members(ctx, appID, guid, parley.MemberFilter{Scopes: []string{scope}, Page: parley.Page{Page: 1, PerPage: 1}})
		if err != nil {
			return nil, err
		}
		if len(ms) > 0 {
			return ms[0], nil
		}
	}
	return nil, nil
}
