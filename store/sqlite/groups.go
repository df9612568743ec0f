package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/parleychat/parley"
)

// groupColumns are the stored fields of a group, in scanGroup's order.
const groupColumns = `g.guid, g.name, g.type, g.icon, g.description, g.metadata, g.tags, g.owner,
	g.members_count, g.password_hash, g.created_at, g.updated_at`

// groupViewerJoin joins the viewer's current membership of g as mv; its
// placeholder takes the viewer's uid.
const groupViewerJoin = ` LEFT JOIN memberships mv ON mv.app_id = g.app_id AND mv.guid = g.guid
	AND mv.uid = ? AND mv.left_id IS NULL`

// groupViewerColumns read the viewer's membership from groupViewerJoin.
const groupViewerColumns = `, mv.uid IS NOT NULL, ifnull(mv.scope, ''), ifnull(mv.joined_at, 0)`

// scanGroup reads groupColumns, and groupViewerColumns too when withViewer.
// It fills ConversationID.
func scanGroup(sc scanner, withViewer bool) (*parley.Group, error) {
	var (
		g              parley.Group
		metadata, tags sql.NullString
		joined         bool
	)
	dest := []any{&g.GUID, &g.Name, &g.Type, &g.Icon, &g.Description, &metadata, &tags, &g.Owner,
		&g.MembersCount, &g.PasswordHash, &g.CreatedAt, &g.UpdatedAt}
	if withViewer {
		dest = append(dest, &joined, &g.Scope, &g.JoinedAt)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	if err := scanJSON(metadata, &g.Metadata); err != nil {
		return nil, fmt.Errorf("group %q metadata: %w", g.GUID, err)
	}
	if err := scanJSON(tags, &g.Tags); err != nil {
		return nil, fmt.Errorf("group %q tags: %w", g.GUID, err)
	}
	g.ConversationID = parley.GroupConversationID(g.GUID)
	if withViewer {
		g.HasJoined = &joined
	}
	return &g, nil
}

// groupArgs encodes the JSON fields of g.
func groupArgs(g *parley.Group) (metadata, tags any, err error) {
	if metadata, err = mapArg(g.Metadata); err != nil {
		return nil, nil, fmt.Errorf("metadata: %w", err)
	}
	if tags, err = jsonArg(g.Tags, g.Tags == nil); err != nil {
		return nil, nil, fmt.Errorf("tags: %w", err)
	}
	return metadata, tags, nil
}

// CreateGroup stores a group with MembersCount 0, whatever g says;
// ErrConflict if the guid is taken, ErrNotFound if the app does not exist.
// The viewer fields and ConversationID are not stored.
func (q *queries) CreateGroup(ctx context.Context, appID string, g *parley.Group) error {
	op := fmt.Sprintf("create group %q", g.GUID)
	metadata, tags, err := groupArgs(g)
	if err != nil {
		return fail(op, err)
	}
	// The groups_tags_insert trigger fills group_tags in the same statement.
	_, err = q.w.ExecContext(ctx,
		`INSERT INTO groups (app_id, guid, name, type, icon, description, metadata, tags, owner,
			password_hash, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		appID, g.GUID, g.Name, g.Type, g.Icon, g.Description, metadata, tags, g.Owner,
		g.PasswordHash, g.CreatedAt, g.UpdatedAt)
	if err != nil {
		return fail(op, err)
	}
	return nil
}

// Group returns a group with its ConversationID, or ErrNotFound. With
// viewer set it fills HasJoined, and Scope and JoinedAt when the viewer is
// a current member.
func (q *queries) Group(ctx context.Context, appID, guid, viewer string) (*parley.Group, error) {
	query := `SELECT ` + groupColumns
	var args []any
	if viewer != "" {
		query += groupViewerColumns + ` FROM groups g` + groupViewerJoin
		args = append(args, viewer)
	} else {
		query += ` FROM groups g`
	}
	query += ` WHERE g.app_id = ? AND g.guid = ?`
	args = append(args, appID, guid)
	g, err := scanGroup(q.r.QueryRowContext(ctx, query, args...), viewer != "")
	if err != nil {
		return nil, fail(fmt.Sprintf("group %q", guid), err)
	}
	return g, nil
}

// Groups lists the groups matching f, with the total before paging, read
// from one snapshot. Private groups are listed only with f.IncludePrivate or
// to a Viewer who is a current member. With a Viewer the viewer fields are
// filled as by Group.
func (q *queries) Groups(ctx context.Context, appID string, f parley.GroupFilter) ([]*parley.Group, int, error) {
	withViewer := f.Viewer != ""
	from := `groups g`
	var fromArgs []any
	if withViewer {
		from += groupViewerJoin
		fromArgs = append(fromArgs, f.Viewer)
	}
	where, whereArgs, err := groupWhere(appID, f)
	if err != nil {
		return nil, 0, fail("groups", err)
	}
	order, err := orderBy(groupSorts, "g.guid", f.SortBy, f.SortOrder)
	if err != nil {
		return nil, 0, fail("groups", err)
	}
	list := `SELECT ` + groupColumns
	if withViewer {
		list += groupViewerColumns
	}
	list += ` FROM ` + from + ` WHERE ` + where + ` ORDER BY ` + order
	groups, total, err := listPaged(ctx, q, `SELECT COUNT(*) FROM `+from+` WHERE `+where, list,
		append(fromArgs, whereArgs...), f.Page,
		func(sc scanner) (*parley.Group, error) { return scanGroup(sc, withViewer) })
	if err != nil {
		return nil, 0, fail("groups", err)
	}
	return groups, total, nil
}

// groupWhere builds the WHERE clause of f over groups aliased g, joined
// with the viewer's membership mv when f.Viewer is set.
func groupWhere(appID string, f parley.GroupFilter) (string, []any, error) {
	w := conds{}
	w.add(`g.app_id = ?`, appID)
	switch {
	case f.IncludePrivate:
	case f.Viewer != "":
		w.add(`(g.type != '` + parley.GroupPrivate + `' OR mv.uid IS NOT NULL)`)
	default:
		w.add(`g.type != '` + parley.GroupPrivate + `'`)
	}
	if f.HasJoined {
		if f.Viewer == "" {
			w.add(`0`) // nobody's groups
		} else {
			w.add(`mv.uid IS NOT NULL`)
		}
	}
	if f.SearchKey != "" {
		var cols []string
		for _, s := range f.SearchIn {
			switch s {
			case "guid":
				cols = append(cols, "g.guid")
			case "name":
				cols = append(cols, "g.name")
			default:
				return "", nil, fmt.Errorf("unknown searchIn %q", s)
			}
		}
		if len(cols) == 0 {
			cols = []string{"g.guid", "g.name"}
		}
		cond, args := prefixMatch(f.SearchKey, cols...)
		w.add(cond, args...)
	}
	if len(f.Types) > 0 {
		w.add(`g.type IN (`+placeholders(len(f.Types))+`)`, strArgs(f.Types)...)
	}
	if len(f.Tags) > 0 {
		w.add(`EXISTS (SELECT 1 FROM group_tags t WHERE t.app_id = g.app_id AND t.guid = g.guid
			AND t.tag IN (`+placeholders(len(f.Tags))+`))`, strArgs(f.Tags)...)
	}
	if f.WithTags {
		w.add(`EXISTS (SELECT 1 FROM group_tags t WHERE t.app_id = g.app_id AND t.guid = g.guid)`)
	}
	return strings.Join(w.sql, " AND "), w.args, nil
}

// groupSorts maps a group list's sortBy to its column.
var groupSorts = map[string]string{"": "g.name COLLATE NOCASE", "name": "g.name COLLATE NOCASE",
	"guid": "g.guid", "createdAt": "g.created_at"}

// prefixMatch returns a condition that holds when any of cols starts with
// key, ignoring ASCII case (as LIKE does), with LIKE's wildcards in key
// taken literally; and its arguments.
func prefixMatch(key string, cols ...string) (string, []any) {
	pattern := likeEscaper.Replace(key) + "%"
	parts := make([]string, len(cols))
	args := make([]any, len(cols))
	for i, c := range cols {
		parts[i] = c + ` LIKE ? ESCAPE '\'`
		args[i] = pattern
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// UpdateGroup writes every stored field of g but MembersCount (which the
// memberships keep), replacing its tags; ErrNotFound.
func (q *queries) UpdateGroup(ctx context.Context, appID string, g *parley.Group) error {
	op := fmt.Sprintf("update group %q", g.GUID)
	metadata, tags, err := groupArgs(g)
	if err != nil {
		return fail(op, err)
	}
	// The groups_tags_update trigger replaces group_tags in the same statement.
	res, err := q.w.ExecContext(ctx,
		`UPDATE groups SET name = ?, type = ?, icon = ?, description = ?, metadata = ?, tags = ?,
			owner = ?, password_hash = ?, created_at = ?, updated_at = ?
		 WHERE app_id = ? AND guid = ?`,
		g.Name, g.Type, g.Icon, g.Description, metadata, tags,
		g.Owner, g.PasswordHash, g.CreatedAt, g.UpdatedAt,
		appID, g.GUID)
	return changed(op, res, err)
}

// DeleteGroup removes a group (the schema cascades to its tags, memberships
// and bans), its calls and its conversation: the messages, the
// conversation, its users' states and its receipt log; atomically.
// ErrNotFound.
func (q *queries) DeleteGroup(ctx context.Context, appID, guid string) error {
	op := fmt.Sprintf("delete group %q", guid)
	return q.write(ctx, func(q *queries) error {
		res, err := q.w.ExecContext(ctx, `DELETE FROM groups WHERE app_id = ? AND guid = ?`, appID, guid)
		if err := changed(op, res, err); err != nil {
			return err
		}
		_, err = q.w.ExecContext(ctx, `DELETE FROM calls WHERE app_id = ? AND receiver = ? AND receiver_type = ?`,
			appID, guid, parley.ReceiverGroup)
		if err != nil {
			return fail(op+": calls", err)
		}
		return q.deleteConversation(ctx, appID, parley.GroupConversationID(guid))
	})
}

// deleteConversation removes a conversation whole: its messages (and what
// hangs on them), the conversation, its users' states and its receipt log.
func (q *queries) deleteConversation(ctx context.Context, appID, conversationID string) error {
	for _, table := range []string{"messages", "conversation_states", "receipt_marks", "conversations"} {
		_, err := q.w.ExecContext(ctx, `DELETE FROM `+table+` WHERE app_id = ? AND conversation_id = ?`,
			appID, conversationID)
		if err != nil {
			return fail(fmt.Sprintf("delete conversation %q: %s", conversationID, table), err)
		}
	}
	return nil
}
