package sqlite

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/parleychat/parley"
)

// Messages lists the messages matching f in ascending id order. With
// AfterID (or FromStart) it is the first Limit messages after it (and
// before BeforeID, when that is set too); else the last Limit before BeforeID, or the last
// Limit of all. Limit 0 means no limit. ParentID, when set, wins over
// HideReplies. With a Viewer only the messages the viewer may see are
// listed: the one-to-one messages they sent or received and the group
// messages within their memberships, never those up to the point where
// they cleared the conversation, and an action message about a message
// only when that message is listed to them too.
func (q *queries) Messages(ctx context.Context, appID string, f parley.MessageFilter) ([]*parley.Message, error) {
	return q.messages(ctx, appID, f, false)
}

// MessagesJSON is Messages with each message's data as stored, in
// DataJSON.
func (q *queries) MessagesJSON(ctx context.Context, appID string, f parley.MessageFilter) ([]*parley.Message, error) {
	return q.messages(ctx, appID, f, true)
}

func (q *queries) messages(ctx context.Context, appID string, f parley.MessageFilter, asJSON bool) ([]*parley.Message, error) {
	if err := unsupportedFilter(f); err != nil {
		return nil, fail("messages", err)
	}
	query, args := messagesSQL(appID, f)
	// Without AfterID (or FromStart) the page is the newest Limit, read
	// newest first.
	desc := f.AfterID <= 0 && !f.FromStart
	op := "messages"
	rows, err := q.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var out []*parley.Message
	for rows.Next() {
		m, err := scanMessageData(rows, asJSON)
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

// messagesSQL returns the query of Messages and its arguments. A page of
// one conversation is read along messages_conversation, named: with both
// ends of the id range bounded and the index not covering, the planner
// would rather scan the app's whole log by the primary key. A thread (by
// ParentID) is read along messages_parent, named too: the planner would
// rather scan the whole conversation in messages_conversation, which holds
// every column (migration 0012), than seek a thread's few rows. A search beyond
// one conversation is read from the full-text index (searchSQL); other
// pages along the primary key. Either way the other fields are checked on
// each message.
func messagesSQL(appID string, f parley.MessageFilter) (string, []any) {
	w := messageWhere(appID, f)
	dir := "ASC"
	if f.AfterID <= 0 && !f.FromStart {
		dir = "DESC"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	if match := searchQuery(f.SearchKey); match != "" && f.ConversationID == "" {
		return searchSQL(appID, f, match, w, dir), append(w.args, limit)
	}
	from := `messages m`
	switch {
	case f.ParentID > 0:
		from += ` INDEXED BY messages_parent`
	case f.ConversationID != "":
		from += ` INDEXED BY messages_conversation`
	}
	return `SELECT ` + readColumns + ` FROM ` + from + ` WHERE ` + strings.Join(w.sql, " AND ") +
		` ORDER BY m.id ` + dir + ` LIMIT ?`, append(w.args, limit)
}

// searchSQL is the query of a search beyond one conversation: it walks the
// matches of the full-text index in rowid order, newest first (oldest
// first after AfterID), checks each message, and stops at the limit, where
// filtering the app's log by the set of all matches would read them all.
// Within an app rowid order is id order: a message is inserted with a
// rowid above every other (SQLite gives max(rowid)+1), in id order, and
// VACUUM keeps rowids. The cursors become rowid bounds the index seeks to.
// In one conversation the search stays a filter of its messages (see
// contentConds): walking the matches of a word common elsewhere would take
// longer than reading them all once.
func searchSQL(appID string, f parley.MessageFilter, match string, w *conds, dir string) string {
	var bounds conds
	bounds.add(`s.message_search MATCH ?`, match)
	if f.AfterID > 0 {
		bounds.add(`s.rowid >= (SELECT rowid FROM messages WHERE app_id = ? AND id > ? ORDER BY id LIMIT 1)`,
			appID, f.AfterID)
	}
	if f.BeforeID > 0 {
		bounds.add(`s.rowid <= (SELECT rowid FROM messages WHERE app_id = ? AND id < ? ORDER BY id DESC LIMIT 1)`,
			appID, f.BeforeID)
	}
	w.sql = append(bounds.sql, w.sql...)
	w.args = append(bounds.args, w.args...)
	return `SELECT ` + readColumns + ` FROM message_search s CROSS JOIN messages m ON m.rowid = s.rowid WHERE ` +
		strings.Join(w.sql, " AND ") + ` ORDER BY s.rowid ` + dir + ` LIMIT ?`
}

// messageWhere builds the conditions of f over messages aliased m.
func messageWhere(appID string, f parley.MessageFilter) *conds {
	w := &conds{}
	w.add(`m.app_id = ?`, appID)
	if f.ConversationID != "" {
		w.add(`m.conversation_id = ?`, f.ConversationID)
	}
	switch {
	case f.Viewer != "" && f.ConversationID != "":
		// One lower bound, where the index range starts: after AfterID and
		// after the point up to which the viewer cleared the conversation.
		w.add(`m.id > max(?, ifnull((SELECT cs.cleared_id FROM conversation_states cs
			WHERE cs.app_id = ? AND cs.uid = ? AND cs.conversation_id = ?), 0))`,
			max(f.AfterID, 0), appID, f.Viewer, f.ConversationID)
	case f.AfterID > 0:
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
	if f.HasReplies {
		w.add(`m.reply_count > 0 AND m.id IN (`+parentsSQL+`)`, appID)
	}
	if f.ThreadsOf != "" {
		w.add(`m.id IN (`+subscribedSQL+` UNION `+parentsSQL+`) AND `+threadsOf,
			appID, f.ThreadsOf, appID, f.ThreadsOf, f.ThreadsOf)
	}
	if len(f.Categories) > 0 {
		w.add(`m.category IN (`+placeholders(len(f.Categories))+`)`, strArgs(f.Categories)...)
	}
	if len(f.Types) > 0 {
		w.add(`m.type IN (`+placeholders(len(f.Types))+`)`, strArgs(f.Types)...)
	}
	if f.Participant != "" {
		w.add(`m.receiver_type = '`+parley.ReceiverUser+`' AND (m.sender = ? OR m.receiver = ?)`,
			f.Participant, f.Participant)
	}
	if f.Sender != "" {
		w.add(`m.sender = ?`, f.Sender)
	}
	contentConds(w, f)
	if f.HideDeleted {
		w.add(`m.deleted_at = 0`)
	}
	if f.OnlyDeleted {
		w.add(`m.deleted_at != 0`)
	}
	if f.HideBlockedOf != "" {
		w.add(`NOT EXISTS (SELECT 1 FROM blocks b WHERE b.app_id = m.app_id AND b.blocker = ? AND b.blocked = m.sender)
			AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.app_id = m.app_id AND b.blocker = m.sender AND b.blocked = ?)`,
			f.HideBlockedOf, f.HideBlockedOf)
	}
	if f.FromTime != 0 {
		w.add(`m.sent_at >= ?`, f.FromTime)
	}
	if f.ToTime != 0 {
		w.add(`m.sent_at <= ?`, f.ToTime)
	}
	if f.UpdatedSince != 0 {
		w.add(`m.updated_at >= ?`, f.UpdatedSince)
	}
	if f.OnlyUpdates {
		w.add(`(m.edited_at != 0 OR m.deleted_at != 0)`)
	}
	if f.Viewer != "" {
		guid, _ := strings.CutPrefix(f.ConversationID, parley.GroupConversationID(""))
		if guid == f.ConversationID {
			guid = ""
		}
		visibleTo(w, appID, f.Viewer, f.ConversationID == "", guid)
	}
	return w
}

// hasAttachments holds for a message (aliased m) with attachments; the
// substring test spares most messages the JSON parse.
const hasAttachments = `(instr(m.data, '"attachments":') > 0
	AND ifnull(json_array_length(m.data, '$.attachments'), 0) > 0)`

// contentConds adds the conditions of f on what a message holds: tags,
// text, attachments, mentions and reactions.
func contentConds(w *conds, f parley.MessageFilter) {
	if len(f.Tags) > 0 {
		w.add(`EXISTS (SELECT 1 FROM message_tags t WHERE t.app_id = m.app_id AND t.message_id = m.id
			AND t.tag IN (`+placeholders(len(f.Tags))+`))`, strArgs(f.Tags)...)
	}
	if f.WithTags {
		w.add(`EXISTS (SELECT 1 FROM message_tags t WHERE t.app_id = m.app_id AND t.message_id = m.id)`)
	}
	if strings.TrimSpace(f.SearchKey) != "" {
		switch match := searchQuery(f.SearchKey); {
		case match == "":
			w.add(`0`) // no word to look for: nothing matches
		case f.ConversationID != "":
			// Beyond one conversation the search is the walk of searchSQL.
			w.add(`m.rowid IN (SELECT rowid FROM message_search WHERE message_search MATCH ?)`, match)
		}
	}
	if f.HasAttachments {
		w.add(hasAttachments)
	}
	if len(f.AttachmentTypes) > 0 {
		// A media message's attachments are of its type.
		w.add(`m.category = '`+parley.CategoryMessage+`' AND m.type IN (`+placeholders(len(f.AttachmentTypes))+`)
			AND `+hasAttachments, strArgs(f.AttachmentTypes)...)
	}
	if f.HasMentions {
		w.add(`EXISTS (SELECT 1 FROM mentions mn WHERE mn.app_id = m.app_id AND mn.message_id = m.id)`)
	}
	if len(f.MentionedUIDs) > 0 {
		w.add(`EXISTS (SELECT 1 FROM mentions mn WHERE mn.app_id = m.app_id AND mn.message_id = m.id
			AND mn.uid IN (`+placeholders(len(f.MentionedUIDs))+`))`, strArgs(f.MentionedUIDs)...)
	}
	if f.HasReactions {
		w.add(`EXISTS (SELECT 1 FROM reactions r WHERE r.app_id = m.app_id AND r.message_id = m.id)`)
	}
}

// searchQuery turns a search key into an FTS5 query that can't be a syntax
// error: each word of the key becomes a quoted phrase (quotes doubled)
// matched as a prefix, and all must match. The tokenizer folds case and
// diacritics. Words with no letter or digit, which the tokenizer would
// reduce to nothing, are left out; "" when none is left.
func searchQuery(key string) string {
	var terms []string
	for _, word := range strings.Fields(key) {
		if strings.IndexFunc(word, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) < 0 {
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(word, `"`, `""`)+`"*`)
	}
	return strings.Join(terms, " ")
}

// groupVisibleAt holds when the message id (an SQL expression) of the
// group of message m (aliased m) falls within one of the viewer's
// memberships of the group, current or past: joined at or before it, and
// not left before it. Its placeholder takes the viewer.
func groupVisibleAt(id string) string {
	return `EXISTS (SELECT 1 FROM memberships ms
	WHERE ms.app_id = m.app_id AND ms.guid = m.receiver AND ms.uid = ?
	AND ms.joined_id <= ` + id + ` AND (ms.left_id IS NULL OR ` + id + ` <= ms.left_id))`
}

// onlyJoinedID is, for the viewer's memberships of one group, the message
// the current one started at when it is their only one, as most are; NULL
// otherwise (none, a past one, or several). It names no column of m, so
// SQLite evaluates it once per statement. Its placeholders take the app,
// the group and the viewer.
const onlyJoinedID = `(SELECT CASE WHEN count(*) = 1 THEN max(CASE WHEN oj.left_id IS NULL THEN oj.joined_id END) END
	FROM memberships oj WHERE oj.app_id = ? AND oj.guid = ? AND oj.uid = ?)`

// groupVisibleIn is groupVisibleAt for a page of the group guid's
// conversation: when the viewer's only membership of the group is their
// current one, an id of that group is visible from where they joined on,
// a comparison in place of a seek of memberships per row. Its placeholders
// take guid, the app, guid, the viewer, the app, guid, the viewer, and the
// viewer.
func groupVisibleIn(id string) string {
	return `(CASE WHEN m.receiver = ? AND ` + onlyJoinedID + ` IS NOT NULL THEN ` + id + ` >= ` + onlyJoinedID +
		` ELSE ` + groupVisibleAt(id) + ` END)`
}

// userVisible holds for a one-to-one message (aliased m) the viewer sends
// or receives; both placeholders take the viewer.
const userVisible = `(m.sender = ? OR m.receiver = ?)`

// aboutID is, for an action message about a message (aliased m: category
// action, type message, an edit or a delete naming the message in
// data.entities.on), the id of that message.
const aboutID = `CAST(m.data ->> '$.entities.on.entity.id' AS INTEGER)`

// visibleTo keeps the messages viewer may see: by receiver type, the rule
// of group messages or the rule of user messages; and with
// acrossConversations, of those the ones after the point up to which the
// viewer cleared their conversation (in one conversation messageWhere
// bounds the range by it). An action message about a message is kept only
// if that message is visible too (it carries the message whole): within a
// membership of the group, and after the point the viewer cleared the
// conversation to. In a one-to-one conversation both users may see each
// of its messages. guid, when the page is of one group's conversation,
// lets the membership rule of that group be checked by groupVisibleIn.
func visibleTo(w *conds, appID, viewer string, acrossConversations bool, guid string) {
	groupRule := func(id string) (string, []any) {
		if guid == "" {
			return groupVisibleAt(id), []any{viewer}
		}
		return groupVisibleIn(id), []any{guid, appID, guid, viewer, appID, guid, viewer, viewer}
	}
	rule, args := groupRule(`m.id`)
	w.add(`CASE m.receiver_type WHEN '`+parley.ReceiverGroup+`' THEN `+rule+
		` ELSE `+userVisible+` END`, append(args, viewer, viewer)...)
	if acrossConversations {
		w.add(`NOT EXISTS (SELECT 1 FROM conversation_states cs WHERE cs.app_id = m.app_id AND cs.uid = ?
			AND cs.conversation_id = m.conversation_id AND cs.cleared_id >= m.id)`, viewer)
	}
	rule, args = groupRule(aboutID)
	w.add(`(m.category != '`+parley.CategoryAction+`' OR m.type != '`+parley.TypeMessage+`'
		OR ((m.receiver_type != '`+parley.ReceiverGroup+`' OR `+rule+`)
		AND NOT EXISTS (SELECT 1 FROM conversation_states cs WHERE cs.app_id = m.app_id AND cs.uid = ?
			AND cs.conversation_id = m.conversation_id AND cs.cleared_id >= `+aboutID+`)))`, append(args, viewer)...)
}

// messageFilterFields are the fields of parley.MessageFilter that Messages
// applies: all of them. A field added to the filter stays refused (see
// unsupportedFilter) until Messages applies it and it is listed here.
var messageFilterFields = map[string]bool{
	"ConversationID": true, "Viewer": true, "AfterID": true, "FromStart": true, "BeforeID": true, "Limit": true,
	"ParentID": true, "HideReplies": true, "HasReplies": true, "ThreadsOf": true, "Categories": true, "Types": true,
	"Participant": true, "Sender": true, "Tags": true, "WithTags": true, "SearchKey": true,
	"HasAttachments": true, "AttachmentTypes": true, "HasMentions": true, "MentionedUIDs": true,
	"HasReactions": true, "HideDeleted": true, "OnlyDeleted": true, "HideBlockedOf": true,
	"FromTime": true, "ToTime": true, "UpdatedSince": true, "OnlyUpdates": true,
}

// filterFields are the fields of parley.MessageFilter, found once.
var filterFields = reflect.VisibleFields(reflect.TypeFor[parley.MessageFilter]())

// unsupportedFilter refuses a filter that sets a field Messages does not
// apply, rather than list messages the field would have hidden.
func unsupportedFilter(f parley.MessageFilter) error {
	v := reflect.ValueOf(&f).Elem()
	var set []string
	for _, sf := range filterFields {
		if !sf.Anonymous && !messageFilterFields[sf.Name] && !v.FieldByIndex(sf.Index).IsZero() {
			set = append(set, sf.Name)
		}
	}
	if set != nil {
		return fmt.Errorf("filter fields not supported yet: %s", strings.Join(set, ", "))
	}
	return nil
}
