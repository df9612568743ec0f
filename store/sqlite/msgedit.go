package sqlite

import (
	"context"
	"fmt"

	"github.com/parleychat/parley"
)

// messageByMUIDSQL reads a message by its client id; the test that muid is
// not empty lets the planner use the partial index messages_muid.
const messageByMUIDSQL = `SELECT ` + readColumns + ` FROM messages
	WHERE app_id = ? AND sender = ? AND muid = ? AND muid != ''`

// MessageByMUID returns the message sender sent with the client id muid,
// or ErrNotFound (always for an empty muid).
func (q *queries) MessageByMUID(ctx context.Context, appID, sender, muid string) (*parley.Message, error) {
	op := fmt.Sprintf("message of %q with muid %q", sender, muid)
	if muid == "" {
		return nil, fmt.Errorf("sqlite: %s: %w", op, parley.ErrNotFound)
	}
	st, err := q.prepared(ctx, q.r, messageByMUIDSQL)
	if err != nil {
		return nil, fail(op, err)
	}
	m, err := scanMessage(st.QueryRowContext(ctx, messageByMUIDSQL, appID, sender, muid))
	if err != nil {
		return nil, fail(op, err)
	}
	return m, nil
}

// UpdateMessage writes a message's data, tags, reply count, updatedAt and
// edit and delete fields; the other fields stay as they were stored. One
// statement: the triggers of migration 0003 bring the search text, the
// mentions and the tag rows in step with the new data and tags. ErrNotFound.
func (q *queries) UpdateMessage(ctx context.Context, appID string, m *parley.Message) error {
	op := fmt.Sprintf("update message %d", m.ID)
	data, tags, err := messageArgs(m)
	if err != nil {
		return fail(op, err)
	}
	res, err := q.w.ExecContext(ctx,
		`UPDATE messages SET data = ?, tags = ?, reply_count = ?, updated_at = ?,
			edited_at = ?, edited_by = ?, deleted_at = ?, deleted_by = ?
		 WHERE app_id = ? AND id = ?`,
		data, tags, m.ReplyCount, m.UpdatedAt, m.EditedAt, m.EditedBy, m.DeletedAt, m.DeletedBy,
		appID, m.ID)
	return changed(op, res, err)
}

// PurgeMessage removes a message; the schema takes its tags, mentions,
// reactions and interactions with it, and a trigger its search text.
// ErrNotFound.
func (q *queries) PurgeMessage(ctx context.Context, appID string, id int64) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM messages WHERE app_id = ? AND id = ?`, appID, id)
	return changed(fmt.Sprintf("purge message %d", id), res, err)
}

// PurgeUserMessages removes, atomically, what is left of uid in the log:
// uid's one-to-one conversations whole (their messages, both users' states
// and the receipt log), every other message uid sent (the log is scanned:
// there is no sender index, see migration 0003), and uid's states and
// receipt marks everywhere else. A group conversation whose newest message
// went moves back to the newest one left.
func (q *queries) PurgeUserMessages(ctx context.Context, appID, uid string) error {
	op := fmt.Sprintf("purge messages of %q", uid)
	return q.write(ctx, func(q *queries) error {
		convs, err := q.userConversations(ctx, appID, uid)
		if err != nil {
			return fail(op, err)
		}
		for _, id := range convs {
			if err := q.deleteConversation(ctx, appID, id); err != nil {
				return fail(op, err)
			}
		}
		for _, stmt := range []string{
			`DELETE FROM messages WHERE app_id = ?1 AND sender = ?2`,
			`DELETE FROM receipt_marks WHERE app_id = ?1 AND uid = ?2 AND conversation_id IN
				(SELECT conversation_id FROM conversation_states WHERE app_id = ?1 AND uid = ?2)`,
			`DELETE FROM conversation_states WHERE app_id = ?1 AND uid = ?2`,
		} {
			if _, err := q.w.ExecContext(ctx, stmt, appID, uid); err != nil {
				return fail(op, err)
			}
		}
		_, err = q.w.ExecContext(ctx,
			`UPDATE conversations AS c SET last_message_id = ifnull((SELECT max(m.id) FROM messages m
				WHERE m.app_id = c.app_id AND m.conversation_id = c.conversation_id), 0)
			 WHERE c.app_id = ? AND c.type = 'group' AND c.last_message_id != 0
				AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.app_id = c.app_id AND m.id = c.last_message_id)`,
			appID)
		if err != nil {
			return fail(op, err)
		}
		return nil
	})
}

// userConversations lists the ids of uid's one-to-one conversations.
func (q *queries) userConversations(ctx context.Context, appID, uid string) ([]string, error) {
	rows, err := q.w.QueryContext(ctx,
		`SELECT conversation_id FROM conversations INDEXED BY conversations_peer_a
		 WHERE app_id = ?1 AND type = 'user' AND peer_a = ?2
		 UNION
		 SELECT conversation_id FROM conversations INDEXED BY conversations_peer_b
		 WHERE app_id = ?1 AND type = 'user' AND peer_b = ?2`,
		appID, uid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
