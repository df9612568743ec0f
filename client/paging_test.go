package client_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/client"
)

// TestMessagePaging: the message builder returns every message of a
// conversation exactly once, paging backwards and forwards, statefully and
// by cursor, and its FetchNext may be polled for new messages.
func TestMessagePaging(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	alice, _ := s.user(t, "alice", manual(s, "alice"))
	bob, _ := s.user(t, "bob", manual(s, "bob"))
	carol, _ := s.user(t, "carol", manual(s, "carol"))
	var want []int64
	for i := range 23 {
		m, err := alice.SendText(ctx, client.ToUser("bob"), fmt.Sprintf("m%d", i))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, m.ID)
		if i%5 == 0 { // another conversation's messages interleave in the log
			if _, err := carol.SendText(ctx, client.ToUser("bob"), "noise"); err != nil {
				t.Fatal(err)
			}
		}
	}

	ids := func(ms []*parley.Message) []int64 {
		var out []int64
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	check := func(t *testing.T, got []int64) {
		t.Helper()
		sorted := slices.Clone(got)
		slices.Sort(sorted)
		if !slices.Equal(sorted, want) {
			t.Errorf("got ids %v, want each of %v once", got, want)
		}
	}

	t.Run("FetchPrevious", func(t *testing.T) {
		r := bob.Messages().WithUser("alice").Limit(5)
		var got []int64
		pages := 0
		for {
			ms, err := r.FetchPrevious(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) == 0 {
				break
			}
			if !slices.IsSorted(ids(ms)) {
				t.Errorf("page %v not in ascending order", ids(ms))
			}
			if len(got) > 0 && ms[len(ms)-1].ID >= got[len(got)-1] {
				t.Errorf("page %v is not older than the one before", ids(ms))
			}
			got = append(got, ids(ms)...)
			pages++
		}
		check(t, got)
		if pages != 5 {
			t.Errorf("%d pages of 5 for 23 messages", pages)
		}
	})

	t.Run("FetchNext", func(t *testing.T) {
		r := bob.Messages().WithUser("alice").Limit(5)
		var got []int64
		for {
			ms, err := r.FetchNext(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) == 0 {
				break
			}
			got = append(got, ids(ms)...)
		}
		if !slices.IsSorted(got) {
			t.Errorf("forward pages out of order: %v", got)
		}
		check(t, got)
		// Polled once up to date, it returns what comes next.
		m, err := alice.SendText(ctx, client.ToUser("bob"), "late")
		if err != nil {
			t.Fatal(err)
		}
		ms, err := r.FetchNext(ctx)
		if err != nil || len(ms) != 1 || ms[0].ID != m.ID {
			t.Errorf("after a new message FetchNext gave %v, %v; want [%d]", ids(ms), err, m.ID)
		}
		want = append(want, m.ID)
	})

	t.Run("Fetch by cursor", func(t *testing.T) {
		var got []int64
		r := bob.Messages().WithUser("alice").Limit(7)
		for p, err := r.Fetch(ctx); ; p, err = r.Before(p.Next).Fetch(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ids(p.Messages)...)
			if !p.More {
				break
			}
		}
		check(t, got)
		got = nil
		r = bob.Messages().WithUser("alice").Limit(7).FromStart()
		for p, err := r.Fetch(ctx); ; p, err = r.After(p.Next).Fetch(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ids(p.Messages)...)
			if !p.More {
				break
			}
		}
		check(t, got)
	})

	t.Run("entity lists", func(t *testing.T) {
		for _, uid := range []string{"dan", "erin", "frank"} {
			if _, err := s.key().CreateUser(ctx, parley.NewUser{UID: uid, Name: uid}); err != nil {
				t.Fatal(err)
			}
		}
		r := bob.Users().SortBy("uid").Limit(2)
		var got []string
		for {
			us, err := r.FetchNext(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(us) == 0 {
				break
			}
			for _, u := range us {
				got = append(got, u.UID)
			}
		}
		if want := []string{"alice", "bob", "carol", "dan", "erin", "frank"}; !slices.Equal(got, want) {
			t.Errorf("users paged as %v, want %v", got, want)
		}
		p, err := bob.Users().Limit(4).Page(2).Fetch(ctx)
		if err != nil || len(p.Items) != 2 || p.Pagination.Total != 6 || p.Pagination.CurrentPage != 2 || p.NextPage() != 0 {
			t.Errorf("page 2 of 4: %+v, %v", p, err)
		}
		roles, err := bob.Roles().Fetch(ctx)
		if err != nil || len(roles.Items) != 1 || roles.Items[0].Role != parley.DefaultRole {
			t.Errorf("roles %+v, %v", roles, err)
		}
		cs, err := bob.Conversations().Limit(1).FetchNext(ctx)
		if err != nil || len(cs) != 1 {
			t.Fatalf("conversations %v, %v", cs, err)
		}
		cs2, err := bob.Conversations().Limit(1).Page(2).Fetch(ctx)
		if err != nil || len(cs2.Items) != 1 || cs2.Items[0].ConversationID == cs[0].ConversationID {
			t.Errorf("second conversation page %+v, %v", cs2, err)
		}
		if _, _, err := s.key().CreateGroup(ctx, parley.NewGroup{GUID: "g1", Name: "G1", Type: parley.GroupPublic, Owner: "alice",
			Members: parley.MemberLists{Participants: []string{"bob", "carol", "dan"}}}); err != nil {
			t.Fatal(err)
		}
		ms := bob.GroupMembers("g1").Limit(3)
		var members []string
		for {
			page, err := ms.FetchNext(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, m := range page {
				members = append(members, m.UID+":"+m.Scope)
			}
		}
		if len(members) != 4 || members[0] != "alice:admin" {
			t.Errorf("members %v", members)
		}
	})
}

// TestMessageFilters: the builder's filters reach the server and select
// what they name.
func TestMessageFilters(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	alice, _ := s.user(t, "alice", manual(s, "alice"))
	bob, _ := s.user(t, "bob", manual(s, "bob"))
	to := client.ToUser("bob")
	send := func(m parley.NewMessage) *parley.Message {
		t.Helper()
		m.Receiver, m.ReceiverType = "bob", parley.ReceiverUser
		out, err := alice.Send(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	plain := send(parley.NewMessage{Data: parley.MessageInput{Text: "a zebra crossing"}, Tags: []string{"plans"}})
	custom, err := alice.SendCustom(ctx, to, "poll", map[string]any{"q": "?"})
	if err != nil {
		t.Fatal(err)
	}
	image, err := alice.SendMedia(ctx, parley.NewMessage{Receiver: "bob", ReceiverType: parley.ReceiverUser, Type: parley.TypeImage},
		client.File{Name: "a.png", ContentType: "image/png", Body: bytes.NewReader([]byte("png"))})
	if err != nil {
		t.Fatal(err)
	}
	mention := send(parley.NewMessage{Data: parley.MessageInput{Text: "hey <@uid:bob>"}})
	reply, err := bob.Reply(ctx, plain.ID, parley.NewMessage{Data: parley.MessageInput{Text: "in the thread"}})
	if err != nil {
		t.Fatal(err)
	}
	gone := send(parley.NewMessage{Data: parley.MessageInput{Text: "oops"}})
	if err := alice.DeleteMessage(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.AddReaction(ctx, custom.ID, "👀"); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		r    *client.MessagesRequest
		want []int64
	}{
		{"Categories", bob.Messages().Categories(parley.CategoryCustom), []int64{custom.ID}},
		{"Types", bob.Messages().Types(parley.TypeImage), []int64{image.ID}},
		{"Tags", bob.Messages().Tags("plans"), []int64{plain.ID}},
		{"WithTags", bob.Messages().WithTags(), []int64{plain.ID}},
		{"Sender", bob.Messages().Sender("bob").Categories(parley.CategoryMessage), []int64{reply.ID}},
		{"SearchKey", bob.Messages().SearchKey("zeb"), []int64{plain.ID}},
		{"HasAttachments", bob.Messages().HasAttachments(), []int64{image.ID}},
		{"AttachmentTypes", bob.Messages().AttachmentTypes("image"), []int64{image.ID}},
		{"HasMentions", bob.Messages().HasMentions(), []int64{mention.ID}},
		{"MentionedUIDs", bob.Messages().MentionedUIDs("bob"), []int64{mention.ID}},
		{"MyMentionsOnly", bob.Messages().MyMentionsOnly(), []int64{mention.ID}},
		{"HasReactions", bob.Messages().HasReactions(), []int64{custom.ID}},
		{"OnlyDeleted", bob.Messages().OnlyDeleted(), []int64{gone.ID}},
		{"Thread", bob.Messages().Thread(plain.ID), []int64{reply.ID}},
		{"HideReplies HideDeleted", bob.Messages().WithUser("alice").Categories(parley.CategoryMessage).HideReplies().HideDeleted(),
			[]int64{plain.ID, image.ID, mention.ID}},
	}
	for _, c := range cases {
		p, err := c.r.Fetch(ctx)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var got []int64
		for _, m := range p.Messages {
			got = append(got, m.ID)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	_, err = bob.Messages().Categories("bogus").Fetch(ctx)
	mustCode(t, err, parley.CodeInvalidCategory)

	// Threads: bob replied, so he follows plain's thread; alice sent it.
	threads := func(c *client.Client) []int64 {
		t.Helper()
		p, err := c.Threads().ParticipatedByMe().Fetch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, th := range p.Threads {
			ids = append(ids, th.ParentMessageID)
		}
		return ids
	}
	p, err := bob.Threads().WithUser("alice").Fetch(ctx)
	if err != nil || len(p.Threads) != 1 {
		t.Fatalf("threads %+v, %v", p, err)
	}
	if th := p.Threads[0]; th.ParentMessageID != plain.ID || th.ReplyCount != 1 || th.LastReply == nil ||
		th.LastReply.ID != reply.ID || !th.Subscribed || th.ParentMessage.Data.Text != "a zebra crossing" {
		t.Errorf("thread %+v", th)
	}
	if got := threads(alice); !slices.Equal(got, []int64{plain.ID}) {
		t.Errorf("alice follows %v", got)
	}
	if err := alice.UnsubscribeThread(ctx, plain.ID); err != nil {
		t.Fatal(err)
	}
	if got := threads(alice); len(got) != 0 {
		t.Errorf("alice follows %v after unsubscribing", got)
	}
	if err := alice.SubscribeThread(ctx, image.ID); err != nil {
		t.Fatal(err)
	}
	if got := threads(alice); !slices.Equal(got, []int64{image.ID}) {
		t.Errorf("alice follows %v after subscribing to %d", got, image.ID)
	}
	err = alice.SubscribeThread(ctx, reply.ID)
	mustCode(t, err, parley.CodeThreadNesting)
}

// manual is the settings of a client that never connects (manual mode):
// tests of REST calls need no socket.
func manual(s *server, uid string) client.Settings {
	st := s.settings(uid + "-device")
	st.ManualConnect = true
	return st
}
