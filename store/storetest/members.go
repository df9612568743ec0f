package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// mustAddMember starts uid's membership of the group at message joinedID
// and time t0; it fails the test on error.
func mustAddMember(t testing.TB, s parley.Tx, appID, guid, uid, scope string, joinedID int64) {
	t.Helper()
	m := &parley.Member{User: &parley.User{UID: uid}, Scope: scope, JoinedAt: t0, JoinedID: joinedID}
	if err := s.AddMember(t.Context(), appID, guid, m); err != nil {
		t.Fatalf("AddMember(%q, %q, %q): %v", appID, guid, uid, err)
	}
}

// wantMemberUIDs fails the test unless Members with f lists exactly want,
// in order, out of a total of len(want).
func wantMemberUIDs(t testing.TB, s parley.Tx, appID, guid string, f parley.MemberFilter, want ...string) {
	t.Helper()
	ms, total, err := s.Members(t.Context(), appID, guid, f)
	if err != nil {
		t.Fatalf("Members(%q, %q, %+v): %v", appID, guid, f, err)
	}
	got := []string{}
	for _, m := range ms {
		got = append(got, m.UID)
	}
	if want == nil {
		want = []string{}
	}
	wantEqual(t, want, got, "member uids")
	if total != len(want) {
		t.Errorf("members total = %d, want %d", total, len(want))
	}
}

// wantBannedUIDs is wantMemberUIDs for Bans.
func wantBannedUIDs(t testing.TB, s parley.Tx, appID, guid string, f parley.MemberFilter, want ...string) {
	t.Helper()
	bs, total, err := s.Bans(t.Context(), appID, guid, f)
	if err != nil {
		t.Fatalf("Bans(%q, %q, %+v): %v", appID, guid, f, err)
	}
	got := []string{}
	for _, b := range bs {
		got = append(got, b.UID)
	}
	if want == nil {
		want = []string{}
	}
	wantEqual(t, want, got, "banned uids")
	if total != len(want) {
		t.Errorf("bans total = %d, want %d", total, len(want))
	}
}

