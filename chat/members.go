package chat

import (
	"context"
	"errors"
	"strings"

	"github.com/parleychat/parley"
)

// GroupCreated is the answer to CreateGroup: the group, and the results of
// the initial member lists when any were given, as AddMembers answers.
type GroupCreated struct {
	*parley.Group
	Members *MembersAdded `json:"members,omitempty"`
}

// CreateGroup makes a group. The creating user, or the owner a full access
// key names, becomes its owner and an admin; the member lists of in are
// added (and banned) as by AddMembers, in the same transaction.
func (s *Service) CreateGroup(ctx context.Context, in parley.NewGroup) (*GroupCreated, error) {
	if err := s.mayUse(ctx, featCreateGroup); err != nil {
		return nil, err
	}
	a, err := needReader(ctx, "create groups")
	if err != nil {
		return nil, err
	}
	g, owner, err := s.newGroup(a, in)
	if err != nil {
		return nil, err
	}
	out := &GroupCreated{}
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		if err := activeUser(ctx, tx, a.AppID, owner); err != nil {
			return err
		}
		if err := tx.CreateGroup(ctx, a.AppID, g); err != nil {
			return storeErr(err, nil, parley.Errorf(parley.KindConflict, parley.CodeGUIDExists,
				"the guid %s is already taken", g.GUID))
		}
		action := parley.ActionAdded
		if a.ActingUID() == owner {
			action = parley.ActionJoined
		}
		if _, _, err := s.startMember(ctx, tx, a.AppID, g, a.ActingUID(), owner, parley.ScopeAdmin, action); err != nil {
			return err
		}
		v := &groupView{a: a, g: g, scope: parley.ScopeAdmin}
		if !in.Members.Empty() {
			if out.Members, err = s.addMembers(ctx, tx, v, in.Members); err != nil {
				return err
			}
		}
		if out.Group, err = tx.Group(ctx, a.AppID, g.GUID, a.UID); err != nil {
			return err
		}
		return s.hookGroup(ctx, tx, a.AppID, parley.TriggerGroupCreated, out.Group)
	})
	if err != nil {
		return nil, storeErr(err, nil, nil)
	}
	return out, nil
}

// newGroup checks a create request and returns the group and its owner.
func (s *Service) newGroup(a parley.Actor, in parley.NewGroup) (*parley.Group, string, error) {
	guid, err := normID(in.GUID, parley.CodeInvalidGUID, "guid")
	if err != nil {
		return nil, "", err
	}
	owner := a.UID
	if in.Owner != "" {
		if !a.IsServer() {
			return nil, "", errNoAccess("name another user as a group's owner")
		}
		if owner, err = normID(in.Owner, parley.CodeUIDNotFound, "owner"); err != nil {
			return nil, "", err
		}
	}
	if owner == "" {
		return nil, "", invalid("owner is required when a server key creates a group")
	}
	now := s.unix()
	g := &parley.Group{GUID: guid, Name: strings.TrimSpace(in.Name), Type: in.Type, Icon: in.Icon,
		Description: in.Description, Metadata: in.Metadata, Owner: owner,
		ConversationID: parley.GroupConversationID(guid), CreatedAt: now, UpdatedAt: now}
	if err := checkGroupFields(g); err != nil {
		return nil, "", err
	}
	if g.Tags, err = checkTags(in.Tags); err != nil {
		return nil, "", err
	}
	if g.Type == parley.GroupPassword {
		if g.PasswordHash, err = s.hashPassword(in.Password); err != nil {
			return nil, "", err
		}
	}
	return g, owner, nil
}

// activeUser checks that uid exists and is not deactivated.
func activeUser(ctx context.Context, tx parley.Tx, appID, uid string) error {
	u, err := liveUser(ctx, tx, appID, uid, "")
	if err != nil {
		return err
	}
	if u.DeactivatedAt != 0 { // CometChat's code for a deactivated user
		return parley.Errorf(parley.KindNotFound, parley.CodeUIDNotFound, "the user %s is deactivated", uid)
	}
	return nil
}

