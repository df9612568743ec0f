package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/parleychat/parley"
)

// Users lists the users matching f, with the total count before paging.
// Soft-deleted users are never listed; deactivated ones only with
// f.OnlyDeactivated or f.WithDeactivated. The count and the page are read
// from one snapshot.
func (q *queries) Users(ctx context.Context, appID string, f parley.UserFilter) ([]*parley.User, int, error) {
	where, args, err := userWhere(appID, f)
	if err != nil {
		return nil, 0, fail("users", err)
	}
	order, err := orderBy(userSorts, "u.uid", f.SortBy, f.SortOrder)
	if err != nil {
		return nil, 0, fail("users", err)
	}
	limit, offset := pageBounds(f.Page)

	withViewer := f.Viewer != ""
	list := `SELECT ` + userColumns
	var listArgs []any
	if withViewer {
		list += viewerColumns
		listArgs = append(listArgs, f.Viewer, f.Viewer)
	}
	list += ` FROM users u WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
	listArgs = append(listArgs, args...)
	listArgs = append(listArgs, limit, offset)

	var (
		users []*parley.User
		total int
	)
	err = q.read(ctx, func(q *queries) error {
		users = nil
		if err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u WHERE `+where, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := q.r.QueryContext(ctx, list, listArgs...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUser(rows, withViewer)
			if err != nil {
				return err
			}
			users = append(users, u)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fail("users", err)
	}
	return users, total, nil
}

// pageBounds turns a page into LIMIT and OFFSET values; PerPage 0 (or less)
// means no limit, and pages count from 1.
func pageBounds(p parley.Page) (limit, offset int) {
	if p.PerPage <= 0 {
		return -1, 0
	}
	if p.Page < 1 {
		p.Page = 1
	}
	return p.PerPage, p.Offset()
}

// likeEscaper escapes LIKE's wildcards and its escape character, '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// userWhere builds the WHERE clause of f, over users aliased u. Values go in
// args only; the clause holds placeholders.
func userWhere(appID string, f parley.UserFilter) (string, []any, error) {
	w := conds{}
	w.add(`u.app_id = ?`, appID)
	w.add(`u.deleted_at = 0`)
	switch {
	case f.OnlyDeactivated:
		w.add(`u.deactivated_at != 0`)
	case f.WithDeactivated:
	default:
		w.add(`u.deactivated_at = 0`)
	}

	if f.SearchKey != "" {
		pattern := likeEscaper.Replace(f.SearchKey) + "%"
		var inUID, inName bool
		for _, s := range f.SearchIn {
			switch s {
			case "uid":
				inUID = true
			case "name":
				inName = true
			default:
				return "", nil, fmt.Errorf("unknown searchIn %q", s)
			}
		}
		if !inUID && !inName {
			inUID, inName = true, true
		}
		// LIKE folds ASCII case.
		switch {
		case inUID && inName:
			w.add(`(u.uid LIKE ? ESCAPE '\' OR u.name LIKE ? ESCAPE '\')`, pattern, pattern)
		case inUID:
			w.add(`u.uid LIKE ? ESCAPE '\'`, pattern)
		default:
			w.add(`u.name LIKE ? ESCAPE '\'`, pattern)
		}
	}
	if f.Status != "" {
		w.add(`u.status = ?`, f.Status)
	}
	if len(f.Roles) > 0 {
		w.add(`u.role IN (`+placeholders(len(f.Roles))+`)`, strArgs(f.Roles)...)
	}
	if len(f.UIDs) > 0 {
		w.add(`u.uid IN (`+placeholders(len(f.UIDs))+`)`, strArgs(f.UIDs)...)
	}
	if len(f.Tags) > 0 {
		w.add(`EXISTS (SELECT 1 FROM user_tags t WHERE t.app_id = u.app_id AND t.uid = u.uid
			AND t.tag IN (`+placeholders(len(f.Tags))+`))`, strArgs(f.Tags)...)
	}
	if f.WithTags {
		w.add(`EXISTS (SELECT 1 FROM user_tags t WHERE t.app_id = u.app_id AND t.uid = u.uid)`)
	}
	// Friends and blocks as "u.uid IN (the few uids of one user's rows)",
	// not as EXISTS per user: SQLite then reads the user's rows and looks
	// those users up, instead of testing every user of the app (a
	// WebSocket's authentication lists both: 30 ms at 5,000 users).
	if f.FriendsOf != "" {
		w.add(`u.uid IN (SELECT fr.friend_uid FROM friends fr WHERE fr.app_id = ? AND fr.uid = ?)`, appID, f.FriendsOf)
	}
	if f.HideBlockedOf != "" {
		w.add(`NOT EXISTS (SELECT 1 FROM blocks b WHERE b.app_id = u.app_id
			AND ((b.blocker = ? AND b.blocked = u.uid) OR (b.blocker = u.uid AND b.blocked = ?)))`,
			f.HideBlockedOf, f.HideBlockedOf)
	}
	if f.BlockedOf != "" {
		const byMe = `SELECT b.blocked FROM blocks b WHERE b.app_id = ? AND b.blocker = ?`
		const hasMe = `SELECT b.blocker FROM blocks b WHERE b.app_id = ? AND b.blocked = ?`
		switch f.BlockDirection {
		case parley.DirectionBlockedByMe:
			w.add(`u.uid IN (`+byMe+`)`, appID, f.BlockedOf)
		case parley.DirectionHasBlockedMe:
			w.add(`u.uid IN (`+hasMe+`)`, appID, f.BlockedOf)
		case parley.DirectionBoth, "":
			w.add(`u.uid IN (`+byMe+` UNION ALL `+hasMe+`)`, appID, f.BlockedOf, appID, f.BlockedOf)
		default:
			return "", nil, fmt.Errorf("unknown block direction %q", f.BlockDirection)
		}
	}
	return strings.Join(w.sql, " AND "), w.args, nil
}

// userSorts maps a user list's sortBy to its column.
var userSorts = map[string]string{"": "u.name COLLATE NOCASE", "name": "u.name COLLATE NOCASE",
	"uid": "u.uid", "status": "u.status", "createdAt": "u.created_at"}

// orderBy returns the ORDER BY list for a sort field (a key of cols) and
// order; ties are broken by the id column tie in the same direction, so desc
// is exactly asc reversed. Names sort without regard to ASCII case.
func orderBy(cols map[string]string, tie, sortBy, sortOrder string) (string, error) {
	col, ok := cols[sortBy]
	if !ok {
		return "", fmt.Errorf("unknown sortBy %q", sortBy)
	}
	var dir string
	switch sortOrder {
	case "", "asc":
		dir = "ASC"
	case "desc":
		dir = "DESC"
	default:
		return "", fmt.Errorf("unknown sortOrder %q", sortOrder)
	}
	if col == tie {
		return col + " " + dir, nil
	}
	return col + " " + dir + ", " + tie + " " + dir, nil
}

// conds collects the conditions of a WHERE clause and their arguments.
type conds struct {
	sql  []string
	args []any
}

func (c *conds) add(cond string, args ...any) {
	c.sql = append(c.sql, cond)
	c.args = append(c.args, args...)
}

// placeholders returns n comma-separated placeholders.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func strArgs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
