package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parleychat/parley"
)

// The statements of TouchConversation, each written for many rows at once
// (see execRows).
var (
	// touchConversations creates a conversation on its first message and
	// moves it to each newer one; an older message leaves it.
	touchConversations = multiRow{head: `INSERT INTO conversations (app_id, conversation_id, type, peer_a, peer_b,
		last_message_id, created_at, updated_at) VALUES `, width: 8, tail: `
	ON CONFLICT (app_id, conversation_id) DO UPDATE
	SET last_message_id = excluded.last_message_id, updated_at = excluded.updated_at
	WHERE excluded.last_message_id > last_message_id`}

	// touchStates makes sure of a sender's state in a conversation and
	// moves their watermarks, and the marks of their logged receipts, up to
	// the values given. A state already that far is not written.
	touchStates = multiRow{head: `INSERT INTO conversation_states (app_id, uid, conversation_id, read_id, delivered_id,
		logged_read_id, logged_delivered_id, updated_at) VALUES `, width: 8, tail: `
	ON CONFLICT (app_id, uid, conversation_id) DO UPDATE
	SET read_id = max(read_id, excluded.read_id), delivered_id = max(delivered_id, excluded.delivered_id),
		logged_read_id = max(logged_read_id, excluded.logged_read_id),
		logged_delivered_id = max(logged_delivered_id, excluded.logged_delivered_id),
		updated_at = excluded.updated_at
	WHERE excluded.read_id > read_id OR excluded.delivered_id > delivered_id
		OR excluded.logged_read_id > logged_read_id`}

	logReceipts = multiRow{head: `INSERT INTO receipt_marks (app_id, conversation_id, uid, kind, upto_id, at) VALUES `, width: 6}
)

// touch is what TouchConversation writes for one conversation or one
// sender in it: its first message (which creates a conversation), its last,
// and its last one to log as read.
type touch struct{ first, last, lastRead *parley.Message }

// TouchConversation records ms, just appended, as the newest messages of
// their conversations; see parley.ConversationStore. It writes one row per
// conversation and per (conversation, sender) rather than per message, with
// the multi-row statements above. A user who has sent nothing into a
// conversation has no state in it: reads take a missing state as zeros.
// ErrNotFound if the app does not exist.
func (q *queries) TouchConversation(ctx context.Context, appID string, logRead bool, ms ...*parley.Message) error {
	if len(ms) == 0 {
		return nil
	}
	op := fmt.Sprintf("touch %d conversations", len(ms))
	convs, senders := map[string]*touch{}, map[[2]string]*touch{}
	var convOrder []string
	var senderOrder [][2]string
	for _, m := range ms {
		c := convs[m.ConversationID]
		if c == nil {
			c = &touch{first: m}
			convs[m.ConversationID] = c
			convOrder = append(convOrder, m.ConversationID)
		}
		c.last = m
		if m.Sender == parley.SystemUID {
			continue
		}
		key := [2]string{m.ConversationID, m.Sender}
		sd := senders[key]
		if sd == nil {
			sd = &touch{}
			senders[key] = sd
			senderOrder = append(senderOrder, key)
		}
		sd.last = m
		if logRead && m.Category != parley.CategoryAction {
			sd.lastRead = m
		}
	}
	var conversations, states, marks []any
	for _, id := range convOrder {
		m, createdAt := convs[id].last, convs[id].first.SentAt
		peerA, peerB := m.Receiver, ""
		if m.ReceiverType == parley.ReceiverUser {
			peerA, peerB = min(m.Sender, m.Receiver), max(m.Sender, m.Receiver)
		}
		conversations = append(conversations, appID, id, m.ReceiverType, peerA, peerB, m.ID, createdAt, m.SentAt)
	}
	for _, key := range senderOrder {
		sd := senders[key]
		var logged int64
		if sd.lastRead != nil {
			logged = sd.lastRead.ID
			marks = append(marks, appID, key[0], key[1], parley.ReceiptRead, logged, sd.lastRead.SentAt)
		}
		states = append(states, appID, key[1], key[0], sd.last.ID, sd.last.ID, logged, logged, sd.last.SentAt)
	}
	return q.write(ctx, func(q *queries) error {
		for _, w := range []struct {
			stmt multiRow
			args []any
		}{{touchConversations, conversations}, {touchStates, states}, {logReceipts, marks}} {
			if err := q.execRows(ctx, w.stmt, w.args, nil); err != nil {
				return fail(op, err)
			}
		}
		return nil
	})
}

// SetConversationTags writes the viewer's tags on a conversation (nil
// stores none), creating their state when missing.
func (q *queries) SetConversationTags(ctx context.Context, appID, viewer, conversationID string, tags []string) error {
	op := fmt.Sprintf("set tags of %q on %q", viewer, conversationID)
	arg, err := jsonArg(tags, tags == nil)
	if err != nil {
		return fail(op, err)
	}
	_, err = q.w.ExecContext(ctx,
		`INSERT INTO conversation_states (app_id, uid, conversation_id, tags) VALUES (?, ?, ?, ?)
		 ON CONFLICT (app_id, uid, conversation_id) DO UPDATE SET tags = excluded.tags`,
		appID, viewer, conversationID, arg)
	if err != nil {
		return fail(op, err)
	}
	return nil
}

