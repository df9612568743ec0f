package realtime_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/broker/inmem"
	"github.com/parleychat/parley/realtime"
)

// unreliable is a broker that loses some message events and delays
// others, as a real network of nodes may: the hub must refill the holes
// from the log and still deliver in id order.
type unreliable struct {
	parley.Broker
	n       atomic.Int64
	dropped atomic.Int64
	wg      sync.WaitGroup
}

func (u *unreliable) Publish(ctx context.Context, e *parley.Event) error {
	if e.Type != parley.EventMessage {
		return u.Broker.Publish(ctx, e)
	}
	switch k := u.n.Add(1); {
	case k%4 == 0: // lost
		u.dropped.Add(1)
		return nil
	case k%3 == 0: // late: after the next ones
		u.wg.Go(func() {
			time.Sleep(20 * time.Millisecond)
			u.Broker.Publish(context.WithoutCancel(ctx), e)
		})
		return nil
	}
	return u.Broker.Publish(ctx, e)
}

// TestHolesRefilled tests that lost and late message events still reach
// every connection once, in id order: holes are waited for briefly, then
// refilled from the store.
func TestHolesRefilled(t *testing.T) {
	var u *unreliable
	e := newEnv(t, brokerWrap(func(b parley.Broker) parley.Broker { u = &unreliable{Broker: b}; return u }),
		func(c *realtime.Config) { c.HoleWait = 30 * time.Millisecond })
	t.Cleanup(u.wg.Wait)
	a := e.connect(t, "amy", e.user(t, "amy"))
	e.user(t, "bob")
	e.group(t, "g", "public", "bob", "amy")
	var ids []int64
	for k := range 40 {
		ids = append(ids, e.send(t, "bob", "amy", "user", fmt.Sprint(k)))
		if k%5 == 0 {
			ids = append(ids, e.send(t, "bob", "g", "group", fmt.Sprint(k)))
		}
	}
	a.awaitMessage(ids[len(ids)-1])
	got := after(a.messageIDs(), ids[0])
	if !slices.Equal(got, ids) {
		t.Errorf("got %v, want %v", got, ids)
	}
	if u.dropped.Load() == 0 {
		t.Fatal("the broker dropped nothing: the test tests nothing")
	}
}

// TestBrokerLag tests that a hub whose subscription fell behind (events
// lost that can't be refilled, such as session ends) closes its
// connections with CloseResync, and that clients then resume from the log
// on a fresh subscription with nothing missing.
func TestBrokerLag(t *testing.T) {
	e := newEnv(t, inmem.Config{Buffer: 8})
	tok := e.user(t, "amy")
	e.user(t, "bob")
	a := e.connect(t, "amy", tok)
	m1 := e.send(t, "bob", "amy", "user", "before")
	a.awaitMessage(m1)
	// A burst the hub can't take in time: typing indicators straight on
	// the broker, faster than any subscriber drains 8 slots.
	lagged := false
	for k := 0; k < 100000 && !lagged; k++ {
		e.Broker.Publish(context.Background(), &parley.Event{AppID: e.AppID, Type: parley.EventTyping,
			Sender: "bob", Receiver: "amy", ReceiverType: "user", Body: []byte(`{"action":"started"}`)})
		lagged = k%100 == 99 && !a.isOpen()
	}
	a.wantClosed(realtime.CloseResync)
	m2 := e.send(t, "bob", "amy", "user", "while away")
	b := e.connect(t, "amy", tok, map[string]any{"lastMessageId": fmt.Sprint(m1)})
	b.awaitMessage(m2)
	m3 := e.send(t, "bob", "amy", "user", "after")
	b.awaitMessage(m3)
	if got := b.messageIDs(); !slices.Equal(got, []int64{m2, m3}) {
		t.Errorf("after the resync got %v, want %v", got, []int64{m2, m3})
	}
}
