package realtime_test

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func typing(receiver, rtype, act string, meta map[string]any) map[string]any {
	return map[string]any{"type": "typing_indicator", "receiver": receiver, "receiverType": rtype,
		"body": map[string]any{"action": act, "metadata": meta}}
}

func transient(receiver, rtype string, data map[string]any) map[string]any {
	return map[string]any{"type": "transient_message", "receiver": receiver, "receiverType": rtype,
		"body": map[string]any{"data": data}}
}

func receipt(receiver, rtype, act string, id int64) map[string]any {
	return map[string]any{"type": "receipts", "receiver": receiver, "receiverType": rtype,
		"body": map[string]any{"action": act, "messageId": fmt.Sprint(id)}}
}

// TestTypingAndTransient tests that typing indicators and transient
// messages reach the receiver and the sender's other devices (not the
// device that sent them), are never stored nor replayed, and that one the
// sender may not send is refused with the REST API's code.
func TestTypingAndTransient(t *testing.T) {
	e := newEnv(t)
	phone := e.user(t, "alice")
	a1 := e.connect(t, "alice", phone, map[string]any{"deviceId": "phone"})
	a2 := e.connect(t, "alice", e.token(t, "alice", "web"), map[string]any{"deviceId": "web"})
	b := e.connect(t, "bob", e.user(t, "bob"))
	c := e.connect(t, "carol", e.user(t, "carol"))
	e.group(t, "g", "public", "alice", "carol")
	c.await("added", isAction("added", "carol"))
	before, err := e.Svc.LatestMessageID(context.Background(), e.AppID)
	if err != nil {
		t.Fatal(err)
	}

	a1.send(typing("bob", "user", "started", map[string]any{"mood": "curious"}))
	for _, cl := range []*client{b, a2} {
		f := cl.awaitType("typing_indicator")
		meta, _ := f.body()["metadata"].(map[string]any)
		if f.Sender != "alice" || f.Receiver != "bob" || f.DeviceID != "phone" || f.str("action") != "started" || meta["mood"] != "curious" {
			t.Errorf("%s: typing frame %s", cl.uid, f.raw)
		}
	}
	a1.send(typing("bob", "user", "ended", nil))
	b.await("typing ended", func(f frame) bool { return f.Type == "typing_indicator" && f.str("action") == "ended" })
	a1.send(transient("g", "group", map[string]any{"live": "location"}))
	f := c.awaitType("transient_message")
	if d, _ := f.body()["data"].(map[string]any); d["live"] != "location" || f.Receiver != "g" {
		t.Errorf("transient frame %s", f.raw)
	}
	a2.awaitType("transient_message")

	// Refused: to a group alice is not in, and an unknown action.
	e.group(t, "other", "public", "carol")
	a1.send(typing("other", "group", "started", nil))
	a1.awaitError("ERR_NOT_A_MEMBER")
	a1.send(typing("bob", "user", "pondering", nil))
	a1.awaitError("ERR_BAD_REQUEST")

	e.barrier(t, a1, a2, b, c)
	none(t, a1, "its own typing indicator", isType("typing_indicator"))
	none(t, a1, "its own transient message", isType("transient_message"))
	none(t, b, "a transient message to a group he is not in", isType("transient_message"))
	none(t, c, "a typing indicator to bob", isType("typing_indicator"))

	// Nothing stored: no message was written, and a resume replays none.
	after, _ := e.Svc.LatestMessageID(context.Background(), e.AppID)
	if barrierMessages := int64(4); after != before+barrierMessages+1 { // + group "other" created
		t.Errorf("latest message id went from %d to %d: signals were stored", before, after)
	}
	b2 := e.connect(t, "bob", e.token(t, "bob", "tablet"), map[string]any{"lastMessageId": "0"})
	e.barrier(t, b2)
	none(t, b2, "a replayed typing indicator", isType("typing_indicator"))
}

// TestBlocksHideSignals tests that typing indicators cross no block, in
// either direction, in a group too, and flow again once it is lifted.
func TestBlocksHideSignals(t *testing.T) {
	e := newEnv(t)
	a := e.connect(t, "alice", e.user(t, "alice"))
	b := e.connect(t, "bob", e.user(t, "bob"))
	c := e.connect(t, "carol", e.user(t, "carol"))
	e.group(t, "g", "public", "alice", "bob", "carol")
	c.await("added", isAction("added", "carol"))
	e.ok(t, "POST", "/v3/users/alice/blockedusers", map[string]any{"blockedUids": []string{"bob"}}, e.asKey())

	// The block reaches the hub as an event; until both users' views are
	// reloaded (each on its own, in either order) a typing indicator could
	// slip through, so wait for one that doesn't, each way.
	checkFor(t, 10*time.Second, func() error {
		n := len(a.of("typing_indicator"))
		b.send(typing("g", "group", "started", nil))
		c.await("bob typing", func(f frame) bool { return f.Type == "typing_indicator" && f.Sender == "bob" })
		e.barrier(t, a)
		if len(a.of("typing_indicator")) != n {
			return fmt.Errorf("alice still gets bob's typing")
		}
		return nil
	})
	checkFor(t, 10*time.Second, func() error {
		n := len(b.of("typing_indicator"))
		a.send(typing("g", "group", "started", nil))
		c.await("alice typing", func(f frame) bool { return f.Type == "typing_indicator" && f.Sender == "alice" })
		e.barrier(t, b)
		if len(b.of("typing_indicator")) != n {
			return fmt.Errorf("bob still gets alice's typing")
		}
		return nil
	})
	mark := len(b.all())
	a.send(typing("g", "group", "started", nil))
	c.await("alice typing", func(f frame) bool { return f.Type == "typing_indicator" && f.Sender == "alice" })
	b.send(typing("alice", "user", "started", nil))
	b.awaitError("ERR_BLOCKED_SENDER")
	e.barrier(t, a, b)
	for _, f := range b.all()[mark:] {
		if f.Type == "typing_indicator" {
			t.Errorf("bob got the typing of alice, who blocked him: %s", f.raw)
		}
	}

	e.ok(t, "DELETE", "/v3/users/alice/blockedusers", map[string]any{"blockedUids": []string{"bob"}}, e.asKey())
	checkFor(t, 10*time.Second, func() error {
		b.send(typing("alice", "user", "started", nil))
		e.barrier(t, a)
		if len(a.of("typing_indicator")) == 0 {
			return fmt.Errorf("alice gets no typing from bob after the unblock")
		}
		return nil
	})
}

