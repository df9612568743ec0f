package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/parleychat/parley"
)

// SavePushToken registers a device token for an auth token, moving it from
// whichever auth token held it. ErrNotFound when the auth token is missing.
func (q *queries) SavePushToken(ctx context.Context, t *parley.PushToken) error {
	// The owner changes in place: a device that logs in as someone else
	// keeps one token, now theirs. CreatedAt restarts with a new owner.
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO push_tokens (app_id, platform, token, auth_token_id, uid, created_at)
		 VALUES (?, ?, ?, ?, ?, ?)
		 ON CONFLICT (app_id, platform, token) DO UPDATE SET
			created_at = CASE WHEN auth_token_id = excluded.auth_token_id THEN created_at ELSE excluded.created_at END,
			auth_token_id = excluded.auth_token_id, uid = excluded.uid`,
		t.AppID, t.Platform, t.Token, t.AuthTokenID, t.UID, t.CreatedAt)
	if err != nil {
		return fail("save push token", err)
	}
	return nil
}

const pushTokenColumns = `app_id, uid, auth_token_id, platform, token, created_at`

// PushTokens lists an auth token's push tokens, oldest first.
func (q *queries) PushTokens(ctx context.Context, appID, authTokenID string) ([]*parley.PushToken, error) {
	rows, err := q.r.QueryContext(ctx,
		`SELECT `+pushTokenColumns+` FROM push_tokens WHERE app_id = ? AND auth_token_id = ?
		 ORDER BY created_at, platform, token`, appID, authTokenID)
	if err != nil {
		return nil, fail("push tokens", err)
	}
	defer rows.Close()
	var out []*parley.PushToken
	for rows.Next() {
		var t parley.PushToken
		if err := rows.Scan(&t.AppID, &t.UID, &t.AuthTokenID, &t.Platform, &t.Token, &t.CreatedAt); err != nil {
			return nil, fail("push tokens", err)
		}
		out = append(out, &t)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("push tokens", err)
	}
	return out, nil
}

// DeletePushToken removes one of an auth token's push tokens; ErrNotFound.
func (q *queries) DeletePushToken(ctx context.Context, appID, authTokenID, platform, token string) error {
	res, err := q.w.ExecContext(ctx,
		`DELETE FROM push_tokens WHERE app_id = ? AND platform = ? AND token = ? AND auth_token_id = ?`,
		appID, platform, token, authTokenID)
	return changed("delete push token", res, err)
}

// DeletePushTokens removes all of an auth token's push tokens.
func (q *queries) DeletePushTokens(ctx context.Context, appID, authTokenID string) (int, error) {
	res, err := q.w.ExecContext(ctx, `DELETE FROM push_tokens WHERE app_id = ? AND auth_token_id = ?`, appID, authTokenID)
	if err != nil {
		return 0, fail("delete push tokens", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fail("delete push tokens", err)
	}
	return int(n), nil
}

// DropPushToken removes a device token whoever holds it.
func (q *queries) DropPushToken(ctx context.Context, appID, platform, token string) error {
	_, err := q.w.ExecContext(ctx, `DELETE FROM push_tokens WHERE app_id = ? AND platform = ? AND token = ?`,
		appID, platform, token)
	if err != nil {
		return fail("drop push token", err)
	}
	return nil
}

// PushPreferences returns a user's preferences or ErrNotFound.
func (q *queries) PushPreferences(ctx context.Context, appID, uid string) (*parley.PushPreferences, error) {
	var (
		p     parley.PushPreferences
		muted int64
	)
	err := q.r.QueryRowContext(ctx,
		`SELECT one_on_one, groups, calls, muted, muted_until, updated_at FROM push_preferences
		 WHERE app_id = ? AND uid = ?`, appID, uid).
		Scan(&p.OneOnOneMessages, &p.GroupMessages, &p.Calls, &muted, &p.MutedUntil, &p.UpdatedAt)
	if err != nil {
		return nil, fail("push preferences", err)
	}
	p.Muted = muted != 0
	return &p, nil
}

// SetPushPreferences writes a user's preferences; ErrNotFound when the user
// is missing.
func (q *queries) SetPushPreferences(ctx context.Context, appID, uid string, p *parley.PushPreferences) error {
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO push_preferences (app_id, uid, one_on_one, groups, calls, muted, muted_until, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (app_id, uid) DO UPDATE SET one_on_one = excluded.one_on_one, groups = excluded.groups,
			calls = excluded.calls, muted = excluded.muted, muted_until = excluded.muted_until,
			updated_at = excluded.updated_at`,
		appID, uid, p.OneOnOneMessages, p.GroupMessages, p.Calls, boolInt(p.Muted), p.MutedUntil, p.UpdatedAt)
	if err != nil {
		return fail("set push preferences", err)
	}
	return nil
}

