package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/parleychat/parley"
)

// The queries of this file number their first two placeholders: ?1 is the
// app and ?2 the viewer, both first in the text, so that the plain ? after
// them take 3, 4, … in order.

// Candidate conversations, as (conversation_id, peer): the viewer's
// one-to-one conversations, found by either side (a conversation with
// themself once), and those of the groups they are a current member of.
// The peer indexes are named: without statistics the planner would rather
// scan the app's conversations along the primary key, which covers.
const (
	listCandidates = `
	SELECT conversation_id, peer_b FROM conversations INDEXED BY conversations_peer_a
	WHERE app_id = ?1 AND type = 'user' AND peer_a = ?2
	UNION ALL
	SELECT conversation_id, peer_a FROM conversations INDEXED BY conversations_peer_b
	WHERE app_id = ?1 AND type = 'user' AND peer_b = ?2 AND peer_a != ?2
	UNION ALL
	SELECT 'group_' || guid, guid FROM memberships WHERE app_id = ?1 AND uid = ?2 AND left_id IS NULL`

	// oneCandidate is the conversation ?3, if the viewer may see it.
	oneCandidate = `
	SELECT conversation_id, CASE peer_a WHEN ?2 THEN peer_b ELSE peer_a END FROM conversations
	WHERE app_id = ?1 AND conversation_id = ?3 AND type = 'user' AND ?2 IN (peer_a, peer_b)
	UNION ALL
	SELECT conversation_id, peer_a FROM conversations c
	WHERE app_id = ?1 AND conversation_id = ?3 AND type = 'group' AND EXISTS (SELECT 1 FROM memberships ms
		WHERE ms.app_id = ?1 AND ms.guid = c.peer_a AND ms.uid = ?2 AND ms.left_id IS NULL)`
)

// viewerConversations is the WITH clause that names cv the candidates'
// conversations with the viewer's state (zeros when they have none), and
// floor, below which no message is unread to the viewer: their read and
// cleared watermarks and, in a group, the start of their first membership.
// With listed, a conversation the viewer cleared since its last message is
// left out (a group's too: the chat service's DeleteConversation takes it
// off the list until a new message). The candidates drive the join (CROSS
// JOIN fixes the order).
func viewerConversations(candidates string, listed bool) string {
	hide := ``
	if listed {
		hide = ` WHERE c.last_message_id > ifnull(s.cleared_id, 0)`
	}
	return `WITH cand (conversation_id, peer) AS (` + candidates + `),
	cv AS (SELECT c.conversation_id, c.type, cand.peer, c.last_message_id,
		ifnull(s.read_id, 0) AS read_id, ifnull(s.delivered_id, 0) AS delivered_id,
		ifnull(s.cleared_id, 0) AS cleared_id, s.tags, c.created_at, c.updated_at,
		max(ifnull(s.read_id, 0), ifnull(s.cleared_id, 0), CASE c.type WHEN 'group' THEN
			ifnull((SELECT min(ms.joined_id) FROM memberships ms
				WHERE ms.app_id = ?1 AND ms.guid = cand.peer AND ms.uid = ?2), 1) - 1 ELSE 0 END) AS floor
	FROM cand CROSS JOIN conversations c ON c.app_id = ?1 AND c.conversation_id = cand.conversation_id
	LEFT JOIN conversation_states s ON s.app_id = ?1 AND s.uid = ?2 AND s.conversation_id = c.conversation_id` +
		hide + `) `
}

// unreadFrom selects the messages of conversation v (a cv row) unread to
// the viewer: after the floor, from someone else, not actions, not
// deleted, not thread replies, and in a group within the viewer's
// memberships. The scan is a range of messages_conversation from the
// floor on.
const unreadFrom = ` FROM messages m WHERE m.app_id = ?1 AND m.conversation_id = v.conversation_id
	AND m.id > v.floor AND m.sender != ?2 AND m.category != 'action' AND m.deleted_at = 0 AND m.parent_id = 0
	AND (v.type = 'user' OR EXISTS (SELECT 1 FROM memberships ms
		WHERE ms.app_id = ?1 AND ms.guid = v.peer AND ms.uid = ?2
		AND ms.joined_id <= m.id AND (ms.left_id IS NULL OR m.id <= ms.left_id)))`

// unreadMentioned narrows unreadFrom to the messages mentioning the viewer.
const unreadMentioned = ` AND EXISTS (SELECT 1 FROM mentions mn
	WHERE mn.app_id = ?1 AND mn.message_id = m.id AND mn.uid = ?2)`

// conversationColumns read a conversation as scanConversation wants it,
// from a cv row aliased v.
const conversationColumns = `v.conversation_id, v.type, v.peer, v.last_message_id, v.read_id,
	v.delivered_id, v.cleared_id, v.tags, v.created_at, v.updated_at,
	(SELECT COUNT(*)` + unreadFrom + `), (SELECT COUNT(*)` + unreadFrom + unreadMentioned + `)`

func scanConversation(sc scanner) (*parley.Conversation, error) {
	var (
		c    parley.Conversation
		tags sql.NullString
	)
	err := sc.Scan(&c.ConversationID, &c.ConversationType, &c.Peer, &c.LatestMessageID, &c.LastReadMessageID,
		&c.DeliveredID, &c.ClearedID, &tags, &c.CreatedAt, &c.UpdatedAt, &c.UnreadMessageCount, &c.UnreadMentionsCount)
	if err != nil {
		return nil, err
	}
	if err := scanJSON(tags, &c.Tags); err != nil {
		return nil, fmt.Errorf("conversation %q tags: %w", c.ConversationID, err)
	}
	return &c, nil
}

