package chat_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// TestConcurrentSends: 20 senders × 500 messages (× 50 under -race) into
// one group through the group-commit writer lose nothing, duplicate
// nothing, and leave the app's log dense and strictly increasing in list
// order.
func TestConcurrentSends(t *testing.T) {
	t.Parallel()
	const senders = 20
	each := 500
	if raceEnabled {
		each = 50
	}
	w := newWorld(t, senders)
	var wg sync.WaitGroup
	errs := make(chan error, senders)
	for s := 0; s < senders; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				msg := parley.NewMessage{Receiver: "room", ReceiverType: parley.ReceiverGroup,
					Data: parley.MessageInput{Text: fmt.Sprintf("%d/%d", s, i)}}
				if _, err := w.svc.Send(w.users[s], msg, nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	server := parley.NewContext(context.Background(), parley.Actor{AppID: w.appID, Access: parley.AccessFullAccess})
	seen := map[string]bool{}
	var next, before int64 // walk the history from the newest, page by page
	for {
		p, err := w.svc.GroupMessages(server, "room", chat.MessageQuery{MessageFilter: parley.MessageFilter{BeforeID: before, Limit: 1000}})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Messages) == 0 {
			break
		}
		for i := len(p.Messages) - 1; i >= 0; i-- {
			m := p.Messages[i]
			if next != 0 && m.ID != next-1 {
				t.Fatalf("id %d precedes %d: the log has a hole or is out of order", m.ID, next)
			}
			next = m.ID
			if m.Category == parley.CategoryMessage {
				key := m.Sender + ":" + m.Data.Text
				if seen[key] {
					t.Fatalf("message %q stored twice", key)
				}
				seen[key] = true
			}
		}
		before = next
	}
	if next != 1 {
		t.Fatalf("the oldest message has id %d, want 1", next)
	}
	if len(seen) != senders*each {
		t.Fatalf("%d messages stored, want %d", len(seen), senders*each)
	}
}

// TestSendRefusalWritesNothing: a send that breaks a rule, batched with good
// ones, is refused alone.
func TestSendRefusalWritesNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 3)
	outsider := parley.NewContext(context.Background(), parley.Actor{AppID: w.appID, Access: parley.AccessUser, UID: "nobody"})
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := w.svc.Send(w.users[1], parley.NewMessage{Receiver: "room", ReceiverType: parley.ReceiverGroup,
				Data: parley.MessageInput{Text: "ok"}}, nil)
			if err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			_, err := w.svc.Send(outsider, parley.NewMessage{Receiver: "room", ReceiverType: parley.ReceiverGroup,
				Data: parley.MessageInput{Text: "refused"}}, nil)
			var pe *parley.Error
			if !errors.As(err, &pe) || pe.Code != parley.CodeNotAMember {
				t.Errorf("outsider's send: %v, want %s", err, parley.CodeNotAMember)
			}
		}()
	}
	wg.Wait()
	ms, err := w.st.Messages(context.Background(), w.appID, parley.MessageFilter{Categories: []string{parley.CategoryMessage}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 50 {
		t.Fatalf("%d messages stored, want the 50 allowed ones", len(ms))
	}
}

// TestServiceClose: sends after Close fail instead of hanging.
func TestServiceClose(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 2)
	w.svc.Close()
	_, err := w.svc.Send(w.users[0], parley.NewMessage{Receiver: "room", ReceiverType: parley.ReceiverGroup,
		Data: parley.MessageInput{Text: "late"}}, nil)
	if err == nil {
		t.Fatal("a send after Close succeeded")
	}
}

