package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parleychat/parley"
)

// roleArgs encodes the JSON fields of r.
func roleArgs(r *parley.Role) (metadata, settings any, err error) {
	if metadata, err = mapArg(r.Metadata); err != nil {
		return nil, nil, fmt.Errorf("metadata: %w", err)
	}
	if settings, err = mapArg(r.Settings); err != nil {
		return nil, nil, fmt.Errorf("settings: %w", err)
	}
	return metadata, settings, nil
}

// CreateRole stores a role; ErrConflict if taken, ErrNotFound if the app
// does not exist.
func (q *queries) CreateRole(ctx context.Context, appID string, r *parley.Role) error {
	op := fmt.Sprintf("create role %q", r.Role)
	metadata, settings, err := roleArgs(r)
	if err != nil {
		return fail(op, err)
	}
	_, err = q.w.ExecContext(ctx,
		`INSERT INTO roles (app_id, role, name, description, metadata, settings, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		appID, r.Role, r.Name, r.Description, metadata, settings, r.CreatedAt, r.UpdatedAt)
	if err != nil {
		return fail(op, err)
	}
	return nil
}

const roleColumns = `role, name, description, metadata, settings, created_at, updated_at`

func scanRole(sc scanner) (*parley.Role, error) {
	var (
		r                  parley.Role
		metadata, settings sql.NullString
	)
	if err := sc.Scan(&r.Role, &r.Name, &r.Description, &metadata, &settings, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	if err := scanJSON(metadata, &r.Metadata); err != nil {
		return nil, fmt.Errorf("role %q metadata: %w", r.Role, err)
	}
	if err := scanJSON(settings, &r.Settings); err != nil {
		return nil, fmt.Errorf("role %q settings: %w", r.Role, err)
	}
	return &r, nil
}

// Role returns one role or ErrNotFound.
func (q *queries) Role(ctx context.Context, appID, role string) (*parley.Role, error) {
	r, err := scanRole(q.r.QueryRowContext(ctx,
		`SELECT `+roleColumns+` FROM roles WHERE app_id = ? AND role = ?`, appID, role))
	if err != nil {
		return nil, fail(fmt.Sprintf("role %q", role), err)
	}
	return r, nil
}

// Roles lists an app's roles ordered by role id, with the total before
// paging; PerPage 0 means no limit.
func (q *queries) Roles(ctx context.Context, appID string, p parley.Page) ([]*parley.Role, int, error) {
	limit, offset := pageBounds(p)
	var (
		roles []*parley.Role
		total int
	)
	err := q.read(ctx, func(q *queries) error {
		roles = nil
		err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM roles WHERE app_id = ?`, appID).Scan(&total)
		if err != nil {
			return err
		}
		rows, err := q.r.QueryContext(ctx,
			`SELECT `+roleColumns+` FROM roles WHERE app_id = ? ORDER BY role LIMIT ? OFFSET ?`,
			appID, limit, offset)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanRole(rows)
			if err != nil {
				return err
			}
			roles = append(roles, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fail("roles", err)
	}
	return roles, total, nil
}

// UpdateRole writes every field of r; ErrNotFound.
func (q *queries) UpdateRole(ctx context.Context, appID string, r *parley.Role) error {
	op := fmt.Sprintf("update role %q", r.Role)
	metadata, settings, err := roleArgs(r)
	if err != nil {
		return fail(op, err)
	}
	res, err := q.w.ExecContext(ctx,
		`UPDATE roles SET name = ?, description = ?, metadata = ?, settings = ?, created_at = ?, updated_at = ?
		 WHERE app_id = ? AND role = ?`,
		r.Name, r.Description, metadata, settings, r.CreatedAt, r.UpdatedAt, appID, r.Role)
	return changed(op, res, err)
}

// DeleteRole removes a role; ErrNotFound.
func (q *queries) DeleteRole(ctx context.Context, appID, role string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM roles WHERE app_id = ? AND role = ?`, appID, role)
	return changed(fmt.Sprintf("delete role %q", role), res, err)
}

// RestrictFeatures records the features the role restricts, keeping the
// time of those restricted already; ErrNotFound if the role does not exist.
func (q *queries) RestrictFeatures(ctx context.Context, appID, role string, features []string, at int64) error {
	op := fmt.Sprintf("restrict features of role %q", role)
	for _, f := range features {
		_, err := q.w.ExecContext(ctx,
			`INSERT INTO role_features (app_id, role, feature, created_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT DO NOTHING`, appID, role, f, at)
		if err != nil {
			return fail(op, err)
		}
	}
	return nil
}

// AllowFeatures lifts the role's restriction of features, or of all its
// features when features is nil.
func (q *queries) AllowFeatures(ctx context.Context, appID, role string, features []string) error {
	query, args := `DELETE FROM role_features WHERE app_id = ? AND role = ?`, []any{appID, role}
	if features != nil {
		if len(features) == 0 {
			return nil
		}
		query += ` AND feature IN (` + placeholders(len(features)) + `)`
		args = append(args, strArgs(features)...)
	}
	if _, err := q.w.ExecContext(ctx, query, args...); err != nil {
		return fail(fmt.Sprintf("allow features of role %q", role), err)
	}
	return nil
}

// RestrictedFeatures lists the features the role restricts, by feature.
func (q *queries) RestrictedFeatures(ctx context.Context, appID, role string) ([]parley.RoleFeature, error) {
	op := fmt.Sprintf("restricted features of role %q", role)
	rows, err := q.r.QueryContext(ctx,
		`SELECT feature, created_at FROM role_features WHERE app_id = ? AND role = ? ORDER BY feature`, appID, role)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var out []parley.RoleFeature
	for rows.Next() {
		var f parley.RoleFeature
		if err := rows.Scan(&f.Feature, &f.CreatedAt); err != nil {
			return nil, fail(op, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}
