package storetest

import (
	"slices"
	"testing"

	"github.com/parleychat/parley"
)

// guidsOf returns the guids of gs, in order.
func guidsOf(gs []*parley.Group) []string {
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		out = append(out, g.GUID)
	}
	return out
}

// listGUIDs runs Groups with f and returns the guids listed and the total.
func listGUIDs(t testing.TB, s parley.Tx, appID string, f parley.GroupFilter) ([]string, int) {
	t.Helper()
	gs, total, err := s.Groups(t.Context(), appID, f)
	if err != nil {
		t.Fatalf("Groups(%q, %+v): %v", appID, f, err)
	}
	return guidsOf(gs), total
}

// wantGUIDs fails the test unless Groups with f lists exactly want, in
// order, out of a total of len(want).
func wantGUIDs(t testing.TB, s parley.Tx, appID string, f parley.GroupFilter, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	got, total := listGUIDs(t, s, appID, f)
	wantEqual(t, want, got, "listed guids")
	if total != len(want) {
		t.Errorf("total = %d, want %d", total, len(want))
	}
}

// seedFilterGroups fills a new app with groups for the filter tests and
// returns its id. Listed by default (name, then guid; no private groups)
// the app holds alpha, delta, beta:
//
//	guid   name     type      tags        created  members
//	alpha  Alpha    public    red, blue   +100     ann (admin)
//	beta   beta     password  green       +200
//	gamma  Gamma    private   red         +300     ann; carl until he left
//	delta  Alpha    public    [] (empty)  +400
//	eps    Epsilon  private   nil         +500     bob
func seedFilterGroups(t *testing.T, s parley.Store) string {
	t.Helper()
	a := MustCreateApp(t, s)
	for _, uid := range []string{"ann", "bob", "carl"} {
		MustCreateUser(t, s, a.ID, uid)
	}
	for _, g := range []*parley.Group{
		{GUID: "alpha", Name: "Alpha", Type: parley.GroupPublic, Tags: []string{"red", "blue"}, CreatedAt: t0 + 100},
		{GUID: "beta", Name: "beta", Type: parley.GroupPassword, Tags: []string{"green"}, CreatedAt: t0 + 200},
		{GUID: "gamma", Name: "Gamma", Type: parley.GroupPrivate, Tags: []string{"red"}, CreatedAt: t0 + 300},
		{GUID: "delta", Name: "Alpha", Type: parley.GroupPublic, Tags: []string{}, CreatedAt: t0 + 400},
		{GUID: "eps", Name: "Epsilon", Type: parley.GroupPrivate, CreatedAt: t0 + 500},
	} {
		must(t, s.CreateGroup(t.Context(), a.ID, g), "CreateGroup")
	}
	mustAddMember(t, s, a.ID, "alpha", "ann", parley.ScopeAdmin, 1)
	mustAddMember(t, s, a.ID, "gamma", "ann", parley.ScopeParticipant, 2)
	mustAddMember(t, s, a.ID, "gamma", "carl", parley.ScopeParticipant, 3)
	must(t, s.EndMember(t.Context(), a.ID, "gamma", "carl", 4, t0), "EndMember")
	mustAddMember(t, s, a.ID, "eps", "bob", parley.ScopeAdmin, 5)
	return a.ID
}

