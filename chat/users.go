package chat

import (
	"context"
	"slices"
	"strings"

	"github.com/parleychat/parley"
)

// UserQuery is a user list request: the store filter plus the switches that
// depend on who asks.
type UserQuery struct {
	parley.UserFilter
	FriendsOnly      bool // only the viewer's friends
	HideBlockedUsers bool // hide users in a block relation with the viewer
}

func (s *Service) checkRole(ctx context.Context, tx parley.Tx, appID, role string) (string, error) {
	role, err := normID(role, parley.CodeRoleNotFound, "role")
	if err != nil {
		return "", err
	}
	if _, err := tx.Role(ctx, appID, role); err != nil {
		return "", storeErr(err, errRoleNotFound(role), nil)
	}
	return role, nil
}

// checkProfile validates the free fields a user carries.
func checkProfile(name, avatar, link, status string) error {
	if strings.TrimSpace(name) == "" {
		return parley.Errorf(parley.KindInvalid, parley.CodeEmptyName, "name is required")
	}
	if err := parley.CheckName("name", strings.TrimSpace(name)); err != nil {
		return err
	}
	for _, f := range []struct {
		field, v string
		max      int
	}{{"name", name, parley.MaxNameLen}, {"avatar", avatar, parley.MaxURLLen},
		{"link", link, parley.MaxURLLen}, {"statusMessage", status, parley.MaxTextField}} {
		if err := checkLen(f.field, f.v, f.max); err != nil {
			return err
		}
	}
	return nil
}

// CreateUser makes a user (a full access key or the Auth Key); with
// WithAuthToken it also logs them in and returns the token.
func (s *Service) CreateUser(ctx context.Context, in parley.NewUser) (*parley.User, error) {
	a, err := needKey(ctx, "create users")
	if err != nil {
		return nil, err
	}
	uid, err := normID(in.UID, parley.CodeInvalidUID, "uid")
	if err != nil {
		return nil, err
	}
	if err := checkProfile(in.Name, in.Avatar, in.Link, in.StatusMessage); err != nil {
		return nil, err
	}
	if err := checkMetadata(in.Metadata); err != nil {
		return nil, err
	}
	tags, err := checkTags(in.Tags)
	if err != nil {
		return nil, err
	}
	if in.Role == "" {
		in.Role = parley.DefaultRole
	}
	now := s.unix()
	u := &parley.User{UID: uid, Name: strings.TrimSpace(in.Name), Avatar: in.Avatar, Link: in.Link,
		StatusMessage: in.StatusMessage, Metadata: in.Metadata, Tags: tags,
		Status: parley.StatusOffline, CreatedAt: now, UpdatedAt: now}
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		if u.Role, err = s.checkRole(ctx, tx, a.AppID, in.Role); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, a.AppID, u); err != nil {
			return err
		}
		if !in.WithAuthToken {
			return nil
		}
		t, err := s.newAuthToken(ctx, tx, a.AppID, uid, parley.Device{})
		u.AuthToken = t.Token
		return err
	})
	if err != nil {
		return nil, storeErr(err, nil, parley.Errorf(parley.KindConflict, parley.CodeUIDExists,
			"the uid %s is already taken", uid))
	}
	return u, nil
}

// liveUser returns a user who is not deleted, as seen by viewer.
func liveUser(ctx context.Context, tx parley.Tx, appID, uid, viewer string) (*parley.User, error) {
	u, err := tx.User(ctx, appID, uid, viewer)
	if err == nil && u.DeletedAt != 0 {
		err = parley.ErrNotFound
	}
	if err != nil {
		return nil, storeErr(err, errUIDNotFound(uid), nil)
	}
	return u, nil
}

// seenBy adds what a viewing user sees of another: the conversation id.
func seenBy(u *parley.User, viewer string) *parley.User {
	if viewer != "" && viewer != u.UID {
		u.ConversationID = parley.UserConversationID(viewer, u.UID)
	}
	return u
}

// User returns one user.
func (s *Service) User(ctx context.Context, uid string) (*parley.User, error) {
	if err := s.mayUse(ctx, featGetUser); err != nil {
		return nil, err
	}
	a, err := needReader(ctx, "read users")
	if err != nil {
		return nil, err
	}
	uid, _ = parley.NormalizeID(uid)
	u, err := liveUser(ctx, s.store, a.AppID, uid, a.UID)
	if err != nil {
		return nil, err
	}
	return seenBy(u, a.UID), nil
}

