package client

import (
	"net/url"
	"reflect"
	"testing"
)

// TestMessageQuery: each setter of the message builder writes the query
// parameter of the REST API it stands for, and every setter has a case
// here (a new filter without one fails), so that no filter of the API is
// missing or misspelled on the wire.
func TestMessageQuery(t *testing.T) {
	c, err := New(Settings{BaseURL: "http://127.0.0.1:1", AppID: "app"})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		set  func(*MessagesRequest)
		path string
		want url.Values
	}{
		"WithUser":   {func(r *MessagesRequest) { r.WithUser("bob") }, "/v3/users/bob/messages", url.Values{}},
		"WithGroup":  {func(r *MessagesRequest) { r.WithGroup("team") }, "/v3/groups/team/messages", url.Values{}},
		"Thread":     {func(r *MessagesRequest) { r.Thread(7) }, "/v3/messages/7/thread", url.Values{}},
		"Limit":      {func(r *MessagesRequest) { r.Limit(50) }, "", url.Values{"limit": {"50"}}},
		"Before":     {func(r *MessagesRequest) { r.Before(9) }, "", url.Values{"id": {"9"}, "affix": {"prepend"}}},
		"After":      {func(r *MessagesRequest) { r.After(9) }, "", url.Values{"id": {"9"}, "affix": {"append"}}},
		"BeforeTime": {func(r *MessagesRequest) { r.BeforeTime(100) }, "", url.Values{"sentAt": {"100"}, "affix": {"prepend"}}},
		"AfterTime":  {func(r *MessagesRequest) { r.AfterTime(100) }, "", url.Values{"sentAt": {"100"}, "affix": {"append"}}},
		"FromStart":  {func(r *MessagesRequest) { r.FromStart() }, "", url.Values{"affix": {"append"}}},
		"Categories": {func(r *MessagesRequest) { r.Categories("custom", "message") }, "", url.Values{"categories": {"custom,message"}}},
		"Types":      {func(r *MessagesRequest) { r.Types("image") }, "", url.Values{"types": {"image"}}},
		"Tags":       {func(r *MessagesRequest) { r.Tags("a", "b") }, "", url.Values{"tags": {"a,b"}}},
		"WithTags":   {func(r *MessagesRequest) { r.WithTags() }, "", url.Values{"withTags": {"true"}}},
		"Sender":     {func(r *MessagesRequest) { r.Sender("bob") }, "", url.Values{"sender": {"bob"}}},
		"SearchKey":  {func(r *MessagesRequest) { r.SearchKey("zeb") }, "", url.Values{"searchKey": {"zeb"}}},
		"HasAttachments": {func(r *MessagesRequest) { r.HasAttachments() }, "",
			url.Values{"hasAttachments": {"true"}}},
		"AttachmentTypes": {func(r *MessagesRequest) { r.AttachmentTypes("image", "file") }, "",
			url.Values{"attachmentTypes": {"image,file"}}},
		"HasMentions": {func(r *MessagesRequest) { r.HasMentions() }, "", url.Values{"hasMentions": {"true"}}},
		"MentionedUIDs": {func(r *MessagesRequest) { r.MentionedUIDs("a", "b") }, "",
			url.Values{"mentionedUids": {"a,b"}}},
		"MyMentionsOnly": {func(r *MessagesRequest) { r.MyMentionsOnly() }, "",
			url.Values{"myMentionsOnly": {"true"}}},
		"HasReactions": {func(r *MessagesRequest) { r.HasReactions() }, "", url.Values{"hasReactions": {"true"}}},
		"HideReplies":  {func(r *MessagesRequest) { r.HideReplies() }, "", url.Values{"hideReplies": {"true"}}},
		"HideDeleted":  {func(r *MessagesRequest) { r.HideDeleted() }, "", url.Values{"hideDeleted": {"true"}}},
		"OnlyDeleted":  {func(r *MessagesRequest) { r.OnlyDeleted() }, "", url.Values{"onlyDeleted": {"true"}}},
		"HideMessagesFromBlockedUsers": {func(r *MessagesRequest) { r.HideMessagesFromBlockedUsers() }, "",
			url.Values{"hideMessagesFromBlockedUsers": {"true"}}},
		"FromTimestamp": {func(r *MessagesRequest) { r.FromTimestamp(5) }, "", url.Values{"fromTimestamp": {"5"}}},
		"ToTimestamp":   {func(r *MessagesRequest) { r.ToTimestamp(6) }, "", url.Values{"toTimestamp": {"6"}}},
		"UpdatedSince":  {func(r *MessagesRequest) { r.UpdatedSince(7) }, "", url.Values{"updatedAt": {"7"}}},
		"OnlyUpdates":   {func(r *MessagesRequest) { r.OnlyUpdates() }, "", url.Values{"onlyUpdates": {"true"}}},
	}
	notFilters := map[string]bool{"Fetch": true, "FetchNext": true, "FetchPrevious": true}
	rt := reflect.TypeFor[*MessagesRequest]()
	for i := range rt.NumMethod() {
		name := rt.Method(i).Name
		if _, ok := cases[name]; !ok && !notFilters[name] {
			t.Errorf("MessagesRequest.%s has no case in TestMessageQuery", name)
		}
	}
	for name, cs := range cases {
		r := c.Messages()
		cs.set(r)
		got, _ := r.query(r.before, r.after, r.fromStart)
		if !reflect.DeepEqual(got, cs.want) {
			t.Errorf("%s: query %v, want %v", name, got, cs.want)
		}
		wantPath := cs.path
		if wantPath == "" {
			wantPath = "/v3/messages"
		}
		if r.path != wantPath {
			t.Errorf("%s: path %s, want %s", name, r.path, wantPath)
		}
	}
}

