package sqlite

import (
	"context"
	"fmt"
)

// SetThreadSubscription records whether uid follows the thread of parentID;
// ErrNotFound if the message or the user does not exist.
func (q *queries) SetThreadSubscription(ctx context.Context, appID, uid string, parentID int64, subscribed bool, at int64) error {
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO thread_subscriptions (app_id, uid, parent_id, subscribed, updated_at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (app_id, uid, parent_id) DO UPDATE SET subscribed = excluded.subscribed, updated_at = excluded.updated_at`,
		appID, uid, parentID, subscribed, at)
	if err != nil {
		return fail(fmt.Sprintf("thread subscription of %q to %d", uid, parentID), err)
	}
	return nil
}

// ThreadSubscriptions returns what is recorded of uid's subscriptions to
// the threads of parentIDs.
func (q *queries) ThreadSubscriptions(ctx context.Context, appID, uid string, parentIDs []int64) (map[int64]bool, error) {
	out := make(map[int64]bool)
	if len(parentIDs) == 0 {
		return out, nil
	}
	op := fmt.Sprintf("thread subscriptions of %q", uid)
	args := make([]any, 0, len(parentIDs)+2)
	args = append(args, appID, uid)
	for _, id := range parentIDs {
		args = append(args, id)
	}
	rows, err := q.r.QueryContext(ctx,
		`SELECT parent_id, subscribed FROM thread_subscriptions
		 WHERE app_id = ? AND uid = ? AND parent_id IN (`+placeholders(len(parentIDs))+`)`, args...)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id  int64
			sub bool
		)
		if err := rows.Scan(&id, &sub); err != nil {
			return nil, fail(op, err)
		}
		out[id] = sub
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}

// parentsSQL lists the ids of the messages with replies, from the partial
// index of replies: reading threads walks the app's replies, not its log.
// Its placeholder takes the app.
const parentsSQL = `SELECT r.parent_id FROM messages r WHERE r.app_id = ? AND r.parent_id != 0`

// subscribedSQL lists the parents of the threads a user subscribed to; its
// placeholders take the app and the uid.
const subscribedSQL = `SELECT ts.parent_id FROM thread_subscriptions ts
	WHERE ts.app_id = ? AND ts.uid = ? AND ts.subscribed = 1`

// threadsOf is the condition of MessageFilter.ThreadsOf over messages
// aliased m; both placeholders take the uid.
const threadsOf = `ifnull((SELECT ts.subscribed FROM thread_subscriptions ts
	WHERE ts.app_id = m.app_id AND ts.uid = ? AND ts.parent_id = m.id),
	m.sender = ? AND m.reply_count > 0)`