// TestBatchesKeepAppsApart: sends of two apps share the writer's batches,
// and what a batch reads once (the group, the member, the sender) is read
// once per app: each message carries its own app's entities.
func TestBatchesKeepAppsApart(t *testing.T) {
	t.Parallel()
	const perApp, each = 8, 40
	w := newWorld(t, perApp)
	ctx := context.Background()
	op := parley.NewContext(ctx, parley.Actor{Access: parley.AccessOperator, Operator: true})
	other, err := w.svc.CreateApp(op, chat.NewApp{Name: "Other", Region: "eu"})
	if err != nil {
		t.Fatal(err)
	}
	server := parley.NewContext(ctx, parley.Actor{AppID: other.ID, Access: parley.AccessFullAccess})
	var uids []string
	for i := range perApp {
		uid := fmt.Sprintf("u%03d", i) // the same uids as the first app's
		if _, err := w.svc.CreateUser(server, parley.NewUser{UID: uid, Name: "other " + uid}); err != nil {
			t.Fatal(err)
		}
		uids = append(uids, uid)
	}
	_, err = w.svc.CreateGroup(server, parley.NewGroup{GUID: "room", Name: "Other room", Type: parley.GroupPublic,
		Owner: uids[0], Members: parley.MemberLists{Participants: uids[1:]}})
	if err != nil {
		t.Fatal(err)
	}
	apps := map[string]string{w.appID: "Room", other.ID: "Other room"}
	var wg sync.WaitGroup
	errs := make(chan error, 2*perApp)
	for appID := range apps {
		for i := range perApp {
			wg.Add(1)
			go func() {
				defer wg.Done()
				as := parley.NewContext(ctx, parley.Actor{AppID: appID, Access: parley.AccessUser, UID: uids[i]})
				for range each {
					res, err := w.svc.Send(as, parley.NewMessage{Receiver: "room", ReceiverType: parley.ReceiverGroup,
						Data: parley.MessageInput{Text: "hi"}}, nil)
					if err != nil {
						errs <- err
						return
					}
					g, _ := res.Message.Data.Entities["receiver"].Entity.(*parley.Group)
					u, _ := res.Message.Data.Entities["sender"].Entity.(*parley.User)
					wantSender := uids[i]
					if appID == other.ID {
						wantSender = "other " + uids[i]
					}
					if g == nil || g.Name != apps[appID] || u == nil || u.Name != wantSender {
						errs <- fmt.Errorf("app %s: message %d carries group %+v and sender %+v", appID, res.Message.ID, g, u)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if st := w.svc.WriteStats(); st.Writes <= st.Batches {
		t.Errorf("no batch held more than one send (%+v): the sends of the two apps never shared a batch", st)
	}
}

// TestNoSendAfterKickOrBlock: sends checked before a kick or a block, and
// written after it, are refused: once Kick or Block has returned, no
// message of the kicked or blocked user commits into that conversation,
// though the checks of a send are read outside the writer.
func TestNoSendAfterKickOrBlock(t *testing.T) {
	t.Parallel()
	const victims = 10
	w := newWorld(t, victims+2)
	owner, target := w.users[0], w.users[1] // room's owner; the user who blocks
	ctx := context.Background()
	lastID := func() int64 {
		ms, err := w.st.Messages(ctx, w.appID, parley.MessageFilter{Limit: 1})
		if err != nil || len(ms) == 0 {
			t.Fatalf("last message: %v", err)
		}
		return ms[0].ID
	}
	type to struct {
		receiver, typ string
		refusal       string
	}
	targets := []to{{"room", parley.ReceiverGroup, parley.CodeNotAMember}, {"u001", parley.ReceiverUser, parley.CodeBlockedSender}}
	var wg sync.WaitGroup
	sent := make(chan struct{}, victims*len(targets)*8)
	for v := 2; v < victims+2; v++ {
		for _, tg := range targets {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					_, err := w.svc.Send(w.users[v], parley.NewMessage{Receiver: tg.receiver, ReceiverType: tg.typ,
						Data: parley.MessageInput{Text: fmt.Sprint(i)}}, nil)
					var pe *parley.Error
					switch {
					case err == nil:
						if i < 3 {
							sent <- struct{}{}
						}
					case errors.As(err, &pe) && pe.Code == tg.refusal:
						return
					default:
						t.Errorf("u%03d → %s: %v, want success or %s", v, tg.receiver, err, tg.refusal)
						return
					}
				}
			}()
		}
	}
	for range victims * len(targets) * 3 { // everyone is sending
		<-sent
	}
	after := map[string]int64{} // "uid group|user" → the log's last id once the refusal was in force
	for v := 2; v < victims+2; v++ {
		uid := fmt.Sprintf("u%03d", v)
		if err := w.svc.Kick(owner, "room", uid); err != nil {
			t.Fatal(err)
		}
		after[uid+" group"] = lastID()
		if _, err := w.svc.BlockUsers(target, "u001", []string{uid}); err != nil {
			t.Fatal(err)
		}
		after[uid+" user"] = lastID()
	}
	wg.Wait()
	ms, err := w.st.Messages(ctx, w.appID, parley.MessageFilter{Categories: []string{parley.CategoryMessage}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if bound, ok := after[m.Sender+" "+m.ReceiverType]; ok && m.ID > bound {
			t.Errorf("message %d from %s to %s committed after the %s was in force (log at %d)",
				m.ID, m.Sender, m.Receiver, map[string]string{"group": "kick", "user": "block"}[m.ReceiverType], bound)
		}
	}
}

// TestReplyRefusesMultipleReceivers: a reply goes to its parent's
// conversation only; chat refuses multipleReceivers with it (Reply, and
// Send with a parent), 400 ERR_BAD_REQUEST, and writes nothing.
func TestReplyRefusesMultipleReceivers(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 3)
	ann := w.users[1]
	parent, err := w.svc.Send(ann, parley.NewMessage{Receiver: "room", ReceiverType: parley.ReceiverGroup,
		Data: parley.MessageInput{Text: "parent"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, err := w.st.Messages(context.Background(), w.appID, parley.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	many := &parley.MultipleReceivers{UIDs: []string{"u002"}, GUIDs: []string{"room"}}
	reply := parley.NewMessage{ParentID: parley.FlexID(parent.Message.ID), MultipleReceivers: many,
		Data: parley.MessageInput{Text: "reply"}}
	_, errReply := w.svc.Reply(ann, reply, nil)
	_, errSend := w.svc.Send(ann, reply, nil)
	for what, err := range map[string]error{"Reply": errReply, "Send with parentId": errSend} {
		if pe, ok := parley.AsError(err); !ok || pe.Kind != parley.KindInvalid || pe.Code != parley.CodeInvalidParam {
			t.Errorf("%s with multipleReceivers: %v, want a %s refusal", what, err, parley.CodeInvalidParam)
		}
	}
	after, err := w.st.Messages(context.Background(), w.appID, parley.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("refused replies wrote %d messages", len(after)-len(before))
	}
	if p, err := w.st.Message(context.Background(), w.appID, parent.Message.ID); err != nil || p.ReplyCount != 0 {
		t.Errorf("parent after refused replies: %+v, %v; want replyCount 0", p, err)
	}
}

// TestNoSendToDeletedReceiver: the writer takes a one-to-one receiver from
// the users it keeps in memory, yet once DeleteUser has returned no
// message to that user commits, though sends to them run concurrently and
// the receiver was kept before the delete.
func TestNoSendToDeletedReceiver(t *testing.T) {
	t.Parallel()
	const senders = 8
	w := newWorld(t, senders+1)
	ctx := context.Background()
	server := parley.NewContext(ctx, parley.Actor{AppID: w.appID, Access: parley.AccessFullAccess})
	const victim = "u000"
	var wg sync.WaitGroup
	sent := make(chan struct{}, senders*4)
	for v := 1; v <= senders; v++ {
		wg.Go(func() {
			for i := 0; ; i++ {
				_, err := w.svc.Send(w.users[v], parley.NewMessage{Receiver: victim, ReceiverType: parley.ReceiverUser,
					Data: parley.MessageInput{Text: fmt.Sprint(i)}}, nil)
				switch {
				case err == nil:
					if i < 3 {
						sent <- struct{}{}
					}
				case parley.CodeOf(err) == parley.CodeUIDNotFound:
					return
				default:
					t.Errorf("u%03d → %s: %v, want success or %s", v, victim, err, parley.CodeUIDNotFound)
					return
				}
			}
		})
	}
	for range senders * 3 { // everyone is sending, and the receiver is kept
		<-sent
	}
	if err := w.svc.DeleteUser(server, victim, false); err != nil {
		t.Fatal(err)
	}
	ms, err := w.st.Messages(ctx, w.appID, parley.MessageFilter{Limit: 1})
	if err != nil || len(ms) == 0 {
		t.Fatalf("last message: %v", err)
	}
	bound := ms[0].ID
	wg.Wait()
	_, err = w.svc.Send(w.users[1], parley.NewMessage{Receiver: victim, ReceiverType: parley.ReceiverUser,
		Data: parley.MessageInput{Text: "late"}}, nil)
	if parley.CodeOf(err) != parley.CodeUIDNotFound {
		t.Errorf("send after the delete: %v, want %s", err, parley.CodeUIDNotFound)
	}
	ms, err = w.st.Messages(ctx, w.appID, parley.MessageFilter{Categories: []string{parley.CategoryMessage}, AfterID: bound})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Receiver == victim {
			t.Errorf("message %d from %s to %s committed after the delete returned (log at %d)", m.ID, m.Sender, victim, bound)
		}
	}
}

// TestSendFollowsBlocksAndPurges: the writer keeps the blocks between a
// sender and a receiver in memory; each block, unblock and permanent delete
// shows in the next send, in both directions.
func TestSendFollowsBlocksAndPurges(t *testing.T) {
	t.Parallel()
	w := newWorld(t, 3)
	server := parley.NewContext(context.Background(), parley.Actor{AppID: w.appID, Access: parley.AccessFullAccess})
	send := func(from int, to, want string) {
		t.Helper()
		_, err := w.svc.Send(w.users[from], parley.NewMessage{Receiver: to, ReceiverType: parley.ReceiverUser,
			Data: parley.MessageInput{Text: "hi"}}, nil)
		if got := parley.CodeOf(err); got != want {
			t.Errorf("u%03d → %s: %v, want %q", from, to, err, want)
		}
	}
	send(2, "u001", "") // kept from here on
	send(1, "u002", "")
	if _, err := w.svc.BlockUsers(server, "u001", []string{"u002"}); err != nil {
		t.Fatal(err)
	}
	send(2, "u001", parley.CodeBlockedSender)
	send(1, "u002", parley.CodeBlockedReceiver)
	if _, err := w.svc.UnblockUsers(server, "u001", []string{"u002"}); err != nil {
		t.Fatal(err)
	}
	send(2, "u001", "")
	send(1, "u002", "")
	if _, err := w.svc.BlockUsers(server, "u002", []string{"u001"}); err != nil {
		t.Fatal(err)
	}
	send(1, "u002", parley.CodeBlockedSender)
	// A permanent delete takes u002's blocks with it: a new u002 blocks no one.
	if err := w.svc.DeleteUser(server, "u002", true); err != nil {
		t.Fatal(err)
	}
	send(1, "u002", parley.CodeUIDNotFound)
	if _, err := w.svc.CreateUser(server, parley.NewUser{UID: "u002", Name: "again"}); err != nil {
		t.Fatal(err)
	}
	send(1, "u002", "")
}
