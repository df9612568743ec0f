package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestRoles tests roles.
func TestRoles(t *testing.T, newStore func(t *testing.T) parley.Store) {
	role := func(id string) *parley.Role {
		return &parley.Role{Role: id, Name: "Role " + id, CreatedAt: t0}
	}

	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		want := &parley.Role{
			Role: "mod", Name: "Moderator", Description: "keeps order",
			Metadata:  map[string]any{"color": "blue", "rank": 2.0},
			Settings:  map[string]any{"canDelete": true, "limits": map[string]any{"perMin": 10.0}},
			CreatedAt: t0, UpdatedAt: t0 + 1,
		}
		must(t, s.CreateRole(t.Context(), a.ID, want), "CreateRole")
		got, err := s.Role(t.Context(), a.ID, "mod")
		must(t, err, "Role")
		wantEqual(t, want, got, "role")
	})

	t.Run("RoundTripNil", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		want := role("plain")
		must(t, s.CreateRole(t.Context(), a.ID, want), "CreateRole")
		got, err := s.Role(t.Context(), a.ID, "plain")
		must(t, err, "Role")
		wantEqual(t, want, got, "role with nil maps")
	})

	t.Run("CreateConflict", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		must(t, s.CreateRole(t.Context(), a.ID, role("mod")), "CreateRole")
		dup := role("mod")
		dup.Name = "Other"
		wantErr(t, s.CreateRole(t.Context(), a.ID, dup), parley.ErrConflict, "CreateRole with a taken id")
		got, err := s.Role(t.Context(), a.ID, "mod")
		must(t, err, "Role")
		wantEqual(t, role("mod"), got, "role after a refused create")
	})

	t.Run("CreateUnknownApp", func(t *testing.T) {
		s := newStore(t)
		if err := s.CreateRole(t.Context(), "app-none", role("mod")); err == nil {
			t.Error("CreateRole in an app that does not exist succeeded")
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		_, err := s.Role(t.Context(), a.ID, "none")
		wantErr(t, err, parley.ErrNotFound, "Role")
		wantErr(t, s.UpdateRole(t.Context(), a.ID, role("none")), parley.ErrNotFound, "UpdateRole")
		wantErr(t, s.DeleteRole(t.Context(), a.ID, "none"), parley.ErrNotFound, "DeleteRole")
	})

	t.Run("ListByID", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		rs, total, err := s.Roles(t.Context(), a.ID, parley.Page{Page: 1, PerPage: 10})
		must(t, err, "Roles")
		if len(rs) != 0 || total != 0 {
			t.Fatalf("Roles of a new app = %d roles, total %d", len(rs), total)
		}
		for _, id := range []string{"mod", "admin", "default", "zeta", "beta"} {
			must(t, s.CreateRole(t.Context(), a.ID, role(id)), "CreateRole")
		}
		for _, tc := range []struct {
			p    parley.Page
			want []string
		}{
			{parley.Page{Page: 1, PerPage: 0}, []string{"admin", "beta", "default", "mod", "zeta"}},
			{parley.Page{Page: 1, PerPage: 2}, []string{"admin", "beta"}},
			{parley.Page{Page: 2, PerPage: 2}, []string{"default", "mod"}},
			{parley.Page{Page: 3, PerPage: 2}, []string{"zeta"}},
			{parley.Page{Page: 4, PerPage: 2}, []string{}},
		} {
			rs, total, err := s.Roles(t.Context(), a.ID, tc.p)
			must(t, err, "Roles")
			ids := []string{}
			for _, r := range rs {
				ids = append(ids, r.Role)
			}
			wantEqual(t, tc.want, ids, "roles listed")
			wantEqual(t, 5, total, "total roles")
		}
		rs, _, err = s.Roles(t.Context(), a.ID, parley.Page{Page: 1, PerPage: 1})
		must(t, err, "Roles")
		wantEqual(t, []*parley.Role{role("admin")}, rs, "listed role")
	})

	t.Run("Update", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		orig := role("mod")
		orig.Metadata = map[string]any{"a": "b"}
		must(t, s.CreateRole(t.Context(), a.ID, orig), "CreateRole")
		want := &parley.Role{Role: "mod", Name: "Mods", Description: "new", Settings: map[string]any{"x": 1.0},
			CreatedAt: t0 + 1, UpdatedAt: t0 + 2}
		must(t, s.UpdateRole(t.Context(), a.ID, want), "UpdateRole")
		got, err := s.Role(t.Context(), a.ID, "mod")
		must(t, err, "Role")
		wantEqual(t, want, got, "updated role")
	})

	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		must(t, s.CreateRole(t.Context(), a.ID, role("mod")), "CreateRole")
		must(t, s.CreateRole(t.Context(), a.ID, role("vip")), "CreateRole")
		must(t, s.DeleteRole(t.Context(), a.ID, "mod"), "DeleteRole")
		_, err := s.Role(t.Context(), a.ID, "mod")
		wantErr(t, err, parley.ErrNotFound, "Role after delete")
		wantErr(t, s.DeleteRole(t.Context(), a.ID, "mod"), parley.ErrNotFound, "second DeleteRole")
		_, total, err := s.Roles(t.Context(), a.ID, parley.Page{Page: 1})
		must(t, err, "Roles")
		wantEqual(t, 1, total, "roles left")
	})

	t.Run("AppIsolation", func(t *testing.T) {
		s := newStore(t)
		a, b := MustCreateApp(t, s), MustCreateApp(t, s)
		ra := role("mod")
		must(t, s.CreateRole(t.Context(), a.ID, ra), "CreateRole in A")
		_, err := s.Role(t.Context(), b.ID, "mod")
		wantErr(t, err, parley.ErrNotFound, "A's role read from B")
		rs, total, err := s.Roles(t.Context(), b.ID, parley.Page{Page: 1})
		must(t, err, "Roles of B")
		if len(rs) != 0 || total != 0 {
			t.Errorf("B lists %d roles (total %d) of A", len(rs), total)
		}
		wantErr(t, s.UpdateRole(t.Context(), b.ID, role("mod")), parley.ErrNotFound, "A's role updated from B")
		wantErr(t, s.DeleteRole(t.Context(), b.ID, "mod"), parley.ErrNotFound, "A's role deleted from B")

		// The same id may exist in both apps.
		rb := role("mod")
		rb.Name = "B's mod"
		must(t, s.CreateRole(t.Context(), b.ID, rb), "CreateRole with the same id in B")
		must(t, s.DeleteRole(t.Context(), b.ID, "mod"), "DeleteRole in B")
		got, err := s.Role(t.Context(), a.ID, "mod")
		must(t, err, "Role in A")
		wantEqual(t, ra, got, "A's role")
	})
}
