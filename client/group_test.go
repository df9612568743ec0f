package client_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/client"
)

// TestGroupChat: alice and bob chat in a group (text, media, edit, delete,
// reactions, typing, receipts) while carol, a third member, sees it all
// and the group's member events; a non-member's typing is refused with the
// server's code.
func TestGroupChat(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	alice, ra := s.user(t, "alice")
	bob, rb := s.user(t, "bob")
	carol, rc := s.user(t, "carol")
	_, rd := s.user(t, "dave")
	eve, re := s.user(t, "eve")
	team := client.ToGroup("team")

	g, added, err := alice.CreateGroup(ctx, parley.NewGroup{GUID: "team", Name: "Team", Type: parley.GroupPassword,
		Password: "s3cret", Members: parley.MemberLists{Participants: []string{"carol"}}})
	if err != nil {
		t.Fatal(err)
	}
	if g.Owner != "alice" || !added["carol"].Success {
		t.Fatalf("created %+v, members %+v", g, added)
	}
	_, err = bob.JoinGroup(ctx, "team", "wrong")
	mustCode(t, err, parley.CodeWrongGroupPass)
	joined, err := bob.JoinGroup(ctx, "team", "s3cret")
	if err != nil || joined.HasJoined == nil || !*joined.HasJoined {
		t.Fatalf("join: %+v, %v", joined, err)
	}
	// carol, a member since creation, sees bob join.
	j := rc.await(t, "joined", func(e entry) bool { return e.group.On != nil && e.group.On.UID == "bob" })
	if j.group.Group == nil || j.group.Group.GUID != "team" || j.group.By.UID != "bob" {
		t.Errorf("carol heard the join as %+v", j.group)
	}

	t.Run("messages", func(t *testing.T) {
		m, err := bob.SendText(ctx, team, "hello team")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []*recorder{ra, rc} {
			if got := r.await(t, "text", withID(m.ID)).msg; got.Receiver != "team" || got.ReceiverType != parley.ReceiverGroup {
				t.Errorf("heard %+v", got)
			}
		}
		media, err := alice.SendMedia(ctx, parley.NewMessage{Receiver: "team", ReceiverType: parley.ReceiverGroup, Type: parley.TypeFile},
			client.File{Name: "notes.txt", Body: bytes.NewReader([]byte("minutes"))})
		if err != nil {
			t.Fatal(err)
		}
		if got := rc.await(t, "media", withID(media.ID)).msg; len(got.Data.Attachments) != 1 || got.Data.Attachments[0].Name != "notes.txt" {
			t.Errorf("carol heard %+v", got)
		}
		if _, err := bob.EditText(ctx, m.ID, "hello, team"); err != nil {
			t.Fatal(err)
		}
		if got := rc.await(t, "edited", withID(m.ID)); got.msg.Data.Text != "hello, team" {
			t.Errorf("carol heard the edit as %+v", got.msg)
		}
		if _, err := carol.AddReaction(ctx, m.ID, "🎉"); err != nil {
			t.Fatal(err)
		}
		rb.await(t, "reactionAdded", func(e entry) bool {
			return e.reaction.Reaction.MessageID == m.ID && e.reaction.Reaction.UID == "carol" && e.reaction.Receiver == team
		})
		if err := alice.StartTyping(ctx, team, nil); err != nil {
			t.Fatal(err)
		}
		for _, r := range []*recorder{rb, rc} {
			if got := r.await(t, "typingStarted", nil); got.typing.Sender != "alice" || got.typing.Receiver != team {
				t.Errorf("heard %+v", got.typing)
			}
		}
		// A receipt in a group reaches the message's sender, no other member.
		if err := carol.MarkRead(ctx, m); err != nil {
			t.Fatal(err)
		}
		rb.await(t, "read", func(e entry) bool { return e.receipt.MessageID == m.ID && e.receipt.Reader.UID == "carol" })
		rs, err := bob.MessageReceipts(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		read := map[string]bool{}
		for _, r := range rs {
			read[r.UID] = r.ReadAt > 0
		}
		// alice read it by writing into the group after it.
		if !read["carol"] || !read["alice"] || len(rs) != 2 {
			t.Errorf("receipts %+v", rs)
		}
		// alice is a member but not the sender: she hears no receipt.
		// carol's own connection hears her read, which orders it before
		// what she hears next; alice hears the next message after the
		// receipt went out.
		next, err := carol.SendText(ctx, team, "after the receipt")
		if err != nil {
			t.Fatal(err)
		}
		ra.await(t, "text", withID(next.ID))
		if n := ra.count("read"); n != 0 {
			t.Errorf("alice heard %d read receipts of bob's message", n)
		}
		// Moderators and admins delete others' messages.
		if err := alice.DeleteMessage(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		if got := rc.await(t, "deleted", withID(m.ID)); got.msg.DeletedBy != "alice" {
			t.Errorf("carol heard the delete as %+v", got.msg)
		}
	})

	t.Run("member events", func(t *testing.T) {
		res, err := alice.AddMembers(ctx, "team", parley.MemberLists{Participants: []string{"dave", "ghost"}})
		if err != nil {
			t.Fatal(err)
		}
		if !res["dave"].Success || res["ghost"].Success || res["ghost"].Error.Code != parley.CodeUIDNotFound {
			t.Errorf("add results %+v", res)
		}
		on := func(uid string) func(entry) bool {
			return func(e entry) bool { return e.group.On != nil && e.group.On.UID == uid }
		}
		rc.await(t, "added", on("dave"))
		rd.await(t, "added", on("dave")) // the added member hears their own add
		if _, err := alice.ChangeScope(ctx, "team", "bob", parley.ScopeModerator); err != nil {
			t.Fatal(err)
		}
		sc := rc.await(t, "scopeChanged", on("bob"))
		if sc.group.OldScope != parley.ScopeParticipant || sc.group.NewScope != parley.ScopeModerator {
			t.Errorf("scope change %+v", sc.group)
		}
		if err := bob.KickMember(ctx, "team", "dave"); err != nil {
			t.Fatal(err)
		}
		rc.await(t, "kicked", on("dave"))
		if err := alice.BanMember(ctx, "team", "dave"); err != nil {
			t.Fatal(err)
		}
		rc.await(t, "banned", on("dave"))
		banned, err := bob.BannedMembers("team").Fetch(ctx)
		if err != nil || len(banned.Items) != 1 || banned.Items[0].UID != "dave" {
			t.Errorf("banned %+v, %v", banned, err)
		}
		if err := bob.UnbanMember(ctx, "team", "dave"); err != nil {
			t.Fatal(err)
		}
		rc.await(t, "unbanned", on("dave"))
		if _, err := alice.UpdateGroup(ctx, "team", parley.GroupUpdate{Description: ptr("the team")}); err != nil {
			t.Fatal(err)
		}
		if got := rc.await(t, "groupUpdated", nil); got.grp.Description != "the team" {
			t.Errorf("carol heard the update as %+v", got.grp)
		}
		if _, err := alice.TransferOwnership(ctx, "team", "carol"); err != nil {
			t.Fatal(err)
		}
		rb.await(t, "ownershipTransferred", on("carol"))
		if err := alice.LeaveGroup(ctx, "team"); err != nil {
			t.Fatal(err)
		}
		rc.await(t, "left", on("alice"))
		ms, err := carol.GroupMembers("team").Scopes(parley.ScopeAdmin).Fetch(ctx)
		if err != nil || len(ms.Items) != 1 || ms.Items[0].UID != "carol" {
			t.Errorf("admins %+v, %v", ms, err)
		}
	})

	t.Run("a non-member's frame is refused with the server's code", func(t *testing.T) {
		if err := eve.StartTyping(ctx, team, nil); err != nil {
			t.Fatal(err)
		}
		got := re.await(t, "frameError", nil)
		if got.ferr.Frame != parley.EventTyping || got.ferr.Err.Code != parley.CodeNotAMember {
			t.Errorf("eve heard %+v %+v", got.ferr, got.ferr.Err)
		}
		_, err := eve.SendText(ctx, team, "let me in")
		mustCode(t, err, parley.CodeNotAMember)
		_, err = eve.Messages().WithGroup("team").Fetch(ctx)
		mustCode(t, err, parley.CodeNotAMember)
	})

	t.Run("calls", func(t *testing.T) {
		// bob rings the group; carol hears it ring, joins, and hears bob
		// end it, each step on the call listener with the same session.
		first, err := bob.StartCall(ctx, "team", parley.ReceiverGroup, "audio")
		if err != nil {
			t.Fatal(err)
		}
		call := client.CallOf(first)
		if call == nil || call.SessionID == "" || call.Status != "initiated" || call.Initiator != "bob" {
			t.Fatalf("bob's call %+v from %+v", call, first)
		}
		got := rc.await(t, "call", withID(first.ID)).msg
		if c := client.CallOf(got); c == nil || c.SessionID != call.SessionID || got.Data.Action != "initiated" {
			t.Errorf("carol heard the ring as %+v", got)
		}
		_, err = carol.StartCall(ctx, "team", parley.ReceiverGroup, "audio")
		mustCode(t, err, parley.CodeCallBusyGroup)
		joined, err := carol.UpdateCall(ctx, call.SessionID, "ongoing")
		if err != nil {
			t.Fatal(err)
		}
		ended, err := bob.UpdateCall(ctx, call.SessionID, "ended")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []*parley.Message{joined, ended} {
			h := rc.await(t, "call", withID(m.ID)).msg
			if c := client.CallOf(h); c == nil || c.SessionID != call.SessionID || h.Data.Action != m.Data.Action {
				t.Errorf("carol heard %+v for %s", h, m.Data.Action)
			}
		}
		_, err = bob.UpdateCall(ctx, call.SessionID, "ended")
		mustCode(t, err, parley.CodeCallTerminated)
	})

	t.Run("groups list", func(t *testing.T) {
		gs, err := carol.Groups().JoinedOnly().Fetch(ctx)
		if err != nil || len(gs.Items) != 1 || gs.Items[0].GUID != "team" || gs.Items[0].Scope != parley.ScopeAdmin {
			t.Errorf("carol's groups %+v, %v", gs, err)
		}
		_, err = carol.Group(ctx, "nope")
		mustCode(t, err, parley.CodeGUIDNotFound)
	})
}

func ptr[T any](v T) *T { return &v }