// startMember writes the action message that begins uid's membership and
// the membership from that message on.
func (s *Service) startMember(ctx context.Context, tx parley.Tx, appID string, g *parley.Group,
	by, uid, scope, action string) (*parley.Member, *parley.Message, error) {
	m, err := s.groupActionMessage(ctx, tx, appID, g, action, by, uid, nil)
	if err != nil {
		return nil, nil, err
	}
	mem := &parley.Member{User: &parley.User{UID: uid}, Scope: scope, JoinedAt: m.SentAt, JoinedID: m.ID}
	if err := tx.AddMember(ctx, appID, g.GUID, mem); err != nil {
		return nil, nil, wrapf(err, "add member")
	}
	return mem, m, nil
}

// endMember writes the action message that ends uid's membership and ends
// it there.
func (s *Service) endMember(ctx context.Context, tx parley.Tx, appID string, g *parley.Group,
	by, uid, action string) error {
	m, err := s.groupActionMessage(ctx, tx, appID, g, action, by, uid, nil)
	if err != nil {
		return err
	}
	return wrapf(tx.EndMember(ctx, appID, g.GUID, uid, m.ID, m.SentAt), "end member")
}

// Join makes the acting user a participant of a public group, or of a
// password group with the right password.
func (s *Service) Join(ctx context.Context, guid, password string) (*parley.Group, error) {
	if err := s.mayUse(ctx, featJoinGroup); err != nil {
		return nil, err
	}
	a, err := needUser(ctx, "joining a group")
	if err != nil {
		return nil, err
	}
	// The slow password check runs before the write transaction, so that it
	// holds no lock; the transaction re-checks that the hash is unchanged.
	v, err := loadGroup(ctx, s.store, a, guid)
	if err != nil {
		return nil, s.joinRefusal(ctx, a, guid, err)
	}
	if err := checkJoin(v, password); err != nil {
		return nil, err
	}
	checked := v.g.PasswordHash
	// The join runs in the group-commit writer, so that many joins share
	// a transaction and its sync to disk. Its action message is appended
	// at once (the membership starts at its id), so its webhook deliveries
	// are queued here and it is published once the batch committed.
	var out *parley.Group
	var act *parley.Message
	err = s.writer.do(ctx, func(ctx context.Context, tx parley.Tx) error {
		v, err := loadGroup(ctx, tx, a, guid)
		if err != nil {
			return err
		}
		if v.me != nil {
			return parley.Errorf(parley.KindConflict, parley.CodeAlreadyJoined, "you are already a member")
		}
		if err := v.refuseBanned(ctx, tx, a.UID); err != nil {
			return err
		}
		if v.g.Type == parley.GroupPrivate {
			return errJoinNotAllowed()
		}
		if v.g.PasswordHash != checked {
			return parley.Errorf(parley.KindForbidden, parley.CodeWrongGroupPass, "the password is wrong")
		}
		_, m, err := s.startMember(ctx, tx, a.AppID, v.g, a.UID, a.UID, parley.ScopeParticipant, parley.ActionJoined)
		if err != nil {
			return err
		}
		forgetGroup(tx, a.AppID, v.g.GUID)
		if err := s.hookMessages(ctx, tx, a.AppID, m); err != nil {
			return err
		}
		act = m
		out, err = tx.Group(ctx, a.AppID, v.g.GUID, a.UID)
		return err
	})
	if err != nil {
		return nil, storeErr(err, nil, nil)
	}
	s.publishMessages(ctx, a.AppID, act)
	return out, nil
}

// forgetGroup drops what a write batch remembers of a group (see
// loadGroup) once a job changed its members: the jobs after it read the
// group (its member count) again.
func forgetGroup(tx parley.Tx, appID, guid string) {
	if b, ok := tx.(*batchTx); ok {
		delete(b.memo, "group\x00"+appID+"\x00"+guid)
	}
}

