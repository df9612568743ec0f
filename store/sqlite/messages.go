package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parleychat/parley"
)

// messageColumns are the stored fields of a message, in scanMessage's order
// and, after app_id, in the order AppendMessages inserts them.
const messageColumns = `id, muid, conversation_id, sender, receiver, receiver_type, category, type,
	data, tags, parent_id, reply_count, quoted_id, sent_at, updated_at, edited_at, edited_by,
	deleted_at, deleted_by`

// messageInsertColumns is the number of columns AppendMessages binds per message.
const messageInsertColumns = 20

// insertChunk is the most messages one INSERT carries: 500 × 20 variables
// stays well below SQLite's limit of 32766.
const insertChunk = 500

func scanMessage(sc scanner) (*parley.Message, error) {
	var (
		m    parley.Message
		data string
		tags sql.NullString
	)
	err := sc.Scan(&m.ID, &m.MUID, &m.ConversationID, &m.Sender, &m.Receiver, &m.ReceiverType, &m.Category, &m.Type,
		&data, &tags, &m.ParentID, &m.ReplyCount, &m.QuotedID, &m.SentAt, &m.UpdatedAt, &m.EditedAt, &m.EditedBy,
		&m.DeletedAt, &m.DeletedBy)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(data), &m.Data); err != nil {
		return nil, fmt.Errorf("message %d data: %w", m.ID, err)
	}
	if err := scanJSON(tags, &m.Tags); err != nil {
		return nil, fmt.Errorf("message %d tags: %w", m.ID, err)
	}
	return &m, nil
}

// messageArgs encodes the JSON fields of m.
func messageArgs(m *parley.Message) (data string, tags any, err error) {
	b, err := json.Marshal(m.Data)
	if err != nil {
		return "", nil, fmt.Errorf("data: %w", err)
	}
	if tags, err = jsonArg(m.Tags, m.Tags == nil); err != nil {
		return "", nil, fmt.Errorf("tags: %w", err)
	}
	return string(b), tags, nil
}

