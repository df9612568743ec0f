package client_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/client"
)

// TestOneToOne: two SDK users chat: each kind of message, an edit, a
// delete, reactions, typing, a transient message, receipts, an
// interaction, presence, and the errors a user relies on.
func TestOneToOne(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	alice, ra := s.user(t, "alice")
	bob, rb := s.user(t, "bob")
	// In auto mode Login returns connected.
	for _, c := range []*client.Client{alice, bob} {
		if st := c.ConnectionState(); st != client.StateConnected {
			t.Fatalf("state %v after Login", st)
		}
	}
	// Both connected: each sees the other come online (alice saw bob).
	ra.await(t, "online", func(e entry) bool { return e.user.UID == "bob" })

	t.Run("text", func(t *testing.T) {
		m, err := alice.SendText(ctx, client.ToUser("bob"), "hi bob")
		if err != nil {
			t.Fatal(err)
		}
		got := rb.await(t, "text", withID(m.ID)).msg
		if got.Sender != "alice" || got.Receiver != "bob" || got.Data.Text != "hi bob" {
			t.Errorf("bob heard %+v", got)
		}
		if u, ok := got.Data.Entities["sender"].Entity.(*parley.User); !ok || u.UID != "alice" {
			t.Errorf("sender entity %#v, want *parley.User alice", got.Data.Entities["sender"].Entity)
		}
		// A user's own messages reach their own listeners too, from their device.
		own := ra.await(t, "text", withID(m.ID))
		if own.msg.Sender != "alice" {
			t.Errorf("alice heard her own message as %+v", own.msg)
		}
	})

	t.Run("media", func(t *testing.T) {
		png := []byte("\x89PNG fake image bytes")
		m, err := alice.SendMedia(ctx, parley.NewMessage{Receiver: "bob", ReceiverType: parley.ReceiverUser, Type: parley.TypeImage,
			Data: parley.MessageInput{Text: "a picture"}},
			client.File{Name: "cat.png", ContentType: "image/png", Body: bytes.NewReader(png)})
		if err != nil {
			t.Fatal(err)
		}
		got := rb.await(t, "media", withID(m.ID)).msg
		if got.Type != parley.TypeImage || len(got.Data.Attachments) != 1 || got.Data.Text != "a picture" {
			t.Fatalf("bob heard %+v", got)
		}
		a := got.Data.Attachments[0]
		if a.Name != "cat.png" || a.MimeType != "image/png" || a.Size != int64(len(png)) {
			t.Errorf("attachment %+v", a)
		}
		resp, err := http.Get(s.URL + a.URL) // the signed URL needs no credentials
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(body, png) {
			t.Errorf("GET %s: %d %q, want the uploaded bytes", a.URL, resp.StatusCode, body)
		}
	})

	t.Run("custom and interactive", func(t *testing.T) {
		m, err := alice.SendCustom(ctx, client.ToUser("bob"), "location", map[string]any{"lat": 45.5})
		if err != nil {
			t.Fatal(err)
		}
		if got := rb.await(t, "custom", withID(m.ID)).msg; got.Type != "location" || got.Data.CustomData["lat"] != 45.5 {
			t.Errorf("bob heard %+v", got)
		}
		poll, err := alice.SendInteractive(ctx, client.ToUser("bob"), "poll", map[string]any{"question": "lunch?"},
			&parley.InteractionGoal{Type: "anyAction"})
		if err != nil {
			t.Fatal(err)
		}
		rb.await(t, "interactive", withID(poll.ID))
		res, err := bob.Interact(ctx, poll.ID, "yes")
		if err != nil || !res.Completed || res.MessageID != poll.ID {
			t.Fatalf("interact: %+v, %v", res, err)
		}
		got := ra.await(t, "interactionCompleted", func(e entry) bool { return e.inter.MessageID == poll.ID })
		if got.inter.Sender != "bob" || len(got.inter.Interactions) != 1 || got.inter.Interactions[0].ElementID != "yes" {
			t.Errorf("alice heard %+v", got.inter)
		}
	})

	m, err := alice.SendText(ctx, client.ToUser("bob"), "lunch at noon?")
	if err != nil {
		t.Fatal(err)
	}
	rb.await(t, "text", withID(m.ID))

	t.Run("edit", func(t *testing.T) {
		edited, err := alice.EditText(ctx, m.ID, "lunch at 12:30?")
		if err != nil {
			t.Fatal(err)
		}
		if edited.ID != m.ID || edited.Data.Text != "lunch at 12:30?" || edited.EditedAt == 0 {
			t.Errorf("EditText returned %+v, want the message as edited", edited)
		}
		got := rb.await(t, "edited", withID(m.ID))
		if got.msg.Data.Text != "lunch at 12:30?" || got.msg.EditedBy != "alice" || got.action.Data.Action != parley.ActionEdited {
			t.Errorf("bob heard the edit as %+v / %+v", got.msg, got.action)
		}
		// Only the sender edits.
		_, err = bob.EditText(ctx, m.ID, "mine now")
		mustCode(t, err, parley.CodeNotASender)
	})

	t.Run("reactions", func(t *testing.T) {
		if _, err := bob.AddReaction(ctx, m.ID, "👍"); err != nil {
			t.Fatal(err)
		}
		got := ra.await(t, "reactionAdded", func(e entry) bool { return e.reaction.Reaction.MessageID == m.ID })
		if got.reaction.Reaction.UID != "bob" || got.reaction.Reaction.Reaction != "👍" {
			t.Errorf("alice heard %+v", got.reaction)
		}
		_, err := bob.AddReaction(ctx, m.ID, "👍")
		mustCode(t, err, parley.CodeAlreadyReacted)
		if _, err := alice.AddReaction(ctx, m.ID, "❤️"); err != nil {
			t.Fatal(err)
		}
		if _, err := alice.AddReaction(ctx, m.ID, "👍"); err != nil {
			t.Fatal(err)
		}
		rs, err := alice.Reactions(m.ID).Reaction("👍").Fetch(ctx)
		if err != nil || len(rs.Reactions) != 2 || rs.Reactions[0].UID != "bob" || rs.Reactions[1].UID != "alice" {
			t.Fatalf("👍 reactions, in the order made: %+v, %v", rs, err)
		}
		// Paged by cursor, one at a time: each once, in order.
		var paged []string
		all := alice.Reactions(m.ID).Limit(1)
		for {
			page, err := all.FetchNext(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			paged = append(paged, page[0].UID+page[0].Reaction)
		}
		if want := []string{"bob👍", "alice❤️", "alice👍"}; !slices.Equal(paged, want) {
			t.Errorf("reactions paged as %v, want %v", paged, want)
		}
		for _, r := range []string{"❤️", "👍"} {
			if _, err := alice.RemoveReaction(ctx, m.ID, r); err != nil {
				t.Fatal(err)
			}
		}
		msg, err := bob.RemoveReaction(ctx, m.ID, "👍")
		if err != nil || len(msg.Data.Reactions) != 0 {
			t.Fatalf("remove: %+v, %v", msg, err)
		}
		ra.await(t, "reactionRemoved", func(e entry) bool { return e.reaction.Reaction.MessageID == m.ID })
	})

	t.Run("typing and transient", func(t *testing.T) {
		if err := alice.StartTyping(ctx, client.ToUser("bob"), map[string]any{"composing": "text"}); err != nil {
			t.Fatal(err)
		}
		got := rb.await(t, "typingStarted", nil)
		if got.typing.Sender != "alice" || got.typing.Metadata["composing"] != "text" {
			t.Errorf("bob heard %+v", got.typing)
		}
		if err := alice.EndTyping(ctx, client.ToUser("bob"), nil); err != nil {
			t.Fatal(err)
		}
		rb.await(t, "typingEnded", func(e entry) bool { return e.typing.Sender == "alice" })
		if err := bob.SendTransient(ctx, client.ToUser("alice"), map[string]any{"cursor": 12.0}); err != nil {
			t.Fatal(err)
		}
		tr := ra.await(t, "transient", nil)
		if tr.trans.Sender != "bob" || tr.trans.Data["cursor"] != 12.0 {
			t.Errorf("alice heard %+v", tr.trans)
		}
		// The sending device hears neither (its other devices would).
		if n := ra.count("typingStarted"); n != 0 {
			t.Errorf("alice heard her own typing %d times", n)
		}
	})

	t.Run("receipts", func(t *testing.T) {
		if err := bob.MarkDelivered(ctx, m); err != nil {
			t.Fatal(err)
		}
		d := ra.await(t, "delivered", func(e entry) bool { return e.receipt.MessageID == m.ID })
		if d.receipt.Reader == nil || d.receipt.Reader.UID != "bob" {
			t.Errorf("delivered receipt %+v", d.receipt)
		}
		if err := bob.MarkRead(ctx, m); err != nil {
			t.Fatal(err)
		}
		ra.await(t, "read", func(e entry) bool { return e.receipt.MessageID == m.ID && e.receipt.Reader.UID == "bob" })
		got, err := alice.Message(ctx, m.ID)
		if err != nil || got.ReadAt == 0 || got.DeliveredAt == 0 {
			t.Errorf("alice's message after bob read it: %+v, %v", got, err)
		}
		conv, err := bob.Conversation(ctx, client.ToUser("alice"))
		if err != nil {
			t.Fatal(err)
		}
		if u, ok := conv.ConversationWith.(*parley.User); !ok || u.UID != "alice" || conv.LastReadMessageID != m.ID {
			t.Errorf("bob's conversation %+v with %#v", conv, conv.ConversationWith)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if err := alice.DeleteMessage(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		got := rb.await(t, "deleted", withID(m.ID))
		if got.msg.DeletedAt == 0 || got.msg.DeletedBy != "alice" || got.msg.Data.Text != "" {
			t.Errorf("bob heard the delete as %+v", got.msg)
		}
		err := alice.DeleteMessage(ctx, m.ID)
		mustCode(t, err, parley.CodeMessageNotFound)
	})

	t.Run("errors carry the server's code", func(t *testing.T) {
		_, err := bob.SendText(ctx, client.ToUser("nobody"), "hello?")
		if e := mustCode(t, err, parley.CodeUIDNotFound); e.Kind != parley.KindNotFound {
			t.Errorf("kind %v, want not found", e.Kind)
		}
		_, err = bob.SendText(ctx, client.ToUser("alice"), "  ")
		mustCode(t, err, parley.CodeEmptyMessageText)
		if _, err := bob.BlockUsers(ctx, "alice"); err != nil {
			t.Fatal(err)
		}
		_, err = alice.SendText(ctx, client.ToUser("bob"), "are you there?")
		mustCode(t, err, parley.CodeBlockedSender)
		blocked, err := bob.BlockedUsers().Fetch(ctx)
		if err != nil || len(blocked.Items) != 1 || blocked.Items[0].UID != "alice" {
			t.Errorf("blocked users %+v, %v", blocked, err)
		}
		if _, err := bob.UnblockUsers(ctx, "alice"); err != nil {
			t.Fatal(err)
		}
		bad, err := client.New(s.settings("x"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = bad.Login(ctx, "not-a-token")
		if e := mustCode(t, err, parley.CodeAuthTokenNotFound); e.Kind != parley.KindUnauthorized {
			t.Errorf("kind %v", e.Kind)
		}
		_, err = bad.Me(ctx)
		mustCode(t, err, client.CodeNotLoggedIn)
	})

	t.Run("friends", func(t *testing.T) {
		res, err := s.key().AddFriends(ctx, "alice", "bob", "nobody")
		if err != nil {
			t.Fatal(err)
		}
		if !res["bob"].Success || res["nobody"].Success || res["nobody"].Error.Code != parley.CodeUIDNotFound {
			t.Errorf("add friends %+v", res)
		}
		fs, err := alice.Users().FriendsOnly().Fetch(ctx)
		if err != nil || len(fs.Items) != 1 || fs.Items[0].UID != "bob" {
			t.Errorf("alice's friends %+v, %v", fs, err)
		}
		res, err = s.key().RemoveFriends(ctx, "alice", "bob")
		if err != nil || !res["bob"].Success || len(res) != 1 {
			t.Errorf("remove friends %+v, %v", res, err)
		}
	})

	t.Run("conversations and unread counts", func(t *testing.T) {
		if _, err := alice.SendText(ctx, client.ToUser("bob"), "one more"); err != nil {
			t.Fatal(err)
		}
		counts, err := bob.UnreadCounts(ctx)
		if err != nil || len(counts) != 1 || counts[0].ConversationID != parley.UserConversationID("alice", "bob") || counts[0].Count < 1 {
			t.Errorf("unread counts %+v, %v", counts, err)
		}
		cs, err := bob.Conversations().Type(parley.ConversationUser).Fetch(ctx)
		if err != nil || len(cs.Items) != 1 {
			t.Fatalf("conversations %+v, %v", cs, err)
		}
		if cs.Items[0].LastMessage == nil || !strings.Contains(cs.Items[0].LastMessage.Data.Text, "one more") {
			t.Errorf("last message %+v", cs.Items[0].LastMessage)
		}
	})
}
