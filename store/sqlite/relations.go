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
