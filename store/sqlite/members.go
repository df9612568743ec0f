package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/parleychat/parley"
)

// memberColumns are a member's user (userColumns) and membership, in
// scanMember's order; memberships are aliased m and users u.
const memberColumns = userColumns + `, m.scope, m.joined_at, m.joined_id`

// memberFrom joins current memberships with their users.
const memberFrom = ` FROM memberships m JOIN users u ON u.app_id = m.app_id AND u.uid = m.uid`

// withExtra is a scanner that reads its columns into the destinations it
// is given and then into extra: a record's columns, then some of its own.
type withExtra struct {
	sc    scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.sc.Scan(append(dest, w.extra...)...) }

func scanMember(sc scanner) (*parley.Member, error) {
	var m parley.Member
	u, err := scanUser(withExtra{sc, []any{&m.Scope, &m.JoinedAt, &m.JoinedID}}, false)
	if err != nil {
		return nil, err
	}
	m.User = u
	return &m, nil
}

// AddMember starts a current membership of uid m.User.UID with m.Scope,
// m.JoinedAt and m.JoinedID. One statement: the memberships_count_insert
// trigger adds one to the group's MembersCount in it. ErrConflict if uid
// is a current member, ErrNotFound if the group or the user does not exist.
func (q *queries) AddMember(ctx context.Context, appID, guid string, m *parley.Member) error {
	if m.User == nil {
		return fmt.Errorf("sqlite: add member to %q: no user", guid)
	}
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO memberships (app_id, guid, uid, scope, joined_id, joined_at) VALUES (?, ?, ?, ?, ?, ?)`,
		appID, guid, m.User.UID, m.Scope, m.JoinedID, m.JoinedAt)
	if err != nil {
		return fail(fmt.Sprintf("add member %q to %q", m.User.UID, guid), err)
	}
	return nil
}

// Member returns uid's current membership of the group, with the user as
// User returns it without a viewer; ErrNotFound if uid is not a member.
func (q *queries) Member(ctx context.Context, appID, guid, uid string) (*parley.Member, error) {
	m, err := scanMember(q.r.QueryRowContext(ctx,
		`SELECT `+memberColumns+memberFrom+`
		 WHERE m.app_id = ? AND m.guid = ? AND m.uid = ? AND m.left_id IS NULL`, appID, guid, uid))
	if err != nil {
		return nil, fail(fmt.Sprintf("member %q of %q", uid, guid), err)
	}
	return m, nil
}

// Members lists the group's current members matching f, oldest first (by
// JoinedID, then uid), with the total before paging. Users are listed
// whatever their state: deactivated and soft-deleted members too.
func (q *queries) Members(ctx context.Context, appID, guid string, f parley.MemberFilter) ([]*parley.Member, int, error) {
	w := conds{}
	w.add(`m.app_id = ? AND m.guid = ? AND m.left_id IS NULL`, appID, guid)
	if len(f.Scopes) > 0 {
		w.add(`m.scope IN (`+placeholders(len(f.Scopes))+`)`, strArgs(f.Scopes)...)
	}
	userConds(&w, f)
	where := strings.Join(w.sql, " AND ")
	members, total, err := listPaged(ctx, q,
		`SELECT COUNT(*)`+memberFrom+` WHERE `+where,
		`SELECT `+memberColumns+memberFrom+` WHERE `+where+` ORDER BY m.joined_id, m.uid`,
		w.args, f.Page, scanMember)
	if err != nil {
		return nil, 0, fail(fmt.Sprintf("members of %q", guid), err)
	}
	return members, total, nil
}

// userConds adds the conditions of f on users aliased u: Status and
// SearchKey (a prefix of uid or name).
func userConds(w *conds, f parley.MemberFilter) {
	if f.Status != "" {
		w.add(`u.status = ?`, f.Status)
	}
	if f.SearchKey != "" {
		cond, args := prefixMatch(f.SearchKey, "u.uid", "u.name")
		w.add(cond, args...)
	}
}

// SetMemberScope changes a current member's scope; ErrNotFound.
func (q *queries) SetMemberScope(ctx context.Context, appID, guid, uid, scope string) error {
	res, err := q.w.ExecContext(ctx,
		`UPDATE memberships SET scope = ? WHERE app_id = ? AND guid = ? AND uid = ? AND left_id IS NULL`,
		scope, appID, guid, uid)
	return changed(fmt.Sprintf("set scope of %q in %q", uid, guid), res, err)
}

// EndMember ends uid's current membership at message leftID and time at.
// One statement: the memberships_count_update trigger takes one from the
// group's MembersCount in it. The membership stays as a past one.
// ErrNotFound if uid is not a current member.
func (q *queries) EndMember(ctx context.Context, appID, guid, uid string, leftID, at int64) error {
	res, err := q.w.ExecContext(ctx,
		`UPDATE memberships SET left_id = ?, left_at = ?
		 WHERE app_id = ? AND guid = ? AND uid = ? AND left_id IS NULL`,
		leftID, at, appID, guid, uid)
	return changed(fmt.Sprintf("end member %q of %q", uid, guid), res, err)
}

// UserGroups lists, sorted, the guids of the groups uid is a current member of.
func (q *queries) UserGroups(ctx context.Context, appID, uid string) ([]string, error) {
	op := fmt.Sprintf("groups of %q", uid)
	rows, err := q.r.QueryContext(ctx,
		`SELECT guid FROM memberships WHERE app_id = ? AND uid = ? AND left_id IS NULL ORDER BY guid`,
		appID, uid)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var guid string
		if err := rows.Scan(&guid); err != nil {
			return nil, fail(op, err)
		}
		out = append(out, guid)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}

// Ban records that by banned uid from the group at time at; ErrConflict if
// uid is banned already, ErrNotFound if the group or the user does not
// exist. It leaves memberships alone: ending one is EndMember's.
func (q *queries) Ban(ctx context.Context, appID, guid, uid, by string, at int64) error {
	_, err := q.w.ExecContext(ctx,
		`INSERT INTO bans (app_id, guid, uid, banned_by, banned_at) VALUES (?, ?, ?, ?, ?)`,
		appID, guid, uid, by, at)
	if err != nil {
		return fail(fmt.Sprintf("ban %q from %q", uid, guid), err)
	}
	return nil
}

// Unban lifts a ban; ErrNotFound if none.
func (q *queries) Unban(ctx context.Context, appID, guid, uid string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM bans WHERE app_id = ? AND guid = ? AND uid = ?`, appID, guid, uid)
	return changed(fmt.Sprintf("unban %q from %q", uid, guid), res, err)
}

