package chat

import (
	"context"
	"strings"

	"github.com/parleychat/parley"
)

func errRoleNotFound(role string) *parley.Error {
	return parley.Errorf(parley.KindNotFound, parley.CodeRoleNotFound, "the role %s does not exist", role)
}

// sendMessagesTo values a role's settings may hold.
var sendMessagesTo = map[string]bool{"all": true, "friendsOnly": true}

func checkRoleFields(name, description string, metadata, settings map[string]any) error {
	if strings.TrimSpace(name) == "" {
		return parley.Errorf(parley.KindInvalid, parley.CodeEmptyName, "name is required")
	}
	if err := checkLen("name", name, parley.MaxNameLen); err != nil {
		return err
	}
	if err := checkLen("description", description, parley.MaxTextField); err != nil {
		return err
	}
	if err := checkMetadata(metadata); err != nil {
		return err
	}
	if parley.MetadataTooLarge(settings) {
		return invalid("settings must be a JSON object of at most %d bytes", parley.MaxMetadata)
	}
	if v, ok := settings["sendMessagesTo"]; ok {
		if s, _ := v.(string); !sendMessagesTo[s] {
			return invalid("settings.sendMessagesTo must be all or friendsOnly")
		}
	}
	return nil
}

// CreateRole makes a role.
func (s *Service) CreateRole(ctx context.Context, in parley.Role) (*parley.Role, error) {
	a, err := needFull(ctx, "manage roles")
	if err != nil {
		return nil, err
	}
	if in.Role, err = normID(in.Role, parley.CodeInvalidParam, "role"); err != nil {
		return nil, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if err := checkRoleFields(in.Name, in.Description, in.Metadata, in.Settings); err != nil {
		return nil, err
	}
	in.CreatedAt = s.unix()
	in.UpdatedAt = in.CreatedAt
	err = s.store.CreateRole(ctx, a.AppID, &in)
	if err != nil {
		return nil, storeErr(err, nil, parley.Errorf(parley.KindConflict, parley.CodeRoleExists,
			"the role %s already exists", in.Role))
	}
	return &in, nil
}

// Role returns one role.
func (s *Service) Role(ctx context.Context, role string) (*parley.Role, error) {
	a, err := needReader(ctx, "read roles")
	if err != nil {
		return nil, err
	}
	role, _ = parley.NormalizeID(role)
	r, err := s.store.Role(ctx, a.AppID, role)
	return r, storeErr(err, errRoleNotFound(role), nil)
}

// Roles lists the app's roles.
func (s *Service) Roles(ctx context.Context, p parley.Page) ([]*parley.Role, parley.Pagination, error) {
	a, err := needReader(ctx, "list roles")
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	if p, err = s.page(p); err != nil {
		return nil, parley.Pagination{}, err
	}
	roles, total, err := s.store.Roles(ctx, a.AppID, p)
	if err != nil {
		return nil, parley.Pagination{}, parley.Internal(err)
	}
	return roles, parley.NewPagination(p, len(roles), total), nil
}

// UpdateRole changes a role.
func (s *Service) UpdateRole(ctx context.Context, role string, in parley.RoleUpdate) (*parley.Role, error) {
	a, err := needFull(ctx, "manage roles")
	if err != nil {
		return nil, err
	}
	role, _ = parley.NormalizeID(role)
	var r *parley.Role
	err = s.store.InTx(ctx, func(tx parley.Tx) (err error) {
		if r, err = tx.Role(ctx, a.AppID, role); err != nil {
			return err
		}
		if err := applyRoleUpdate(r, in); err != nil {
			return err
		}
		r.UpdatedAt = s.unix()
		return tx.UpdateRole(ctx, a.AppID, r)
	})
	if err != nil {
		return nil, storeErr(err, errRoleNotFound(role), nil)
	}
	return r, nil
}

func applyRoleUpdate(r *parley.Role, in parley.RoleUpdate) error {
	for _, f := range in.Unset {
		switch f {
		case "description":
			r.Description = ""
		case "metadata":
			r.Metadata = nil
		case "settings":
			r.Settings = nil
		default:
			return invalid("unset takes description, metadata and settings, not %q", f)
		}
	}
	if in.Name != nil {
		r.Name = strings.TrimSpace(*in.Name)
	}
	if in.Description != nil {
		r.Description = *in.Description
	}
	if in.Metadata != nil {
		r.Metadata = in.Metadata
	}
	if in.Settings != nil {
		r.Settings = in.Settings
	}
	return checkRoleFields(r.Name, r.Description, r.Metadata, r.Settings)
}

// DeleteRole removes a role that no user holds; default can't be deleted.
func (s *Service) DeleteRole(ctx context.Context, role string) error {
	a, err := needFull(ctx, "manage roles")
	if err != nil {
		return err
	}
	role, _ = parley.NormalizeID(role)
	if role == parley.DefaultRole {
		return parley.Errorf(parley.KindForbidden, parley.CodeDefaultRole, "the default role can't be deleted")
	}
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		n, err := tx.CountUsersWithRole(ctx, a.AppID, role)
		if err != nil {
			return err
		}
		if n > 0 {
			return parley.Errorf(parley.KindConflict, parley.CodeRoleInUse, "%d users hold the role %s", n, role)
		}
		return tx.DeleteRole(ctx, a.AppID, role)
	})
	s.roleFeatures.forget(a.AppID, role) // its features went with it
	return storeErr(err, errRoleNotFound(role), nil)
}
