// Package brokertest is the conformance suite every parley.Broker passes:
// exported test functions that take a factory, run by each implementation's
// own test file (broker/inmem, broker/nats) so they all keep one contract.
package brokertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
)

// Factory returns a new, empty broker. The suite closes it (Close twice is
// part of the contract). Its subscriptions must hold at least 4096 events
// before they lag: the suite publishes bursts of up to 2400 events faster
// than a reader under the race detector may keep up with.
type Factory func(t *testing.T) parley.Broker

// Run runs every test of the suite as a subtest.
func Run(t *testing.T, newBroker Factory) {
	t.Run("Delivery", func(t *testing.T) { TestDelivery(t, newBroker) })
	t.Run("AppIsolation", func(t *testing.T) { TestAppIsolation(t, newBroker) })
	t.Run("PublisherOrder", func(t *testing.T) { TestPublisherOrder(t, newBroker) })
	t.Run("Close", func(t *testing.T) { TestClose(t, newBroker) })
	t.Run("Lag", func(t *testing.T) { TestLag(t, newBroker) })
}

// wait bounds every wait of the suite: long enough for a loaded CI machine
// under the race detector, short enough to fail rather than hang.
const wait = 20 * time.Second

// event is the seq-th event of publisher pub in app; the body and route
// carry both so that a subscriber can check what it got.
func event(app string, pub, seq int) *parley.Event {
	return &parley.Event{
		AppID: app, Type: parley.EventMessage, Sender: fmt.Sprintf("p%d", pub), Receiver: "g",
		ReceiverType: "group", DeviceID: "dev",
		Body:  json.RawMessage(fmt.Sprintf(`{"pub":%d,"seq":%d,"text":"hello"}`, pub, seq)),
		Route: parley.Route{MessageID: int64(seq), Action: "joined", Target: "t", About: 3, Role: "default", UIDs: []string{"a", "b"}},
	}
}

func newBroker(t *testing.T, f Factory) parley.Broker {
	t.Helper()
	b := f(t)
	t.Cleanup(func() { b.Close() })
	return b
}

