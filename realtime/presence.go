package realtime

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// presence decides when a user goes online and offline on this node: online
// with their first authenticated connection, offline PresenceGrace after
// their last one closed unless another came meanwhile. The store writes
// (chat's SetPresence) run on a few worker queues, each user always on the
// same one, so that a user's online and offline are written in the order
// decided.
type presence struct {
	h *Hub

	mu     sync.Mutex
	conns  map[presenceKey]int         // authenticated connections per user
	grace  map[presenceKey]*time.Timer // users whose last connection closed
	queues [4]presenceQueue
	seed   maphash.Seed
	closed bool
}

type presenceKey struct{ app, uid string }

type presenceOp struct {
	key    presenceKey
	online bool
}

type presenceQueue struct {
	ops     []presenceOp
	working bool
}

func newPresence(h *Hub) *presence {
	return &presence{h: h, conns: make(map[presenceKey]int), grace: make(map[presenceKey]*time.Timer),
		seed: maphash.MakeSeed()}
}

// connected counts a new connection of uid.
func (p *presence) connected(app, uid string) {
	k := presenceKey{app, uid}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns[k]++
	if p.conns[k] > 1 {
		return
	}
	if t := p.grace[k]; t != nil { // back within the grace period: still online
		t.Stop()
		delete(p.grace, k)
		return
	}
	p.enqueue(presenceOp{key: k, online: true})
}

// disconnected counts a closed connection of uid; the last one starts the
// grace period.
func (p *presence) disconnected(app, uid string) {
	k := presenceKey{app, uid}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns[k]--; p.conns[k] > 0 {
		return
	}
	delete(p.conns, k)
	if p.closed {
		return
	}
	var t *time.Timer
	t = time.AfterFunc(p.h.cfg.PresenceGrace, func() {
		p.mu.Lock() // held by disconnected until t is set
		defer p.mu.Unlock()
		if p.grace[k] == t {
			delete(p.grace, k)
			p.enqueue(presenceOp{key: k})
		}
	})
	p.grace[k] = t
}

// enqueue queues op on its user's worker. Caller holds mu.
func (p *presence) enqueue(op presenceOp) {
	if p.closed {
		return
	}
	q := &p.queues[maphash.Comparable(p.seed, op.key)%uint64(len(p.queues))]
	q.ops = append(q.ops, op)
	if q.working {
		return
	}
	q.working = true
	if !p.h.goBackground(func() { p.work(q) }) {
		q.working = false
	}
}

// presenceBatch bounds the changes written in one transaction.
const presenceBatch = 256

// work writes the queue's changes, as many as are queued at once in one
// transaction: a crowd connecting costs a sync to disk per batch, not per
// user.
func (p *presence) work(q *presenceQueue) {
	for {
		p.mu.Lock()
		if len(q.ops) == 0 {
			q.ops, q.working = nil, false
			p.mu.Unlock()
			return
		}
		n := min(len(q.ops), presenceBatch)
		ops := append([]presenceOp(nil), q.ops[:n]...)
		q.ops = q.ops[n:]
		p.mu.Unlock()
		ctx, cancel := context.WithTimeout(p.h.ctx, callTimeout)
		p.setMany(ctx, ops)
		cancel()
	}
}

// setMany writes ops, one transaction per app, in order; when a batch
// fails, its changes are written one by one, so that one bad change does
// not lose the others.
func (p *presence) setMany(ctx context.Context, ops []presenceOp) {
	if len(ops) == 1 {
		p.set(ctx, ops[0])
		return
	}
	for len(ops) > 0 {
		app := ops[0].key.app
		var mine, rest []presenceOp
		changes := make([]chat.PresenceChange, 0, len(ops))
		for _, op := range ops {
			if op.key.app != app {
				rest = append(rest, op)
				continue
			}
			mine = append(mine, op)
			changes = append(changes, chat.PresenceChange{UID: op.key.uid, Online: op.online})
		}
		if err := p.h.svc.SetPresences(ctx, app, changes); err != nil {
			p.h.log.Warn("realtime: set presence of many; one by one", "app", app, "users", len(changes), "err", err)
			for _, op := range mine {
				p.set(ctx, op)
			}
		}
		ops = rest
	}
}

func (p *presence) set(ctx context.Context, op presenceOp) {
	a := parley.Actor{AppID: op.key.app, Access: parley.AccessUser, UID: op.key.uid}
	if err := p.h.svc.SetPresence(parley.NewContext(ctx, a), op.online); err != nil {
		level := p.h.log.Warn
		if parley.KindOf(err) == parley.KindNotFound { // deleted meanwhile
			level = p.h.log.Debug
		}
		level("realtime: set presence", "app", op.key.app, "uid", op.key.uid, "online", op.online, "err", err)
	}
}

// close runs at shutdown, after every connection closed: the users that
// are online because of this node (connected, or within their grace
// period) are written offline now rather than left for the next start.
func (p *presence) close(ctx context.Context) {
	p.mu.Lock()
	p.closed = true
	var offline []presenceKey
	for k, t := range p.grace {
		t.Stop()
		offline = append(offline, k)
	}
	for k := range p.conns {
		offline = append(offline, k)
	}
	clear(p.grace)
	p.mu.Unlock()
	// Wait for the queued writes, so that none lands after the ones below.
	for {
		p.mu.Lock()
		busy := false
		for i := range p.queues {
			busy = busy || p.queues[i].working
		}
		p.mu.Unlock()
		if !busy || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	ops := make([]presenceOp, 0, len(offline))
	for _, k := range offline {
		ops = append(ops, presenceOp{key: k})
	}
	for len(ops) > 0 {
		if ctx.Err() != nil {
			p.h.log.Warn("realtime: shutdown left users online; the next start sets them offline", "users", len(ops))
			return
		}
		n := min(len(ops), presenceBatch)
		p.setMany(ctx, ops[:n])
		ops = ops[n:]
	}
}
