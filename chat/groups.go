package chat

import (
	"context"
	"errors"
	"slices"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleychat/parley"
)

func errGUIDNotFound(guid string) *parley.Error {
	return parley.Errorf(parley.KindNotFound, parley.CodeGUIDNotFound, "the group with guid %s does not exist", guid)
}

// groupView is a group as one actor meets it: the group, the actor's
// membership (nil when not a member) and their effective scope.
type groupView struct {
	a     parley.Actor
	g     *parley.Group
	me    *parley.Member
	scope string // admin for a full access key acting as no user
}

// loadGroup fetches a group for the actor. A private group is invisible
// (ERR_GUID_NOT_FOUND) to a user who is not in it, whether the call comes
// with their token or a key's onBehalfOf (both are the user's actor); only a
// full access key acting as the app sees every group.
func loadGroup(ctx context.Context, tx parley.Tx, a parley.Actor, guid string) (*groupView, error) {
	guid, _ = parley.NormalizeID(guid)
	// Within a write batch the group and the membership are read once.
	g, err := memoized(tx, "group\x00"+a.AppID+"\x00"+guid, func() (*parley.Group, error) {
		return tx.Group(ctx, a.AppID, guid, "")
	})
	if err != nil {
		return nil, storeErr(err, errGUIDNotFound(guid), nil)
	}
	gc := *g
	v := &groupView{a: a, g: &gc}
	if a.IsServer() {
		v.scope = parley.ScopeAdmin
		return v, nil
	}
	me, err := memoized(tx, "member\x00"+a.AppID+"\x00"+guid+"\x00"+a.UID, func() (*parley.Member, error) {
		return tx.Member(ctx, a.AppID, guid, a.UID)
	})
	switch {
	case err == nil:
		v.me, v.scope = me, me.Scope
		joined := true
		gc.HasJoined, gc.Scope, gc.JoinedAt = &joined, me.Scope, me.JoinedAt
	case !errors.Is(err, parley.ErrNotFound):
		return nil, err
	case g.Type == parley.GroupPrivate:
		return nil, errGUIDNotFound(guid)
	default:
		joined := false
		gc.HasJoined = &joined
	}
	return v, nil
}

// loadGroupToRead is loadGroup for a read that needs the actor's scope
// but not their membership record (v.me stays nil): the group and the
// actor's current membership come from one read, where loadGroup makes
// two. A private group is invisible to a user not in it, as there.
func loadGroupToRead(ctx context.Context, st parley.Store, a parley.Actor, guid string) (*groupView, error) {
	if a.IsServer() {
		return loadGroup(ctx, st, a, guid)
	}
	guid, _ = parley.NormalizeID(guid)
	g, err := st.Group(ctx, a.AppID, guid, a.UID)
	if err != nil {
		return nil, storeErr(err, errGUIDNotFound(guid), nil)
	}
	joined := g.HasJoined != nil && *g.HasJoined
	if !joined && g.Type == parley.GroupPrivate {
		return nil, errGUIDNotFound(guid)
	}
	v := &groupView{a: a, g: g}
	if joined {
		v.scope = g.Scope
	}
	return v, nil
}

// needMember refuses an actor who is not a member (nor a full access key
// acting as no user): banned users get ERR_BANNED_GROUPMEMBER, others
// ERR_NOT_A_MEMBER.
func (v *groupView) needMember(ctx context.Context, tx parley.Tx) error {
	if v.scope != "" {
		return nil
	}
	banned, err := tx.IsBanned(ctx, v.a.AppID, v.g.GUID, v.a.UID)
	if err != nil {
		return err
	}
	if banned {
		return parley.Errorf(parley.KindForbidden, parley.CodeBannedMember, "you are banned from this group")
	}
	return parley.Errorf(parley.KindForbidden, parley.CodeNotAMember, "you are not a member of this group")
}

