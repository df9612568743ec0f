package chat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// TestCallRingTimeout: a call nobody answers becomes unanswered once the
// ring timeout passed on the service clock, by the ring timer alone: the
// change is a call message from the caller by the app, published like
// any, and both sides are free again. A call answered in time is left
// alone.
func TestCallRingTimeout(t *testing.T) {
	t.Parallel()
	w := newCallWorld(t)
	p := w.people(t, "a", "b", "c", "d", "e", "f") // group g: a (owner), b, c
	answered := w.start(t, p+"e", p+"f", parley.ReceiverUser)
	w.move(t, w.as(p+"f"), answered, parley.CallOngoing)
	ringing := w.start(t, p+"a", p+"b", parley.ReceiverUser)
	groupCall := w.start(t, p+"c", p+"g", parley.ReceiverGroup)
	last := w.latestID(t)

	w.clock.advance(ringTimeout)
	poll(t, func() error {
		if s := w.call(t, ringing).Status; s != parley.CallUnanswered {
			return fmt.Errorf("ringing call is %s", s)
		}
		if s := w.call(t, groupCall).Status; s != parley.CallUnanswered {
			return fmt.Errorf("group call is %s", s)
		}
		return nil
	})
	// Due at the same time had it rung on: answered, it is left alone.
	if s := w.call(t, answered).Status; s != parley.CallOngoing {
		t.Errorf("the answered call is %s, want ongoing", s)
	}
	now := w.clock.unix()
	for _, session := range []string{ringing, groupCall} {
		c := w.call(t, session)
		if c.Active || c.RingUntil != 0 || c.EndedAt != now {
			t.Errorf("expired call %+v", c)
		}
	}

	// The messages: one each, from the caller, by the app.
	page, err := w.svc.UserMessages(w.as(p+"b"), p+"a", chat.MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	ms := page.Messages
	if n := len(ms); n != 2 || ms[1].Data.Action != parley.CallUnanswered || ms[1].ID <= last {
		t.Fatalf("b's conversation with a: %d messages, the last %+v", n, ms[n-1])
	}
	m := ms[1]
	if m.Sender != p+"a" || m.Receiver != p+"b" || m.SentAt != now || entityUID(m, "by") != parley.SystemUID ||
		callEntityOf(t, m).Status != parley.CallUnanswered {
		t.Errorf("unanswered message %+v", m)
	}
	// Published for the hubs, as every message.
	poll(t, func() error {
		for {
			select {
			case e := <-w.sub.C():
				var body parley.Message
				if e.Type == parley.EventMessage && json.Unmarshal(e.Body, &body) == nil && body.ID == m.ID {
					if body.Category != parley.CategoryCall || body.Data.Action != parley.CallUnanswered || e.Receiver != p+"b" {
						return fmt.Errorf("event %s", e.Body)
					}
					return nil
				}
			default:
				return fmt.Errorf("no event of message %d", m.ID)
			}
		}
	})
	// Both sides, and the group, are free.
	w.start(t, p+"b", p+"a", parley.ReceiverUser)
	w.start(t, p+"c", p+"g", parley.ReceiverGroup)
}

// TestCallRingTimeoutAcrossRestart: the ring timer is in the store. A call
// that came due while the server was down becomes unanswered when it
// starts again, once.
func TestCallRingTimeoutAcrossRestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "parley.db")
	clock := newTestClock()
	w := openCallWorld(t, path, clock, true)
	p := w.people(t, "a", "b")
	session := w.start(t, p+"a", p+"b", parley.ReceiverUser)
	w.close()

	clock.advance(3 * ringTimeout) // down past the timeout
	w = openCallWorld(t, path, clock, false)
	poll(t, func() error {
		if s := w.call(t, session).Status; s != parley.CallUnanswered {
			return fmt.Errorf("after restart the call is %s", s)
		}
		return nil
	})
	page, err := w.svc.UserMessages(w.as(p+"b"), p+"a", chat.MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, m := range page.Messages {
		actions = append(actions, m.Data.Action)
	}
	if fmt.Sprint(actions) != "[initiated unanswered]" {
		t.Errorf("messages %v, want the call's two", actions)
	}
	if m := page.Messages[len(page.Messages)-1]; m.SentAt != clock.unix() {
		t.Errorf("unanswered at %d, want at the restart, %d", m.SentAt, clock.unix())
	}
}