// TestMembers tests memberships, their intervals and counts, and bans.
func TestMembers(t *testing.T, newStore func(t *testing.T) parley.Store) {
	// setup returns a store with an app holding users ann, bob, cid and
	// dan, and public groups g1 and g2.
	setup := func(t *testing.T) (parley.Store, string) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for _, uid := range []string{"ann", "bob", "cid", "dan"} {
			MustCreateUser(t, s, a.ID, uid)
		}
		mustCreateGroup(t, s, a.ID, "g1", parley.GroupPublic)
		mustCreateGroup(t, s, a.ID, "g2", parley.GroupPublic)
		return s, a.ID
	}

	t.Run("RoundTrip", func(t *testing.T) {
		s, appID := setup(t)
		u := fullUser("full")
		mustCreateUsers(t, s, appID, u)
		m := &parley.Member{User: &parley.User{UID: "full"}, Scope: parley.ScopeModerator, JoinedAt: t0 + 3, JoinedID: 42}
		must(t, s.AddMember(t.Context(), appID, "g1", m), "AddMember")
		got, err := s.Member(t.Context(), appID, "g1", "full")
		must(t, err, "Member")
		wantEqual(t, &parley.Member{User: fullUser("full"), Scope: parley.ScopeModerator, JoinedAt: t0 + 3, JoinedID: 42}, got, "member")
		ms, _, err := s.Members(t.Context(), appID, "g1", parley.MemberFilter{})
		must(t, err, "Members")
		wantEqual(t, []*parley.Member{got}, ms, "listed members")
	})

	t.Run("AddConflict", func(t *testing.T) {
		s, appID := setup(t)
		mustAddMember(t, s, appID, "g1", "ann", parley.ScopeAdmin, 1)
		m := &parley.Member{User: &parley.User{UID: "ann"}, Scope: parley.ScopeParticipant, JoinedAt: t0, JoinedID: 2}
		wantErr(t, s.AddMember(t.Context(), appID, "g1", m), parley.ErrConflict, "AddMember of a member")
		wantMembersCount(t, s, appID, "g1", 1)
		got, err := s.Member(t.Context(), appID, "g1", "ann")
		must(t, err, "Member")
		wantEqual(t, parley.ScopeAdmin, got.Scope, "scope after a refused add")
	})

	t.Run("AddUnknown", func(t *testing.T) {
		s, appID := setup(t)
		m := &parley.Member{User: &parley.User{UID: "ann"}, Scope: parley.ScopeAdmin, JoinedAt: t0, JoinedID: 1}
		wantErr(t, s.AddMember(t.Context(), appID, "none", m), parley.ErrNotFound, "AddMember to a missing group")
		m.User.UID = "nobody"
		wantErr(t, s.AddMember(t.Context(), appID, "g1", m), parley.ErrNotFound, "AddMember of a missing user")
		wantMembersCount(t, s, appID, "g1", 0)
	})

	t.Run("NotFound", func(t *testing.T) {
		s, appID := setup(t)
		ctx := t.Context()
		_, err := s.Member(ctx, appID, "g1", "ann")
		wantErr(t, err, parley.ErrNotFound, "Member")
		wantErr(t, s.SetMemberScope(ctx, appID, "g1", "ann", parley.ScopeAdmin), parley.ErrNotFound, "SetMemberScope")
		wantErr(t, s.EndMember(ctx, appID, "g1", "ann", 9, t0), parley.ErrNotFound, "EndMember")
		wantErr(t, s.Unban(ctx, appID, "g1", "ann"), parley.ErrNotFound, "Unban")
		wantMemberUIDs(t, s, appID, "none", parley.MemberFilter{})
	})

	t.Run("MembersCountExact", func(t *testing.T) {
		s, appID := setup(t)
		ctx := t.Context()
		for i, uid := range []string{"ann", "bob", "cid"} {
			mustAddMember(t, s, appID, "g1", uid, parley.ScopeParticipant, int64(i+1))
		}
		mustAddMember(t, s, appID, "g2", "ann", parley.ScopeAdmin, 4)
		wantMembersCount(t, s, appID, "g1", 3)
		must(t, s.EndMember(ctx, appID, "g1", "bob", 5, t0), "EndMember")
		wantMembersCount(t, s, appID, "g1", 2)
		wantErr(t, s.EndMember(ctx, appID, "g1", "bob", 6, t0), parley.ErrNotFound, "second EndMember")
		wantErr(t, s.EndMember(ctx, appID, "g1", "dan", 6, t0), parley.ErrNotFound, "EndMember of a stranger")
		wantMembersCount(t, s, appID, "g1", 2)
		mustAddMember(t, s, appID, "g1", "bob", parley.ScopeParticipant, 7) // rejoins
		wantMembersCount(t, s, appID, "g1", 3)
		must(t, s.SetMemberScope(ctx, appID, "g1", "cid", parley.ScopeAdmin), "SetMemberScope")
		wantMembersCount(t, s, appID, "g1", 3)
		// Purging a user ends their memberships, and the counts follow.
		must(t, s.PurgeUser(ctx, appID, "ann"), "PurgeUser")
		wantMembersCount(t, s, appID, "g1", 2)
		wantMembersCount(t, s, appID, "g2", 0)
		wantMemberUIDs(t, s, appID, "g1", parley.MemberFilter{}, "cid", "bob")
	})

	t.Run("EndKeepsOthersAndRejoin", func(t *testing.T) {
		s, appID := setup(t)
		ctx := t.Context()
		mustAddMember(t, s, appID, "g1", "ann", parley.ScopeAdmin, 3)
		mustAddMember(t, s, appID, "g2", "ann", parley.ScopeAdmin, 4)
		must(t, s.EndMember(ctx, appID, "g1", "ann", 6, t0+1), "EndMember")
		_, err := s.Member(ctx, appID, "g1", "ann")
		wantErr(t, err, parley.ErrNotFound, "Member after EndMember")
		wantErr(t, s.SetMemberScope(ctx, appID, "g1", "ann", parley.ScopeModerator), parley.ErrNotFound, "SetMemberScope of a past member")
		if _, err := s.Member(ctx, appID, "g2", "ann"); err != nil {
			t.Errorf("membership of the other group: %v", err)
		}
		mustAddMember(t, s, appID, "g1", "ann", parley.ScopeParticipant, 9)
		m, err := s.Member(ctx, appID, "g1", "ann")
		must(t, err, "Member after rejoining")
		wantEqual(t, [2]any{parley.ScopeParticipant, int64(9)}, [2]any{m.Scope, m.JoinedID}, "scope and JoinedID after rejoining")
		wantMemberUIDs(t, s, appID, "g1", parley.MemberFilter{}, "ann")
	})

	t.Run("SetMemberScope", func(t *testing.T) {
		s, appID := setup(t)
		mustAddMember(t, s, appID, "g1", "ann", parley.ScopeParticipant, 1)
		mustAddMember(t, s, appID, "g2", "ann", parley.ScopeParticipant, 2)
		must(t, s.SetMemberScope(t.Context(), appID, "g1", "ann", parley.ScopeModerator), "SetMemberScope")
		for guid, want := range map[string]string{"g1": parley.ScopeModerator, "g2": parley.ScopeParticipant} {
			m, err := s.Member(t.Context(), appID, guid, "ann")
			must(t, err, "Member")
			wantEqual(t, want, m.Scope, "scope in "+guid)
		}
	})

	t.Run("ListOrderAndFilters", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		on, off := parley.StatusAvailable, parley.StatusOffline
		mustCreateUsers(t, s, a.ID,
			&parley.User{UID: "zoe", Name: "Zoe", Role: parley.DefaultRole, Status: on, CreatedAt: t0},
			&parley.User{UID: "amy", Name: "Amy", Role: parley.DefaultRole, Status: off, CreatedAt: t0},
			&parley.User{UID: "max", Name: "Alex", Role: parley.DefaultRole, Status: on, CreatedAt: t0},
			&parley.User{UID: "a_b", Name: "Under", Role: parley.DefaultRole, Status: off, CreatedAt: t0},
			&parley.User{UID: "left", Name: "Alan", Role: parley.DefaultRole, Status: on, CreatedAt: t0},
			&parley.User{UID: "other", Name: "Al", Role: parley.DefaultRole, Status: on, CreatedAt: t0})
		mustCreateGroup(t, s, a.ID, "g", parley.GroupPublic)
		mustCreateGroup(t, s, a.ID, "h", parley.GroupPublic)
		// Oldest first: zoe, max, amy, a_b (JoinedID order, not uid order).
		mustAddMember(t, s, a.ID, "g", "zoe", parley.ScopeAdmin, 1)
		mustAddMember(t, s, a.ID, "g", "left", parley.ScopeAdmin, 2)
		mustAddMember(t, s, a.ID, "g", "max", parley.ScopeModerator, 3)
		mustAddMember(t, s, a.ID, "g", "amy", parley.ScopeParticipant, 5)
		mustAddMember(t, s, a.ID, "g", "a_b", parley.ScopeParticipant, 8)
		mustAddMember(t, s, a.ID, "h", "other", parley.ScopeAdmin, 4)
		must(t, s.EndMember(t.Context(), a.ID, "g", "left", 6, t0), "EndMember")

		type F = parley.MemberFilter
		for _, tc := range []struct {
			name string
			f    F
			want []string
		}{
			{"All", F{}, []string{"zoe", "max", "amy", "a_b"}},
			{"Scopes", F{Scopes: []string{parley.ScopeAdmin, parley.ScopeModerator}}, []string{"zoe", "max"}},
			{"Status", F{Status: on}, []string{"zoe", "max"}},
			{"SearchUID", F{SearchKey: "ma"}, []string{"max"}},
			{"SearchName", F{SearchKey: "al"}, []string{"max"}},
			{"SearchBoth", F{SearchKey: "A"}, []string{"max", "amy", "a_b"}},
			{"SearchEscaped", F{SearchKey: "a_"}, []string{"a_b"}},
			{"SearchPercent", F{SearchKey: "%"}, nil},
			{"Combined", F{Scopes: []string{parley.ScopeParticipant}, Status: off, SearchKey: "am"}, []string{"amy"}},
		} {
			t.Run(tc.name, func(t *testing.T) { wantMemberUIDs(t, s, a.ID, "g", tc.f, tc.want...) })
		}
		for page, want := range [][]string{{"zoe", "max", "amy"}, {"a_b"}, {}} {
			ms, total, err := s.Members(t.Context(), a.ID, "g", F{Page: parley.Page{Page: page + 1, PerPage: 3}})
			must(t, err, "Members")
			got := []string{}
			for _, m := range ms {
				got = append(got, m.UID)
			}
			wantEqual(t, want, got, "page")
			wantEqual(t, 4, total, "total before paging")
		}
	})

	t.Run("UserGroups", func(t *testing.T) {
		s, appID := setup(t)
		mustCreateGroup(t, s, appID, "a0", parley.GroupPrivate)
		mustAddMember(t, s, appID, "g2", "ann", parley.ScopeAdmin, 1)
		mustAddMember(t, s, appID, "g1", "ann", parley.ScopeAdmin, 2)
		mustAddMember(t, s, appID, "a0", "ann", parley.ScopeAdmin, 3)
		mustAddMember(t, s, appID, "g1", "bob", parley.ScopeAdmin, 4)
		must(t, s.EndMember(t.Context(), appID, "g2", "ann", 5, t0), "EndMember")
		for uid, want := range map[string][]string{"ann": {"a0", "g1"}, "bob": {"g1"}, "cid": nil} {
			got, err := s.UserGroups(t.Context(), appID, uid)
			must(t, err, "UserGroups")
			if len(got) != 0 || len(want) != 0 {
				wantEqual(t, want, got, uid+"'s groups")
			}
		}
	})

	t.Run("Bans", func(t *testing.T) { testBans(t, setup) })

	t.Run("AppIsolation", func(t *testing.T) {
		s, appA := setup(t)
		ctx := t.Context()
		mustAddMember(t, s, appA, "g1", "ann", parley.ScopeAdmin, 1)
		must(t, s.Ban(ctx, appA, "g1", "bob", "ann", t0), "Ban")
		b := MustCreateApp(t, s)
		MustCreateUser(t, s, b.ID, "ann")
		MustCreateUser(t, s, b.ID, "bob")

		m := &parley.Member{User: &parley.User{UID: "ann"}, Scope: parley.ScopeAdmin, JoinedAt: t0, JoinedID: 1}
		wantErr(t, s.AddMember(ctx, b.ID, "g1", m), parley.ErrNotFound, "AddMember to A's group in B")
		_, err := s.Member(ctx, b.ID, "g1", "ann")
		wantErr(t, err, parley.ErrNotFound, "Member of A's group in B")
		wantMemberUIDs(t, s, b.ID, "g1", parley.MemberFilter{})
		wantErr(t, s.SetMemberScope(ctx, b.ID, "g1", "ann", parley.ScopeParticipant), parley.ErrNotFound, "SetMemberScope in B")
		wantErr(t, s.EndMember(ctx, b.ID, "g1", "ann", 2, t0), parley.ErrNotFound, "EndMember in B")
		groups, err := s.UserGroups(ctx, b.ID, "ann")
		must(t, err, "UserGroups in B")
		if len(groups) != 0 {
			t.Errorf("UserGroups in B = %v", groups)
		}
		wantErr(t, s.Ban(ctx, b.ID, "g1", "bob", "ann", t0), parley.ErrNotFound, "Ban in A's group from B")
		wantErr(t, s.Unban(ctx, b.ID, "g1", "bob"), parley.ErrNotFound, "Unban in B")
		banned, err := s.IsBanned(ctx, b.ID, "g1", "bob")
		must(t, err, "IsBanned in B")
		wantEqual(t, false, banned, "banned in B")
		wantBannedUIDs(t, s, b.ID, "g1", parley.MemberFilter{})

		// A is untouched.
		got, err := s.Member(ctx, appA, "g1", "ann")
		must(t, err, "Member in A")
		wantEqual(t, parley.ScopeAdmin, got.Scope, "scope in A")
		wantMembersCount(t, s, appA, "g1", 1)
		wantBannedUIDs(t, s, appA, "g1", parley.MemberFilter{}, "bob")
	})
}