// TestReceipts tests that receipts sent over the socket and over REST move
// the same watermark and reach the message's sender and the reader's
// other devices; in a group, no other member.
func TestReceipts(t *testing.T) {
	e := newEnv(t)
	a := e.connect(t, "alice", e.user(t, "alice"))
	bobToken := e.user(t, "bob")
	b1 := e.connect(t, "bob", bobToken)
	b2 := e.connect(t, "bob", e.token(t, "bob", "web"))
	c := e.connect(t, "carol", e.user(t, "carol"))

	m := e.send(t, "alice", "bob", "user", "read me")
	b1.awaitMessage(m)
	b1.send(receipt("alice", "user", "read", m))
	for _, cl := range []*client{a, b2} {
		f := cl.await("read receipt", isType("receipts"))
		u, _ := f.body()["user"].(map[string]any)
		if f.str("action") != "read" || f.str("messageId") != fmt.Sprint(m) || u["uid"] != "bob" || f.Sender != "bob" {
			t.Errorf("%s: receipt frame %s", cl.uid, f.raw)
		}
		if _, ok := f.body()["timestamp"].(float64); !ok {
			t.Errorf("%s: receipt without a timestamp: %s", cl.uid, f.raw)
		}
	}
	conv := e.ok(t, "GET", "/v3/users/alice/conversation", nil, e.asUser("bob"))
	if conv["lastReadMessageId"] != fmt.Sprint(m) {
		t.Errorf("the socket's receipt did not move the watermark: %v", conv)
	}

	// Over REST, the same event.
	m2 := e.send(t, "alice", "bob", "user", "and me")
	e.ok(t, "POST", "/v3/users/alice/conversation/delivered", map[string]any{"messageId": fmt.Sprint(m2)}, e.asToken(bobToken))
	a.await("delivered receipt", func(f frame) bool {
		return f.Type == "receipts" && f.str("action") == "delivered" && f.str("messageId") == fmt.Sprint(m2)
	})

	// In a group: the sender and the reader's devices only.
	e.group(t, "g", "public", "alice", "bob", "carol")
	m3 := e.send(t, "alice", "g", "group", "all read this")
	c.awaitMessage(m3)
	b1.send(receipt("g", "group", "read", m3))
	a.await("group receipt", func(f frame) bool { return f.Type == "receipts" && f.str("messageId") == fmt.Sprint(m3) })
	b2.await("own group receipt", func(f frame) bool { return f.Type == "receipts" && f.str("messageId") == fmt.Sprint(m3) })

	// Bad receipts: an error frame, the connection stays.
	b1.send(receipt("alice", "user", "skimmed", m))
	b1.awaitError("ERR_BAD_REQUEST")
	b1.send(map[string]any{"type": "receipts", "receiver": "alice", "receiverType": "user", "body": map[string]any{"action": "read"}})
	b1.awaitError("ERR_BAD_REQUEST")

	e.barrier(t, c, b1)
	none(t, c, "a receipt", isType("receipts"))
}

// TestInteractionCompleted tests that an interactive message reaching its
// goal is announced to those who may see the message, and nobody else.
func TestInteractionCompleted(t *testing.T) {
	e := newEnv(t)
	a := e.connect(t, "alice", e.user(t, "alice"))
	b := e.connect(t, "bob", e.user(t, "bob"))
	c := e.connect(t, "carol", e.user(t, "carol"))
	e.group(t, "team", "public", "alice", "bob")
	d := e.ok(t, "POST", "/v3/messages", map[string]any{"receiver": "team", "receiverType": "group", "category": "interactive",
		"type": "form", "data": map[string]any{"interactiveData": map[string]any{"title": "Lunch?"},
			"interactionGoal": map[string]any{"type": "anyAction"}}}, e.asUser("alice"))
	id := idOf(t, d["id"])
	b.awaitMessage(id)
	e.ok(t, "PATCH", fmt.Sprintf("/v3/messages/%d/interacted", id), map[string]any{"interactions": []string{"yes"}}, e.asUser("bob"))
	for _, cl := range []*client{a, b} {
		f := cl.awaitType("interaction_completed")
		if f.str("messageId") != fmt.Sprint(id) || f.Sender != "bob" || f.Receiver != "team" {
			t.Errorf("%s: %s", cl.uid, f.raw)
		}
	}
	e.barrier(t, c)
	none(t, c, "an interaction in a group she is not in", isType("interaction_completed"))
}
