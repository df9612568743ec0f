package storetest

import (
	"slices"
	"testing"

	"github.com/parleychat/parley"
)

// seedFilterUsers fills a new app with users and relations for the filter
// tests and returns its id. Listed by default (name, then uid) the app holds
// alice, gina, bob, carol, dave:
//
//	uid    name   role    status     tags        created  note
//	alice  Alice  default available  red, blue   +100
//	gina   Alice  mod     available  green       +150     same name as alice
//	bob    Bob    mod     offline    nil         +200
//	carol  Carol  default available  blue        +300
//	dave   Dave   admin   offline    [] (empty)  +400
//	erin   Erin   default offline    red         +500     deactivated
//	frank  Frank  default available  red         +600     soft-deleted
//
// Friends: alice–bob, alice–carol, alice–erin, alice–frank.
// Blocks: alice→dave, gina→alice, bob→carol, frank→alice, alice→erin.
func seedFilterUsers(t *testing.T, s parley.Store) string {
	t.Helper()
	ctx := t.Context()
	a := MustCreateApp(t, s)
	mk := func(uid, name, role, status string, tags []string, created, deactivated, deleted int64) *parley.User {
		return &parley.User{UID: uid, Name: name, Role: role, Status: status, Tags: tags,
			CreatedAt: t0 + created, DeactivatedAt: deactivated, DeletedAt: deleted}
	}
	on, off := parley.StatusAvailable, parley.StatusOffline
	mustCreateUsers(t, s, a.ID,
		mk("alice", "Alice", "default", on, []string{"red", "blue"}, 100, 0, 0),
		mk("gina", "Alice", "mod", on, []string{"green"}, 150, 0, 0),
		mk("bob", "Bob", "mod", off, nil, 200, 0, 0),
		mk("carol", "Carol", "default", on, []string{"blue"}, 300, 0, 0),
		mk("dave", "Dave", "admin", off, []string{}, 400, 0, 0),
		mk("erin", "Erin", "default", off, []string{"red"}, 500, t0, 0),
		mk("frank", "Frank", "default", on, []string{"red"}, 600, 0, t0),
	)
	for _, f := range [][2]string{{"alice", "bob"}, {"alice", "carol"}, {"erin", "alice"}, {"alice", "frank"}} {
		must(t, s.AddFriend(ctx, a.ID, f[0], f[1], t0), "AddFriend")
	}
	for _, b := range [][2]string{{"alice", "dave"}, {"gina", "alice"}, {"bob", "carol"}, {"frank", "alice"}, {"alice", "erin"}} {
		must(t, s.Block(ctx, a.ID, b[0], b[1], t0), "Block")
	}
	return a.ID
}

