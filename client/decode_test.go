package client

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
)

// TestDecodeTolerant: ids and counts decode whether the server writes them
// as strings or numbers, so that a server that changes a field's JSON type
// (as CometChat's API writes unreadMessageCount as a string) does not break
// the SDK; and what can't be fixed still fails.
func TestDecodeTolerant(t *testing.T) {
	t.Run("message ids as numbers", func(t *testing.T) {
		var m parley.Message
		err := decodeJSON([]byte(`{"id":42,"parentId":7,"sender":"bob","replyCount":"3","sentAt":"1700000000",
			"data":{"text":"hi","reactions":[{"reaction":"👍","count":"2"}]}}`), &m)
		if err != nil {
			t.Fatal(err)
		}
		want := parley.Message{ID: 42, ParentID: 7, Sender: "bob", ReplyCount: 3, SentAt: 1700000000,
			Data: parley.MessageData{Text: "hi", Reactions: []parley.ReactionCount{{Reaction: "👍", Count: 2}}}}
		if diff := cmp.Diff(want, m); diff != "" {
			t.Errorf("message (-want +got):\n%s", diff)
		}
	})
	t.Run("counts as strings", func(t *testing.T) {
		var cs []*parley.Conversation
		err := decodeJSON([]byte(`[{"conversationId":"a_user_b","unreadMessageCount":"3","unreadMentionsCount":"0",
			"lastReadMessageId":12,"latestMessageId":"15","conversationType":"user",
			"conversationWith":{"uid":"b","name":"B","lastActiveAt":"9"}}]`), &cs)
		if err != nil {
			t.Fatal(err)
		}
		c := cs[0]
		typeConversation(c)
		if c.UnreadMessageCount != 3 || c.LastReadMessageID != 12 || c.LatestMessageID != 15 {
			t.Errorf("conversation %+v", c)
		}
		if u, ok := c.ConversationWith.(*parley.User); !ok || u.UID != "b" || u.LastActiveAt != 9 {
			t.Errorf("conversationWith %#v", c.ConversationWith)
		}
	})
	t.Run("embedded fields and pagination", func(t *testing.T) {
		var ms []*parley.Member
		if err := decodeJSON([]byte(`[{"uid":"a","name":"A","scope":"admin","joinedAt":"5","createdAt":1}]`), &ms); err != nil {
			t.Fatal(err)
		}
		if ms[0].User == nil || ms[0].UID != "a" || ms[0].JoinedAt != 5 || ms[0].Scope != "admin" {
			t.Errorf("member %+v %+v", ms[0], ms[0].User)
		}
		var m meta
		if err := decodeJSON([]byte(`{"pagination":{"total":"10","count":2,"per_page":"2","current_page":1,"total_pages":"5"},
			"next":{"affix":"append","id":9}}`), &m); err != nil {
			t.Fatal(err)
		}
		if m.Pagination.Total != 10 || m.Pagination.TotalPages != 5 || m.Next.ID != 9 {
			t.Errorf("meta %+v %+v", m.Pagination, m.Next)
		}
	})
	t.Run("what can't be read still fails", func(t *testing.T) {
		var m parley.Message
		if err := decodeJSON([]byte(`{"id":"forty-two"}`), &m); err == nil {
			t.Errorf("a non-numeric id decoded as %d", m.ID)
		}
		if err := decodeJSON([]byte(`{"id":`), &m); err == nil {
			t.Error("broken JSON decoded")
		}
	})
	t.Run("entities are typed", func(t *testing.T) {
		var m parley.Message
		err := decodeJSON([]byte(`{"id":"4","category":"action","type":"message","data":{"action":"edited","entities":{
			"by":{"entity":{"uid":"bob"},"entityType":"user"},
			"for":{"entity":{"guid":"team","membersCount":"2"},"entityType":"group"},
			"on":{"entity":{"id":3,"data":{"text":"x"}},"entityType":"message"}}}}`), &m)
		if err != nil {
			t.Fatal(err)
		}
		typeEntities(&m)
		if u, _ := m.Data.Entities["by"].Entity.(*parley.User); u == nil || u.UID != "bob" {
			t.Errorf("by %#v", m.Data.Entities["by"].Entity)
		}
		if g, _ := m.Data.Entities["for"].Entity.(*parley.Group); g == nil || g.MembersCount != 2 {
			t.Errorf("for %#v", m.Data.Entities["for"].Entity)
		}
		if on, _ := m.Data.Entities["on"].Entity.(*parley.Message); on == nil || on.ID != 3 || on.Data.Text != "x" {
			t.Errorf("on %#v", m.Data.Entities["on"].Entity)
		}
	})
}
