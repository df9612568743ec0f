package sqlite

import (
	"context"
	"fmt"
)

// AddFriend makes a and b friends both ways, as two rows written by one
// statement; ErrConflict if they are friends already, ErrNotFound if either
// user does not exist.
func (q *queries) AddFriend(ctx context.Context, appID, a, b string, at int64) error {
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO friends (app_id, uid, friend_uid, created_at) VALUES (?, ?, ?, ?), (?, ?, ?, ?)`,
		appID, a, b, at, appID, b, a, at)
	if err != nil {
		return fail(fmt.Sprintf("add friend %q %q", a, b), err)
	}
	return nil
}

// RemoveFriend ends a friendship both ways; ErrNotFound if none.
func (q *queries) RemoveFriend(ctx context.Context, appID, a, b string) error {
	res, err := q.w.ExecContext(ctx,
		`DELETE FROM friends WHERE app_id = ?
		 AND ((uid = ? AND friend_uid = ?) OR (uid = ? AND friend_uid = ?))`,
		appID, a, b, b, a)
	return changed(fmt.Sprintf("remove friend %q %q", a, b), res, err)
}

// Block records that blocker blocks blocked; ErrConflict if it does already,
// ErrNotFound if either user does not exist.
func (q *queries) Block(ctx context.Context, appID, blocker, blocked string, at int64) error {
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO blocks (app_id, blocker, blocked, created_at) VALUES (?, ?, ?, ?)`,
		appID, blocker, blocked, at)
	if err != nil {
		return fail(fmt.Sprintf("block %q %q", blocker, blocked), err)
	}
	return nil
}

// Unblock removes the block of blocked by blocker; ErrNotFound if none.
func (q *queries) Unblock(ctx context.Context, appID, blocker, blocked string) error {
	res, err := q.w.ExecContext(ctx,
		`DELETE FROM blocks WHERE app_id = ? AND blocker = ? AND blocked = ?`, appID, blocker, blocked)
	return changed(fmt.Sprintf("unblock %q %q", blocker, blocked), res, err)
}

// Blocked reports whether a blocks b and whether b blocks a.
func (q *queries) Blocked(ctx context.Context, appID, a, b string) (aBlocksB, bBlocksA bool, err error) {
	err = q.r.QueryRowContext(ctx,
		`SELECT
			EXISTS (SELECT 1 FROM blocks WHERE app_id = ? AND blocker = ? AND blocked = ?),
			EXISTS (SELECT 1 FROM blocks WHERE app_id = ? AND blocker = ? AND blocked = ?)`,
		appID, a, b, appID, b, a).Scan(&aBlocksB, &bBlocksA)
	if err != nil {
		return false, false, fail(fmt.Sprintf("blocked %q %q", a, b), err)
	}
	return aBlocksB, bBlocksA, nil
}

// Relations lists uid's friends and the users uid blocks or is blocked by,
// each read from its table's index.
func (q *queries) Relations(ctx context.Context, appID, uid string) (friends, blocked []string, err error) {
	op := fmt.Sprintf("relations of %q", uid)
	if friends, err = q.strings(ctx,
		`SELECT friend_uid FROM friends WHERE app_id = ? AND uid = ? ORDER BY friend_uid`, appID, uid); err != nil {
		return nil, nil, fail(op, err)
	}
	if blocked, err = q.strings(ctx,
		`SELECT blocked FROM blocks WHERE app_id = ? AND blocker = ?
		 UNION SELECT blocker FROM blocks WHERE app_id = ? AND blocked = ? ORDER BY 1`,
		appID, uid, appID, uid); err != nil {
		return nil, nil, fail(op, err)
	}
	return friends, blocked, nil
}

// strings runs a query of one text column and returns its values.
func (q *queries) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := q.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
