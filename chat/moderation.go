package chat

import (
	"context"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleychat/parley"
)

func passwordOK(hash, password string) bool {
	return hash != "" && bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// groupTx runs fn in a transaction on the group as the acting actor sees it,
// refusing actors who are not members.
func (s *Service) groupTx(ctx context.Context, guid string, fn func(tx parley.Tx, v *groupView) error) error {
	a, err := needReader(ctx, "act on groups")
	if err != nil {
		return err
	}
	return storeErr(s.store.InTx(ctx, func(tx parley.Tx) error {
		v, err := loadGroup(ctx, tx, a, guid)
		if err != nil {
			return err
		}
		if err := v.needMember(ctx, tx); err != nil {
			return err
		}
		return fn(tx, v)
	}), nil, nil)
}

// MembersAdded is the answer to adding members, as CometChat gives it: per
// list of the request, the results of its uids. A uid added gets its
// "added" action message as data; a uid banned gets success alone. A uid
// named in several lists is answered in the one that decided it: banning
// wins over adding, and the highest scope over the others.
type MembersAdded struct {
	Admins       map[string]parley.BulkResult `json:"admins,omitempty"`
	Moderators   map[string]parley.BulkResult `json:"moderators,omitempty"`
	Participants map[string]parley.BulkResult `json:"participants,omitempty"`
	UsersToBan   map[string]parley.BulkResult `json:"usersToBan,omitempty"`
}

// put records a uid's result in the list of scope ("" for bans).
func (m *MembersAdded) put(scope, uid string, r parley.BulkResult) {
	list := &m.UsersToBan
	switch scope {
	case parley.ScopeAdmin:
		list = &m.Admins
	case parley.ScopeModerator:
		list = &m.Moderators
	case parley.ScopeParticipant:
		list = &m.Participants
	}
	if *list == nil {
		*list = map[string]parley.BulkResult{}
	}
	(*list)[uid] = r
}

// AddMembers adds users to a group by scope and bans the users to ban
// (admins). At most 25 uids a call; a uid listed under several scopes gets
// the highest. Results are per uid.
func (s *Service) AddMembers(ctx context.Context, guid string, lists parley.MemberLists) (*MembersAdded, error) {
	if err := s.mayUse(ctx, addFeatures(lists)...); err != nil {
		return nil, err
	}
	var out *MembersAdded
	err := s.groupTx(ctx, guid, func(tx parley.Tx, v *groupView) error {
		if err := mayAct(actAddMembers, v.g, v.a.UID, v.scope, "", "", ""); err != nil {
			return err
		}
		var err error
		out, err = s.addMembers(ctx, tx, v, lists)
		return err
	})
	return out, err
}

func (s *Service) addMembers(ctx context.Context, tx parley.Tx, v *groupView, lists parley.MemberLists) (*MembersAdded, error) {
	scopes, order := map[string]string{}, []string{}
	for _, l := range []struct {
		scope string
		uids  []string
	}{{parley.ScopeAdmin, lists.Admins}, {parley.ScopeModerator, lists.Moderators}, {parley.ScopeParticipant, lists.Participants}} {
		for _, uid := range l.uids {
			uid, _ = parley.NormalizeID(uid)
			if _, seen := scopes[uid]; !seen {
				order = append(order, uid)
				scopes[uid] = l.scope
			}
		}
	}
	bans := map[string]bool{}
	for _, uid := range lists.UsersToBan {
		uid, _ = parley.NormalizeID(uid)
		bans[uid] = true
	}
	if n := len(order) + len(bans); n > parley.MaxBulkUIDs {
		return nil, parley.Errorf(parley.KindInvalid, parley.CodeTooManyUIDs, "at most %d uids a call", parley.MaxBulkUIDs)
	}
	out := &MembersAdded{}
	for _, uid := range order {
		if bans[uid] {
			continue // banning wins over adding
		}
		m, err := s.addMember(ctx, tx, v, uid, scopes[uid])
		if err != nil {
			if _, ok := parley.AsError(err); !ok {
				return nil, err
			}
		}
		out.put(scopes[uid], uid, parley.BulkOf(m, err))
	}
	for _, uid := range lists.UsersToBan {
		uid, _ = parley.NormalizeID(uid)
		if _, done := out.UsersToBan[uid]; done {
			continue
		}
		err := s.ban(ctx, tx, v, uid)
		if _, ok := parley.AsError(err); err != nil && !ok {
			return nil, err
		}
		out.put("", uid, parley.BulkOf(nil, err))
	}
	return out, nil
}

// addMember adds one user and returns the "added" action message; rule
// failures are *parley.Error and write nothing.
func (s *Service) addMember(ctx context.Context, tx parley.Tx, v *groupView, uid, scope string) (*parley.Message, error) {
	if uid == "" {
		return nil, errUIDNotFound(uid)
	}
	if err := activeUser(ctx, tx, v.a.AppID, uid); err != nil {
		return nil, err
	}
	if _, err := tx.Member(ctx, v.a.AppID, v.g.GUID, uid); err == nil {
		return nil, parley.Errorf(parley.KindConflict, parley.CodeAlreadyJoined, "%s is already a member", uid)
	}
	if err := v.refuseBanned(ctx, tx, uid); err != nil {
		return nil, err
	}
	_, m, err := s.startMember(ctx, tx, v.a.AppID, v.g, v.a.ActingUID(), uid, scope, parley.ActionAdded)
	return m, err
}

// Members lists a group's current members (anyone who may see the group).
func (s *Service) Members(ctx context.Context, guid string, f parley.MemberFilter) ([]*parley.Member, parley.Pagination, error) {
	if err := s.mayUse(ctx, featListGroupMembers); err != nil {
		return nil, parley.Pagination{}, err
	}
	a, err := needReader(ctx, "list group members")
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	if f.Page, err = s.page(f.Page); err != nil {
		return nil, parley.Pagination{}, err
	}
	for _, sc := range f.Scopes {
		if parley.ScopeRank(sc) == 0 {
			return nil, parley.Pagination{}, errInvalidScope()
		}
	}
	v, err := loadGroup(ctx, s.store, a, guid)
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	ms, total, err := s.store.Members(ctx, a.AppID, v.g.GUID, f)
	if err != nil {
		return nil, parley.Pagination{}, parley.Internal(err)
	}
	return ms, parley.NewPagination(f.Page, len(ms), total), nil
}

func errInvalidScope() *parley.Error {
	return parley.Errorf(parley.KindInvalid, parley.CodeInvalidScope, "scope must be admin, moderator or participant")
}

// ScopeChanged is the answer to a scope change, as CometChat gives it.
type ScopeChanged struct {
	GUID     string `json:"guid"`
	UID      string `json:"uid"`
	Scope    string `json:"scope"`
	JoinedAt int64  `json:"joinedAt"`
}

// ChangeScope sets a member's scope, by the matrix of permissions.go.
func (s *Service) ChangeScope(ctx context.Context, guid, uid, scope string) (*ScopeChanged, error) {
	if err := s.mayUse(ctx, featChangeScope); err != nil {
		return nil, err
	}
	if parley.ScopeRank(scope) == 0 {
		return nil, errInvalidScope()
	}
	uid, _ = parley.NormalizeID(uid)
	var out *ScopeChanged
	err := s.groupTx(ctx, guid, func(tx parley.Tx, v *groupView) error {
		t, err := v.target(ctx, tx, uid)
		if err != nil {
			return err
		}
		if t == nil {
			return errTargetNotMember(uid)
		}
		if err := mayAct(actChangeScope, v.g, v.a.UID, v.scope, uid, t.Scope, scope); err != nil {
			return err
		}
		if t.Scope == scope {
			return parley.Errorf(parley.KindConflict, parley.CodeSameScope, "%s is already a %s", uid, scope)
		}
		if err := tx.SetMemberScope(ctx, v.a.AppID, v.g.GUID, uid, scope); err != nil {
			return err
		}
		extras := map[string]any{"scope": map[string]string{"old": t.Scope, "new": scope}}
		if _, err := s.groupActionMessage(ctx, tx, v.a.AppID, v.g, parley.ActionScopeChanged, v.a.ActingUID(), uid, extras); err != nil {
			return err
		}
		out = &ScopeChanged{GUID: v.g.GUID, UID: uid, Scope: scope, JoinedAt: t.JoinedAt}
		return nil
	})
	return out, err
}

// Kick ends a member's membership; they may rejoin.
func (s *Service) Kick(ctx context.Context, guid, uid string) error {
	if err := s.mayUse(ctx, featKickMember); err != nil {
		return err
	}
	uid, _ = parley.NormalizeID(uid)
	return s.groupTx(ctx, guid, func(tx parley.Tx, v *groupView) error {
		t, err := v.target(ctx, tx, uid)
		if err != nil {
			return err
		}
		if t == nil {
			return errTargetNotMember(uid)
		}
		if err := mayAct(actKick, v.g, v.a.UID, v.scope, uid, t.Scope, ""); err != nil {
			return err
		}
		return s.endMember(ctx, tx, v.a.AppID, v.g, v.a.ActingUID(), uid, parley.ActionKicked)
	})
}

// Ban ends a user's membership, if any, and keeps them out until unbanned.
func (s *Service) Ban(ctx context.Context, guid, uid string) error {
	if err := s.mayUse(ctx, featBan); err != nil {
		return err
	}
	uid, _ = parley.NormalizeID(uid)
	return s.groupTx(ctx, guid, func(tx parley.Tx, v *groupView) error {
		return s.ban(ctx, tx, v, uid)
	})
}

func (s *Service) ban(ctx context.Context, tx parley.Tx, v *groupView, uid string) error {
	t, err := v.target(ctx, tx, uid)
	if err != nil {
		return err
	}
	scope := ""
	if t != nil {
		scope = t.Scope
	}
	if err := mayAct(actBan, v.g, v.a.UID, v.scope, uid, scope, ""); err != nil {
		return err
	}
	if banned, err := tx.IsBanned(ctx, v.a.AppID, v.g.GUID, uid); err != nil || banned {
		if err != nil {
			return err
		}
		return parley.Errorf(parley.KindConflict, parley.CodeAlreadyBanned, "%s is already banned", uid)
	}
	m, err := s.groupActionMessage(ctx, tx, v.a.AppID, v.g, parley.ActionBanned, v.a.ActingUID(), uid, nil)
	if err != nil {
		return err
	}
	if t != nil {
		if err := tx.EndMember(ctx, v.a.AppID, v.g.GUID, uid, m.ID, m.SentAt); err != nil {
			return err
		}
	}
	return tx.Ban(ctx, v.a.AppID, v.g.GUID, uid, v.a.ActingUID(), m.SentAt)
}

// Unban lets a banned user join or be added again.
func (s *Service) Unban(ctx context.Context, guid, uid string) error {
	if err := s.mayUse(ctx, featUnban); err != nil {
		return err
	}
	uid, _ = parley.NormalizeID(uid)
	return s.groupTx(ctx, guid, func(tx parley.Tx, v *groupView) error {
		if err := mayAct(actUnban, v.g, v.a.UID, v.scope, uid, "", ""); err != nil {
			return err
		}
		banned, err := tx.IsBanned(ctx, v.a.AppID, v.g.GUID, uid)
		if err != nil {
			return err
		}
		if !banned {
			return parley.Errorf(parley.KindNotFound, parley.CodeNotBanned, "%s is not banned", uid)
		}
		if _, err := s.groupActionMessage(ctx, tx, v.a.AppID, v.g, parley.ActionUnbanned, v.a.ActingUID(), uid, nil); err != nil {
			return err
		}
		return tx.Unban(ctx, v.a.AppID, v.g.GUID, uid)
	})
}

// Bans lists a group's banned users (admins and moderators).
func (s *Service) Bans(ctx context.Context, guid string, f parley.MemberFilter) ([]*parley.Banned, parley.Pagination, error) {
	if err := s.mayUse(ctx, featListBannedUsers); err != nil {
		return nil, parley.Pagination{}, err
	}
	var (
		out  []*parley.Banned
		meta parley.Pagination
	)
	var err error
	if f.Page, err = s.page(f.Page); err != nil {
		return nil, meta, err
	}
	err = s.groupTx(ctx, guid, func(tx parley.Tx, v *groupView) error {
		if err := mayAct(actListBans, v.g, v.a.UID, v.scope, "", "", ""); err != nil {
			return err
		}
		var total int
		if out, total, err = tx.Bans(ctx, v.a.AppID, v.g.GUID, f); err != nil {
			return err
		}
		meta = parley.NewPagination(f.Page, len(out), total)
		return nil
	})
	return out, meta, err
}
