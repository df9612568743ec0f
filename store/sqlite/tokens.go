package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parleychat/parley"
)

// CreateAuthToken stores a token with its hash; the secret t.Token is not
// stored. ErrConflict on a taken id, ErrNotFound when the user does not exist.
func (q *queries) CreateAuthToken(ctx context.Context, t *parley.AuthToken) error {
	appInfo, err := mapArg(t.AppInfo)
	if err != nil {
		return fail("create auth token: app info", err)
	}
	_, err = q.w.ExecContext(ctx,
		`INSERT INTO auth_tokens (app_id, id, uid, hash, platform, device_id, app_info, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.AppID, t.ID, t.UID, blobArg(t.Hash), t.Platform, t.DeviceID, appInfo, t.CreatedAt, t.UpdatedAt)
	if err != nil {
		return fail("create auth token", err)
	}
	return nil
}

const tokenColumns = `app_id, id, uid, hash, platform, device_id, app_info, created_at, updated_at`

func scanAuthToken(sc scanner) (*parley.AuthToken, error) {
	var (
		t       parley.AuthToken
		appInfo sql.NullString
	)
	err := sc.Scan(&t.AppID, &t.ID, &t.UID, &t.Hash, &t.Platform, &t.DeviceID, &appInfo, &t.CreatedAt, &t.UpdatedAt)
	if err != nil {
		return nil, err
	}
	t.Hash = blobValue(t.Hash)
	if err := scanJSON(appInfo, &t.AppInfo); err != nil {
		return nil, fmt.Errorf("auth token app info: %w", err)
	}
	return &t, nil
}

// AuthToken returns the app's token with that id, or ErrNotFound.
func (q *queries) AuthToken(ctx context.Context, appID, id string) (*parley.AuthToken, error) {
	t, err := scanAuthToken(q.r.QueryRowContext(ctx,
		`SELECT `+tokenColumns+` FROM auth_tokens WHERE app_id = ? AND id = ?`, appID, id))
	if err != nil {
		return nil, fail("auth token", err)
	}
	return t, nil
}

// AuthTokens lists a user's tokens, oldest first.
func (q *queries) AuthTokens(ctx context.Context, appID, uid string) ([]*parley.AuthToken, error) {
	op := fmt.Sprintf("auth tokens of %q", uid)
	rows, err := q.r.QueryContext(ctx,
		`SELECT `+tokenColumns+` FROM auth_tokens WHERE app_id = ? AND uid = ? ORDER BY created_at, rowid`,
		appID, uid)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var out []*parley.AuthToken
	for rows.Next() {
		t, err := scanAuthToken(rows)
		if err != nil {
			return nil, fail(op, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}

// UpdateAuthToken writes a token's device info (Platform, DeviceID, AppInfo)
// and UpdatedAt; ErrNotFound.
func (q *queries) UpdateAuthToken(ctx context.Context, t *parley.AuthToken) error {
	appInfo, err := mapArg(t.AppInfo)
	if err != nil {
		return fail("update auth token: app info", err)
	}
	res, err := q.w.ExecContext(ctx,
		`UPDATE auth_tokens SET platform = ?, device_id = ?, app_info = ?, updated_at = ?
		 WHERE app_id = ? AND id = ?`,
		t.Platform, t.DeviceID, appInfo, t.UpdatedAt, t.AppID, t.ID)
	return changed("update auth token", res, err)
}

// DeleteAuthToken removes one token; ErrNotFound.
func (q *queries) DeleteAuthToken(ctx context.Context, appID, id string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM auth_tokens WHERE app_id = ? AND id = ?`, appID, id)
	return changed("delete auth token", res, err)
}

// DeleteAuthTokens removes all of a user's tokens and says how many.
func (q *queries) DeleteAuthTokens(ctx context.Context, appID, uid string) (int, error) {
	op := fmt.Sprintf("delete auth tokens of %q", uid)
	res, err := q.w.ExecContext(ctx, `DELETE FROM auth_tokens WHERE app_id = ? AND uid = ?`, appID, uid)
	if err != nil {
		return 0, fail(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fail(op, err)
	}
	return int(n), nil
}
