package storetest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/parleychat/parley"
)

// seedFilterMessages fills a new app with messages for the filter tests
// and returns its id. Users ann, bob, cid, dan; group g with ann, bob and
// dan from message 1 and cid from 5. ann blocks dan; cid blocks ann.
//
//	id  where         from  what                                   sent
//	1   g             ann   "Hello World", tags red; bob reacted    +1  (reply count written at +22)
//	2   g             bob   "héllo again", mentions ann             +2
//	3   ann_user_bob  ann   "private words"; bob reacted            +3
//	4   bob_user_cid  bob   "secret plans", tags blue, mentions cid +4
//	5   g             cid   image with an attachment                +5
//	6   g             ann   file with an attachment, reply to 1     +6
//	7   g             dan   "from dan"                              +7
//	8   ann_user_cid  cid   custom poll, tags red and green         +8
//	9   g             bob   "deleted soon", soft-deleted at +20     +9
//	10  g             ann   "first draft", edited at +21 to "edited text" +10
//	11  g             ann   action groupMember                      +11
//	12  ann_user_dan  ann   video with an attachment                +12
//
// bob subscribed to the threads of 1 and 7.
func seedFilterMessages(t *testing.T, s parley.Store) string {
	t.Helper()
	ctx := t.Context()
	a := MustCreateApp(t, s)
	for _, uid := range []string{"ann", "bob", "cid", "dan"} {
		MustCreateUser(t, s, a.ID, uid)
	}
	mustCreateGroup(t, s, a.ID, "g", parley.GroupPublic)
	for _, uid := range []string{"ann", "bob", "dan"} {
		mustAddMember(t, s, a.ID, "g", uid, parley.ScopeParticipant, 1)
	}
	mustAddMember(t, s, a.ID, "g", "cid", parley.ScopeParticipant, 5)
	must(t, s.Block(ctx, a.ID, "ann", "dan", t0), "Block")
	must(t, s.Block(ctx, a.ID, "cid", "ann", t0), "Block")

	text := func(m *parley.Message, text string) *parley.Message {
		m.Data.Text = text
		return m
	}
	media := func(m *parley.Message, typ string) *parley.Message {
		m.Type, m.Data.Text = typ, ""
		m.Data.Attachments = []parley.Attachment{{URL: "https://example.com/f." + typ, Name: "f." + typ}}
		return m
	}
	ms := []*parley.Message{
		text(groupMessage("g", "ann"), "Hello World"),
		text(groupMessage("g", "bob"), "héllo again"),
		text(userMessage("ann", "bob"), "private words"),
		text(userMessage("bob", "cid"), "secret plans"),
		media(groupMessage("g", "cid"), parley.TypeImage),
		media(groupMessage("g", "ann"), parley.TypeFile),
		text(groupMessage("g", "dan"), "from dan"),
		userMessage("cid", "ann"),
		text(groupMessage("g", "bob"), "deleted soon"),
		text(groupMessage("g", "ann"), "first draft"),
		groupMessage("g", "ann"),
		media(userMessage("ann", "dan"), parley.TypeVideo),
	}
	ms[0].Tags = []string{"red"}
	ms[1].Data.Mentions = map[string]*parley.User{"ann": {UID: "ann", Name: "User ann"}}
	ms[3].Tags = []string{"blue"}
	ms[3].Data.Mentions = map[string]*parley.User{"cid": {UID: "cid", Name: "User cid"}}
	ms[5].ParentID = 1
	ms[7].Category, ms[7].Type, ms[7].Data = parley.CategoryCustom, "poll", parley.MessageData{CustomData: map[string]any{"q": "?"}}
	ms[7].Tags = []string{"red", "green"}
	ms[10].Category, ms[10].Type, ms[10].Data = parley.CategoryAction, parley.TypeGroupMember, parley.MessageData{Action: parley.ActionJoined}
	for i, m := range ms {
		m.SentAt, m.UpdatedAt = t0+int64(i+1), t0+int64(i+1)
	}
	mustAppend(t, s, a.ID, ms...)

	for _, uid := range []string{"bob"} {
		for _, id := range []int64{1, 3} {
			must(t, s.AddReaction(ctx, a.ID, &parley.Reaction{MessageID: id, UID: uid, Reaction: "👍", ReactedAt: t0 + 30}), "AddReaction")
		}
	}
	ms[0].ReplyCount, ms[0].UpdatedAt = 1, t0+22
	must(t, s.UpdateMessage(ctx, a.ID, ms[0]), "UpdateMessage (reply count)")
	for _, id := range []int64{1, 7} {
		must(t, s.SetThreadSubscription(ctx, a.ID, "bob", id, true, t0+23), "SetThreadSubscription")
	}
	ms[8].Data = parley.MessageData{}
	ms[8].DeletedAt, ms[8].DeletedBy, ms[8].UpdatedAt = t0+20, "bob", t0+20
	must(t, s.UpdateMessage(ctx, a.ID, ms[8]), "UpdateMessage (soft delete)")
	ms[9].Data.Text = "edited text"
	ms[9].EditedAt, ms[9].EditedBy, ms[9].UpdatedAt = t0+21, "ann", t0+21
	must(t, s.UpdateMessage(ctx, a.ID, ms[9]), "UpdateMessage (edit)")
	return a.ID
}

