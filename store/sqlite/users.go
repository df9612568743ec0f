package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parleychat/parley"
)

// userColumns are the stored fields of a user, in scanUser's order.
const userColumns = `u.uid, u.name, u.avatar, u.link, u.role, u.status_message, u.metadata,
	u.tags, u.status, u.last_active_at, u.created_at, u.updated_at, u.deactivated_at, u.deleted_at`

// viewerColumns add a user's block relation to a viewer: when the viewer
// blocked the user and when the user blocked the viewer, NULL for no
// block. Both placeholders take the viewer's uid.
const viewerColumns = `,
	(SELECT b.created_at FROM blocks b WHERE b.app_id = u.app_id AND b.blocker = ? AND b.blocked = u.uid),
	(SELECT b.created_at FROM blocks b WHERE b.app_id = u.app_id AND b.blocker = u.uid AND b.blocked = ?)`

// scanUser reads userColumns, and viewerColumns too when withViewer.
func scanUser(sc scanner, withViewer bool) (*parley.User, error) {
	var (
		u              parley.User
		metadata, tags sql.NullString
		blockedByMe    sql.NullInt64
		hasBlockedMe   sql.NullInt64
	)
	dest := []any{&u.UID, &u.Name, &u.Avatar, &u.Link, &u.Role, &u.StatusMessage, &metadata,
		&tags, &u.Status, &u.LastActiveAt, &u.CreatedAt, &u.UpdatedAt, &u.DeactivatedAt, &u.DeletedAt}
	if withViewer {
		dest = append(dest, &blockedByMe, &hasBlockedMe)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	if err := scanJSON(metadata, &u.Metadata); err != nil {
		return nil, fmt.Errorf("user %q metadata: %w", u.UID, err)
	}
	if err := scanJSON(tags, &u.Tags); err != nil {
		return nil, fmt.Errorf("user %q tags: %w", u.UID, err)
	}
	if withViewer {
		byMe, hasMe := blockedByMe.Valid, hasBlockedMe.Valid
		u.BlockedByMe, u.HasBlockedMe = &byMe, &hasMe
		u.BlockedByMeAt, u.HasBlockedMeAt = blockedByMe.Int64, hasBlockedMe.Int64
		u.BlockedAt = max(u.BlockedByMeAt, u.HasBlockedMeAt)
	}
	return &u, nil
}

// userArgs encodes the JSON fields of u.
func userArgs(u *parley.User) (metadata, tags any, err error) {
	if metadata, err = mapArg(u.Metadata); err != nil {
		return nil, nil, fmt.Errorf("metadata: %w", err)
	}
	if tags, err = jsonArg(u.Tags, u.Tags == nil); err != nil {
		return nil, nil, fmt.Errorf("tags: %w", err)
	}
	return metadata, tags, nil
}

// CreateUser stores a new user; ErrConflict if the uid is taken (also by a
// soft-deleted user), ErrNotFound if the app does not exist. The relation
// fields, ConversationID and AuthToken are not stored.
func (q *queries) CreateUser(ctx context.Context, appID string, u *parley.User) error {
	op := fmt.Sprintf("create user %q", u.UID)
	metadata, tags, err := userArgs(u)
	if err != nil {
		return fail(op, err)
	}
	// The users_tags_insert trigger fills user_tags in the same statement.
	_, err = q.w.ExecContext(ctx,
		`INSERT INTO users (app_id, uid, name, avatar, link, role, status_message, metadata,
			tags, status, last_active_at, created_at, updated_at, deactivated_at, deleted_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		appID, u.UID, u.Name, u.Avatar, u.Link, u.Role, u.StatusMessage, metadata,
		tags, u.Status, u.LastActiveAt, u.CreatedAt, u.UpdatedAt, u.DeactivatedAt, u.DeletedAt)
	if err != nil {
		return fail(op, err)
	}
	return nil
}

// User returns a user, deleted ones included (check DeletedAt), or
// ErrNotFound. With viewer set, it fills the block relation to the viewer.
func (q *queries) User(ctx context.Context, appID, uid, viewer string) (*parley.User, error) {
	query := `SELECT ` + userColumns
	var args []any
	if viewer != "" {
		query += viewerColumns
		args = append(args, viewer, viewer)
	}
	query += ` FROM users u WHERE u.app_id = ? AND u.uid = ?`
	args = append(args, appID, uid)
	u, err := scanUser(q.r.QueryRowContext(ctx, query, args...), viewer != "")
	if err != nil {
		return nil, fail(fmt.Sprintf("user %q", uid), err)
	}
	return u, nil
}

// UpdateUser writes every stored field of u, replacing its tags; ErrNotFound.
func (q *queries) UpdateUser(ctx context.Context, appID string, u *parley.User) error {
	op := fmt.Sprintf("update user %q", u.UID)
	metadata, tags, err := userArgs(u)
	if err != nil {
		return fail(op, err)
	}
	// The users_tags_update trigger replaces user_tags in the same statement.
	res, err := q.w.ExecContext(ctx,
		`UPDATE users SET name = ?, avatar = ?, link = ?, role = ?, status_message = ?,
			metadata = ?, tags = ?, status = ?, last_active_at = ?, created_at = ?,
			updated_at = ?, deactivated_at = ?, deleted_at = ?
		 WHERE app_id = ? AND uid = ?`,
		u.Name, u.Avatar, u.Link, u.Role, u.StatusMessage,
		metadata, tags, u.Status, u.LastActiveAt, u.CreatedAt,
		u.UpdatedAt, u.DeactivatedAt, u.DeletedAt,
		appID, u.UID)
	return changed(op, res, err)
}

// PurgeUser removes a user; the schema cascades to their tags, auth tokens,
// friendships and blocks in both directions. ErrNotFound.
func (q *queries) PurgeUser(ctx context.Context, appID, uid string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM users WHERE app_id = ? AND uid = ?`, appID, uid)
	return changed(fmt.Sprintf("purge user %q", uid), res, err)
}

// CountUsersWithRole counts users (deleted ones too) holding a role.
func (q *queries) CountUsersWithRole(ctx context.Context, appID, role string) (int, error) {
	var n int
	err := q.r.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM users WHERE app_id = ? AND role = ?`, appID, role).Scan(&n)
	if err != nil {
		return 0, fail(fmt.Sprintf("count users with role %q", role), err)
	}
	return n, nil
}

// SetPresence writes a user's status (and lastActiveAt unless 0); ErrNotFound.
func (q *queries) SetPresence(ctx context.Context, appID, uid, status string, lastActiveAt int64) error {
	res, err := q.w.ExecContext(ctx,
		`UPDATE users SET status = ?, last_active_at = CASE WHEN ? = 0 THEN last_active_at ELSE ? END
		 WHERE app_id = ? AND uid = ?`,
		status, lastActiveAt, lastActiveAt, appID, uid)
	return changed(fmt.Sprintf("presence of %q", uid), res, err)
}

// ResetPresence sets the app's available users offline at at.
func (q *queries) ResetPresence(ctx context.Context, appID string, at int64) (int, error) {
	res, err := q.w.ExecContext(ctx,
		`UPDATE users SET status = ?, last_active_at = ? WHERE app_id = ? AND status = ?`,
		parley.StatusOffline, at, appID, parley.StatusAvailable)
	if err != nil {
		return 0, fail("reset presence", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fail("reset presence", err)
	}
	return int(n), nil
}