// TestCallHistory: a call's messages are in the conversation's history for
// both sides, and its last one is the conversation's last message, unread
// by the side that did not send it.
func TestCallHistory(t *testing.T) {
	t.Parallel()
	w := newCallWorld(t)
	p := w.people(t, "a", "b", "c")
	session := w.start(t, p+"a", p+"b", parley.ReceiverUser)
	w.move(t, w.as(p+"b"), session, parley.CallOngoing)
	end := w.move(t, w.as(p+"a"), session, parley.CallEnded)
	for _, side := range []struct{ me, peer string }{{"a", "b"}, {"b", "a"}} {
		page, err := w.svc.UserMessages(w.as(p+side.me), p+side.peer, chat.MessageQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range page.Messages {
			got = append(got, m.Category+":"+m.Data.Action+":"+sessionOf(t, m))
		}
		want := fmt.Sprintf("[call:initiated:%[1]s call:ongoing:%[1]s call:ended:%[1]s]", session)
		if fmt.Sprint(got) != want {
			t.Errorf("%s's history: %v, want %s", side.me, got, want)
		}
		convs, _, err := w.svc.Conversations(w.as(p+side.me), parley.ConversationFilter{ConversationType: parley.ConversationUser})
		if err != nil || len(convs) != 1 {
			t.Fatalf("%s's conversations: %v %v", side.me, convs, err)
		}
		c := convs[0]
		unread := map[string]int{"a": 0, "b": 1}[side.me] // b read up to their accept
		if c.LastMessage == nil || c.LastMessage.ID != end.ID || c.UnreadMessageCount != unread {
			t.Errorf("%s's conversation: last %+v, unread %d (want %d)", side.me, c.LastMessage, c.UnreadMessageCount, unread)
		}
	}

	// A group call is in the group's history, for its members.
	g := w.start(t, p+"a", p+"g", parley.ReceiverGroup)
	page, err := w.svc.GroupMessages(w.as(p+"c"), p+"g", chat.MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if ms := page.Messages; len(ms) == 0 || ms[len(ms)-1].Category != parley.CategoryCall || sessionOf(t, ms[len(ms)-1]) != g {
		t.Errorf("group history ends with %+v", ms[len(ms)-1])
	}
}

// TestCallRead: a call's state is for its participants, the members of
// the group called, and the app.
func TestCallRead(t *testing.T) {
	t.Parallel()
	w := newCallWorld(t)
	p := w.people(t, "a", "b", "c", "d")
	one := w.start(t, p+"a", p+"b", parley.ReceiverUser)
	group := w.start(t, p+"c", p+"g", parley.ReceiverGroup)
	for _, c := range []struct {
		ctx     context.Context
		session string
		code    string
	}{
		{w.as(p + "a"), one, ""},
		{w.as(p + "b"), one, ""},
		{w.server, one, ""},
		{w.as(p + "c"), one, parley.CodeCallNotAPart},
		{w.as(p + "b"), group, ""}, // a member, rung
		{w.as(p + "d"), group, parley.CodeCallNotAPart},
		{w.as(p + "a"), "nosuchsession", parley.CodeCallNotFound},
		{w.as(p + "a"), "", parley.CodeEmptyCallSession},
	} {
		got, err := w.svc.Call(c.ctx, c.session)
		if code := parley.CodeOf(err); code != c.code {
			t.Errorf("%v reads %q: %v, want %q", parley.ActorFrom(c.ctx).UID, c.session, err, c.code)
		}
		if err == nil && got.SessionID != c.session {
			t.Errorf("read %q, got %+v", c.session, got)
		}
	}
}
