package storetest

import (
	"testing"

	"github.com/parleychat/parley"
)

// fullGroup returns a group with every stored field set.
func fullGroup(guid string) *parley.Group {
	return &parley.Group{
		GUID:         guid,
		Name:         "Full " + guid,
		Type:         parley.GroupPassword,
		Icon:         "https://example.com/" + guid + ".png",
		Description:  "a group with everything",
		Metadata:     map[string]any{"topic": "go", "n": 3.0, "nested": map[string]any{"ok": true}},
		Tags:         []string{"zeta", "alpha"}, // kept in the given order
		Owner:        "ann",
		CreatedAt:    t0,
		UpdatedAt:    t0 + 1,
		PasswordHash: "$2a$10$hash",
	}
}

// mustCreateGroup stores a plain group of the given type and returns it as
// Group returns it without a viewer.
func mustCreateGroup(t testing.TB, s parley.Tx, appID, guid, typ string) *parley.Group {
	t.Helper()
	g := &parley.Group{GUID: guid, Name: "Group " + guid, Type: typ, Owner: "ann", CreatedAt: t0}
	if err := s.CreateGroup(t.Context(), appID, g); err != nil {
		t.Fatalf("CreateGroup(%q, %q): %v", appID, guid, err)
	}
	g.ConversationID = parley.GroupConversationID(guid)
	return g
}

// mustGroup returns the group as viewer sees it; it fails the test on error.
func mustGroup(t testing.TB, s parley.Tx, appID, guid, viewer string) *parley.Group {
	t.Helper()
	g, err := s.Group(t.Context(), appID, guid, viewer)
	if err != nil {
		t.Fatalf("Group(%q, %q, %q): %v", appID, guid, viewer, err)
	}
	return g
}

// wantMembersCount fails the test unless the group's MembersCount is want.
func wantMembersCount(t testing.TB, s parley.Tx, appID, guid string, want int) {
	t.Helper()
	if got := mustGroup(t, s, appID, guid, "").MembersCount; got != want {
		t.Errorf("group %s: MembersCount = %d, want %d", guid, got, want)
	}
}