// testGroupFilters tests listing groups with every field of parley.GroupFilter.
func testGroupFilters(t *testing.T, newStore func(t *testing.T) parley.Store) {
	type F = parley.GroupFilter
	all := []string{"alpha", "delta", "beta", "eps", "gamma"} // with IncludePrivate
	cases := []struct {
		name string
		f    F
		want []string
	}{
		{"Default", F{}, []string{"alpha", "delta", "beta"}},
		{"IncludePrivate", F{IncludePrivate: true}, all},
		{"PrivateToMember", F{Viewer: "ann"}, []string{"alpha", "delta", "beta", "gamma"}},
		{"PrivateToOtherMember", F{Viewer: "bob"}, []string{"alpha", "delta", "beta", "eps"}},
		{"PrivateNotToPastMember", F{Viewer: "carl"}, []string{"alpha", "delta", "beta"}},
		{"PrivateNotToStranger", F{Viewer: "nobody"}, []string{"alpha", "delta", "beta"}},
		{"IncludePrivateWithViewer", F{Viewer: "carl", IncludePrivate: true}, all},

		{"HasJoined", F{Viewer: "ann", HasJoined: true}, []string{"alpha", "gamma"}},
		{"HasJoinedPrivateOnly", F{Viewer: "bob", HasJoined: true}, []string{"eps"}},
		{"HasJoinedPastMember", F{Viewer: "carl", HasJoined: true}, nil},
		{"HasJoinedNoViewer", F{HasJoined: true, IncludePrivate: true}, nil},

		{"SearchKeyBoth", F{SearchKey: "al"}, []string{"alpha", "delta"}},
		{"SearchKeyGUID", F{SearchKey: "al", SearchIn: []string{"guid"}}, []string{"alpha"}},
		{"SearchKeyName", F{SearchKey: "AL", SearchIn: []string{"name"}}, []string{"alpha", "delta"}},
		{"SearchKeyGUIDNotName", F{SearchKey: "de", SearchIn: []string{"name"}}, nil},
		{"SearchKeyCaseInsensitiveGUID", F{SearchKey: "DEL", SearchIn: []string{"guid"}}, []string{"delta"}},
		{"SearchKeyPrefixOnly", F{SearchKey: "pha"}, nil},
		{"SearchKeyPrivateHidden", F{SearchKey: "ga"}, nil},
		{"SearchKeyPrivateIncluded", F{SearchKey: "ga", IncludePrivate: true}, []string{"gamma"}},

		{"Types", F{Types: []string{parley.GroupPassword}}, []string{"beta"}},
		{"TypesMany", F{Types: []string{parley.GroupPassword, parley.GroupPublic}}, []string{"alpha", "delta", "beta"}},
		{"TypesPrivateHidden", F{Types: []string{parley.GroupPrivate}}, nil},
		{"TypesPrivateIncluded", F{Types: []string{parley.GroupPrivate}, IncludePrivate: true}, []string{"eps", "gamma"}},
		{"Tags", F{Tags: []string{"red"}}, []string{"alpha"}},
		{"TagsPrivateIncluded", F{Tags: []string{"red"}, IncludePrivate: true}, []string{"alpha", "gamma"}},
		{"TagsAny", F{Tags: []string{"green", "blue"}}, []string{"alpha", "beta"}},
		{"TagsNone", F{Tags: []string{"purple"}}, nil},
		{"WithTags", F{WithTags: true}, []string{"alpha", "beta"}},
		{"WithTagsPrivate", F{WithTags: true, Viewer: "ann"}, []string{"alpha", "beta", "gamma"}},

		{"SortGUID", F{SortBy: "guid"}, []string{"alpha", "beta", "delta"}},
		{"SortGUIDDesc", F{SortBy: "guid", SortOrder: "desc"}, []string{"delta", "beta", "alpha"}},
		{"SortNameDesc", F{SortBy: "name", SortOrder: "desc"}, []string{"beta", "delta", "alpha"}},
		{"SortDescDefaultField", F{SortOrder: "desc", IncludePrivate: true}, []string{"gamma", "eps", "beta", "delta", "alpha"}},
		{"SortCreatedAt", F{SortBy: "createdAt", IncludePrivate: true}, []string{"alpha", "beta", "gamma", "delta", "eps"}},
		{"SortCreatedAtDesc", F{SortBy: "createdAt", SortOrder: "desc"}, []string{"delta", "beta", "alpha"}},

		{"Combined", F{Viewer: "ann", Tags: []string{"red"}, Types: []string{parley.GroupPrivate}}, []string{"gamma"}},
		{"CombinedSearchSort", F{SearchKey: "a", HasJoined: true, Viewer: "ann", SortBy: "guid", SortOrder: "desc"}, []string{"alpha"}},
	}

	t.Run("Cases", func(t *testing.T) {
		s := newStore(t)
		appID := seedFilterGroups(t, s)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) { wantGUIDs(t, s, appID, tc.f, tc.want...) })
		}
	})

	t.Run("BadValues", func(t *testing.T) {
		s := newStore(t)
		appID := seedFilterGroups(t, s)
		for _, f := range []F{{SortBy: "members"}, {SortOrder: "up"}, {SearchKey: "a", SearchIn: []string{"tags"}}} {
			if _, _, err := s.Groups(t.Context(), appID, f); err == nil {
				t.Errorf("Groups(%+v) succeeded", f)
			}
		}
	})

	t.Run("Paging", func(t *testing.T) {
		s := newStore(t)
		appID := seedFilterGroups(t, s)
		for page, want := range [][]string{{"alpha", "delta"}, {"beta", "eps"}, {"gamma"}, {}} {
			got, total := listGUIDs(t, s, appID, F{IncludePrivate: true, Page: parley.Page{Page: page + 1, PerPage: 2}})
			wantEqual(t, want, got, "page")
			wantEqual(t, len(all), total, "total")
		}
		got, total := listGUIDs(t, s, appID, F{Viewer: "ann", Page: parley.Page{Page: 2, PerPage: 3}})
		wantEqual(t, []string{"gamma"}, got, "filtered page")
		wantEqual(t, 4, total, "filtered total")
	})

	t.Run("SortDescReversesAsc", func(t *testing.T) {
		s := newStore(t)
		appID := seedFilterGroups(t, s)
		for _, by := range []string{"", "name", "guid", "createdAt"} {
			asc, _ := listGUIDs(t, s, appID, F{SortBy: by, IncludePrivate: true})
			desc, _ := listGUIDs(t, s, appID, F{SortBy: by, SortOrder: "desc", IncludePrivate: true})
			slices.Reverse(desc)
			wantEqual(t, asc, desc, "reversed descending order by "+by)
		}
	})

	t.Run("SearchKeyEscaping", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		for guid, name := range map[string]string{"a_b": "One", "axb": "Two", "p1": "50% off", "p2": "500", "b1": `back\slash`} {
			must(t, s.CreateGroup(t.Context(), a.ID, &parley.Group{GUID: guid, Name: name, Type: parley.GroupPublic, CreatedAt: t0}), "CreateGroup")
		}
		for key, want := range map[string][]string{
			"a_": {"a_b"}, "_": nil, "50%": {"p1"}, "%": nil, "50": {"p1", "p2"}, `back\`: {"b1"}, `\`: nil,
		} {
			wantGUIDs(t, s, a.ID, F{SearchKey: key, SortBy: "guid"}, want...)
		}
	})

	t.Run("ViewerFields", func(t *testing.T) {
		s := newStore(t)
		appID := seedFilterGroups(t, s)
		gs, _, err := s.Groups(t.Context(), appID, F{Viewer: "ann", IncludePrivate: true})
		must(t, err, "Groups")
		type view struct {
			Joined bool
			Scope  string
			Conv   string
			Count  int
		}
		want := map[string]view{
			"alpha": {true, parley.ScopeAdmin, "group_alpha", 1},
			"delta": {false, "", "group_delta", 0},
			"beta":  {false, "", "group_beta", 0},
			"eps":   {false, "", "group_eps", 1},
			"gamma": {true, parley.ScopeParticipant, "group_gamma", 1},
		}
		wantEqual(t, all, guidsOf(gs), "listed guids")
		for _, g := range gs {
			if g.HasJoined == nil {
				t.Errorf("%s: HasJoined not set with a viewer", g.GUID)
				continue
			}
			wantEqual(t, want[g.GUID], view{*g.HasJoined, g.Scope, g.ConversationID, g.MembersCount}, g.GUID)
			if *g.HasJoined != (g.JoinedAt == t0) {
				t.Errorf("%s: JoinedAt %d with HasJoined %v", g.GUID, g.JoinedAt, *g.HasJoined)
			}
		}
		gs, _, err = s.Groups(t.Context(), appID, F{IncludePrivate: true})
		must(t, err, "Groups")
		for _, g := range gs {
			if g.HasJoined != nil || g.Scope != "" || g.JoinedAt != 0 {
				t.Errorf("%s: viewer fields set without a viewer: %+v", g.GUID, g)
			}
		}
	})

	t.Run("FullRecords", func(t *testing.T) {
		s := newStore(t)
		a := MustCreateApp(t, s)
		want := fullGroup("g")
		must(t, s.CreateGroup(t.Context(), a.ID, want), "CreateGroup")
		want.ConversationID = "group_g"
		gs, _, err := s.Groups(t.Context(), a.ID, F{})
		must(t, err, "Groups")
		wantEqual(t, []*parley.Group{want}, gs, "listed group")
	})

	t.Run("AppIsolation", func(t *testing.T) {
		s := newStore(t)
		appA := seedFilterGroups(t, s)
		b := MustCreateApp(t, s)
		MustCreateUser(t, s, b.ID, "ann")
		mustCreateGroup(t, s, b.ID, "zulu", parley.GroupPublic)
		wantGUIDs(t, s, b.ID, F{IncludePrivate: true}, "zulu")
		wantGUIDs(t, s, b.ID, F{Viewer: "ann", HasJoined: true})
		wantGUIDs(t, s, b.ID, F{Tags: []string{"red", "green"}, IncludePrivate: true})
		wantGUIDs(t, s, appA, F{IncludePrivate: true}, all...)
	})
}