// DeletePushPreferences forgets a user's preferences.
func (q *queries) DeletePushPreferences(ctx context.Context, appID, uid string) error {
	_, err := q.w.ExecContext(ctx, `DELETE FROM push_preferences WHERE app_id = ? AND uid = ?`, appID, uid)
	if err != nil {
		return fail("delete push preferences", err)
	}
	return nil
}

const conversationPushColumns = `conversation_id, conversation_type, peer, preference, muted, muted_until, updated_at`

// scanConversationPush scans conversationPushColumns; it returns nil for a
// row of NULLs (a LEFT JOIN that found none).
func scanConversationPush(id, typ, peer, pref sql.NullString, muted, until, updated sql.NullInt64) *parley.ConversationPush {
	if !id.Valid {
		return nil
	}
	c := &parley.ConversationPush{ConversationID: id.String, ConversationType: typ.String, Preference: pref.String,
		Muted: muted.Int64 != 0, MutedUntil: until.Int64, UpdatedAt: updated.Int64}
	if c.ConversationType == parley.ReceiverGroup {
		c.GUID = peer.String
	} else {
		c.UID = peer.String
	}
	return c
}

// ConversationPushes lists a user's conversation settings by conversation id.
func (q *queries) ConversationPushes(ctx context.Context, appID, uid string) ([]*parley.ConversationPush, error) {
	rows, err := q.r.QueryContext(ctx,
		`SELECT `+conversationPushColumns+` FROM conversation_push WHERE app_id = ? AND uid = ?
		 ORDER BY conversation_id`, appID, uid)
	if err != nil {
		return nil, fail("conversation push settings", err)
	}
	defer rows.Close()
	var out []*parley.ConversationPush
	for rows.Next() {
		var id, typ, peer, pref sql.NullString
		var muted, until, updated sql.NullInt64
		if err := rows.Scan(&id, &typ, &peer, &pref, &muted, &until, &updated); err != nil {
			return nil, fail("conversation push settings", err)
		}
		out = append(out, scanConversationPush(id, typ, peer, pref, muted, until, updated))
	}
	if err := rows.Err(); err != nil {
		return nil, fail("conversation push settings", err)
	}
	return out, nil
}

