// Package inmem is the single-node parley.Broker: events go from the
// service to the hubs of the same process through bounded channels.
package inmem

import (
	"context"
	"errors"
	"sync"

	"github.com/parleychat/parley"
)

// DefaultBuffer is the number of events a subscription holds before it is
// dropped as lagging, when Config leaves it zero. A hub drains its
// subscription on one goroutine that never blocks on I/O, so the buffer only
// has to cover a scheduling hiccup under a burst; 8192 pointers is 64 KiB.
const DefaultBuffer = 8192

// ErrClosed is returned by Publish and Subscribe after Close.
var ErrClosed = errors.New("inmem: broker closed")

// Config configures a Broker.
type Config struct {
	// Buffer is each subscription's capacity in events (DefaultBuffer when
	// zero). A subscription that would go past it is closed with
	// parley.ErrSubscriptionLagged.
	Buffer int
}

// Broker fans events out to the subscriptions of their app. Publish never
// blocks: it hands each subscription the event with a non-blocking send and
// drops a subscription whose buffer is full.
type Broker struct {
	buffer int

	mu     sync.RWMutex
	subs   map[string]map[*subscription]struct{} // appID -> subscriptions
	closed bool
}

var _ parley.Broker = (*Broker)(nil)

// New returns an empty broker.
func New(cfg Config) *Broker {
	if cfg.Buffer <= 0 {
		cfg.Buffer = DefaultBuffer
	}
	return &Broker{buffer: cfg.Buffer, subs: make(map[string]map[*subscription]struct{})}
}

// Publish hands e to every subscription of e.AppID. The read lock keeps
// publishers concurrent; each subscription's own lock orders the sends of
// one publisher against a concurrent close.
func (b *Broker) Publish(ctx context.Context, e *parley.Event) error {
	var lagged []*subscription
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return ErrClosed
	}
	for s := range b.subs[e.AppID] {
		if !s.offer(e) {
			lagged = append(lagged, s)
		}
	}
	b.mu.RUnlock()
	for _, s := range lagged {
		b.remove(s)
	}
	return nil
}

// Subscribe returns a subscription to appID's events.
func (b *Broker) Subscribe(ctx context.Context, appID string) (parley.Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := &subscription{b: b, appID: appID, ch: make(chan *parley.Event, b.buffer)}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrClosed
	}
	set := b.subs[appID]
	if set == nil {
		set = make(map[*subscription]struct{})
		b.subs[appID] = set
	}
	set[s] = struct{}{}
	return s, nil
}

// Close ends every subscription (their Err stays nil) and refuses later
// calls. It is safe to call more than once.
func (b *Broker) Close() error {
	b.mu.Lock()
	all := b.subs
	b.subs = nil
	b.closed = true
	b.mu.Unlock()
	for _, set := range all {
		for s := range set {
			s.end(nil)
		}
	}
	return nil
}

func (b *Broker) remove(s *subscription) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if set := b.subs[s.appID]; set != nil {
		delete(set, s)
		if len(set) == 0 {
			delete(b.subs, s.appID)
		}
	}
}

// subscription is one subscriber's buffered channel.
type subscription struct {
	b     *Broker
	appID string
	ch    chan *parley.Event

	mu     sync.Mutex
	closed bool
	err    error
}

// offer sends e without blocking; when the buffer is full it closes the
// subscription as lagged and reports false.
func (s *subscription) offer(e *parley.Event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return true
	}
	select {
	case s.ch <- e:
		return true
	default:
		s.closed, s.err = true, parley.ErrSubscriptionLagged
		close(s.ch)
		return false
	}
}

// end closes the channel once, with err as the reason.
func (s *subscription) end(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed, s.err = true, err
		close(s.ch)
	}
}

// C delivers the events; see parley.Subscription.
func (s *subscription) C() <-chan *parley.Event { return s.ch }

// Err is parley.ErrSubscriptionLagged after the subscription lagged.
func (s *subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close ends the subscription; its Err stays what it was.
func (s *subscription) Close() error {
	s.end(nil)
	s.b.remove(s)
	return nil
}
