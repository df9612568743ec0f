package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/parleychat/parley"
)

// messageColumns are the stored fields of a message, after app_id in the
// order AppendMessages inserts them.
const messageColumns = `id, muid, conversation_id, sender, receiver, receiver_type, category, type,
	data, tags, parent_id, reply_count, quoted_id, sent_at, updated_at, edited_at, edited_by,
	deleted_at, deleted_by`

// readColumns are what a read of messages selects, in scanMessage's order:
// the fields every message has a value of, then rareFields, the others,
// in one column. The driver pays per column of each row (a call into
// SQLite, under its connection mutex, for the type and one or two for the
// value), and those fields hold their defaults in most messages.
const readColumns = `id, muid, conversation_id, sender, receiver, receiver_type, category, type,
	data, sent_at, updated_at, ` + rareFields

// rareFields is NULL while tags, parent_id, reply_count, quoted_id,
// edited_at, edited_by, deleted_at and deleted_by hold their defaults (no
// tags, zeros, empty strings), else the JSON array of them, in that order
// (tags as the string stored): see scanRare.
const rareFields = `CASE WHEN tags IS NULL AND parent_id = 0 AND reply_count = 0 AND quoted_id = 0
	AND edited_at = 0 AND edited_by = '' AND deleted_at = 0 AND deleted_by = '' THEN NULL
	ELSE json_array(tags, parent_id, reply_count, quoted_id, edited_at, edited_by, deleted_at, deleted_by) END`

// insertMessages writes messages: after app_id, the columns of
// messageColumns.
var insertMessages = multiRow{head: `INSERT INTO messages (app_id, ` + messageColumns + `) VALUES `, width: 20}

func scanMessage(sc scanner) (*parley.Message, error) { return scanMessageData(sc, false) }

// scanMessageData is scanMessage, leaving the data as stored (in DataJSON)
// when asJSON.
func scanMessageData(sc scanner, asJSON bool) (*parley.Message, error) {
	var (
		m    parley.Message
		data string
		rare sql.NullString
	)
	err := sc.Scan(&m.ID, &m.MUID, &m.ConversationID, &m.Sender, &m.Receiver, &m.ReceiverType, &m.Category, &m.Type,
		&data, &m.SentAt, &m.UpdatedAt, &rare)
	if err != nil {
		return nil, err
	}
	if asJSON {
		m.DataJSON = data
	} else if err := json.Unmarshal([]byte(data), &m.Data); err != nil {
		return nil, fmt.Errorf("message %d data: %w", m.ID, err)
	}
	if rare.Valid {
		if err := scanRare(rare.String, &m); err != nil {
			return nil, fmt.Errorf("message %d: %w", m.ID, err)
		}
	}
	return &m, nil
}

// scanRare sets the fields of m that rareFields holds from its array.
func scanRare(rare string, m *parley.Message) error {
	var (
		tags sql.NullString
		f    = []any{&tags, &m.ParentID, &m.ReplyCount, &m.QuotedID, &m.EditedAt, &m.EditedBy, &m.DeletedAt, &m.DeletedBy}
		vals []json.RawMessage
	)
	if err := json.Unmarshal([]byte(rare), &vals); err != nil || len(vals) != len(f) {
		return fmt.Errorf("fields %s: %v", rare, err)
	}
	for i, v := range vals {
		if i == 0 {
			// A JSON null leaves tags invalid: no tags.
			if err := json.Unmarshal(v, &tags.String); err != nil {
				return fmt.Errorf("tags: %w", err)
			}
			tags.Valid = string(v) != "null"
			continue
		}
		if err := json.Unmarshal(v, f[i]); err != nil {
			return fmt.Errorf("field %d of %s: %w", i, rare, err)
		}
	}
	if err := scanJSON(tags, &m.Tags); err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	return nil
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
// are dense and in commit order, then multi-row INSERTs store the messages
// and after them their search text, tags and mentions (see the head of
// migration 0003 for why not triggers). It runs in its own transaction
// when called outside InTx. It sets each m.ID only once all are stored.
// ErrNotFound if the app does not exist. QuotedMessage, DeliveredAt and
// ReadAt are not stored.
func (q *queries) AppendMessages(ctx context.Context, appID string, ms ...*parley.Message) error {
	if len(ms) == 0 {
		return nil
	}
	op := fmt.Sprintf("append %d messages", len(ms))
	args := make([]any, 0, len(ms)*insertMessages.width)
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
			args[i*insertMessages.width+1] = first + int64(i)
		}
		// A statement's rows take the rowids after the table's largest, in
		// order (messages has no INTEGER PRIMARY KEY, and no trigger on
		// insert), so its last rowid names all of them.
		rowids := make([]int64, len(ms))
		err = q.execRows(ctx, insertMessages, args, func(i, n int, res sql.Result) error {
			lastRowid, err := res.LastInsertId()
			for j := range n {
				rowids[i+j] = lastRowid - int64(n-1-j)
			}
			// The counter covers exactly the ids stored, should the caller
			// go on after an error.
			q.lastIDs[appID] = first + int64(i+n) - 1
			return err
		})
		if err != nil {
			return fail(op, err)
		}
		if err := q.insertMessageSide(ctx, appID, first, rowids, ms); err != nil {
			return fail(op, err)
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

// Side rows of new messages, written after all the messages of an append.
// Tags and mentions go in multi-row statements. Search text goes last, one
// single-row statement per message: a statement that writes more than one
// row opens a statement journal, whose savepoint makes FTS5 flush the terms
// it holds to disk as a segment (and merge segments), so multi-row search
// inserts would write a segment per statement where single rows write one
// per transaction (or per later multi-row statement).
const insertSearchSQL = `INSERT INTO message_search (rowid, text) VALUES (?, ?)`

var (
	insertTags     = multiRow{head: `INSERT OR IGNORE INTO message_tags (app_id, message_id, tag) VALUES `, width: 3}
	insertMentions = multiRow{head: `INSERT OR IGNORE INTO mentions (app_id, message_id, uid) VALUES `, width: 3}
)

// insertMessageSide writes the tags, mentions (the keys of
// m.Data.Mentions) and search text of ms, whose ids start at first; rowids
// are theirs.
func (q *queries) insertMessageSide(ctx context.Context, appID string, first int64, rowids []int64, ms []*parley.Message) error {
	var tags, mentions []any
	for i, m := range ms {
		id := first + int64(i)
		for _, tag := range m.Tags {
			tags = append(tags, appID, id, tag)
		}
		for uid := range m.Data.Mentions {
			mentions = append(mentions, appID, id, uid)
		}
	}
	if err := q.execRows(ctx, insertTags, tags, nil); err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	if err := q.execRows(ctx, insertMentions, mentions, nil); err != nil {
		return fmt.Errorf("mentions: %w", err)
	}
	st, err := q.prepared(ctx, q.w, insertSearchSQL)
	if err != nil {
		return err
	}
	for i, m := range ms {
		if m.Data.Text == "" {
			continue
		}
		if _, err := st.ExecContext(ctx, insertSearchSQL, rowids[i], m.Data.Text); err != nil {
			return fmt.Errorf("search text of %d: %w", first+int64(i), err)
		}
	}
	return nil
}

// messageSQL reads one message.
const messageSQL = `SELECT ` + readColumns + ` FROM messages WHERE app_id = ? AND id = ?`

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
