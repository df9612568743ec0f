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

// TestConcurrentSends: 20 senders × 500 messages into one group through the
// group-commit writer lose nothing, duplicate nothing, and leave the app's
// log dense and strictly increasing in list order.
func TestConcurrentSends(t *testing.T) {
	const senders, each = 20, 500
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
	w := newWorld(t, 2)
	w.svc.Close()
	_, err := w.svc.Send(w.users[0], parley.NewMessage{Receiver: "room", ReceiverType: parley.ReceiverGroup,
		Data: parley.MessageInput{Text: "late"}}, nil)
	if err == nil {
		t.Fatal("a send after Close succeeded")
	}
}