// AppendMessages gives the messages the next ids of the app's log, in
// order, and stores them: the app's counter advances by len(ms), so the ids
// are dense and in commit order, then multi-row INSERTs store the messages,
// and single-row INSERTs their search text, tags and mentions (see the
// head of migration 0003 for why not triggers). It runs in its own
// transaction when called outside InTx. It sets each m.ID only once all
// are stored. ErrNotFound if the app does not exist. QuotedMessage,
// DeliveredAt and ReadAt are not stored.
func (q *queries) AppendMessages(ctx context.Context, appID string, ms ...*parley.Message) error {
	if len(ms) == 0 {
		return nil
	}
	op := fmt.Sprintf("append %d messages", len(ms))
	// Encode before the transaction, which holds the writer.
	args := make([]any, 0, len(ms)*messageInsertColumns)
	for _, m := range ms {
		data, tags, err := messageArgs(m)
		if err != nil {
			return fail(op, err)
		}
		args = append(args, appID, int64(0), m.MUID, m.ConversationID, m.Sender, m.Receiver, m.ReceiverType,
			m.Category, m.Type, data, tags, m.ParentID, m.ReplyCount, m.QuotedID, m.SentAt, m.UpdatedAt,
			m.EditedAt, m.EditedBy, m.DeletedAt, m.DeletedBy)
	}
	var first int64
	err := q.write(ctx, func(q *queries) error {
		last, err := q.lastMessageID(ctx, appID)
		if err != nil {
			return fail(op, err)
		}
		first = last + 1
		for i := range ms {
			args[i*messageInsertColumns+1] = first + int64(i)
		}
		for start := 0; start < len(ms); start += insertChunk {
			n := min(insertChunk, len(ms)-start)
			chunk := args[start*messageInsertColumns : (start+n)*messageInsertColumns]
			rowids, err := q.insertMessages(ctx, appID, first+int64(start), n, chunk)
			if err != nil {
				return fail(op, err)
			}
			// The counter covers exactly the ids stored, should the caller
			// go on after an error.
			q.lastIDs[appID] = first + int64(start+n) - 1
			for i, m := range ms[start : start+n] {
				if err := q.insertMessageSide(ctx, appID, first+int64(start+i), rowids[i], m); err != nil {
					return fail(op, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, m := range ms {
		m.ID = first + int64(i)
	}
	return nil
}

// lastMessageID returns the last id of the app's log. Inside a
// transaction (and AppendMessages always runs in one) the counter is read
// once, AppendMessages advances it in lastIDs, and saveMessageIDs writes
// it back before the commit: one statement a transaction rather than two a
// message. That is safe because the transaction holds the database's write
// lock from its BEGIN IMMEDIATE on, so no other writer can take ids
// meanwhile. ErrNotFound if the app does not exist.
func (q *queries) lastMessageID(ctx context.Context, appID string) (int64, error) {
	if last, ok := q.lastIDs[appID]; ok {
		return last, nil
	}
	var last int64
	err := q.w.QueryRowContext(ctx, `SELECT last_message_id FROM apps WHERE id = ?`, appID).Scan(&last)
	if isNoRows(err) {
		return 0, fmt.Errorf("app %q: %w", appID, parley.ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	if q.lastIDs == nil {
		q.lastIDs = make(map[string]int64)
	}
	q.lastIDs[appID] = last
	return last, nil
}

// saveMessageIDs writes the apps' counters advanced in the transaction;
// runTx calls it before the commit.
func (q *queries) saveMessageIDs(ctx context.Context) error {
	for appID, last := range q.lastIDs {
		_, err := q.w.ExecContext(ctx, `UPDATE apps SET last_message_id = ? WHERE id = ?`, last, appID)
		if err != nil {
			return fail(fmt.Sprintf("save message ids of %q", appID), err)
		}
	}
	q.lastIDs = nil
	return nil
}

// insertMessages stores n messages (args holds their columns), whose ids
// are first, first+1, …, and returns their rowids, in order.
func (q *queries) insertMessages(ctx context.Context, appID string, first int64, n int, args []any) ([]int64, error) {
	insert := insertOneMessageSQL
	if n > 1 {
		insert = insertMessagesSQL(n)
	}
	st, err := q.prepared(ctx, q.w, insert)
	if err != nil {
		return nil, err
	}
	res, err := st.ExecContext(ctx, insert, args...)
	if err != nil {
		return nil, err
	}
	if n == 1 {
		rowid, err := res.LastInsertId()
		return []int64{rowid}, err
	}
	const byID = `SELECT rowid FROM messages WHERE app_id = ? AND id BETWEEN ? AND ? ORDER BY id`
	rows, err := q.w.QueryContext(ctx, byID, appID, first, first+int64(n)-1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rowids := make([]int64, 0, n)
	for rows.Next() {
		var rowid int64
		if err := rows.Scan(&rowid); err != nil {
			return nil, err
		}
		rowids = append(rowids, rowid)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(rowids) != n {
		return nil, fmt.Errorf("stored %d messages, read back %d", n, len(rowids))
	}
	return rowids, nil
}

// Side rows of a new message, each written by a single-row statement. A
// statement that writes more than one row (INSERT … SELECT, a trigger,
// RETURNING) opens a statement journal, whose savepoint makes FTS5 flush
// the terms it holds to disk: one segment per message, and merges.
const (
	insertSearchSQL  = `INSERT INTO message_search (rowid, text) VALUES (?, ?)`
	insertTagSQL     = `INSERT OR IGNORE INTO message_tags (app_id, message_id, tag) VALUES (?, ?, ?)`
	insertMentionSQL = `INSERT OR IGNORE INTO mentions (app_id, message_id, uid) VALUES (?, ?, ?)`
)

// insertMessageSide writes message id's search text, tags and mentions
// (the keys of m.Data.Mentions); rowid is the message's rowid.
func (q *queries) insertMessageSide(ctx context.Context, appID string, id, rowid int64, m *parley.Message) error {
	if m.Data.Text != "" {
		st, err := q.prepared(ctx, q.w, insertSearchSQL)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, insertSearchSQL, rowid, m.Data.Text); err != nil {
			return fmt.Errorf("search text of %d: %w", id, err)
		}
	}
	if len(m.Tags) > 0 {
		st, err := q.prepared(ctx, q.w, insertTagSQL)
		if err != nil {
			return err
		}
		for _, tag := range m.Tags {
			if _, err := st.ExecContext(ctx, insertTagSQL, appID, id, tag); err != nil {
				return fmt.Errorf("tags of %d: %w", id, err)
			}
		}
	}
	if len(m.Data.Mentions) > 0 {
		st, err := q.prepared(ctx, q.w, insertMentionSQL)
		if err != nil {
			return err
		}
		for uid := range m.Data.Mentions {
			if _, err := st.ExecContext(ctx, insertMentionSQL, appID, id, uid); err != nil {
				return fmt.Errorf("mentions of %d: %w", id, err)
			}
		}
	}
	return nil
}

// insertOneMessageSQL is insertMessagesSQL(1), the statement of the
// message path, which appends one message at a time.
var insertOneMessageSQL = insertMessagesSQL(1)

// insertMessagesSQL is the INSERT of n messages.
func insertMessagesSQL(n int) string {
	row := "(" + placeholders(messageInsertColumns) + ")"
	return `INSERT INTO messages (app_id, ` + messageColumns + `) VALUES ` +
		strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// messageSQL reads one message.
const messageSQL = `SELECT ` + messageColumns + ` FROM messages WHERE app_id = ? AND id = ?`

// Message returns one message of the app, or ErrNotFound.
func (q *queries) Message(ctx context.Context, appID string, id int64) (*parley.Message, error) {
	st, err := q.prepared(ctx, q.r, messageSQL)
	if err != nil {
		return nil, fail(fmt.Sprintf("message %d", id), err)
	}
	m, err := scanMessage(st.QueryRowContext(ctx, messageSQL, appID, id))
	if err != nil {
		return nil, fail(fmt.Sprintf("message %d", id), err)
	}
	return m, nil
}
