package storetest

import (
	"reflect"
	"testing"

	"github.com/parleychat/parley"
)

// seedConversations fills a new app for the conversation tests and returns
// its id. Users ann, bob (name Bobby, tag vip), cid (Cidney, staff), dan
// (Zed); groups g1 (Garden, outdoor: ann), g2 (Books, indoor: ann, bob),
// g3 (Attic: bob), g4 (Gone: ann until 8). The messages, sent with
// TouchConversation:
//
//	1 bob → ann   2 ann → cid   3 g1 by ann   4 g2 by bob   5 dan → bob
//	6 g3 by bob   7 cid → ann   8 g4 ann leaves   9 ann → dan (ann clears it)
//
// ann read ann_user_bob up to 1 and tagged it fav, group_g1 fav and work,
// ann_user_cid with no tags.
func seedConversations(t *testing.T, s parley.Store) string {
	t.Helper()
	ctx := t.Context()
	a := MustCreateApp(t, s)
	mustCreateUsers(t, s, a.ID,
		&parley.User{UID: "ann", Name: "Ann", CreatedAt: t0},
		&parley.User{UID: "bob", Name: "Bobby", Tags: []string{"vip"}, CreatedAt: t0},
		&parley.User{UID: "cid", Name: "Cidney", Tags: []string{"staff"}, CreatedAt: t0},
		&parley.User{UID: "dan", Name: "Zed", CreatedAt: t0})
	for _, g := range []*parley.Group{
		{GUID: "g1", Name: "Garden", Type: parley.GroupPublic, Tags: []string{"outdoor"}, CreatedAt: t0},
		{GUID: "g2", Name: "Books", Type: parley.GroupPublic, Tags: []string{"indoor"}, CreatedAt: t0},
		{GUID: "g3", Name: "Attic", Type: parley.GroupPublic, CreatedAt: t0},
		{GUID: "g4", Name: "Gone", Type: parley.GroupPublic, CreatedAt: t0},
	} {
		must(t, s.CreateGroup(ctx, a.ID, g), "CreateGroup")
	}
	mustAddMember(t, s, a.ID, "g1", "ann", parley.ScopeAdmin, 1)
	mustAddMember(t, s, a.ID, "g2", "ann", parley.ScopeAdmin, 1)
	mustAddMember(t, s, a.ID, "g2", "bob", parley.ScopeAdmin, 1)
	mustAddMember(t, s, a.ID, "g3", "bob", parley.ScopeAdmin, 1)
	mustAddMember(t, s, a.ID, "g4", "ann", parley.ScopeAdmin, 1)
	for i, m := range []*parley.Message{
		userMessage("bob", "ann"), userMessage("ann", "cid"), groupMessage("g1", "ann"), groupMessage("g2", "bob"),
		userMessage("dan", "bob"), groupMessage("g3", "bob"), userMessage("cid", "ann"),
		actionMessage("g4", "ann", parley.ActionLeft), userMessage("ann", "dan"),
	} {
		m.SentAt = t0 + int64(i+1)
		send(t, s, a.ID, m)
	}
	must(t, s.EndMember(ctx, a.ID, "g4", "ann", 8, t0+8), "EndMember")
	must(t, s.MarkReceipt(ctx, a.ID, "ann", "ann_user_bob", parley.ReceiptRead, 1, t0+10), "MarkReceipt")
	must(t, s.SetConversationTags(ctx, a.ID, "ann", "ann_user_bob", []string{"fav"}), "SetConversationTags")
	must(t, s.SetConversationTags(ctx, a.ID, "ann", "group_g1", []string{"work", "fav"}), "SetConversationTags")
	must(t, s.SetConversationTags(ctx, a.ID, "ann", "ann_user_cid", []string{}), "SetConversationTags")
	must(t, s.ClearConversation(ctx, a.ID, "ann", "ann_user_dan", 9), "ClearConversation")
	return a.ID
}