// filterCase is one filter and the ids it lists. Field names the field of
// the filter under test: listing with it zeroed must give something else,
// so that a store ignoring the field fails.
type filterCase struct {
	name  string
	field string
	f     parley.MessageFilter
	want  []int64
}

// TestMessageFilters tests listing messages with every field of
// parley.MessageFilter, the visibility of one-to-one messages, full-text
// search and its escaping.
func TestMessageFilters(t *testing.T, newStore func(t *testing.T) parley.Store) {
	type F = parley.MessageFilter
	all := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	cases := []filterCase{
		{"ConversationID", "ConversationID", F{ConversationID: "ann_user_bob"}, []int64{3}},
		{"AfterID", "AfterID", F{AfterID: 10}, []int64{11, 12}},
		{"BeforeID", "BeforeID", F{BeforeID: 3}, []int64{1, 2}},
		{"Limit", "Limit", F{Limit: 2}, []int64{11, 12}},
		{"FromStart", "FromStart", F{FromStart: true, Limit: 2}, []int64{1, 2}},
		{"ParentID", "ParentID", F{ParentID: 1}, []int64{6}},
		{"HideReplies", "HideReplies", F{HideReplies: true}, []int64{1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12}},
		{"HasReplies", "HasReplies", F{HasReplies: true}, []int64{1}},
		{"ThreadsOfSender", "ThreadsOf", F{ThreadsOf: "ann"}, []int64{1}},
		{"ThreadsOfSubscriber", "ThreadsOf", F{ThreadsOf: "bob"}, []int64{1, 7}},
		{"ThreadsOfViewer", "ThreadsOf", F{ThreadsOf: "bob", Viewer: "cid"}, []int64{7}},
		{"Categories", "Categories", F{Categories: []string{parley.CategoryCustom, parley.CategoryAction}}, []int64{8, 11}},
		{"Types", "Types", F{Types: []string{parley.TypeImage}}, []int64{5}},

		{"ParticipantSenderOrReceiver", "Participant", F{Participant: "bob"}, []int64{3, 4}},
		{"ParticipantOneToOneOnly", "Participant", F{Participant: "ann"}, []int64{3, 8, 12}},
		{"Sender", "Sender", F{Sender: "bob"}, []int64{2, 4, 9}},
		{"Tags", "Tags", F{Tags: []string{"red"}}, []int64{1, 8}},
		{"TagsAny", "Tags", F{Tags: []string{"green", "blue"}}, []int64{4, 8}},
		{"WithTags", "WithTags", F{WithTags: true}, []int64{1, 4, 8}},
		{"SearchPrefix", "SearchKey", F{SearchKey: "hel"}, []int64{1, 2}},
		{"SearchCaseAndWords", "SearchKey", F{SearchKey: "world HELLO"}, []int64{1}},
		{"SearchAllWords", "SearchKey", F{SearchKey: "secret plans private"}, nil},
		{"SearchEditedText", "SearchKey", F{SearchKey: "edited"}, []int64{10}},
		{"SearchNotOldText", "SearchKey", F{SearchKey: "draft"}, nil},
		{"SearchNotDeletedText", "SearchKey", F{SearchKey: "soon"}, nil},
		{"SearchNoWords", "SearchKey", F{SearchKey: "!! ?"}, nil},
		{"HasAttachments", "HasAttachments", F{HasAttachments: true}, []int64{5, 6, 12}},
		{"AttachmentTypes", "AttachmentTypes", F{AttachmentTypes: []string{parley.TypeImage}}, []int64{5}},
		{"AttachmentTypesAny", "AttachmentTypes", F{AttachmentTypes: []string{parley.TypeFile, parley.TypeVideo}}, []int64{6, 12}},
		{"HasMentions", "HasMentions", F{HasMentions: true}, []int64{2, 4}},
		{"MentionedUIDs", "MentionedUIDs", F{MentionedUIDs: []string{"ann"}}, []int64{2}},
		{"MentionedUIDsAny", "MentionedUIDs", F{MentionedUIDs: []string{"nobody", "cid"}}, []int64{4}},
		{"HasReactions", "HasReactions", F{HasReactions: true}, []int64{1, 3}},
		{"HideDeleted", "HideDeleted", F{HideDeleted: true}, []int64{1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12}},
		{"OnlyDeleted", "OnlyDeleted", F{OnlyDeleted: true}, []int64{9}},
		{"HideBlockedOfBothWays", "HideBlockedOf", F{HideBlockedOf: "ann"}, []int64{1, 2, 3, 4, 6, 9, 10, 11, 12}},
		{"HideBlockedOfBlocker", "HideBlockedOf", F{HideBlockedOf: "cid"}, []int64{2, 4, 5, 7, 8, 9}},
		{"FromTime", "FromTime", F{FromTime: t0 + 10}, []int64{10, 11, 12}},
		{"ToTime", "ToTime", F{ToTime: t0 + 2}, []int64{1, 2}},
		{"TimeRange", "FromTime", F{FromTime: t0 + 4, ToTime: t0 + 5}, []int64{4, 5}},
		{"UpdatedSince", "UpdatedSince", F{UpdatedSince: t0 + 20}, []int64{1, 9, 10}},
		{"OnlyUpdates", "OnlyUpdates", F{UpdatedSince: t0 + 20, OnlyUpdates: true}, []int64{9, 10}},

		{"ViewerOneToOne", "Viewer", F{Viewer: "bob"}, []int64{1, 2, 3, 4, 5, 6, 7, 9, 10, 11}},
		{"ViewerOutsider", "Viewer", F{Viewer: "nobody"}, nil},
		{"ViewerLateJoiner", "Viewer", F{Viewer: "cid"}, []int64{4, 5, 6, 7, 8, 9, 10, 11}},
		{"ViewerOtherPair", "Viewer", F{Viewer: "dan", ConversationID: "ann_user_bob"}, nil},
		{"ViewerParticipant", "Viewer", F{Viewer: "cid", Participant: "bob"}, []int64{4}},
		{"ViewerSearch", "Viewer", F{Viewer: "cid", SearchKey: "hello"}, nil},
		{"Combined", "Sender", F{Sender: "ann", HideReplies: true, Types: []string{parley.TypeText}}, []int64{1, 3, 10}},
	}

	t.Run("Cases", func(t *testing.T) {
		s := newStore(t)
		appID := seedFilterMessages(t, s)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				wantMessageIDs(t, s, appID, tc.f, tc.want...)
				without := tc.f
				v := reflect.ValueOf(&without).Elem().FieldByName(tc.field)
				if !v.IsValid() {
					t.Fatalf("no filter field %q", tc.field)
				}
				v.SetZero()
				ms, err := s.Messages(t.Context(), appID, without)
				must(t, err, "Messages without the field")
				if reflect.DeepEqual(idsOf(ms), append([]int64{}, tc.want...)) {
					t.Errorf("%s zeroed lists the same %v: the case does not test it", tc.field, tc.want)
				}
			})
		}
		wantMessageIDs(t, s, appID, F{}, all...)
	})

	// MessagesJSON lists what Messages lists, each message's data the
	// JSON Messages decodes.
	t.Run("MessagesJSON", func(t *testing.T) {
		s := newStore(t)
		appID := seedFilterMessages(t, s)
		for _, tc := range append(cases, filterCase{"All", "", F{}, all}) {
			want, err := s.Messages(t.Context(), appID, tc.f)
			must(t, err, "Messages")
			got, err := s.MessagesJSON(t.Context(), appID, tc.f)
			must(t, err, "MessagesJSON")
			if len(got) != len(want) {
				t.Fatalf("%s: MessagesJSON lists %v, Messages %v", tc.name, idsOf(got), idsOf(want))
			}
			for i, m := range got {
				if !reflect.DeepEqual(m.Data, parley.MessageData{}) || len(m.DataJSON) == 0 || m.DataJSON[0] != '{' {
					t.Fatalf("%s: message %d: Data %+v, DataJSON %q", tc.name, m.ID, m.Data, m.DataJSON)
				}
				if err := json.Unmarshal([]byte(m.DataJSON), &m.Data); err != nil {
					t.Fatalf("%s: message %d: DataJSON %q: %v", tc.name, m.ID, m.DataJSON, err)
				}
				m.DataJSON = ""
				if !reflect.DeepEqual(m, want[i]) {
					t.Errorf("%s: MessagesJSON, decoded, gives\n%+v\nMessages\n%+v", tc.name, m, want[i])
				}
			}
		}
	})

	t.Run("EveryFieldCovered", func(t *testing.T) {
		covered := map[string]bool{}
		for _, tc := range cases {
			covered[tc.field] = true
		}
		for _, sf := range reflect.VisibleFields(reflect.TypeFor[F]()) {
			if !sf.Anonymous && !covered[sf.Name] {
				t.Errorf("no case tests MessageFilter.%s", sf.Name)
			}
		}
	})

	t.Run("ViewerCleared", func(t *testing.T) { testViewerCleared(t, newStore) })
	t.Run("SearchEscaping", func(t *testing.T) { testSearchEscaping(t, newStore) })
	t.Run("SearchFollowsPurgeAndAppend", func(t *testing.T) {
		s := newStore(t)
		appID := seedFilterMessages(t, s)
		must(t, s.PurgeMessage(t.Context(), appID, 1), "PurgeMessage")
		wantMessageIDs(t, s, appID, F{SearchKey: "hel"}, 2)
		wantMessageIDs(t, s, appID, F{Tags: []string{"red"}}, 8)
		wantMessageIDs(t, s, appID, F{HasReactions: true}, 3)
		// The newest purged, then more appended: pages of a search keep
		// id order, whatever the store keeps them by.
		must(t, s.PurgeMessage(t.Context(), appID, 12), "PurgeMessage")
		for range 2 {
			m := groupMessage("g", "bob")
			m.Data.Text = "help"
			mustAppend(t, s, appID, m)
		}
		for _, tc := range []struct {
			f    F
			want []int64
		}{
			{F{SearchKey: "hel"}, []int64{2, 13, 14}},
			{F{SearchKey: "hel", Limit: 2}, []int64{13, 14}},
			{F{SearchKey: "hel", BeforeID: 14}, []int64{2, 13}},
			{F{SearchKey: "hel", BeforeID: 14, Limit: 1}, []int64{13}},
			{F{SearchKey: "hel", AfterID: 2, Limit: 1}, []int64{13}},
			{F{SearchKey: "hel", AfterID: 13}, []int64{14}},
			{F{SearchKey: "hel", AfterID: 2, BeforeID: 14}, []int64{13}},
			{F{SearchKey: "hel", AfterID: 14}, nil},
			{F{SearchKey: "hel", BeforeID: 2}, nil},
			{F{SearchKey: "hel", Viewer: "cid", Limit: 5}, []int64{13, 14}},
			{F{SearchKey: "hel", ConversationID: "group_g", BeforeID: 14}, []int64{2, 13}},
		} {
			wantMessageIDs(t, s, appID, tc.f, tc.want...)
		}
	})

	t.Run("BulkAppendSideRows", func(t *testing.T) { testBulkAppendSideRows(t, newStore) })
	t.Run("AppIsolation", func(t *testing.T) {
		s := newStore(t)
		appA := seedFilterMessages(t, s)
		b := MustCreateApp(t, s)
		for _, uid := range []string{"ann", "bob"} {
			MustCreateUser(t, s, b.ID, uid)
		}
		m := userMessage("bob", "ann")
		m.Data.Text, m.Tags = "hello from B", []string{"red"}
		mustAppend(t, s, b.ID, m)
		for _, f := range []F{
			{SearchKey: "hello"}, {Tags: []string{"red", "blue"}}, {WithTags: true}, {Participant: "bob"},
			{Sender: "bob"}, {Viewer: "ann"}, {Viewer: "bob"},
		} {
			wantMessageIDs(t, s, b.ID, f, 1)
		}
		for _, f := range []F{{HasMentions: true}, {MentionedUIDs: []string{"ann"}}, {HasReactions: true}, {OnlyDeleted: true},
			{HasAttachments: true}, {HideBlockedOf: "cid"}} {
			want := []int64(nil)
			if f.HideBlockedOf != "" {
				want = []int64{1}
			}
			wantMessageIDs(t, s, b.ID, f, want...)
		}
		wantMessageIDs(t, s, appA, F{SearchKey: "hello"}, 1, 2)
	})
}