// ClearConversation hides the messages up to uptoID from the viewer (and
// the conversation from their list until a newer message): their
// cleared_id becomes uptoID unless it is beyond already.
func (q *queries) ClearConversation(ctx context.Context, appID, viewer, conversationID string, uptoID int64) error {
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO conversation_states (app_id, uid, conversation_id, cleared_id) VALUES (?, ?, ?, max(?, 0))
		 ON CONFLICT (app_id, uid, conversation_id) DO UPDATE SET cleared_id = max(cleared_id, excluded.cleared_id)`,
		appID, viewer, conversationID, uptoID)
	if err != nil {
		return fail(fmt.Sprintf("clear %q for %q", conversationID, viewer), err)
	}
	return nil
}

// The statements of MarkReceipt, which the chat service runs for the
// sender of each message it sends.
const (
	receiptStateSQL = `SELECT read_id, delivered_id, logged_read_id, logged_delivered_id FROM conversation_states
		WHERE app_id = ? AND uid = ? AND conversation_id = ?`
	receiptWriteSQL = `INSERT INTO conversation_states (app_id, uid, conversation_id, read_id, delivered_id,
			logged_read_id, logged_delivered_id, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (app_id, uid, conversation_id) DO UPDATE
		SET read_id = excluded.read_id, delivered_id = excluded.delivered_id, logged_read_id = excluded.logged_read_id,
			logged_delivered_id = excluded.logged_delivered_id, updated_at = excluded.updated_at`
	receiptLogSQL = `INSERT INTO receipt_marks (app_id, conversation_id, uid, kind, upto_id, at) VALUES (?, ?, ?, ?, ?, ?)`
)

// MarkReceipt moves the viewer's watermark of kind (delivered or read) up
// to uptoID, never down; a read moves the delivered watermark too. The
// receipt is logged when it goes further than the viewer's logged receipts
// of its kind (a read counts as a delivery too): as the read when it is a
// read, else as the delivery. The log goes by its own high marks, not by
// the watermarks, which the viewer's own messages move unlogged, so that a
// user who replies and then marks the message read still tells its sender
// when. Atomic: the state is read and written in one transaction.
func (q *queries) MarkReceipt(ctx context.Context, appID, viewer, conversationID, kind string, uptoID, at int64) error {
	op := fmt.Sprintf("mark %s %q in %q", kind, viewer, conversationID)
	if kind != parley.ReceiptDelivered && kind != parley.ReceiptRead {
		return fail(op, fmt.Errorf("unknown receipt kind %q", kind))
	}
	return q.write(ctx, func(q *queries) error {
		var read, delivered, loggedRead, loggedDelivered int64
		st, err := q.prepared(ctx, q.w, receiptStateSQL)
		if err != nil {
			return fail(op, err)
		}
		err = st.QueryRowContext(ctx, receiptStateSQL, appID, viewer, conversationID).
			Scan(&read, &delivered, &loggedRead, &loggedDelivered)
		if err != nil && !isNoRows(err) {
			return fail(op, err)
		}
		moved := uptoID > delivered || (kind == parley.ReceiptRead && uptoID > read)
		if kind == parley.ReceiptRead {
			read = max(read, uptoID)
		}
		delivered = max(delivered, uptoID)
		logged := ""
		switch {
		case kind == parley.ReceiptRead && uptoID > loggedRead:
			logged, loggedRead, loggedDelivered = parley.ReceiptRead, uptoID, max(loggedDelivered, uptoID)
		case uptoID > loggedDelivered:
			logged, loggedDelivered = parley.ReceiptDelivered, uptoID
		}
		if !moved && logged == "" {
			return nil
		}
		if st, err = q.prepared(ctx, q.w, receiptWriteSQL); err != nil {
			return fail(op, err)
		}
		_, err = st.ExecContext(ctx, receiptWriteSQL,
			appID, viewer, conversationID, read, delivered, loggedRead, loggedDelivered, at)
		if err != nil {
			return fail(op, err)
		}
		if logged == "" {
			return nil
		}
		if st, err = q.prepared(ctx, q.w, receiptLogSQL); err != nil {
			return fail(op, err)
		}
		if _, err := st.ExecContext(ctx, receiptLogSQL, appID, conversationID, viewer, logged, uptoID, at); err != nil {
			return fail(op, err)
		}
		return nil
	})
}

// MarkUnread moves the viewer's read watermark down to fromID-1 (never
// up), creating their state when missing. Nothing is logged.
func (q *queries) MarkUnread(ctx context.Context, appID, viewer, conversationID string, fromID int64) error {
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO conversation_states (app_id, uid, conversation_id) VALUES (?, ?, ?)
		 ON CONFLICT (app_id, uid, conversation_id) DO UPDATE SET read_id = max(min(read_id, ?), 0)`,
		appID, viewer, conversationID, fromID-1)
	if err != nil {
		return fail(fmt.Sprintf("mark unread %q in %q", viewer, conversationID), err)
	}
	return nil
}