// Users lists users matching q, with the page meta.
func (s *Service) Users(ctx context.Context, q UserQuery) ([]*parley.User, parley.Pagination, error) {
	if err := s.mayUse(ctx, featListUsers); err != nil {
		return nil, parley.Pagination{}, err
	}
	a, err := needReader(ctx, "list users")
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	f := q.UserFilter
	if f.Page, err = s.page(f.Page); err != nil {
		return nil, parley.Pagination{}, err
	}
	if err := checkUserFilter(&f); err != nil {
		return nil, parley.Pagination{}, err
	}
	f.Viewer = a.UID
	if q.FriendsOnly && a.UID != "" {
		f.FriendsOf = a.UID
	}
	if q.HideBlockedUsers && a.UID != "" {
		f.HideBlockedOf = a.UID
	}
	return s.listUsers(ctx, a.AppID, f)
}

func (s *Service) listUsers(ctx context.Context, appID string, f parley.UserFilter) ([]*parley.User, parley.Pagination, error) {
	users, total, err := s.store.Users(ctx, appID, f)
	if err != nil {
		return nil, parley.Pagination{}, parley.Internal(err)
	}
	for _, u := range users {
		seenBy(u, f.Viewer)
	}
	return users, parley.NewPagination(f.Page, len(users), total), nil
}

// checkUserFilter rejects filter values a store can't take.
func checkUserFilter(f *parley.UserFilter) error {
	for _, in := range f.SearchIn {
		if in != "uid" && in != "name" {
			return invalid("searchIn takes uid and name")
		}
	}
	if f.Status != "" && f.Status != parley.StatusAvailable && f.Status != parley.StatusOffline {
		return invalid("status must be available or offline")
	}
	if f.SortBy != "" && !slices.Contains([]string{"name", "uid", "status", "createdAt"}, f.SortBy) {
		return invalid("sortBy must be name, uid, status or createdAt")
	}
	if f.SortOrder != "" && f.SortOrder != "asc" && f.SortOrder != "desc" {
		return invalid("sortOrder must be asc or desc")
	}
	for i, uid := range f.UIDs {
		f.UIDs[i], _ = parley.NormalizeID(uid)
	}
	for i, r := range f.Roles {
		f.Roles[i], _ = parley.NormalizeID(r)
	}
	return nil
}

// UpdateUser changes a user's profile (full access only; a user changes
// their own through UpdateMe).
func (s *Service) UpdateUser(ctx context.Context, uid string, in parley.UserUpdate) (*parley.User, error) {
	a, err := needFull(ctx, "update users")
	if err != nil {
		return nil, err
	}
	uid, _ = parley.NormalizeID(uid)
	return s.updateUser(ctx, a.AppID, uid, in)
}

func (s *Service) updateUser(ctx context.Context, appID, uid string, in parley.UserUpdate) (*parley.User, error) {
	var u *parley.User
	err := s.store.InTx(ctx, func(tx parley.Tx) (err error) {
		if u, err = liveUser(ctx, tx, appID, uid, ""); err != nil {
			return err
		}
		if err := s.applyUserUpdate(ctx, tx, appID, u, in); err != nil {
			return err
		}
		u.UpdatedAt = s.unix()
		if err := tx.UpdateUser(ctx, appID, u); err != nil {
			return err
		}
		s.afterCommit(ctx, tx, s.userUpdated(ctx, appID, u))
		return nil
	})
	if err != nil {
		return nil, storeErr(err, errUIDNotFound(uid), nil)
	}
	return u, nil
}

// applyUserUpdate applies in to u, checking every field it touches.
func (s *Service) applyUserUpdate(ctx context.Context, tx parley.Tx, appID string, u *parley.User, in parley.UserUpdate) error {
	for _, f := range in.Unset {
		switch f {
		case "avatar":
			u.Avatar = ""
		case "link":
			u.Link = ""
		case "statusMessage":
			u.StatusMessage = ""
		case "metadata":
			u.Metadata = nil
		case "tags":
			u.Tags = nil
		case "role":
			u.Role = parley.DefaultRole
		default:
			return invalid("unset takes avatar, link, statusMessage, metadata, tags and role, not %q", f)
		}
	}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&u.Name, in.Name)
	set(&u.Avatar, in.Avatar)
	set(&u.Link, in.Link)
	set(&u.StatusMessage, in.StatusMessage)
	u.Name = strings.TrimSpace(u.Name)
	if err := checkProfile(u.Name, u.Avatar, u.Link, u.StatusMessage); err != nil {
		return err
	}
	if in.Metadata != nil {
		if err := checkMetadata(in.Metadata); err != nil {
			return err
		}
		u.Metadata = in.Metadata
	}
	if in.Tags != nil {
		tags, err := checkTags(*in.Tags)
		if err != nil {
			return err
		}
		u.Tags = tags
	}
	if in.Role != nil {
		role, err := s.checkRole(ctx, tx, appID, *in.Role)
		if err != nil {
			return err
		}
		u.Role = role
	}
	return nil
}