// testViewerCleared tests that a viewer no longer sees the messages up to
// the point where they cleared a conversation, and the other user still
// does.
func testViewerCleared(t *testing.T, newStore func(t *testing.T) parley.Store) {
	type F = parley.MessageFilter
	s := newStore(t)
	ctx := t.Context()
	appID := seedFilterMessages(t, s)
	must(t, s.ClearConversation(ctx, appID, "ann", "ann_user_bob", 3), "ClearConversation")
	must(t, s.ClearConversation(ctx, appID, "bob", "group_g", 2), "ClearConversation")
	wantMessageIDs(t, s, appID, F{Viewer: "ann", ConversationID: "ann_user_bob"})
	wantMessageIDs(t, s, appID, F{Viewer: "bob", ConversationID: "ann_user_bob"}, 3)
	wantMessageIDs(t, s, appID, F{Viewer: "ann", Types: []string{parley.TypeText}}, 1, 2, 7, 9, 10)
	wantMessageIDs(t, s, appID, F{Viewer: "bob", Types: []string{parley.TypeText}}, 3, 4, 7, 9, 10)
	wantMessageIDs(t, s, appID, F{Viewer: "bob", ConversationID: "group_g", Limit: 3, BeforeID: 7}, 5, 6)
	// A message after the point is seen again.
	m := userMessage("bob", "ann")
	mustAppend(t, s, appID, m)
	wantMessageIDs(t, s, appID, F{Viewer: "ann", ConversationID: "ann_user_bob"}, m.ID)
	// Without a viewer nothing is hidden.
	wantMessageIDs(t, s, appID, F{ConversationID: "ann_user_bob"}, 3, m.ID)
}