// IsBanned reports whether uid is banned from the group.
func (q *queries) IsBanned(ctx context.Context, appID, guid, uid string) (bool, error) {
	var banned bool
	err := q.r.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM bans WHERE app_id = ? AND guid = ? AND uid = ?)`,
		appID, guid, uid).Scan(&banned)
	if err != nil {
		return false, fail(fmt.Sprintf("is %q banned from %q", uid, guid), err)
	}
	return banned, nil
}

const banFrom = ` FROM bans b JOIN users u ON u.app_id = b.app_id AND u.uid = b.uid`

func scanBanned(sc scanner) (*parley.Banned, error) {
	var b parley.Banned
	u, err := scanUser(withExtra{sc, []any{&b.BannedAt, &b.BannedBy}}, false)
	if err != nil {
		return nil, err
	}
	b.User = u
	return &b, nil
}

// Bans lists the group's banned users matching f (Status and SearchKey; a
// ban has no scope, so f.Scopes is not used), by BannedAt then uid, with the
// total before paging.
func (q *queries) Bans(ctx context.Context, appID, guid string, f parley.MemberFilter) ([]*parley.Banned, int, error) {
	w := conds{}
	w.add(`b.app_id = ? AND b.guid = ?`, appID, guid)
	userConds(&w, f)
	where := strings.Join(w.sql, " AND ")
	bans, total, err := listPaged(ctx, q,
		`SELECT COUNT(*)`+banFrom+` WHERE `+where,
		`SELECT `+userColumns+`, b.banned_at, b.banned_by`+banFrom+` WHERE `+where+` ORDER BY b.banned_at, b.uid`,
		w.args, f.Page, scanBanned)
	if err != nil {
		return nil, 0, fail(fmt.Sprintf("bans of %q", guid), err)
	}
	return bans, total, nil
}

// listPaged reads, from one snapshot, the count of countSQL and the page p
// of listSQL (which must end where LIMIT ? OFFSET ? can follow); both take
// args.
func listPaged[T any](ctx context.Context, q *queries, countSQL, listSQL string, args []any,
	p parley.Page, scan func(scanner) (T, error)) ([]T, int, error) {
	limit, offset := pageBounds(p)
	listArgs := append(append(make([]any, 0, len(args)+2), args...), limit, offset)
	var (
		out   []T
		total int
	)
	err := q.read(ctx, func(q *queries) error {
		out = nil
		if err := q.r.QueryRowContext(ctx, countSQL, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := q.r.QueryContext(ctx, listSQL+` LIMIT ? OFFSET ?`, listArgs...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	return out, total, err
}

// UserMemberships maps the groups uid is a current member of to the id at
// which each membership began.
func (q *queries) UserMemberships(ctx context.Context, appID, uid string) (map[string]int64, error) {
	op := fmt.Sprintf("memberships of %q", uid)
	rows, err := q.r.QueryContext(ctx,
		`SELECT guid, joined_id FROM memberships WHERE app_id = ? AND uid = ? AND left_id IS NULL`,
		appID, uid)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var guid string
		var joined int64
		if err := rows.Scan(&guid, &joined); err != nil {
			return nil, fail(op, err)
		}
		out[guid] = joined
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}