// TestUserFilters tests listing users with every field of parley.UserFilter.
func TestUserFilters(t *testing.T, newStore func(t *testing.T) parley.Store) {
	type F = parley.UserFilter
	all := []string{"alice", "gina", "bob", "carol", "dave"} // the default listing

	// Each case runs on the seeded app and wants exactly these uids, in order.
	cases := []struct {
		name string
		f    F
		want []string
	}{
		{"Default", F{}, all},
		{"OnlyDeactivated", F{OnlyDeactivated: true}, []string{"erin"}},
		{"WithDeactivated", F{WithDeactivated: true}, []string{"alice", "gina", "bob", "carol", "dave", "erin"}},
		{"DeletedNeverListed", F{WithDeactivated: true, UIDs: []string{"frank", "erin"}}, []string{"erin"}},
		{"DeletedNeverListedByTag", F{WithDeactivated: true, Tags: []string{"red"}}, []string{"alice", "erin"}},
		{"DeactivatedHiddenByUID", F{UIDs: []string{"erin"}}, nil},

		{"SearchKeyBoth", F{SearchKey: "al"}, []string{"alice", "gina"}},
		{"SearchKeyBothExplicit", F{SearchKey: "al", SearchIn: []string{"uid", "name"}}, []string{"alice", "gina"}},
		{"SearchKeyUID", F{SearchKey: "al", SearchIn: []string{"uid"}}, []string{"alice"}},
		{"SearchKeyName", F{SearchKey: "al", SearchIn: []string{"name"}}, []string{"alice", "gina"}},
		{"SearchKeyNameNotUID", F{SearchKey: "gi", SearchIn: []string{"name"}}, nil},
		{"SearchKeyCaseInsensitive", F{SearchKey: "ALI"}, []string{"alice", "gina"}},
		{"SearchKeyCaseInsensitiveUID", F{SearchKey: "CaR", SearchIn: []string{"uid"}}, []string{"carol"}},
		{"SearchKeyPrefixOnly", F{SearchKey: "ice"}, nil},
		{"SearchKeyWhole", F{SearchKey: "dave"}, []string{"dave"}},
		{"SearchKeyDeactivated", F{SearchKey: "er", WithDeactivated: true}, []string{"erin"}},

		{"StatusAvailable", F{Status: parley.StatusAvailable}, []string{"alice", "gina", "carol"}},
		{"StatusOffline", F{Status: parley.StatusOffline}, []string{"bob", "dave"}},
		{"Roles", F{Roles: []string{"mod", "admin"}}, []string{"gina", "bob", "dave"}},
		{"RolesNone", F{Roles: []string{"nobody"}}, nil},
		{"Tags", F{Tags: []string{"red"}}, []string{"alice"}},
		{"TagsAny", F{Tags: []string{"blue", "green"}}, []string{"alice", "gina", "carol"}},
		{"TagsNone", F{Tags: []string{"purple"}}, nil},
		{"WithTags", F{WithTags: true}, []string{"alice", "gina", "carol"}},
		{"UIDs", F{UIDs: []string{"dave", "bob", "nobody"}}, []string{"bob", "dave"}},

		{"FriendsOf", F{FriendsOf: "alice"}, []string{"bob", "carol"}},
		{"FriendsOfBothWays", F{FriendsOf: "bob"}, []string{"alice"}},
		{"FriendsOfWithDeactivated", F{FriendsOf: "alice", WithDeactivated: true}, []string{"bob", "carol", "erin"}},
		{"FriendsOfNobody", F{FriendsOf: "dave"}, nil},
		{"HideBlockedOf", F{HideBlockedOf: "alice"}, []string{"alice", "bob", "carol"}},
		{"HideBlockedOfOther", F{HideBlockedOf: "carol"}, []string{"alice", "gina", "carol", "dave"}},
		{"BlockedOfBlockedByMe", F{BlockedOf: "alice", BlockDirection: parley.DirectionBlockedByMe}, []string{"dave"}},
		{"BlockedOfHasBlockedMe", F{BlockedOf: "alice", BlockDirection: parley.DirectionHasBlockedMe}, []string{"gina"}},
		{"BlockedOfBoth", F{BlockedOf: "alice", BlockDirection: parley.DirectionBoth}, []string{"gina", "dave"}},
		{"BlockedOfDefaultBoth", F{BlockedOf: "alice"}, []string{"gina", "dave"}},
		{"BlockedOfWithDeactivated", F{BlockedOf: "alice", WithDeactivated: true}, []string{"gina", "dave", "erin"}},
		{"BlockedOfOther", F{BlockedOf: "carol", BlockDirection: parley.DirectionHasBlockedMe}, []string{"bob"}},

		{"SortUID", F{SortBy: "uid"}, []string{"alice", "bob", "carol", "dave", "gina"}},
		{"SortUIDDesc", F{SortBy: "uid", SortOrder: "desc"}, []string{"gina", "dave", "carol", "bob", "alice"}},
		{"SortNameAsc", F{SortBy: "name", SortOrder: "asc"}, all},
		{"SortNameDesc", F{SortBy: "name", SortOrder: "desc"}, []string{"dave", "carol", "bob", "gina", "alice"}},
		{"SortDescDefaultField", F{SortOrder: "desc"}, []string{"dave", "carol", "bob", "gina", "alice"}},
		{"SortCreatedAt", F{SortBy: "createdAt"}, []string{"alice", "gina", "bob", "carol", "dave"}},
		{"SortCreatedAtDesc", F{SortBy: "createdAt", SortOrder: "desc"}, []string{"dave", "carol", "bob", "gina", "alice"}},
		{"SortStatus", F{SortBy: "status"}, []string{"alice", "carol", "gina", "bob", "dave"}},
		{"SortStatusDesc", F{SortBy: "status", SortOrder: "desc"}, []string{"dave", "bob", "gina", "carol", "alice"}},

		{"Combined", F{Status: parley.StatusAvailable, Tags: []string{"blue"}, FriendsOf: "alice"}, []string{"carol"}},
		{"CombinedSearchRoleSort", F{SearchKey: "a", Roles: []string{"default", "mod"}, SortBy: "uid", SortOrder: "desc"}, []string{"gina", "alice"}},
		{"CombinedHideBlockedFriends", F{FriendsOf: "carol", HideBlockedOf: "bob"}, []string{"alice"}},
	}

	t.Run("Cases", func(t *testing.T) {
		s := newStore(t)
		appID := seedFilterUsers(t, s)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) { wantUIDs(t, s, appID, tc.f, tc.want...) })
		}
	})

	t.Run("Paging", func(t *testing.T) {
		s := newStore(t)
		appID := seedFilterUsers(t, s)
		for _, tc := range []struct {
			f    F
			want []string
		}{
			{F{Page: parley.Page{Page: 1, PerPage: 2}}, []string{"alice", "gina"}},
			{F{Page: parley.Page{Page: 2, PerPage: 2}}, []string{"bob", "carol"}},
			{F{Page: parley.Page{Page: 3, PerPage: 2}}, []string{"dave"}},
			{F{Page: parley.Page{Page: 4, PerPage: 2}}, []string{}},
			{F{Page: parley.Page{Page: 1, PerPage: 0}}, all},
			{F{Page: parley.Page{Page: 1, PerPage: 100}}, all},
			{F{SortBy: "uid", SortOrder: "desc", Page: parley.Page{Page: 2, PerPage: 3}}, []string{"bob", "alice"}},
		} {
			got, total := listUIDs(t, s, appID, tc.f)
			wantEqual(t, tc.want, got, "page")
			if total != len(all) {
				t.Errorf("total for %+v = %d, want %d", tc.f.Page, total, len(all))
			}
		}
		// The total counts the filtered users, not all of them.
		got, total := listUIDs(t, s, appID, F{Status: parley.StatusAvailable, Page: parley.Page{Page: 2, PerPage: 2}})
		wantEqual(t, []string{"carol"}, got, "filtered page")
		wantEqual(t, 3, total, "filtered total")
	})

	t.Run("SortDescReversesAsc", func(t *testing.T) {
		s := newStore(t)
		appID := seedFilterUsers(t, s)
		for _, by := range []string{"", "name", "uid", "status", "createdAt"} {
			asc, _ := listUIDs(t, s, appID, F{SortBy: by, SortOrder: "asc", WithDeactivated: true})
			desc, _ := listUIDs(t, s, appID, F{SortBy: by, SortOrder: "desc", WithDeactivated: true})
			slices.Reverse(desc)
			wantEqual(t, asc, desc, "reversed descending order by "+by)
		}
	})

	t.Run("SearchKeyEscaping", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		mk := func(uid, name string) *parley.User {
			return &parley.User{UID: uid, Name: name, Role: parley.DefaultRole, Status: parley.StatusOffline, CreatedAt: t0}
		}
		mustCreateUsers(t, s, a.ID,
			mk("a_b", "One"), mk("axb", "Two"),
			mk("p1", "50% off"), mk("p2", "50 percent"), mk("p3", "500"),
			mk("b1", `back\slash`), mk("b2", "backslash"),
		)
		for _, tc := range []struct {
			key  string
			want []string
		}{
			{"a_", []string{"a_b"}},
			{"_", nil},
			{"50%", []string{"p1"}},
			{"%", nil},
			{"5%", nil},
			{`back\`, []string{"b1"}},
			{`\`, nil},
			{"50", []string{"p1", "p2", "p3"}},
		} {
			t.Run(tc.key, func(t *testing.T) {
				// By uid: how names with punctuation sort depends on the collation.
				wantUIDs(t, s, a.ID, F{SearchKey: tc.key, SortBy: "uid"}, tc.want...)
			})
		}
	})

	t.Run("ViewerFlags", func(t *testing.T) {
		s := newStore(t)
		appID := seedFilterUsers(t, s)
		us, _, err := s.Users(t.Context(), appID, F{Viewer: "alice"})
		must(t, err, "Users")
		want := map[string][2]bool{ // uid: blockedByMe, hasBlockedMe
			"alice": {false, false},
			"gina":  {false, true},
			"bob":   {false, false},
			"carol": {false, false},
			"dave":  {true, false},
		}
		wantEqual(t, all, uidsOf(us), "listed uids")
		for _, u := range us {
			if u.BlockedByMe == nil || u.HasBlockedMe == nil {
				t.Errorf("%s: flags not set with a viewer", u.UID)
				continue
			}
			wantEqual(t, want[u.UID], [2]bool{*u.BlockedByMe, *u.HasBlockedMe}, u.UID+" flags")
		}

		us, _, err = s.Users(t.Context(), appID, F{})
		must(t, err, "Users")
		for _, u := range us {
			if u.BlockedByMe != nil || u.HasBlockedMe != nil {
				t.Errorf("%s: flags set without a viewer", u.UID)
			}
		}
	})

	t.Run("FullRecords", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		want := fullUser("ann")
		want.DeletedAt, want.DeactivatedAt = 0, 0
		must(t, s.CreateUser(t.Context(), a.ID, want), "CreateUser")
		MustCreateUser(t, s, a.ID, "zed")
		us, _, err := s.Users(t.Context(), a.ID, F{UIDs: []string{"ann"}})
		must(t, err, "Users")
		wantEqual(t, []*parley.User{want}, us, "listed user")
	})

	t.Run("EmptyApp", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		wantUIDs(t, s, a.ID, F{WithDeactivated: true})
		wantUIDs(t, s, "app-none", F{})
	})

	t.Run("AppIsolation", func(t *testing.T) {
		s := newStore(t)
		appA := seedFilterUsers(t, s)
		b := MustCreateApp(t, s)
		// B has users with A's uids, but none of A's tags or relations.
		for _, uid := range []string{"alice", "bob", "carol", "zoe"} {
			MustCreateUser(t, s, b.ID, uid)
		}
		must(t, s.AddFriend(t.Context(), b.ID, "bob", "zoe", t0), "AddFriend in B")
		must(t, s.Block(t.Context(), b.ID, "zoe", "carol", t0), "Block in B")

		wantUIDs(t, s, b.ID, F{SortBy: "uid"}, "alice", "bob", "carol", "zoe")
		wantUIDs(t, s, b.ID, F{Tags: []string{"red", "blue"}})
		wantUIDs(t, s, b.ID, F{WithTags: true})
		wantUIDs(t, s, b.ID, F{FriendsOf: "alice"})
		wantUIDs(t, s, b.ID, F{BlockedOf: "alice"})
		wantUIDs(t, s, b.ID, F{HideBlockedOf: "bob", SortBy: "uid"}, "alice", "bob", "carol", "zoe")
		us, _, err := s.Users(t.Context(), b.ID, F{Viewer: "alice", UIDs: []string{"dave", "gina"}})
		must(t, err, "Users")
		if len(us) != 0 {
			t.Errorf("B lists A's users: %v", uidsOf(us))
		}
		u, err := s.User(t.Context(), b.ID, "alice", "gina")
		must(t, err, "User")
		if *u.BlockedByMe || *u.HasBlockedMe {
			t.Errorf("B's alice seen by gina: flags %v, %v from A", *u.BlockedByMe, *u.HasBlockedMe)
		}

		// And A is unchanged by B.
		wantUIDs(t, s, appA, F{}, all...)
		wantUIDs(t, s, appA, F{FriendsOf: "bob"}, "alice")
		wantUIDs(t, s, appA, F{BlockedOf: "carol"}, "bob")
		wantUIDs(t, s, appA, F{SearchKey: "z"})
	})
}