// testSearchEscaping tests that search keys holding FTS5 syntax are taken
// as words, never an error.
func testSearchEscaping(t *testing.T, newStore func(t *testing.T) parley.Store) {
	s := newStore(t)
	a := MustCreateApp(t, s)
	texts := []string{`say "quoted" words`, `NEAR the end`, `x-ray and -x`, `a*b (paren) {brace}`, `col:umn ^caret + plus`}
	for _, text := range texts {
		m := userMessage("ann", "bob")
		m.Data.Text = text
		mustAppend(t, s, a.ID, m)
	}
	for key, want := range map[string][]int64{
		`"`: nil, `""`: nil, `"quoted"`: {1}, `quoted"`: {1}, `*`: nil, `a*`: {3, 4}, `NEAR(`: {2},
		`NEAR`: {2}, `near the`: {2}, `-x`: {3}, `x-ray`: {3}, `AND`: {3}, `OR`: nil, `NOT x`: nil,
		`(paren`: {4}, `{brace}`: {4}, `col:umn`: {5}, `col:`: {5}, `^caret`: {5}, `+`: nil, `'`: nil, `\`: nil,
		`say words`: {1}, `"say words"`: {1}, `wor* say`: {1}, `:`: nil, `-`: nil, `AND OR NOT`: nil,
	} {
		wantMessageIDs(t, s, a.ID, parley.MessageFilter{SearchKey: key}, want...)
	}
}

// testBulkAppendSideRows appends batches of lengths that no single
// statement size matches, after a purge left a gap in the store's own row
// numbering, and checks that every message's search text, tags and
// mentions name that message and no other.
func testBulkAppendSideRows(t *testing.T, newStore func(t *testing.T) parley.Store) {
	s := newStore(t)
	appID := seedFilterMessages(t, s)
	must(t, s.PurgeMessage(t.Context(), appID, 2), "PurgeMessage")
	base, err := s.Messages(t.Context(), appID, parley.MessageFilter{})
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	next := base[len(base)-1].ID + 1
	for _, n := range []int{7, 300} {
		ms := make([]*parley.Message, n)
		for i := range ms {
			ms[i] = groupMessage("g", "bob")
			ms[i].Data.Text = fmt.Sprintf("word%dx%d", n, i)
			if i%3 == 0 {
				ms[i].Tags = []string{fmt.Sprintf("tag%dx%d", n, i)}
			}
			if i%5 == 0 {
				ms[i].Data.Mentions = map[string]*parley.User{"cid": {UID: "cid"}}
			}
		}
		mustAppend(t, s, appID, ms...)
		var mentioned []int64
		for i, m := range ms {
			if m.ID != next+int64(i) {
				t.Fatalf("batch of %d: message %d got id %d, want %d", n, i, m.ID, next+int64(i))
			}
			if i%37 == 0 || i == n-1 {
				wantMessageIDs(t, s, appID, parley.MessageFilter{SearchKey: m.Data.Text}, m.ID)
			}
			if len(m.Tags) > 0 && i%11 == 0 {
				wantMessageIDs(t, s, appID, parley.MessageFilter{Tags: m.Tags}, m.ID)
			}
			if m.Data.Mentions != nil {
				mentioned = append(mentioned, m.ID)
			}
		}
		wantMessageIDs(t, s, appID, parley.MessageFilter{MentionedUIDs: []string{"cid"}, AfterID: next - 1}, mentioned...)
		next += int64(n)
	}
}