// TestGroups tests storing, reading, updating and deleting groups, and
// listing them with every field of parley.GroupFilter.
func TestGroups(t *testing.T, newStore func(t *testing.T) parley.Store) {
	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		in := fullGroup("g1")
		in.MembersCount = 7 // not stored: a new group has no members
		must(t, s.CreateGroup(t.Context(), a.ID, in), "CreateGroup")
		want := fullGroup("g1")
		want.ConversationID = "group_g1"
		wantEqual(t, want, mustGroup(t, s, a.ID, "g1", ""), "group")
	})

	t.Run("RoundTripNil", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		want := &parley.Group{GUID: "min", Name: "Min", Type: parley.GroupPublic, CreatedAt: t0}
		must(t, s.CreateGroup(t.Context(), a.ID, want), "CreateGroup")
		want.ConversationID = "group_min"
		wantEqual(t, want, mustGroup(t, s, a.ID, "min", ""), "group with zero fields")
	})

	t.Run("NotStoredFields", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		g := &parley.Group{GUID: "g", Name: "G", Type: parley.GroupPublic, CreatedAt: t0,
			ConversationID: "other", HasJoined: ptr(true), Scope: parley.ScopeAdmin, JoinedAt: t0}
		must(t, s.CreateGroup(t.Context(), a.ID, g), "CreateGroup")
		got := mustGroup(t, s, a.ID, "g", "")
		if got.HasJoined != nil || got.Scope != "" || got.JoinedAt != 0 || got.ConversationID != "group_g" {
			t.Errorf("Group returned %+v; viewer fields are not stored and ConversationID is derived", got)
		}
	})

	t.Run("CreateConflict", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		mustCreateGroup(t, s, a.ID, "g1", parley.GroupPublic)
		wantErr(t, s.CreateGroup(t.Context(), a.ID, fullGroup("g1")), parley.ErrConflict, "CreateGroup with a taken guid")
		wantEqual(t, "Group g1", mustGroup(t, s, a.ID, "g1", "").Name, "name after a refused create")
	})

	t.Run("CreateUnknownApp", func(t *testing.T) {
		s := newStore(t)
		wantErr(t, s.CreateGroup(t.Context(), "app-none", fullGroup("g")), parley.ErrNotFound, "CreateGroup in a missing app")
	})

	t.Run("NotFound", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		_, err := s.Group(t.Context(), a.ID, "none", "")
		wantErr(t, err, parley.ErrNotFound, "Group")
		_, err = s.Group(t.Context(), a.ID, "none", "ann")
		wantErr(t, err, parley.ErrNotFound, "Group with a viewer")
		wantErr(t, s.UpdateGroup(t.Context(), a.ID, fullGroup("none")), parley.ErrNotFound, "UpdateGroup")
		wantErr(t, s.DeleteGroup(t.Context(), a.ID, "none"), parley.ErrNotFound, "DeleteGroup")
	})

	t.Run("Update", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		MustCreateUser(t, s, a.ID, "ann")
		must(t, s.CreateGroup(t.Context(), a.ID, fullGroup("g1")), "CreateGroup")
		mustAddMember(t, s, a.ID, "g1", "ann", parley.ScopeAdmin, 1)
		want := &parley.Group{GUID: "g1", Name: "Renamed", Type: parley.GroupPrivate, Icon: "i2",
			Description: "d2", Metadata: map[string]any{"v": 2.0}, Tags: []string{"new"}, Owner: "bob",
			MembersCount: 99, CreatedAt: t0 + 10, UpdatedAt: t0 + 11, PasswordHash: ""}
		must(t, s.UpdateGroup(t.Context(), a.ID, want), "UpdateGroup")
		want.MembersCount = 1 // kept by the memberships, not written
		want.ConversationID = "group_g1"
		wantEqual(t, want, mustGroup(t, s, a.ID, "g1", ""), "updated group")
		// The tags filter follows the new tags.
		wantGUIDs(t, s, a.ID, parley.GroupFilter{IncludePrivate: true, Tags: []string{"zeta"}})
		wantGUIDs(t, s, a.ID, parley.GroupFilter{IncludePrivate: true, Tags: []string{"new"}}, "g1")
		// And to nil.
		nilled := &parley.Group{GUID: "g1", Name: "N", Type: parley.GroupPublic, CreatedAt: t0}
		must(t, s.UpdateGroup(t.Context(), a.ID, nilled), "UpdateGroup to nil")
		nilled.MembersCount, nilled.ConversationID = 1, "group_g1"
		wantEqual(t, nilled, mustGroup(t, s, a.ID, "g1", ""), "group updated to nil fields")
		wantGUIDs(t, s, a.ID, parley.GroupFilter{WithTags: true})
	})

	t.Run("ViewerFields", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for _, uid := range []string{"ann", "bob", "cid"} {
			MustCreateUser(t, s, a.ID, uid)
		}
		mustCreateGroup(t, s, a.ID, "g", parley.GroupPublic)
		must(t, s.AddMember(t.Context(), a.ID, "g", &parley.Member{User: &parley.User{UID: "ann"},
			Scope: parley.ScopeModerator, JoinedAt: t0 + 5, JoinedID: 1}), "AddMember")
		mustAddMember(t, s, a.ID, "g", "bob", parley.ScopeParticipant, 2)
		must(t, s.EndMember(t.Context(), a.ID, "g", "bob", 3, t0+9), "EndMember")

		type view struct {
			HasJoined *bool
			Scope     string
			JoinedAt  int64
		}
		for viewer, want := range map[string]view{
			"ann": {ptr(true), parley.ScopeModerator, t0 + 5},
			"bob": {ptr(false), "", 0}, // a past member
			"cid": {ptr(false), "", 0},
			"":    {nil, "", 0},
		} {
			g := mustGroup(t, s, a.ID, "g", viewer)
			wantEqual(t, want, view{g.HasJoined, g.Scope, g.JoinedAt}, "group seen by "+viewer)
			wantEqual(t, 1, g.MembersCount, "MembersCount seen by "+viewer)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		ctx := t.Context()
		MustCreateUser(t, s, a.ID, "ann")
		MustCreateUser(t, s, a.ID, "bob")
		mustCreateGroup(t, s, a.ID, "g1", parley.GroupPublic)
		mustCreateGroup(t, s, a.ID, "g2", parley.GroupPublic)
		mustAddMember(t, s, a.ID, "g1", "ann", parley.ScopeAdmin, 1)
		mustAddMember(t, s, a.ID, "g2", "ann", parley.ScopeAdmin, 1)
		must(t, s.Ban(ctx, a.ID, "g1", "bob", "ann", t0), "Ban")
		must(t, s.Ban(ctx, a.ID, "g2", "bob", "ann", t0), "Ban")
		mustAppend(t, s, a.ID, groupMessage("g1", "ann"), groupMessage("g2", "ann"),
			userMessage("ann", "bob"), groupMessage("g1", "ann"), groupMessage("g2", "ann"))

		must(t, s.DeleteGroup(ctx, a.ID, "g1"), "DeleteGroup")
		_, err := s.Group(ctx, a.ID, "g1", "")
		wantErr(t, err, parley.ErrNotFound, "Group after DeleteGroup")
		wantErr(t, s.DeleteGroup(ctx, a.ID, "g1"), parley.ErrNotFound, "second DeleteGroup")
		_, err = s.Member(ctx, a.ID, "g1", "ann")
		wantErr(t, err, parley.ErrNotFound, "Member of the deleted group")
		banned, err := s.IsBanned(ctx, a.ID, "g1", "bob")
		must(t, err, "IsBanned")
		wantEqual(t, false, banned, "banned from the deleted group")
		groups, err := s.UserGroups(ctx, a.ID, "ann")
		must(t, err, "UserGroups")
		wantEqual(t, []string{"g2"}, groups, "ann's groups")
		wantMessageIDs(t, s, a.ID, parley.MessageFilter{}, 2, 3, 5)
		wantMessageIDs(t, s, a.ID, parley.MessageFilter{ConversationID: "group_g1"})

		// g2 is untouched.
		wantMembersCount(t, s, a.ID, "g2", 1)
		banned, err = s.IsBanned(ctx, a.ID, "g2", "bob")
		must(t, err, "IsBanned")
		wantEqual(t, true, banned, "banned from the other group")

		// A new group under the deleted guid starts with nothing.
		mustCreateGroup(t, s, a.ID, "g1", parley.GroupPublic)
		wantMembersCount(t, s, a.ID, "g1", 0)
		wantMemberUIDs(t, s, a.ID, "g1", parley.MemberFilter{})
		wantMessageIDs(t, s, a.ID, parley.MessageFilter{ConversationID: "group_g1"})
	})

	t.Run("AppIsolation", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		a, b := MustCreateApp(t, s), MustCreateApp(t, s)
		MustCreateUser(t, s, a.ID, "ann")
		MustCreateUser(t, s, b.ID, "ann")
		mustCreateGroup(t, s, a.ID, "g1", parley.GroupPublic)
		mustAddMember(t, s, a.ID, "g1", "ann", parley.ScopeAdmin, 1)
		mustAppend(t, s, a.ID, groupMessage("g1", "ann"))

		_, err := s.Group(ctx, b.ID, "g1", "ann")
		wantErr(t, err, parley.ErrNotFound, "Group of A in B")
		wantGUIDs(t, s, b.ID, parley.GroupFilter{IncludePrivate: true})
		wantGUIDs(t, s, b.ID, parley.GroupFilter{Viewer: "ann", HasJoined: true})
		wantErr(t, s.UpdateGroup(ctx, b.ID, fullGroup("g1")), parley.ErrNotFound, "UpdateGroup of A in B")
		wantErr(t, s.DeleteGroup(ctx, b.ID, "g1"), parley.ErrNotFound, "DeleteGroup of A in B")

		// B may use the same guid; the two groups are apart.
		mustCreateGroup(t, s, b.ID, "g1", parley.GroupPrivate)
		must(t, s.DeleteGroup(ctx, b.ID, "g1"), "DeleteGroup in B")
		g := mustGroup(t, s, a.ID, "g1", "ann")
		wantEqual(t, parley.GroupPublic, g.Type, "A's group type")
		wantEqual(t, ptr(true), g.HasJoined, "A's group HasJoined")
		wantEqual(t, 1, g.MembersCount, "A's group MembersCount")
		wantMessageIDs(t, s, a.ID, parley.MessageFilter{ConversationID: "group_g1"}, 1)
	})

	t.Run("Filters", func(t *testing.T) { testGroupFilters(t, newStore) })
}