// testBans tests Ban, Unban, IsBanned and Bans on the store setup makes.
func testBans(t *testing.T, setup func(t *testing.T) (parley.Store, string)) {
	s, appID := setup(t)
	ctx := t.Context()
	must(t, s.Ban(ctx, appID, "g1", "cid", "ann", t0+5), "Ban")
	must(t, s.Ban(ctx, appID, "g1", "bob", "ann", t0+5), "Ban")
	must(t, s.Ban(ctx, appID, "g1", "dan", "", t0+1), "Ban")
	must(t, s.Ban(ctx, appID, "g2", "ann", "bob", t0), "Ban")
	wantErr(t, s.Ban(ctx, appID, "g1", "bob", "cid", t0+9), parley.ErrConflict, "second Ban")
	wantErr(t, s.Ban(ctx, appID, "none", "bob", "ann", t0), parley.ErrNotFound, "Ban from a missing group")
	wantErr(t, s.Ban(ctx, appID, "g1", "nobody", "ann", t0), parley.ErrNotFound, "Ban of a missing user")

	for _, c := range []struct {
		guid, uid string
		want      bool
	}{{"g1", "bob", true}, {"g1", "ann", false}, {"g2", "ann", true}, {"g2", "bob", false}, {"none", "bob", false}} {
		got, err := s.IsBanned(ctx, appID, c.guid, c.uid)
		must(t, err, "IsBanned")
		wantEqual(t, c.want, got, "IsBanned("+c.guid+", "+c.uid+")")
	}

	// By BannedAt, then uid.
	wantBannedUIDs(t, s, appID, "g1", parley.MemberFilter{}, "dan", "bob", "cid")
	wantBannedUIDs(t, s, appID, "g1", parley.MemberFilter{SearchKey: "B"}, "bob")
	wantBannedUIDs(t, s, appID, "g1", parley.MemberFilter{SearchKey: "user c"}, "cid") // by name
	wantBannedUIDs(t, s, appID, "g1", parley.MemberFilter{Status: parley.StatusAvailable})
	bs, total, err := s.Bans(ctx, appID, "g1", parley.MemberFilter{Page: parley.Page{Page: 2, PerPage: 2}})
	must(t, err, "Bans")
	wantEqual(t, 3, total, "total before paging")
	cid := &parley.User{UID: "cid", Name: "User cid", Role: parley.DefaultRole, Status: parley.StatusOffline, CreatedAt: t0}
	wantEqual(t, []*parley.Banned{{User: cid, BannedAt: t0 + 5, BannedBy: "ann"}}, bs, "second page")

	must(t, s.Unban(ctx, appID, "g1", "bob"), "Unban")
	wantErr(t, s.Unban(ctx, appID, "g1", "bob"), parley.ErrNotFound, "second Unban")
	wantBannedUIDs(t, s, appID, "g1", parley.MemberFilter{}, "dan", "cid")
	banned, err := s.IsBanned(ctx, appID, "g1", "bob")
	must(t, err, "IsBanned")
	wantEqual(t, false, banned, "banned after Unban")
	must(t, s.Ban(ctx, appID, "g1", "bob", "ann", t0+9), "Ban after Unban")

	// Purging a user lifts their bans.
	must(t, s.PurgeUser(ctx, appID, "dan"), "PurgeUser")
	wantBannedUIDs(t, s, appID, "g1", parley.MemberFilter{}, "cid", "bob")
}
