package client

import "sync"

// queue carries items from the connection's reader to the dispatch
// goroutine, in order. It holds at most max events: a reader that gets
// ahead of slow listeners waits (and the server, whose queue then fills,
// drops the connection as a slow consumer; the SDK resumes, losing
// nothing). Changes of state are queued past the bound, so that stopping
// never waits for a listener.
type queue struct {
	mu    sync.Mutex
	items []item
	max   int
	ready chan struct{} // an item was pushed
	space chan struct{} // an item was popped
}

func newQueue(max int) *queue {
	return &queue{max: max, ready: make(chan struct{}, 1), space: make(chan struct{}, 1)}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// push appends it, waiting for room unless force; it gives up (false) when
// cancel is closed first.
func (q *queue) push(it item, force bool, cancel <-chan struct{}) bool {
	for {
		q.mu.Lock()
		if force || len(q.items) < q.max {
			q.items = append(q.items, it)
			q.mu.Unlock()
			signal(q.ready)
			return true
		}
		q.mu.Unlock()
		select {
		case <-q.space:
		case <-cancel:
			return false
		}
	}
}

// pop takes the first item, waiting for one; false once quit is closed.
func (q *queue) pop(quit <-chan struct{}) (item, bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			it := q.items[0]
			q.items[0] = item{}
			q.items = q.items[1:]
			q.mu.Unlock()
			signal(q.space)
			return it, true
		}
		q.mu.Unlock()
		select {
		case <-q.ready:
		case <-quit:
			return item{}, false
		}
	}
}