// TestListQuery: the entity builders' setters write their parameters.
func TestListQuery(t *testing.T) {
	c, err := New(Settings{BaseURL: "http://127.0.0.1:1", AppID: "app"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		q    url.Values
		want url.Values
	}{
		{"users", c.Users().Limit(10).Page(2).SearchKey("al").SearchIn("uid").Status("available").Roles("a", "b").
			Tags("t").WithTags().UIDs("x", "y").FriendsOnly().HideBlockedUsers().OnlyDeactivated().WithDeactivated().
			SortBy("uid").SortOrder("desc").q,
			url.Values{"perPage": {"10"}, "page": {"2"}, "searchKey": {"al"}, "searchIn": {"uid"}, "status": {"available"},
				"roles": {"a,b"}, "tags": {"t"}, "withTags": {"true"}, "uids": {"x,y"}, "friendsOnly": {"true"},
				"hideBlockedUsers": {"true"}, "onlyDeactivated": {"true"}, "withDeactivated": {"true"}, "sortBy": {"uid"},
				"sortOrder": {"desc"}}},
		{"blocked", c.BlockedUsers().Direction("both").q, url.Values{"direction": {"both"}}},
		{"groups", c.Groups().Limit(5).Page(1).SearchKey("t").SearchIn("name").Types("public").Tags("x").WithTags().
			JoinedOnly().SortBy("createdAt").SortOrder("asc").q,
			url.Values{"perPage": {"5"}, "page": {"1"}, "searchKey": {"t"}, "searchIn": {"name"}, "types": {"public"},
				"tags": {"x"}, "withTags": {"true"}, "hasJoined": {"true"}, "sortBy": {"createdAt"}, "sortOrder": {"asc"}}},
		{"members", c.GroupMembers("g").Limit(3).Page(2).Scopes("admin").Status("offline").SearchKey("b").q,
			url.Values{"perPage": {"3"}, "page": {"2"}, "scopes": {"admin"}, "status": {"offline"}, "searchKey": {"b"}}},
		{"banned", c.BannedMembers("g").Limit(3).Page(2).SearchKey("b").q,
			url.Values{"perPage": {"3"}, "page": {"2"}, "searchKey": {"b"}}},
		{"conversations", c.Conversations().Limit(4).Page(3).Type("group").SearchKey("t").Tags("p").UserTags("u").
			GroupTags("g").WithTags().WithUserAndGroupTags().Unread().q,
			url.Values{"perPage": {"4"}, "page": {"3"}, "conversationType": {"group"}, "searchKey": {"t"}, "tags": {"p"},
				"userTags": {"u"}, "groupTags": {"g"}, "withTags": {"true"}, "withUserAndGroupTags": {"true"}, "unread": {"true"}}},
		{"roles", c.Roles().Limit(2).Page(3).q, url.Values{"perPage": {"2"}, "page": {"3"}}},
	}
	for _, cs := range cases {
		if !reflect.DeepEqual(cs.q, cs.want) {
			t.Errorf("%s: query %v, want %v", cs.name, cs.q, cs.want)
		}
	}
	r := c.Reactions(4).Reaction("👍").Limit(2).After(9)
	if q, _ := r.query(0, r.after, r.fromStart); r.path != "/v3/messages/4/reactions/%F0%9F%91%8D" ||
		!reflect.DeepEqual(q, url.Values{"limit": {"2"}, "id": {"9"}, "affix": {"append"}}) {
		t.Errorf("reactions: path %s, query %v", r.path, q)
	}
	th := c.Threads().WithGroup("team").ParticipatedByMe().Limit(5).Before(30)
	if q, _ := th.query(th.before, 0, false); th.path != "/v3/groups/team/threads" ||
		!reflect.DeepEqual(q, url.Values{"participatedByMe": {"true"}, "limit": {"5"}, "id": {"30"}, "affix": {"prepend"}}) {
		t.Errorf("threads: path %s, query %v", th.path, q)
	}
}
