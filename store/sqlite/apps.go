package sqlite

import (
	"context"
	"fmt"

	"github.com/parleychat/parley"
)

// CreateApp stores a new app; ErrConflict if the id is taken. a.Keys is not
// stored: keys are stored one by one with CreateAPIKey.
func (q *queries) CreateApp(ctx context.Context, a *parley.App) error {
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO apps (id, name, region, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		a.ID, a.Name, a.Region, a.CreatedAt, a.UpdatedAt)
	if err != nil {
		return fail("create app", err)
	}
	return nil
}

const appColumns = `id, name, region, created_at, updated_at`

func scanApp(sc scanner) (*parley.App, error) {
	var a parley.App
	if err := sc.Scan(&a.ID, &a.Name, &a.Region, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return nil, err
	}
	return &a, nil
}

// App returns one app or ErrNotFound.
func (q *queries) App(ctx context.Context, appID string) (*parley.App, error) {
	a, err := scanApp(q.r.QueryRowContext(ctx,
		`SELECT `+appColumns+` FROM apps WHERE id = ?`, appID))
	if err != nil {
		return nil, fail("app", err)
	}
	return a, nil
}

// Apps lists all apps, oldest first (in creation order among equals).
func (q *queries) Apps(ctx context.Context) ([]*parley.App, error) {
	rows, err := q.r.QueryContext(ctx,
		`SELECT `+appColumns+` FROM apps ORDER BY created_at, rowid`)
	if err != nil {
		return nil, fail("apps", err)
	}
	defer rows.Close()
	var out []*parley.App
	for rows.Next() {
		a, err := scanApp(rows)
		if err != nil {
			return nil, fail("apps", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("apps", err)
	}
	return out, nil
}

// DeleteApp removes an app and, by cascade, everything that belongs to it;
// ErrNotFound.
func (q *queries) DeleteApp(ctx context.Context, appID string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM apps WHERE id = ?`, appID)
	return changed("delete app", res, err)
}

// CreateAPIKey stores a key with its hash; the secret k.Key is not stored.
// ErrConflict on a taken id, ErrNotFound when the app does not exist.
func (q *queries) CreateAPIKey(ctx context.Context, k *parley.APIKey) error {
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO api_keys (app_id, id, name, scope, hash, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?)`,
		k.AppID, k.ID, k.Name, k.Scope, blobArg(k.Hash), k.CreatedAt, k.UpdatedAt)
	if err != nil {
		return fail("create api key", err)
	}
	return nil
}

const apiKeyColumns = `app_id, id, name, scope, hash, created_at, updated_at`

func scanAPIKey(sc scanner) (*parley.APIKey, error) {
	var k parley.APIKey
	if err := sc.Scan(&k.AppID, &k.ID, &k.Name, &k.Scope, &k.Hash, &k.CreatedAt, &k.UpdatedAt); err != nil {
		return nil, err
	}
	k.Hash = blobValue(k.Hash)
	return &k, nil
}

// APIKey returns the app's key with that public id, or ErrNotFound.
func (q *queries) APIKey(ctx context.Context, appID, id string) (*parley.APIKey, error) {
	k, err := scanAPIKey(q.r.QueryRowContext(ctx,
		`SELECT `+apiKeyColumns+` FROM api_keys WHERE app_id = ? AND id = ?`, appID, id))
	if err != nil {
		return nil, fail("api key", err)
	}
	return k, nil
}

// APIKeys lists an app's keys, oldest first.
func (q *queries) APIKeys(ctx context.Context, appID string) ([]*parley.APIKey, error) {
	rows, err := q.r.QueryContext(ctx,
		`SELECT `+apiKeyColumns+` FROM api_keys WHERE app_id = ? ORDER BY created_at, rowid`, appID)
	if err != nil {
		return nil, fail("api keys", err)
	}
	defer rows.Close()
	var out []*parley.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fail("api keys", err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("api keys", err)
	}
	return out, nil
}

// UpdateAPIKey writes a key's name, scope and UpdatedAt; ErrNotFound.
func (q *queries) UpdateAPIKey(ctx context.Context, k *parley.APIKey) error {
	res, err := q.w.ExecContext(ctx,
		`UPDATE api_keys SET name = ?, scope = ?, updated_at = ? WHERE app_id = ? AND id = ?`,
		k.Name, k.Scope, k.UpdatedAt, k.AppID, k.ID)
	return changed("update api key", res, err)
}

// DeleteAPIKey removes a key; ErrNotFound.
func (q *queries) DeleteAPIKey(ctx context.Context, appID, id string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM api_keys WHERE app_id = ? AND id = ?`, appID, id)
	return changed("delete api key", res, err)
}

// Setting returns a server-level setting, or ErrNotFound.
func (q *queries) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := q.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if err != nil {
		return "", fail(fmt.Sprintf("setting %q", name), err)
	}
	return v, nil
}

// SetSetting writes a server-level setting, creating or replacing it.
func (q *queries) SetSetting(ctx context.Context, name, value string) error {
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO settings (name, value) VALUES (?, ?)
		 ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	if err != nil {
		return fail(fmt.Sprintf("set setting %q", name), err)
	}
	return nil
}
