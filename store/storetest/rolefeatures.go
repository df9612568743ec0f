package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// TestRoleFeatures tests the features roles restrict.
func TestRoleFeatures(t *testing.T, newStore func(t *testing.T) parley.Store) {
	type RF = parley.RoleFeature
	setup := func(t *testing.T) (parley.Store, string) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for _, r := range []string{"limited", "other"} {
			must(t, s.CreateRole(t.Context(), a.ID, &parley.Role{Role: r, Name: r, CreatedAt: t0}), "CreateRole")
		}
		return s, a.ID
	}
	list := func(t *testing.T, s parley.Tx, appID, role string) []RF {
		t.Helper()
		fs, err := s.RestrictedFeatures(t.Context(), appID, role)
		must(t, err, "RestrictedFeatures")
		return fs
	}

	t.Run("RestrictListAllow", func(t *testing.T) {
		s, appID := setup(t)
		wantEqual(t, []RF(nil), list(t, s, appID, "limited"), "features of a new role")
		must(t, s.RestrictFeatures(t.Context(), appID, "limited", []string{"listUsers", "createGroup"}, t0+1), "RestrictFeatures")
		// Restricting again keeps the first time; a new one is added.
		must(t, s.RestrictFeatures(t.Context(), appID, "limited", []string{"listUsers", "ban"}, t0+2), "RestrictFeatures again")
		wantEqual(t, []RF{{Feature: "ban", CreatedAt: t0 + 2}, {Feature: "createGroup", CreatedAt: t0 + 1}, {Feature: "listUsers", CreatedAt: t0 + 1}},
			list(t, s, appID, "limited"), "restricted features, by key")
		wantEqual(t, []RF(nil), list(t, s, appID, "other"), "another role's features")

		must(t, s.AllowFeatures(t.Context(), appID, "limited", []string{"listUsers", "notRestricted"}), "AllowFeatures")
		wantEqual(t, []RF{{Feature: "ban", CreatedAt: t0 + 2}, {Feature: "createGroup", CreatedAt: t0 + 1}}, list(t, s, appID, "limited"), "after allowing one")
		must(t, s.AllowFeatures(t.Context(), appID, "limited", []string{}), "AllowFeatures of none")
		wantEqual(t, 2, len(list(t, s, appID, "limited")), "features after allowing none")
		must(t, s.AllowFeatures(t.Context(), appID, "limited", nil), "AllowFeatures of all")
		wantEqual(t, []RF(nil), list(t, s, appID, "limited"), "after allowing all")
	})

	t.Run("UnknownRole", func(t *testing.T) {
		s, appID := setup(t)
		wantErr(t, s.RestrictFeatures(t.Context(), appID, "none", []string{"ban"}, t0), parley.ErrNotFound, "RestrictFeatures of no role")
		wantEqual(t, []RF(nil), list(t, s, appID, "none"), "features of no role")
	})

	t.Run("GoWithTheRole", func(t *testing.T) {
		s, appID := setup(t)
		must(t, s.RestrictFeatures(t.Context(), appID, "limited", []string{"ban"}, t0), "RestrictFeatures")
		must(t, s.DeleteRole(t.Context(), appID, "limited"), "DeleteRole")
		must(t, s.CreateRole(t.Context(), appID, &parley.Role{Role: "limited", Name: "again", CreatedAt: t0}), "CreateRole again")
		wantEqual(t, []RF(nil), list(t, s, appID, "limited"), "features of a role made again")
	})

	t.Run("InTx", func(t *testing.T) {
		s, appID := setup(t)
		err := s.InTx(t.Context(), func(tx parley.Tx) error {
			must(t, tx.RestrictFeatures(t.Context(), appID, "limited", []string{"ban"}, t0), "RestrictFeatures in a tx")
			wantEqual(t, []RF{{Feature: "ban", CreatedAt: t0}}, list(t, tx, appID, "limited"), "features read in the tx")
			return parley.ErrConflict // roll back
		})
		wantErr(t, err, parley.ErrConflict, "InTx")
		wantEqual(t, []RF(nil), list(t, s, appID, "limited"), "features after a rollback")
	})

	t.Run("AppIsolation", func(t *testing.T) {
		s, appA := setup(t)
		b := MustCreateApp(t, s)
		must(t, s.CreateRole(t.Context(), b.ID, &parley.Role{Role: "limited", Name: "B", CreatedAt: t0}), "CreateRole in B")
		must(t, s.RestrictFeatures(t.Context(), appA, "limited", []string{"ban"}, t0), "RestrictFeatures in A")
		wantEqual(t, []RF(nil), list(t, s, b.ID, "limited"), "B's role")
		must(t, s.AllowFeatures(t.Context(), b.ID, "limited", nil), "AllowFeatures in B")
		wantEqual(t, []RF{{Feature: "ban", CreatedAt: t0}}, list(t, s, appA, "limited"), "A's role after B allowed all")
	})
}