// SetConversationPush writes a user's setting for one conversation.
func (q *queries) SetConversationPush(ctx context.Context, appID, uid string, c *parley.ConversationPush) error {
	peer := c.UID
	if c.ConversationType == parley.ReceiverGroup {
		peer = c.GUID
	}
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO conversation_push (app_id, uid, `+conversationPushColumns+`)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (app_id, uid, conversation_id) DO UPDATE SET conversation_type = excluded.conversation_type,
			peer = excluded.peer, preference = excluded.preference, muted = excluded.muted,
			muted_until = excluded.muted_until, updated_at = excluded.updated_at`,
		appID, uid, c.ConversationID, c.ConversationType, peer, c.Preference, boolInt(c.Muted), c.MutedUntil, c.UpdatedAt)
	if err != nil {
		return fail("set conversation push setting", err)
	}
	return nil
}

// DeleteConversationPush removes a user's setting for a conversation;
// ErrNotFound.
func (q *queries) DeleteConversationPush(ctx context.Context, appID, uid, conversationID string) error {
	res, err := q.w.ExecContext(ctx,
		`DELETE FROM conversation_push WHERE app_id = ? AND uid = ? AND conversation_id = ?`, appID, uid, conversationID)
	return changed("delete conversation push setting", res, err)
}

// pushTargetSelect is the columns of a push target, one row per token; the
// FROM clause of each query joins users u and push_tokens t.
const pushTargetSelect = `SELECT u.uid, u.status, u.deactivated_at, u.deleted_at,
		p.one_on_one, p.groups, p.calls, p.muted, p.muted_until, p.updated_at,
		c.conversation_id, c.conversation_type, c.peer, c.preference, c.muted, c.muted_until, c.updated_at,
		t.auth_token_id, t.platform, t.token, t.created_at`

// pushTargetJoins joins the preferences; ?1 is the app, ?2 the conversation.
const pushTargetJoins = `
	LEFT JOIN push_preferences p ON p.app_id = u.app_id AND p.uid = u.uid
	LEFT JOIN conversation_push c ON c.app_id = u.app_id AND c.uid = u.uid AND c.conversation_id = ?2`

// PushTargets returns the users f selects who hold push tokens, by uid,
// with their preferences, their setting for f's conversation and tokens.
func (q *queries) PushTargets(ctx context.Context, appID string, f parley.PushTargetFilter) ([]*parley.PushTarget, error) {
	var out []*parley.PushTarget
	// In a read transaction: its statement is prepared once per connection
	// (parsing costs more than running it, and it runs for every message).
	err := q.read(ctx, func(q *queries) (err error) {
		out, err = q.pushTargets(ctx, appID, f)
		return err
	})
	return out, err
}

func (q *queries) pushTargets(ctx context.Context, appID string, f parley.PushTargetFilter) ([]*parley.PushTarget, error) {
	var (
		rows *sql.Rows
		err  error
	)
	if f.GUID != "" {
		// Drive from the group's current members (an index range), each
		// probing their tokens: most members hold none.
		rows, err = q.r.QueryContext(ctx, pushTargetSelect+`
			FROM memberships m
			JOIN push_tokens t ON t.app_id = m.app_id AND t.uid = m.uid
			JOIN users u ON u.app_id = m.app_id AND u.uid = m.uid`+pushTargetJoins+`
			WHERE m.app_id = ?1 AND m.guid = ?3 AND m.left_id IS NULL AND m.joined_id <= ?4
			ORDER BY u.uid, t.created_at, t.platform, t.token`,
			appID, f.ConversationID, f.GUID, f.MessageID)
	} else {
		uids, jerr := json.Marshal(f.UIDs)
		if jerr != nil {
			return nil, fail("push targets", jerr)
		}
		// One statement text whatever the number of uids (a JSON array),
		// so it is prepared once.
		rows, err = q.r.QueryContext(ctx, pushTargetSelect+`
			FROM push_tokens t
			JOIN users u ON u.app_id = t.app_id AND u.uid = t.uid`+pushTargetJoins+`
			WHERE t.app_id = ?1 AND t.uid IN (SELECT value FROM json_each(?3))
			ORDER BY u.uid, t.created_at, t.platform, t.token`,
			appID, f.ConversationID, string(uids))
	}
	if err != nil {
		return nil, fail("push targets", err)
	}
	defer rows.Close()
	var out []*parley.PushTarget
	for rows.Next() {
		var (
			pt                       parley.PushTarget
			tok                      parley.PushToken
			one, grp, calls          sql.NullString
			pMuted, pUntil, pUpdated sql.NullInt64
			cID, cType, cPeer, cPref sql.NullString
			cMuted, cUntil, cUpdated sql.NullInt64
		)
		err := rows.Scan(&pt.UID, &pt.Status, &pt.DeactivatedAt, &pt.DeletedAt,
			&one, &grp, &calls, &pMuted, &pUntil, &pUpdated,
			&cID, &cType, &cPeer, &cPref, &cMuted, &cUntil, &cUpdated,
			&tok.AuthTokenID, &tok.Platform, &tok.Token, &tok.CreatedAt)
		if err != nil {
			return nil, fail("push targets", err)
		}
		tok.AppID, tok.UID = appID, pt.UID
		if n := len(out); n > 0 && out[n-1].UID == pt.UID {
			out[n-1].Tokens = append(out[n-1].Tokens, &tok)
			continue
		}
		if one.Valid {
			pt.Preferences = &parley.PushPreferences{OneOnOneMessages: one.String, GroupMessages: grp.String,
				Calls: calls.String, Muted: pMuted.Int64 != 0, MutedUntil: pUntil.Int64, UpdatedAt: pUpdated.Int64}
		}
		pt.Conversation = scanConversationPush(cID, cType, cPeer, cPref, cMuted, cUntil, cUpdated)
		pt.Tokens = []*parley.PushToken{&tok}
		out = append(out, &pt)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("push targets", err)
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