// TestConversations tests conversations: how TouchConversation makes and
// moves them, one viewer's list with every field of
// parley.ConversationFilter, a single conversation, tags and clearing.
func TestConversations(t *testing.T, newStore func(t *testing.T) parley.Store) {
	type F = parley.ConversationFilter
	type fcase struct {
		name, field string
		f           F
		want        []string
	}
	annAll := []string{"ann_user_cid", "group_g2", "group_g1", "ann_user_bob"}
	cases := []fcase{
		{"Viewer", "Viewer", F{Viewer: "bob"}, []string{"group_g3", "bob_user_dan", "group_g2", "ann_user_bob"}},
		{"TypeUser", "ConversationType", F{Viewer: "ann", ConversationType: parley.ConversationUser}, []string{"ann_user_cid", "ann_user_bob"}},
		{"TypeGroup", "ConversationType", F{Viewer: "ann", ConversationType: parley.ConversationGroup}, []string{"group_g2", "group_g1"}},
		{"SearchUIDOrGroupName", "SearchKey", F{Viewer: "ann", SearchKey: "bo"}, []string{"group_g2", "ann_user_bob"}},
		{"SearchUserName", "SearchKey", F{Viewer: "ann", SearchKey: "CIDN"}, []string{"ann_user_cid"}},
		{"SearchGUID", "SearchKey", F{Viewer: "ann", SearchKey: "g1"}, []string{"group_g1"}},
		{"SearchPrefixOnly", "SearchKey", F{Viewer: "ann", SearchKey: "arden"}, nil},
		{"SearchLikeEscaped", "SearchKey", F{Viewer: "ann", SearchKey: "_"}, nil},
		{"Tags", "Tags", F{Viewer: "ann", Tags: []string{"fav"}}, []string{"group_g1", "ann_user_bob"}},
		{"TagsAny", "Tags", F{Viewer: "ann", Tags: []string{"none", "work"}}, []string{"group_g1"}},
		{"WithTags", "WithTags", F{Viewer: "ann", WithTags: true}, []string{"group_g1", "ann_user_bob"}},
		{"UserTags", "UserTags", F{Viewer: "ann", UserTags: []string{"vip"}}, []string{"ann_user_bob"}},
		{"UserTagsAny", "UserTags", F{Viewer: "ann", UserTags: []string{"staff", "vip"}}, []string{"ann_user_cid", "ann_user_bob"}},
		{"GroupTags", "GroupTags", F{Viewer: "ann", GroupTags: []string{"indoor", "none"}}, []string{"group_g2"}},
		{"UserAndGroupTags", "GroupTags", F{Viewer: "ann", UserTags: []string{"vip"}, GroupTags: []string{"outdoor"}},
			[]string{"group_g1", "ann_user_bob"}},
		{"Unread", "Unread", F{Viewer: "ann", Unread: true}, []string{"ann_user_cid", "group_g2"}},
		{"Combined", "ConversationType", F{Viewer: "ann", ConversationType: parley.ConversationGroup, Tags: []string{"fav"}}, []string{"group_g1"}},
	}

	t.Run("Filters", func(t *testing.T) {
		s := newStore(t)
		appID := seedConversations(t, s)
		wantConversationIDs(t, s, appID, F{Viewer: "ann"}, annAll...)
		wantConversationIDs(t, s, appID, F{Viewer: "nobody"})
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				wantConversationIDs(t, s, appID, tc.f, tc.want...)
				without := tc.f
				reflect.ValueOf(&without).Elem().FieldByName(tc.field).SetZero()
				got, _ := listConversations(t, s, appID, without)
				if reflect.DeepEqual(got, append([]string{}, tc.want...)) {
					t.Errorf("%s zeroed lists the same %v: the case does not test it", tc.field, tc.want)
				}
			})
		}
		covered := map[string]bool{"Page": true} // see Paging
		for _, tc := range cases {
			covered[tc.field] = true
		}
		for sf := range reflect.TypeFor[F]().Fields() {
			if !covered[sf.Name] {
				t.Errorf("no case tests ConversationFilter.%s", sf.Name)
			}
		}
	})

	t.Run("Paging", func(t *testing.T) {
		s := newStore(t)
		appID := seedConversations(t, s)
		for page, want := range [][]string{annAll[:3], annAll[3:], {}} {
			got, total := listConversations(t, s, appID, F{Viewer: "ann", Page: parley.Page{Page: page + 1, PerPage: 3}})
			wantEqual(t, want, got, "page")
			wantEqual(t, 4, total, "total")
		}
		got, total := listConversations(t, s, appID, F{Viewer: "ann", Unread: true, Page: parley.Page{Page: 2, PerPage: 1}})
		wantEqual(t, []string{"group_g2"}, got, "filtered page")
		wantEqual(t, 2, total, "filtered total")
	})

	t.Run("Fields", func(t *testing.T) {
		s := newStore(t)
		appID := seedConversations(t, s)
		cs, _, err := s.Conversations(t.Context(), appID, F{Viewer: "ann"})
		must(t, err, "Conversations")
		want := []*parley.Conversation{
			{ConversationID: "ann_user_cid", ConversationType: "user", Peer: "cid", LatestMessageID: 7, LastReadMessageID: 2,
				DeliveredID: 2, UnreadMessageCount: 1, Tags: []string{}, CreatedAt: t0 + 2, UpdatedAt: t0 + 7},
			{ConversationID: "group_g2", ConversationType: "group", Peer: "g2", LatestMessageID: 4, UnreadMessageCount: 1,
				CreatedAt: t0 + 4, UpdatedAt: t0 + 4},
			{ConversationID: "group_g1", ConversationType: "group", Peer: "g1", LatestMessageID: 3, LastReadMessageID: 3,
				DeliveredID: 3, Tags: []string{"work", "fav"}, CreatedAt: t0 + 3, UpdatedAt: t0 + 3},
			{ConversationID: "ann_user_bob", ConversationType: "user", Peer: "bob", LatestMessageID: 1, LastReadMessageID: 1,
				DeliveredID: 1, Tags: []string{"fav"}, CreatedAt: t0 + 1, UpdatedAt: t0 + 1},
		}
		wantEqual(t, want, cs, "ann's conversations")
		for _, c := range want {
			wantEqual(t, c, mustConversation(t, s, appID, "ann", c.ConversationID), "Conversation "+c.ConversationID)
		}
		// The cleared one is not listed but can be read, and so can a
		// conversation of a group whose state the viewer never wrote.
		wantEqual(t, &parley.Conversation{ConversationID: "ann_user_dan", ConversationType: "user", Peer: "dan",
			LatestMessageID: 9, LastReadMessageID: 9, DeliveredID: 9, ClearedID: 9, CreatedAt: t0 + 9, UpdatedAt: t0 + 9},
			mustConversation(t, s, appID, "ann", "ann_user_dan"), "cleared conversation")
		wantEqual(t, "ann", mustConversation(t, s, appID, "cid", "ann_user_cid").Peer, "cid's peer")
	})

	t.Run("NotFound", func(t *testing.T) {
		s := newStore(t)
		appID := seedConversations(t, s)
		for _, tc := range []struct{ viewer, id string }{
			{"cid", "ann_user_bob"},  // not one of its users
			{"ann", "bob_user_dan"},  // nor this
			{"ann", "group_g3"},      // not a member
			{"ann", "group_g4"},      // a past member
			{"ann", "ann_user_zed"},  // no such conversation
			{"bob", "group_g9"},      // no such group
			{"ann", "group_none_g1"}, // not a real id
		} {
			_, err := s.Conversation(t.Context(), appID, tc.viewer, tc.id)
			wantErr(t, err, parley.ErrNotFound, "Conversation("+tc.viewer+", "+tc.id+")")
		}
	})

	t.Run("Touch", func(t *testing.T) { testTouch(t, newStore) })
	t.Run("TagsAndClear", func(t *testing.T) { testTagsAndClear(t, newStore) })

	t.Run("DeleteGroupRemovesConversation", func(t *testing.T) {
		s := newStore(t)
		appID := seedConversations(t, s)
		must(t, s.DeleteGroup(t.Context(), appID, "g1"), "DeleteGroup")
		wantConversationIDs(t, s, appID, F{Viewer: "ann"}, "ann_user_cid", "group_g2", "ann_user_bob")
		// A new group of the same guid starts afresh.
		mustCreateGroup(t, s, appID, "g1", parley.GroupPublic)
		mustAddMember(t, s, appID, "g1", "ann", parley.ScopeAdmin, 10)
		id := send(t, s, appID, groupMessage("g1", "bob"))
		c := mustConversation(t, s, appID, "ann", "group_g1")
		wantEqual(t, [3]any{id, int64(0), []string(nil)}, [3]any{c.LatestMessageID, c.LastReadMessageID, c.Tags},
			"latest id, read id and tags of the new group's conversation")
	})

	t.Run("AppIsolation", func(t *testing.T) {
		s := newStore(t)
		appA := seedConversations(t, s)
		b := MustCreateApp(t, s)
		MustCreateUser(t, s, b.ID, "ann")
		mustCreateGroup(t, s, b.ID, "g1", parley.GroupPublic)
		mustAddMember(t, s, b.ID, "g1", "ann", parley.ScopeAdmin, 1)
		wantConversationIDs(t, s, b.ID, F{Viewer: "ann"})
		for _, id := range []string{"ann_user_bob", "group_g1"} {
			_, err := s.Conversation(t.Context(), b.ID, "ann", id)
			wantErr(t, err, parley.ErrNotFound, "Conversation of A in B")
		}
		send(t, s, b.ID, groupMessage("g1", "bob"))
		c := mustConversation(t, s, b.ID, "ann", "group_g1")
		wantEqual(t, [3]any{int64(1), 1, []string(nil)}, [3]any{c.LatestMessageID, c.UnreadMessageCount, c.Tags}, "B's group_g1")
		must(t, s.ClearConversation(t.Context(), b.ID, "ann", "ann_user_bob", 99), "ClearConversation in B")
		must(t, s.SetConversationTags(t.Context(), b.ID, "ann", "group_g1", []string{"b"}), "SetConversationTags in B")
		wantConversationIDs(t, s, appA, F{Viewer: "ann"}, annAll...)
		wantConversationIDs(t, s, appA, F{Viewer: "ann", Tags: []string{"b"}})
		ucs, err := s.UnreadCounts(t.Context(), b.ID, "ann")
		must(t, err, "UnreadCounts")
		wantEqual(t, []parley.UnreadCount{{ConversationID: "group_g1", Count: 1}}, ucs, "B's unread counts")
	})
}