// ReceiptMarks lists the logged advances in a conversation that reach at
// least minID, oldest first (by time, then in the order logged).
func (q *queries) ReceiptMarks(ctx context.Context, appID, conversationID string, minID int64) ([]parley.ReceiptMark, error) {
	op := fmt.Sprintf("receipt marks of %q", conversationID)
	rows, err := q.r.QueryContext(ctx,
		`SELECT uid, kind, upto_id, at FROM receipt_marks
		 WHERE app_id = ? AND conversation_id = ? AND upto_id >= ? ORDER BY at, rowid`,
		appID, conversationID, minID)
	return scanMarks(op, rows, err)
}

// userReceiptMarksSQL reads, for each kind, one user's marks from minID up
// to the first that reaches maxID: two ranges of receipt_marks_user (0013).
// The planner, without statistics, would take receipt_marks_conversation
// for the ranges (both bound upto_id), which reads every user's marks.
const userReceiptMarksSQL = `SELECT uid, kind, upto_id, at, rowid FROM receipt_marks INDEXED BY receipt_marks_user
	WHERE app_id = ?1 AND conversation_id = ?2 AND uid = ?3 AND kind = 'delivered' AND upto_id >= ?4
	  AND upto_id <= coalesce((SELECT min(upto_id) FROM receipt_marks WHERE app_id = ?1 AND conversation_id = ?2
	      AND uid = ?3 AND kind = 'delivered' AND upto_id >= ?5), 9223372036854775807)
	UNION ALL
	SELECT uid, kind, upto_id, at, rowid FROM receipt_marks INDEXED BY receipt_marks_user
	WHERE app_id = ?1 AND conversation_id = ?2 AND uid = ?3 AND kind = 'read' AND upto_id >= ?4
	  AND upto_id <= coalesce((SELECT min(upto_id) FROM receipt_marks WHERE app_id = ?1 AND conversation_id = ?2
	      AND uid = ?3 AND kind = 'read' AND upto_id >= ?5), 9223372036854775807)
	ORDER BY 4, 5`

func (q *queries) UserReceiptMarks(ctx context.Context, appID, conversationID, uid string, minID, maxID int64) ([]parley.ReceiptMark, error) {
	op := fmt.Sprintf("receipt marks of %q in %q", uid, conversationID)
	rows, err := q.r.QueryContext(ctx, userReceiptMarksSQL, appID, conversationID, uid, minID, maxID)
	return scanMarks(op, rows, err)
}

// memberReceiptMarksSQL reads, for each current member of a group who
// joined at or before the message ?4, the first mark of each kind reaching
// it: one seek of receipt_marks_user per member and kind (named, as in
// userReceiptMarksSQL), where ReceiptMarks would read every mark from the
// message to the end of the conversation.
const memberReceiptMarksSQL = `SELECT rm.uid, rm.kind, rm.upto_id, rm.at, rm.rowid
	FROM memberships ms CROSS JOIN (SELECT 'delivered' AS kind UNION ALL SELECT 'read') k
	JOIN receipt_marks rm ON rm.rowid = (SELECT r.rowid FROM receipt_marks r INDEXED BY receipt_marks_user
		WHERE r.app_id = ?1 AND r.conversation_id = ?3 AND r.uid = ms.uid AND r.kind = k.kind AND r.upto_id >= ?4
		ORDER BY r.upto_id LIMIT 1)
	WHERE ms.app_id = ?1 AND ms.guid = ?2 AND ms.left_id IS NULL AND ms.joined_id <= ?4
	ORDER BY rm.at, rm.rowid`

func (q *queries) MemberReceiptMarks(ctx context.Context, appID, guid string, id int64) ([]parley.ReceiptMark, error) {
	op := fmt.Sprintf("receipt marks of the members of %q", guid)
	rows, err := q.r.QueryContext(ctx, memberReceiptMarksSQL, appID, guid, parley.GroupConversationID(guid), id)
	return scanMarks(op, rows, err)
}

// scanMarks reads the marks a query's rows hold (uid, kind, upto_id, at
// and, past those, columns it skips) and closes them.
func scanMarks(op string, rows *sql.Rows, err error) ([]parley.ReceiptMark, error) {
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fail(op, err)
	}
	var skip int64
	var out []parley.ReceiptMark
	for rows.Next() {
		var mk parley.ReceiptMark
		dest := []any{&mk.UID, &mk.Kind, &mk.UpToID, &mk.At}
		for range len(cols) - len(dest) {
			dest = append(dest, &skip)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fail(op, err)
		}
		out = append(out, mk)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}
