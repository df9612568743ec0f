package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/parleychat/parley"
)

// AddReaction records a reaction; ErrConflict if the user already reacted
// so on that message, ErrNotFound if the message or the user does not
// exist. r.User is not stored.
func (q *queries) AddReaction(ctx context.Context, appID string, r *parley.Reaction) error {
	err := q.w.QueryRowContext(ctx,
		`INSERT INTO reactions (app_id, message_id, uid, reaction, reacted_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		appID, r.MessageID, r.UID, r.Reaction, r.ReactedAt).Scan(&r.ID)
	if err != nil {
		return fail(fmt.Sprintf("add reaction %q of %q to %d", r.Reaction, r.UID, r.MessageID), err)
	}
	return nil
}

// RemoveReaction removes uid's reaction on a message; ErrNotFound if none.
func (q *queries) RemoveReaction(ctx context.Context, appID string, messageID int64, uid, reaction string) error {
	res, err := q.w.ExecContext(ctx,
		`DELETE FROM reactions WHERE app_id = ? AND message_id = ? AND uid = ? AND reaction = ?`,
		appID, messageID, uid, reaction)
	return changed(fmt.Sprintf("remove reaction %q of %q from %d", reaction, uid, messageID), res, err)
}

const reactionFrom = ` FROM reactions r JOIN users u ON u.app_id = r.app_id AND u.uid = r.uid`

func scanReaction(sc scanner) (*parley.Reaction, error) {
	var r parley.Reaction
	u, err := scanUser(withExtra{sc, []any{&r.ID, &r.MessageID, &r.Reaction, &r.ReactedAt}}, false)
	if err != nil {
		return nil, err
	}
	r.UID, r.User = u.UID, u
	return &r, nil
}

// Reactions lists a message's reactions as f selects them (one emoji or
// all, after a cursor, up to a limit), in id order, each with its user as
// User returns it without a viewer.
func (q *queries) Reactions(ctx context.Context, appID string, messageID int64, f parley.ReactionFilter) ([]*parley.Reaction, error) {
	w := conds{}
	w.add(`r.app_id = ? AND r.message_id = ? AND r.id > ?`, appID, messageID, f.AfterID)
	if f.Reaction != "" {
		w.add(`r.reaction = ?`, f.Reaction)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	op := fmt.Sprintf("reactions on %d", messageID)
	rows, err := q.r.QueryContext(ctx,
		`SELECT `+userColumns+`, r.id, r.message_id, r.reaction, r.reacted_at`+reactionFrom+
			` WHERE `+strings.Join(w.sql, " AND ")+` ORDER BY r.id LIMIT ?`,
		append(w.args, limit)...)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var out []*parley.Reaction
	for rows.Next() {
		r, err := scanReaction(rows)
		if err != nil {
			return nil, fail(op, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}

// reactionCountsSQL counts the reactions of n messages: the viewer, the
// app, the n ids, then the app and the lowest and highest of the ids. Most
// pages have no reaction at all: the EXISTS, which names no column of the
// outer query, is one seek of the ids' range, run before the seek per id
// it spares when it fails.
func reactionCountsSQL(n int) string {
	return `SELECT message_id, reaction, COUNT(*), MAX(uid = ?), MIN(reacted_at) AS first FROM reactions
		WHERE app_id = ? AND message_id IN (` + placeholders(n) + `)
		AND EXISTS (SELECT 1 FROM reactions rr WHERE rr.app_id = ? AND rr.message_id BETWEEN ? AND ?)
		GROUP BY message_id, reaction ORDER BY message_id, first, reaction`
}

// ReactionCounts aggregates, in one query, the reactions of each message
// of ids per emoji, the emojis in the order of their first reaction (then
// by emoji), marking those viewer gave. Messages with no reaction are left
// out of the map.
func (q *queries) ReactionCounts(ctx context.Context, appID, viewer string, ids []int64) (map[int64][]parley.ReactionCount, error) {
	out := make(map[int64][]parley.ReactionCount)
	if len(ids) == 0 {
		return out, nil
	}
	op := fmt.Sprintf("reaction counts of %d messages", len(ids))
	lo, hi := ids[0], ids[0]
	args := make([]any, 0, len(ids)+5)
	args = append(args, viewer, appID)
	for _, id := range ids {
		args = append(args, id)
		lo, hi = min(lo, id), max(hi, id)
	}
	args = append(args, appID, lo, hi)
	rows, err := q.r.QueryContext(ctx, reactionCountsSQL(len(ids)), args...)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id    int64
			rc    parley.ReactionCount
			first int64
		)
		if err := rows.Scan(&id, &rc.Reaction, &rc.Count, &rc.ReactedByMe, &first); err != nil {
			return nil, fail(op, err)
		}
		out[id] = append(out[id], rc)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}

// AddInteraction records in.UID's interaction with an element of a
// message. A repeat keeps the first one's time and is no error.
// ErrNotFound if the message or the user does not exist.
func (q *queries) AddInteraction(ctx context.Context, appID string, messageID int64, in parley.Interaction) error {
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO interactions (app_id, message_id, uid, element_id, at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (app_id, message_id, uid, element_id) DO NOTHING`,
		appID, messageID, in.UID, in.ElementID, in.InteractedAt)
	if err != nil {
		return fail(fmt.Sprintf("add interaction of %q with %d", in.UID, messageID), err)
	}
	return nil
}

// Interactions lists a message's interactions, oldest first (by time, then
// uid and element).
func (q *queries) Interactions(ctx context.Context, appID string, messageID int64) ([]parley.Interaction, error) {
	op := fmt.Sprintf("interactions with %d", messageID)
	rows, err := q.r.QueryContext(ctx,
		`SELECT uid, element_id, at FROM interactions WHERE app_id = ? AND message_id = ?
		 ORDER BY at, uid, element_id`, appID, messageID)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var out []parley.Interaction
	for rows.Next() {
		var in parley.Interaction
		if err := rows.Scan(&in.UID, &in.ElementID, &in.InteractedAt); err != nil {
			return nil, fail(op, err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}
