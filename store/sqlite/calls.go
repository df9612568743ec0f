package sqlite

import (
	"context"
	"fmt"

	"github.com/parleychat/parley"
)

// activeArg is the active column of a call: 1, or NULL for a call that is
// over (see 0009_calls.sql).
func activeArg(active bool) any {
	if active {
		return 1
	}
	return nil
}

// CreateCall stores a new call and its participants; ErrConflict on a
// taken session id or a participant (or group) in another active call,
// ErrNotFound when a participant is no user.
func (q *queries) CreateCall(ctx context.Context, appID string, c *parley.Call) error {
	op := fmt.Sprintf("create call %q", c.SessionID)
	return q.write(ctx, func(q *queries) error {
		_, err := q.w.ExecContext(ctx,
			`INSERT INTO calls (app_id, session_id, conversation_id, type, initiator, receiver, receiver_type,
				status, initiated_at, joined_at, ended_at, ring_until, active)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			appID, c.SessionID, c.ConversationID, c.Type, c.Initiator, c.Receiver, c.ReceiverType,
			c.Status, c.InitiatedAt, c.JoinedAt, c.EndedAt, c.RingUntil, activeArg(c.Active))
		if err != nil {
			return fail(op, err)
		}
		return q.writeParticipants(ctx, appID, c, op)
	})
}

// writeParticipants upserts a call's participants, each active as the call
// is; new ones come after those the call has.
func (q *queries) writeParticipants(ctx context.Context, appID string, c *parley.Call, op string) error {
	for _, p := range c.Participants {
		_, err := q.w.ExecContext(ctx,
			`INSERT INTO call_participants (app_id, session_id, uid, seq, joined_at, active)
			 VALUES (?1, ?2, ?3,
				(SELECT COALESCE(MAX(seq), 0) + 1 FROM call_participants WHERE app_id = ?1 AND session_id = ?2),
				?4, ?5)
			 ON CONFLICT (app_id, session_id, uid) DO UPDATE SET joined_at = excluded.joined_at, active = excluded.active`,
			appID, c.SessionID, p.UID, p.JoinedAt, activeArg(c.Active))
		if err != nil {
			return fail(fmt.Sprintf("%s: participant %q", op, p.UID), err)
		}
	}
	return nil
}

// UpdateCall writes a call's state and participants; ErrNotFound, and
// ErrConflict as CreateCall.
func (q *queries) UpdateCall(ctx context.Context, appID string, c *parley.Call) error {
	op := fmt.Sprintf("update call %q", c.SessionID)
	return q.write(ctx, func(q *queries) error {
		res, err := q.w.ExecContext(ctx,
			`UPDATE calls SET status = ?, joined_at = ?, ended_at = ?, ring_until = ?, active = ?
			 WHERE app_id = ? AND session_id = ?`,
			c.Status, c.JoinedAt, c.EndedAt, c.RingUntil, activeArg(c.Active), appID, c.SessionID)
		if err := changed(op, res, err); err != nil {
			return err
		}
		return q.writeParticipants(ctx, appID, c, op)
	})
}

const callColumns = `app_id, session_id, conversation_id, type, initiator, receiver, receiver_type, status,
	initiated_at, joined_at, ended_at, ring_until, active IS NOT NULL`

// callWhere reads the one call a condition selects, with its participants.
func (q *queries) callWhere(ctx context.Context, op, where string, args ...any) (*parley.Call, error) {
	var c parley.Call
	err := q.read(ctx, func(q *queries) error {
		var appID string
		err := q.r.QueryRowContext(ctx, `SELECT `+callColumns+` FROM calls WHERE `+where, args...).Scan(
			&appID, &c.SessionID, &c.ConversationID, &c.Type, &c.Initiator, &c.Receiver, &c.ReceiverType, &c.Status,
			&c.InitiatedAt, &c.JoinedAt, &c.EndedAt, &c.RingUntil, &c.Active)
		if err != nil {
			return err
		}
		rows, err := q.r.QueryContext(ctx,
			`SELECT uid, joined_at FROM call_participants WHERE app_id = ? AND session_id = ? ORDER BY seq`,
			appID, c.SessionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		c.Participants = []parley.CallParticipant{}
		for rows.Next() {
			var p parley.CallParticipant
			if err := rows.Scan(&p.UID, &p.JoinedAt); err != nil {
				return err
			}
			c.Participants = append(c.Participants, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fail(op, err)
	}
	return &c, nil
}

// Call returns a call with its participants, or ErrNotFound.
func (q *queries) Call(ctx context.Context, appID, sessionID string) (*parley.Call, error) {
	return q.callWhere(ctx, fmt.Sprintf("call %q", sessionID), `app_id = ? AND session_id = ?`, appID, sessionID)
}

// The conditions that find a user's and a group's active call, along the
// partial unique indexes that keep them one each (plans_test.go).
const (
	activeCallWhere = `(app_id, session_id) = (SELECT app_id, session_id FROM call_participants
		WHERE app_id = ? AND uid = ? AND active = 1)`
	activeGroupCallWhere = `app_id = ? AND receiver = ? AND receiver_type = '` + parley.ReceiverGroup + `' AND active = 1`
)

// ActiveCall returns the active call uid is in, or ErrNotFound.
func (q *queries) ActiveCall(ctx context.Context, appID, uid string) (*parley.Call, error) {
	return q.callWhere(ctx, fmt.Sprintf("active call of %q", uid), activeCallWhere, appID, uid)
}

// ActiveGroupCall returns the active call to a group, or ErrNotFound.
func (q *queries) ActiveGroupCall(ctx context.Context, appID, guid string) (*parley.Call, error) {
	return q.callWhere(ctx, fmt.Sprintf("active call of group %q", guid), activeGroupCallWhere, appID, guid)
}

// dueCallsSQL reads the calls due, along calls_ringing: each node runs it
// every second.
const dueCallsSQL = `SELECT app_id, session_id FROM calls WHERE active = 1 AND ring_until > 0 AND ring_until <= ?
	ORDER BY ring_until LIMIT ?`

// DueCalls lists the active calls of every app whose ring time is set and
// has come, earliest first.
func (q *queries) DueCalls(ctx context.Context, at int64, limit int) ([]parley.CallRef, error) {
	rows, err := q.r.QueryContext(ctx, dueCallsSQL, at, limit)
	if err != nil {
		return nil, fail("due calls", err)
	}
	defer rows.Close()
	var out []parley.CallRef
	for rows.Next() {
		var r parley.CallRef
		if err := rows.Scan(&r.AppID, &r.SessionID); err != nil {
			return nil, fail("due calls", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("due calls", err)
	}
	return out, nil
}
