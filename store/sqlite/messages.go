package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
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
// order, and stores them: one UPDATE … RETURNING advances the app's
// counter by len(ms), so the ids are dense and in commit order, then
// multi-row INSERTs store the messages. It runs in its own transaction when
// called outside InTx. It sets each m.ID only once all are stored.
// ErrNotFound if the app does not exist. QuotedMessage, DeliveredAt and
// ReadAt are not stored.
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
		var last int64
		err := q.w.QueryRowContext(ctx,
			`UPDATE apps SET last_message_id = last_message_id + ? WHERE id = ? RETURNING last_message_id`,
			len(ms), appID).Scan(&last)
		if err != nil {
			return fail(op, err)
		}
		first = last - int64(len(ms)) + 1
		for i := range ms {
			args[i*messageInsertColumns+1] = first + int64(i)
		}
		for start := 0; start < len(ms); start += insertChunk {
			n := min(insertChunk, len(ms)-start)
			chunk := args[start*messageInsertColumns : (start+n)*messageInsertColumns]
			if _, err := q.w.ExecContext(ctx, insertMessagesSQL(n), chunk...); err != nil {
				return fail(op, err)
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

// insertMessagesSQL is the INSERT of n messages.
func insertMessagesSQL(n int) string {
	row := "(" + placeholders(messageInsertColumns) + ")"
	return `INSERT INTO messages (app_id, ` + messageColumns + `) VALUES ` +
		strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// Message returns one message of the app, or ErrNotFound.
func (q *queries) Message(ctx context.Context, appID string, id int64) (*parley.Message, error) {
	m, err := scanMessage(q.r.QueryRowContext(ctx,
		`SELECT `+messageColumns+` FROM messages WHERE app_id = ? AND id = ?`, appID, id))
	if err != nil {
		return nil, fail(fmt.Sprintf("message %d", id), err)
	}
	return m, nil
}

// Messages lists the messages matching f in ascending id order. With
// AfterID it is the first Limit messages after it (and before BeforeID,
// when that is set too); else the last Limit before BeforeID, or the last
// Limit of all. Limit 0 means no limit. ParentID, when set, wins over
// HideReplies. With a Viewer only the messages the viewer may see are listed.
func (q *queries) Messages(ctx context.Context, appID string, f parley.MessageFilter) ([]*parley.Message, error) {
	if err := unsupportedFilter(f); err != nil {
		return nil, fail("messages", err)
	}
	w := conds{}
	w.add(`m.app_id = ?`, appID)
	if f.ConversationID != "" {
		w.add(`m.conversation_id = ?`, f.ConversationID)
	}
	if f.AfterID > 0 {
		w.add(`m.id > ?`, f.AfterID)
	}
	if f.BeforeID > 0 {
		w.add(`m.id < ?`, f.BeforeID)
	}
	switch {
	case f.ParentID > 0:
		// parent_id != 0 lets the planner use the partial index messages_parent.
		w.add(`m.parent_id = ? AND m.parent_id != 0`, f.ParentID)
	case f.HideReplies:
		w.add(`m.parent_id = 0`)
	}
	if len(f.Categories) > 0 {
		w.add(`m.category IN (`+placeholders(len(f.Categories))+`)`, strArgs(f.Categories)...)
	}
	if len(f.Types) > 0 {
		w.add(`m.type IN (`+placeholders(len(f.Types))+`)`, strArgs(f.Types)...)
	}
	if f.Viewer != "" {
		visibleTo(&w, f.Viewer)
	}
	// Without AfterID the page is the newest Limit: read it newest first.
	desc := f.AfterID <= 0
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	query := `SELECT ` + messageColumns + ` FROM messages m WHERE ` + strings.Join(w.sql, " AND ") +
		` ORDER BY m.id ` + dir + ` LIMIT ?`
	op := "messages"
	rows, err := q.r.QueryContext(ctx, query, append(w.args, limit)...)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var out []*parley.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fail(op, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	if desc {
		slices.Reverse(out)
	}
	return out, nil
}

// groupVisible holds for a group message (aliased m) that falls within one
// of the viewer's memberships of the group, current or past: joined at or
// before it, and not left before it. Its placeholder takes the viewer.
const groupVisible = `EXISTS (SELECT 1 FROM memberships ms
	WHERE ms.app_id = m.app_id AND ms.guid = m.receiver AND ms.uid = ?
	AND ms.joined_id <= m.id AND (ms.left_id IS NULL OR m.id <= ms.left_id))`

// userVisible holds for a user-to-user message the viewer may see. There
// is no rule here yet: the messaging issue makes it "the viewer sends or
// receives it", (m.sender = ? OR m.receiver = ?), adding its arguments in
// visibleTo.
const userVisible = `1`

// visibleTo keeps the messages viewer may see: by receiver type, the rule
// of group messages or the rule of user messages.
func visibleTo(w *conds, viewer string) {
	w.add(`CASE m.receiver_type WHEN '`+parley.ReceiverGroup+`' THEN `+groupVisible+
		` ELSE `+userVisible+` END`, viewer)
}

// messageFilterFields are the fields of parley.MessageFilter that Messages
// applies.
var messageFilterFields = map[string]bool{
	"ConversationID": true, "Viewer": true, "AfterID": true, "BeforeID": true, "Limit": true,
	"ParentID": true, "HideReplies": true, "Categories": true, "Types": true,
}

// unsupportedFilter refuses a filter that sets a field Messages does not
// apply yet, rather than list messages the field would have hidden.
func unsupportedFilter(f parley.MessageFilter) error {
	v := reflect.ValueOf(f)
	var set []string
	for _, sf := range reflect.VisibleFields(v.Type()) {
		if !sf.Anonymous && !messageFilterFields[sf.Name] && !v.FieldByIndex(sf.Index).IsZero() {
			set = append(set, sf.Name)
		}
	}
	if set != nil {
		return fmt.Errorf("filter fields not supported yet: %s", strings.Join(set, ", "))
	}
	return nil
}