func subscribe(t *testing.T, b parley.Broker, app string) parley.Subscription {
	t.Helper()
	s, err := b.Subscribe(t.Context(), app)
	if err != nil {
		t.Fatalf("Subscribe(%q): %v", app, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func publish(t *testing.T, b parley.Broker, e *parley.Event) {
	t.Helper()
	if err := b.Publish(context.Background(), e); err != nil {
		t.Fatalf("Publish: %v", err)
	}
}

// receive returns the next n events of s, failing if they don't come in time
// or C closes first.
func receive(t *testing.T, s parley.Subscription, n int) []*parley.Event {
	t.Helper()
	out := make([]*parley.Event, 0, n)
	timeout := time.NewTimer(wait)
	defer timeout.Stop()
	for len(out) < n {
		select {
		case e, ok := <-s.C():
			if !ok {
				t.Fatalf("C closed after %d of %d events (Err %v)", len(out), n, s.Err())
			}
			out = append(out, e)
		case <-timeout.C:
			t.Fatalf("got %d of %d events in %v", len(out), n, wait)
		}
	}
	return out
}

// quiet fails if s delivers anything within a short while. Absence can't be
// polled for; the window only has to be longer than a delivery on this
// machine, and a marker event published afterwards (see TestAppIsolation)
// proves the earlier ones would have arrived.
func quiet(t *testing.T, s parley.Subscription) {
	t.Helper()
	select {
	case e, ok := <-s.C():
		if ok {
			t.Fatalf("unexpected event %+v", e)
		}
	default:
	}
}

// closed waits until C is closed (draining what is buffered) and returns Err.
func closed(t *testing.T, s parley.Subscription) error {
	t.Helper()
	timeout := time.NewTimer(wait)
	defer timeout.Stop()
	for {
		select {
		case _, ok := <-s.C():
			if !ok {
				return s.Err()
			}
		case <-timeout.C:
			t.Fatalf("C not closed after %v", wait)
		}
	}
}

// TestDelivery tests that every subscription of an app receives every event
// published to it, unchanged and in the order published.
func TestDelivery(t *testing.T, f Factory) {
	b := newBroker(t, f)
	subs := []parley.Subscription{subscribe(t, b, "app1"), subscribe(t, b, "app1"), subscribe(t, b, "app1")}
	const n = 300
	var want []*parley.Event
	for i := 1; i <= n; i++ {
		e := event("app1", 0, i)
		want = append(want, event("app1", 0, i)) // a copy: the published one may be shared
		publish(t, b, e)
	}
	for i, s := range subs {
		if diff := cmp.Diff(want, receive(t, s, n)); diff != "" {
			t.Fatalf("subscription %d (-want +got):\n%s", i, diff)
		}
		if err := s.Err(); err != nil {
			t.Errorf("subscription %d: Err %v while open", i, err)
		}
	}
}

// TestAppIsolation tests that no event crosses apps.
func TestAppIsolation(t *testing.T, f Factory) {
	b := newBroker(t, f)
	a, other := subscribe(t, b, "app-a"), subscribe(t, b, "app-b")
	for i := 1; i <= 50; i++ {
		publish(t, b, event("app-a", 0, i))
	}
	got := receive(t, a, 50)
	for _, e := range got {
		if e.AppID != "app-a" {
			t.Fatalf("app-a received %+v", e)
		}
	}
	// A marker to app-b, published after app-a's events, arrives after
	// anything of app-a could have; it must be the first thing app-b sees.
	publish(t, b, event("app-b", 9, 1))
	if e := receive(t, other, 1)[0]; e.AppID != "app-b" || e.Sender != "p9" {
		t.Fatalf("app-b received %+v first, want its own marker", e)
	}
	quiet(t, other)
	quiet(t, a)
}

// TestPublisherOrder tests that events of concurrent publishers all arrive at
// every subscription, each publisher's in the order it published them, while
// other subscriptions of the same app come and go.
func TestPublisherOrder(t *testing.T, f Factory) {
	b := newBroker(t, f)
	const pubs, each = 6, 400
	subs := []parley.Subscription{subscribe(t, b, "app1"), subscribe(t, b, "app1")}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	churned := make(chan error, 1)
	go func() { // subscriptions opened and closed during the publishing
		for {
			select {
			case <-stop:
				churned <- nil
				return
			default:
			}
			s, err := b.Subscribe(context.Background(), "app1")
			if err != nil {
				churned <- err
				return
			}
			s.Close()
		}
	}()
	for p := range pubs {
		wg.Go(func() {
			for i := 1; i <= each; i++ {
				if err := b.Publish(context.Background(), event("app1", p, i)); err != nil {
					t.Errorf("Publish: %v", err)
					return
				}
			}
		})
	}
	type result struct {
		i    int
		errs []string
	}
	results := make(chan result, len(subs))
	for i, s := range subs {
		go func() {
			next := make([]int, pubs)
			var errs []string
			timeout := time.After(wait)
			for n := 0; n < pubs*each; n++ {
				var e *parley.Event
				var ok bool
				select {
				case e, ok = <-s.C():
				case <-timeout:
				}
				if !ok {
					errs = append(errs, fmt.Sprintf("stopped after %d events (Err %v)", n, s.Err()))
					break
				}
				var body struct{ Pub, Seq int }
				if err := json.Unmarshal(e.Body, &body); err != nil || body.Pub < 0 || body.Pub >= pubs {
					errs = append(errs, fmt.Sprintf("bad body %s", e.Body))
					break
				}
				if body.Seq != next[body.Pub]+1 {
					errs = append(errs, fmt.Sprintf("publisher %d: got seq %d after %d", body.Pub, body.Seq, next[body.Pub]))
				}
				next[body.Pub] = body.Seq
			}
			results <- result{i, errs}
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-churned; err != nil {
		t.Errorf("Subscribe during publishing: %v", err)
	}
	for range subs {
		r := <-results
		for _, e := range r.errs {
			t.Errorf("subscription %d: %s", r.i, e)
		}
	}
}

// TestClose tests the end of subscriptions: Close closes C with a nil Err and
// leaves the others running; the broker's Close ends every subscription the
// same way and refuses new ones; both may be called again.
func TestClose(t *testing.T, f Factory) {
	b := f(t)
	s1, s2, s3 := subscribe(t, b, "app1"), subscribe(t, b, "app1"), subscribe(t, b, "app2")
	if err := s1.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := closed(t, s1); err != nil {
		t.Errorf("Err after Close = %v, want nil", err)
	}
	if err := s1.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	publish(t, b, event("app1", 0, 1))
	if got := receive(t, s2, 1)[0]; got.Route.MessageID != 1 {
		t.Fatalf("after another subscription's Close, got %+v", got)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("broker Close: %v", err)
	}
	for i, s := range []parley.Subscription{s2, s3} {
		if err := closed(t, s); err != nil {
			t.Errorf("subscription %d: Err after the broker's Close = %v, want nil", i, err)
		}
	}
	if err := b.Close(); err != nil {
		t.Errorf("second broker Close: %v", err)
	}
	if s, err := b.Subscribe(context.Background(), "app1"); err == nil {
		s.Close()
		t.Errorf("Subscribe after Close succeeded")
	}
	_ = b.Publish(context.Background(), event("app1", 0, 2)) // must not panic or block
}

// TestLag tests that a subscription that stops reading is dropped with
// ErrSubscriptionLagged, that Publish never blocks on it, and that a
// subscription that keeps reading loses nothing meanwhile.
func TestLag(t *testing.T, f Factory) {
	b := newBroker(t, f)
	slow, fast := subscribe(t, b, "app1"), subscribe(t, b, "app1")
	got := make(chan int, 1)
	var mu sync.Mutex
	received := 0
	go func() {
		n := 0
		for e := range fast.C() {
			n++
			if int(e.Route.MessageID) != n {
				break
			}
			mu.Lock()
			received = n
			mu.Unlock()
		}
		got <- n
	}()
	const chunk, max = 256, 1 << 20
	published := 0
	lagged := false
	for published < max && !lagged {
		start := time.Now()
		for range chunk {
			published++
			publish(t, b, event("app1", 0, published))
		}
		if d := time.Since(start); d > wait/2 {
			t.Fatalf("publishing %d events to a subscription that does not read took %v", chunk, d)
		}
		// Let the reader keep up, so that only the slow one falls behind.
		deadline := time.Now().Add(wait)
		for {
			mu.Lock()
			n := received
			mu.Unlock()
			if n == published {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the reading subscription got %d of %d events", n, published)
			}
			time.Sleep(time.Millisecond)
		}
		lagged = slow.Err() != nil
	}
	if err := closed(t, slow); !errors.Is(err, parley.ErrSubscriptionLagged) {
		t.Fatalf("slow subscription after %d events: Err %v, want ErrSubscriptionLagged", published, err)
	}
	if err := slow.Close(); err != nil {
		t.Errorf("Close after lag: %v", err)
	}
	fast.Close()
	if n := <-got; n != published {
		t.Errorf("the reading subscription got %d of %d events", n, published)
	}
}