func checkGroupType(t string) error {
	if t != parley.GroupPublic && t != parley.GroupPassword && t != parley.GroupPrivate {
		return parley.Errorf(parley.KindInvalid, parley.CodeInvalidGroupType, "type must be public, password or private")
	}
	return nil
}

func checkGroupFields(g *parley.Group) error {
	if strings.TrimSpace(g.Name) == "" {
		return parley.Errorf(parley.KindInvalid, parley.CodeEmptyName, "name is required")
	}
	if err := parley.CheckName("name", strings.TrimSpace(g.Name)); err != nil {
		return err
	}
	for _, f := range []struct {
		field, v string
		max      int
	}{{"name", g.Name, parley.MaxNameLen}, {"icon", g.Icon, parley.MaxURLLen},
		{"description", g.Description, parley.MaxTextField}} {
		if err := checkLen(f.field, f.v, f.max); err != nil {
			return err
		}
	}
	if err := checkGroupType(g.Type); err != nil {
		return err
	}
	return checkMetadata(g.Metadata)
}

// hashPassword stores a group password with a slow hash.
func (s *Service) hashPassword(pw string) (string, error) {
	if pw == "" {
		return "", parley.Errorf(parley.KindInvalid, parley.CodeEmptyGroupPass, "a password group needs a password")
	}
	if len(pw) > 72 {
		return "", invalid("password is longer than 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), s.passwordCost)
	if err != nil {
		return "", parley.Internal(err)
	}
	return string(h), nil
}

// Group returns one group as the actor sees it.
func (s *Service) Group(ctx context.Context, guid string) (*parley.Group, error) {
	if err := s.mayUse(ctx, featGetGroup); err != nil {
		return nil, err
	}
	a, err := needReader(ctx, "read groups")
	if err != nil {
		return nil, err
	}
	v, err := loadGroup(ctx, s.store, a, guid)
	if err != nil {
		return nil, err
	}
	return v.g, nil
}

// Groups lists the groups the actor may see.
func (s *Service) Groups(ctx context.Context, f parley.GroupFilter) ([]*parley.Group, parley.Pagination, error) {
	if err := s.mayUse(ctx, featListGroups); err != nil {
		return nil, parley.Pagination{}, err
	}
	a, err := needReader(ctx, "list groups")
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	if f.Page, err = s.page(f.Page); err != nil {
		return nil, parley.Pagination{}, err
	}
	for _, in := range f.SearchIn {
		if in != "guid" && in != "name" {
			return nil, parley.Pagination{}, invalid("searchIn takes guid and name")
		}
	}
	for _, t := range f.Types {
		if err := checkGroupType(t); err != nil {
			return nil, parley.Pagination{}, err
		}
	}
	if f.SortBy != "" && !slices.Contains([]string{"name", "guid", "createdAt"}, f.SortBy) {
		return nil, parley.Pagination{}, invalid("sortBy must be name, guid or createdAt")
	}
	if f.SortOrder != "" && f.SortOrder != "asc" && f.SortOrder != "desc" {
		return nil, parley.Pagination{}, invalid("sortOrder must be asc or desc")
	}
	f.Viewer = a.UID
	f.IncludePrivate = a.IsServer()
	if f.Viewer == "" {
		f.HasJoined = false
	}
	groups, total, err := s.store.Groups(ctx, a.AppID, f)
	if err != nil {
		return nil, parley.Pagination{}, parley.Internal(err)
	}
	return groups, parley.NewPagination(f.Page, len(groups), total), nil
}

// UpdateGroup changes a group (admins and moderators). An owner field
// transfers ownership, with that rule's checks.
func (s *Service) UpdateGroup(ctx context.Context, guid string, in parley.GroupUpdate) (*parley.Group, error) {
	if err := s.mayUse(ctx, featUpdateGroup); err != nil {
		return nil, err
	}
	// A new password is hashed (slowly) before the write transaction.
	var hash string
	if in.Password != nil && *in.Password != "" {
		var err error
		if hash, err = s.hashPassword(*in.Password); err != nil {
			return nil, err
		}
	}
	var out *parley.Group
	err := s.groupTx(ctx, guid, func(tx parley.Tx, v *groupView) error {
		if err := mayAct(actUpdate, v.g, v.a.UID, v.scope, "", "", ""); err != nil {
			return err
		}
		if err := applyGroupUpdate(v.g, in, hash); err != nil {
			return err
		}
		v.g.UpdatedAt = s.unix()
		if err := tx.UpdateGroup(ctx, v.a.AppID, v.g); err != nil {
			return err
		}
		if in.Owner != nil && *in.Owner != v.g.Owner {
			owner, _ := parley.NormalizeID(*in.Owner)
			if err := s.transferOwner(ctx, tx, v, owner); err != nil {
				return err
			}
		}
		var err error
		if out, err = tx.Group(ctx, v.a.AppID, v.g.GUID, v.a.UID); err != nil {
			return err
		}
		s.afterCommit(ctx, tx, s.groupEvent(ctx, parley.EventGroupUpdate, out))
		return s.hookGroup(ctx, tx, v.a.AppID, parley.TriggerGroupUpdated, out)
	})
	return out, err
}

// applyGroupUpdate applies in to g; hash is the new password's hash.
func applyGroupUpdate(g *parley.Group, in parley.GroupUpdate, hash string) error {
	for _, f := range in.Unset {
		switch f {
		case "icon":
			g.Icon = ""
		case "description":
			g.Description = ""
		case "metadata":
			g.Metadata = nil
		case "tags":
			g.Tags = nil
		default:
			return invalid("unset takes icon, description, metadata and tags, not %q", f)
		}
	}
	for _, f := range []struct {
		dst *string
		src *string
	}{{&g.Name, in.Name}, {&g.Icon, in.Icon}, {&g.Description, in.Description}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	g.Name = strings.TrimSpace(g.Name)
	if in.Metadata != nil {
		g.Metadata = in.Metadata
	}
	if in.Tags != nil {
		tags, err := checkTags(*in.Tags)
		if err != nil {
			return err
		}
		g.Tags = tags
	}
	if in.Type != nil {
		g.Type = *in.Type
	}
	if err := checkGroupFields(g); err != nil {
		return err
	}
	switch {
	case g.Type != parley.GroupPassword:
		g.PasswordHash = ""
	case hash != "":
		g.PasswordHash = hash
	case in.Password != nil || g.PasswordHash == "":
		return parley.Errorf(parley.KindInvalid, parley.CodeEmptyGroupPass, "a password group needs a password")
	}
	return nil
}

// DeleteGroup removes a group with its members, bans and history (admins),
// and, once that commits, the files uploaded to it.
func (s *Service) DeleteGroup(ctx context.Context, guid string) error {
	if err := s.mayUse(ctx, featDeleteGroup); err != nil {
		return err
	}
	var files []string
	err := s.groupTx(ctx, guid, func(tx parley.Tx, v *groupView) error {
		if err := mayAct(actDelete, v.g, v.a.UID, v.scope, "", "", ""); err != nil {
			return err
		}
		var err error
		if files, err = s.deleteGroup(ctx, tx, v.a.AppID, v.g.GUID); err != nil {
			return err
		}
		s.afterCommit(ctx, tx, s.groupEvent(ctx, parley.EventGroupGone, v.g))
		return s.hookGroup(ctx, tx, v.a.AppID, parley.TriggerGroupDeleted, v.g)
	})
	if err != nil {
		return err
	}
	s.dropFiles(ctx, files)
	return nil
}

// deleteGroup removes a group in tx and returns the keys of the files its
// messages held, which the caller drops once tx commits.
func (s *Service) deleteGroup(ctx context.Context, tx parley.Tx, appID, guid string) ([]string, error) {
	files, err := s.filesOf(ctx, tx, appID, parley.MessageFilter{ConversationID: parley.GroupConversationID(guid)})
	if err != nil {
		return nil, err
	}
	return files, tx.DeleteGroup(ctx, appID, guid)
}
