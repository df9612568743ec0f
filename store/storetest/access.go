package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestAccessVersion tests that every write that can change who may send
// what to whom moves the app's access version, in that app only, and that
// the writes of the message path leave it.
func TestAccessVersion(t *testing.T, newStore func(t *testing.T) parley.Store) {
	s := newStore(t)
	ctx := t.Context()
	a := MustCreateApp(t, s)
	other := MustCreateApp(t, s)
	for _, uid := range []string{"ann", "bob", "cid"} {
		MustCreateUser(t, s, a.ID, uid)
	}
	mustCreateGroup(t, s, a.ID, "g", parley.GroupPublic)
	version := func(appID string) int64 {
		t.Helper()
		v, err := s.AccessVersion(ctx, appID)
		must(t, err, "AccessVersion")
		return v
	}
	user := func(uid string) *parley.User {
		t.Helper()
		u, err := s.User(ctx, a.ID, uid, "")
		must(t, err, "User")
		return u
	}
	type write struct {
		name  string
		moves bool
		fn    func() error
	}
	writes := []write{
		{"CreateUser", true, func() error {
			return s.CreateUser(ctx, a.ID, &parley.User{UID: "dan", Name: "Dan", Role: parley.DefaultRole, CreatedAt: t0})
		}},
		{"UpdateUserName", false, func() error { u := user("dan"); u.Name = "Daniel"; return s.UpdateUser(ctx, a.ID, u) }},
		{"Deactivate", true, func() error { u := user("dan"); u.DeactivatedAt = t0 + 1; return s.UpdateUser(ctx, a.ID, u) }},
		{"Reactivate", true, func() error { u := user("dan"); u.DeactivatedAt = 0; return s.UpdateUser(ctx, a.ID, u) }},
		{"SoftDelete", true, func() error { u := user("dan"); u.DeletedAt = t0 + 2; return s.UpdateUser(ctx, a.ID, u) }},
		{"PurgeUser", true, func() error { return s.PurgeUser(ctx, a.ID, "dan") }},
		{"Block", true, func() error { return s.Block(ctx, a.ID, "ann", "bob", t0) }},
		{"Unblock", true, func() error { return s.Unblock(ctx, a.ID, "ann", "bob") }},
		{"AddFriend", false, func() error { return s.AddFriend(ctx, a.ID, "ann", "bob", t0) }},
		{"AddMember", true, func() error {
			return s.AddMember(ctx, a.ID, "g", &parley.Member{User: &parley.User{UID: "ann"}, Scope: parley.ScopeAdmin, JoinedID: 1, JoinedAt: t0})
		}},
		{"SetMemberScope", true, func() error { return s.SetMemberScope(ctx, a.ID, "g", "ann", parley.ScopeModerator) }},
		{"EndMember", true, func() error { return s.EndMember(ctx, a.ID, "g", "ann", 2, t0) }},
		{"Ban", true, func() error { return s.Ban(ctx, a.ID, "g", "bob", "ann", t0) }},
		{"Unban", true, func() error { return s.Unban(ctx, a.ID, "g", "bob") }},
		{"RenameGroup", false, func() error {
			g := mustGroup(t, s, a.ID, "g", "")
			g.Name = "Gee"
			return s.UpdateGroup(ctx, a.ID, g)
		}},
		{"RetypeGroup", true, func() error {
			g := mustGroup(t, s, a.ID, "g", "")
			g.Type = parley.GroupPrivate
			return s.UpdateGroup(ctx, a.ID, g)
		}},
		{"SendAndTouch", false, func() error { return appendAndTouch(t, s, a.ID, true, groupMessage("g", "cid")) }},
		{"MarkReceipt", false, func() error {
			return s.MarkReceipt(ctx, a.ID, "bob", "group_g", parley.ReceiptRead, 1, t0)
		}},
		{"CreateGroup", true, func() error {
			return s.CreateGroup(ctx, a.ID, &parley.Group{GUID: "h", Name: "H", Type: parley.GroupPublic, CreatedAt: t0})
		}},
		{"DeleteGroup", true, func() error { return s.DeleteGroup(ctx, a.ID, "h") }},
	}
	for _, w := range writes {
		before, otherBefore := version(a.ID), version(other.ID)
		must(t, w.fn(), w.name)
		after := version(a.ID)
		if moved := after != before; moved != w.moves {
			t.Errorf("%s: access version %d → %d; want moved = %v", w.name, before, after, w.moves)
		}
		if v := version(other.ID); v != otherBefore {
			t.Errorf("%s moved another app's access version (%d → %d)", w.name, otherBefore, v)
		}
	}
	_, err := s.AccessVersion(ctx, "app-none")
	wantErr(t, err, parley.ErrNotFound, "AccessVersion of a missing app")
}