// joinRefusal is the answer to joining a group the user may not see: a
// private group they are not in is hidden from them (404 to read it), but
// CometChat answers an attempt to join one ERR_GROUP_JOIN_NOT_ALLOWED, and
// so does Parley. Any other failure to load the group stands.
func (s *Service) joinRefusal(ctx context.Context, a parley.Actor, guid string, err error) error {
	if parley.CodeOf(err) != parley.CodeGUIDNotFound {
		return err
	}
	id, _ := parley.NormalizeID(guid)
	if g, gerr := s.store.Group(ctx, a.AppID, id, ""); gerr == nil && g.Type == parley.GroupPrivate {
		return errJoinNotAllowed()
	}
	return err
}

func errJoinNotAllowed() *parley.Error {
	return parley.Errorf(parley.KindForbidden, parley.CodeGroupJoinNotAllowed, "a private group is joined only by being added")
}

// checkJoin applies the group type's rule for joining.
func checkJoin(v *groupView, password string) error {
	switch {
	case v.me != nil:
		return parley.Errorf(parley.KindConflict, parley.CodeAlreadyJoined, "you are already a member")
	case v.g.Type == parley.GroupPrivate:
		return errJoinNotAllowed()
	case v.g.Type != parley.GroupPassword:
		return nil
	case password == "":
		return parley.Errorf(parley.KindInvalid, parley.CodeEmptyGroupPass, "this group needs a password")
	case !passwordOK(v.g.PasswordHash, password):
		return parley.Errorf(parley.KindForbidden, parley.CodeWrongGroupPass, "the password is wrong")
	}
	return nil
}

// refuseBanned fails with ERR_BANNED_GROUPMEMBER when uid is banned.
func (v *groupView) refuseBanned(ctx context.Context, tx parley.Tx, uid string) error {
	banned, err := tx.IsBanned(ctx, v.a.AppID, v.g.GUID, uid)
	if err != nil {
		return err
	}
	if banned {
		return parley.Errorf(parley.KindForbidden, parley.CodeBannedMember, "%s is banned from this group", uid)
	}
	return nil
}

// Leave ends the acting user's membership. The owner must transfer
// ownership first.
func (s *Service) Leave(ctx context.Context, guid string) error {
	if err := s.mayUse(ctx, featLeaveGroup); err != nil {
		return err
	}
	a, err := needUser(ctx, "leaving a group")
	if err != nil {
		return err
	}
	return storeErr(s.store.InTx(ctx, func(tx parley.Tx) error {
		v, err := loadGroup(ctx, tx, a, guid)
		if err != nil {
			return err
		}
		if v.me == nil {
			return parley.Errorf(parley.KindForbidden, parley.CodeGroupNotJoined, "you are not a member of this group")
		}
		if v.g.Owner == a.UID {
			return parley.Errorf(parley.KindForbidden, parley.CodeGroupOwnerCannotLeave,
				"the owner must transfer ownership before leaving")
		}
		return s.endMember(ctx, tx, a.AppID, v.g, a.UID, a.UID, parley.ActionLeft)
	}), nil, nil)
}

// target returns uid's current membership of the group, or nil; a uid of
// no live user is ERR_UID_NOT_FOUND.
func (v *groupView) target(ctx context.Context, tx parley.Tx, uid string) (*parley.Member, error) {
	if _, err := liveUser(ctx, tx, v.a.AppID, uid, ""); err != nil {
		return nil, err
	}
	m, err := tx.Member(ctx, v.a.AppID, v.g.GUID, uid)
	if errors.Is(err, parley.ErrNotFound) {
		return nil, nil
	}
	return m, err
}

func errTargetNotMember(uid string) *parley.Error {
	return parley.Errorf(parley.KindNotFound, parley.CodeNotAMember, "%s is not a member of this group", uid)
}