// Conversations lists f.Viewer's conversations matching f: the one-to-one
// conversations they are in and the conversations of the groups they are a
// current member of, but those they cleared since the last message; newest activity
// (last message id) first, then by id, with the total before paging, read
// from one snapshot. The unread counts are computed for the page only
// (with f.Unread, the filter asks only whether one unread message exists).
func (q *queries) Conversations(ctx context.Context, appID string, f parley.ConversationFilter) ([]*parley.Conversation, int, error) {
	op := fmt.Sprintf("conversations of %q", f.Viewer)
	with := viewerConversations(listCandidates, true)
	w := conversationConds(f)
	where := strings.Join(w.sql, " AND ")
	args := append([]any{appID, f.Viewer}, w.args...)
	limit, offset := pageBounds(f.Page)
	// The page is cut before the counts are computed.
	list := with + `SELECT ` + conversationColumns + ` FROM (SELECT * FROM cv v WHERE ` + where + `
		ORDER BY v.last_message_id DESC, v.conversation_id LIMIT ? OFFSET ?) v
		ORDER BY v.last_message_id DESC, v.conversation_id`
	var (
		out   []*parley.Conversation
		total int
	)
	err := q.read(ctx, func(q *queries) error {
		out = nil
		if err := q.r.QueryRowContext(ctx, with+`SELECT COUNT(*) FROM cv v WHERE `+where, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := q.r.QueryContext(ctx, list, append(args, limit, offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanConversation(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fail(op, err)
	}
	return out, total, nil
}

// conversationConds builds the conditions of f over cv rows aliased v.
// UserTags keep only one-to-one conversations and GroupTags only group
// ones; with both, a conversation matches either.
func conversationConds(f parley.ConversationFilter) *conds {
	w := &conds{}
	w.add(`1`)
	if f.ConversationType != "" {
		w.add(`v.type = ?`, f.ConversationType)
	}
	if f.SearchKey != "" {
		pattern := likeEscaper.Replace(f.SearchKey) + "%"
		w.add(`(v.peer LIKE ? ESCAPE '\'
			OR (v.type = 'user' AND EXISTS (SELECT 1 FROM users u
				WHERE u.app_id = ?1 AND u.uid = v.peer AND u.name LIKE ? ESCAPE '\'))
			OR (v.type = 'group' AND EXISTS (SELECT 1 FROM groups g
				WHERE g.app_id = ?1 AND g.guid = v.peer AND g.name LIKE ? ESCAPE '\')))`,
			pattern, pattern, pattern)
	}
	if len(f.Tags) > 0 {
		w.add(`EXISTS (SELECT 1 FROM json_each(v.tags) WHERE value IN (`+placeholders(len(f.Tags))+`))`,
			strArgs(f.Tags)...)
	}
	if f.WithTags {
		w.add(`ifnull(json_array_length(v.tags), 0) > 0`)
	}
	var peerTags []string
	var peerArgs []any
	if len(f.UserTags) > 0 {
		peerTags = append(peerTags, `(v.type = 'user' AND EXISTS (SELECT 1 FROM user_tags t
			WHERE t.app_id = ?1 AND t.uid = v.peer AND t.tag IN (`+placeholders(len(f.UserTags))+`)))`)
		peerArgs = append(peerArgs, strArgs(f.UserTags)...)
	}
	if len(f.GroupTags) > 0 {
		peerTags = append(peerTags, `(v.type = 'group' AND EXISTS (SELECT 1 FROM group_tags t
			WHERE t.app_id = ?1 AND t.guid = v.peer AND t.tag IN (`+placeholders(len(f.GroupTags))+`)))`)
		peerArgs = append(peerArgs, strArgs(f.GroupTags)...)
	}
	if peerTags != nil {
		w.add(`(`+strings.Join(peerTags, " OR ")+`)`, peerArgs...)
	}
	if f.Unread {
		w.add(`EXISTS (SELECT 1` + unreadFrom + `)`)
	}
	return w
}

// Conversation returns one conversation as viewer sees it, with the fields
// Conversations fills (a one-to-one conversation even when cleared), or
// ErrNotFound if it does not exist or viewer is not one of its users or a
// current member of its group.
func (q *queries) Conversation(ctx context.Context, appID, viewer, conversationID string) (*parley.Conversation, error) {
	c, err := scanConversation(q.r.QueryRowContext(ctx,
		viewerConversations(oneCandidate, false)+`SELECT `+conversationColumns+` FROM cv v`,
		appID, viewer, conversationID))
	if err != nil {
		return nil, fail(fmt.Sprintf("conversation %q of %q", conversationID, viewer), err)
	}
	return c, nil
}

// UnreadCounts counts the viewer's unread messages in each of their
// conversations (as Conversations lists them) that has some, newest
// activity first.
func (q *queries) UnreadCounts(ctx context.Context, appID, viewer string) ([]parley.UnreadCount, error) {
	op := fmt.Sprintf("unread counts of %q", viewer)
	rows, err := q.r.QueryContext(ctx, viewerConversations(listCandidates, true)+
		`SELECT conversation_id, n FROM (SELECT v.conversation_id, v.last_message_id, (SELECT COUNT(*)`+unreadFrom+`) AS n
		 FROM cv v) WHERE n > 0 ORDER BY last_message_id DESC, conversation_id`, appID, viewer)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var out []parley.UnreadCount
	for rows.Next() {
		var uc parley.UnreadCount
		if err := rows.Scan(&uc.ConversationID, &uc.Count); err != nil {
			return nil, fail(op, err)
		}
		out = append(out, uc)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}
