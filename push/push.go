// Package push delivers push notifications to the devices of users who are
// not connected: a bounded queue of committed messages, workers that ask
// the service who is to be told (chat holds every rule of it), collapse a
// burst in one conversation into one push, and hand each device token to its provider
// (FCM, APNs or a webhook, in this package's files of those names).
//
// A message is pushed after its transaction committed and never slows the
// request that wrote it: Enqueue does not block, and a full queue drops
// (and counts) rather than waits. Pushes are best effort, as the services
// they go through are: a lost push leaves the message in the log, where
// the app finds it when it next connects.
package push

import (
	"context"
	"errors"
	"hash/fnv"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleychat/parley"
)

// ErrInvalidToken is wrapped by a provider's Send when the service says
// the device token is no longer valid (the app was uninstalled, the token
// rotated): the dispatcher then forgets the token.
var ErrInvalidToken = errors.New("push: invalid device token")

// Provider sends one notification to one device token of its platform.
type Provider interface {
	// Send delivers n to the device t; an error wrapping ErrInvalidToken
	// says the token is gone for good.
	Send(ctx context.Context, t *parley.PushToken, n *parley.Notification) error
}

// Providers maps a platform (parley.PushFCM, …) to its provider.
type Providers map[string]Provider

// Defaults of Config.
const (
	DefaultWorkers        = 4
	DefaultQueue          = 4096
	DefaultCollapseWindow = 5 * time.Second
	DefaultSendTimeout    = 15 * time.Second
)

// Config configures a Dispatcher.
type Config struct {
	// Resolve says who is pushed for a committed message, and what (chat's
	// Service.PushDeliveries).
	Resolve func(ctx context.Context, appID string, m *parley.Message) ([]parley.PushDelivery, error)
	// Invalid is told of a device token a provider reported invalid
	// (chat's Service.DropPushToken); nil forgets nothing.
	Invalid func(ctx context.Context, t *parley.PushToken) error
	// Providers are the server's; Apps overrides them per app and platform.
	Providers Providers
	Apps      map[string]Providers
	// Workers send in parallel; each owns the conversations that hash to
	// it, so one conversation's pushes go in order (DefaultWorkers).
	Workers int
	// Queue bounds the messages waiting per worker (DefaultQueue).
	Queue int
	// CollapseWindow is the least time between two pushes of one
	// conversation: the first message of a burst is pushed at once, the
	// rest of the window's become one push at its end, with the latest
	// message and their count (DefaultCollapseWindow; negative: no
	// collapsing). Calls are never held.
	CollapseWindow time.Duration
	// SendTimeout bounds one provider call (DefaultSendTimeout).
	SendTimeout time.Duration
	Logger      *slog.Logger
}

// Stats counts what a Dispatcher did, since it started.
type Stats struct {
	Enqueued      int64 // messages taken
	Dropped       int64 // messages refused: the queue was full, or the dispatcher closed
	Sent          int64 // notifications a provider accepted
	Failed        int64 // notifications a provider refused, or that found no provider
	Resolved      int64 // messages whose recipients were asked for
	Collapsed     int64 // messages held in a collapse window, to go as one push at its end
	InvalidTokens int64 // device tokens a provider reported invalid
}

// Dispatcher queues committed messages and pushes them from its workers.
type Dispatcher struct {
	cfg     Config
	log     *slog.Logger
	workers []*worker
	ctx     context.Context // ends the workers (Close)
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	enqueued, dropped, resolved, sent, failed, collapsed, invalid atomic.Int64
}

// job is one message to push.
type job struct {
	appID string
	m     *parley.Message
}

// New starts a Dispatcher's workers.
func New(cfg Config) *Dispatcher {
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultQueue
	}
	if cfg.CollapseWindow == 0 {
		cfg.CollapseWindow = DefaultCollapseWindow
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = DefaultSendTimeout
	}
	d := &Dispatcher{cfg: cfg, log: cfg.Logger}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	for range cfg.Workers {
		w := &worker{d: d, jobs: make(chan job, cfg.Queue), windows: map[windowKey]*window{},
			timer: time.NewTimer(time.Hour)}
		w.timer.Stop()
		d.workers = append(d.workers, w)
		d.wg.Add(1)
		go w.run()
	}
	return d
}

// Enqueue takes a committed message to push. It never blocks: with the
// worker's queue full, or the dispatcher closed, the message is dropped
// and counted.
func (d *Dispatcher) Enqueue(appID string, m *parley.Message) {
	if d.ctx.Err() != nil {
		d.dropped.Add(1)
		return
	}
	h := fnv.New32a()
	h.Write([]byte(appID))
	h.Write([]byte{0})
	h.Write([]byte(m.ConversationID))
	w := d.workers[h.Sum32()%uint32(len(d.workers))]
	select {
	case w.jobs <- job{appID: appID, m: m}:
		d.enqueued.Add(1)
	default:
		if n := d.dropped.Add(1); n == 1 || n%1000 == 0 {
			d.log.Warn("push queue full: message not pushed", "app", appID, "id", m.ID, "dropped", n)
		}
	}
}

// Stats returns the counts so far.
func (d *Dispatcher) Stats() Stats {
	return Stats{Enqueued: d.enqueued.Load(), Dropped: d.dropped.Load(), Resolved: d.resolved.Load(), Sent: d.sent.Load(),
		Failed: d.failed.Load(), Collapsed: d.collapsed.Load(), InvalidTokens: d.invalid.Load()}
}

// Close stops the workers, waiting for the sends under way. Queued
// messages and the ends of bursts not yet pushed are dropped. Calling it
// again does nothing.
func (d *Dispatcher) Close() error {
	d.cancel()
	d.wg.Wait()
	return nil
}

// provider returns the provider of a platform for an app.
func (d *Dispatcher) provider(appID, platform string) Provider {
	if p := d.cfg.Apps[appID][platform]; p != nil {
		return p
	}
	return d.cfg.Providers[platform]
}

// windowKey is one conversation of one app.
type windowKey struct{ appID, conversationID string }

// window is the collapse state of a conversation: until when its pushes
// are held, the held message (the burst's latest, carrying the mentions of
// every held one) and how many it stands for.
type window struct {
	until   time.Time
	pending *parley.Message
	appID   string
	count   int
}

// worker pushes the conversations that hash to it, one job at a time, so
// its collapse windows need no lock.
type worker struct {
	d       *Dispatcher
	jobs    chan job
	windows map[windowKey]*window
	timer   *time.Timer // fires at the earliest window end
}

func (w *worker) run() {
	defer w.d.wg.Done()
	defer w.timer.Stop()
	for {
		select {
		case <-w.d.ctx.Done():
			return
		case j := <-w.jobs:
			w.handle(j)
		case <-w.timer.C:
			w.flush()
		}
	}
}

// handle pushes a message at once, or holds it for the end of its
// conversation's collapse window. Held messages are not even resolved:
// a burst costs the store one read per window, not one per message.
func (w *worker) handle(j job) {
	d := w.d
	// A ring is worth nothing late: calls are never held.
	if d.cfg.CollapseWindow < 0 || j.m.Category == parley.CategoryCall {
		w.push(j.appID, j.m, 1)
		return
	}
	now := time.Now()
	k := windowKey{j.appID, j.m.ConversationID}
	win := w.windows[k]
	if win == nil || !now.Before(win.until) {
		w.windows[k] = &window{until: now.Add(d.cfg.CollapseWindow), appID: j.appID}
		w.push(j.appID, j.m, 1)
		w.arm()
		return
	}
	d.collapsed.Add(1)
	win.pending, win.count = held(win.pending, j.m), win.count+1
	w.arm()
}

// held is the message that stands for a burst: the latest, m, carrying
// the mentions of the one held before it too, so that a user pushed only
// for mentions is not lost to the collapse.
func held(prev, m *parley.Message) *parley.Message {
	if prev == nil || len(prev.Data.Mentions) == 0 {
		return m
	}
	c := *m
	c.Data.Mentions = make(map[string]*parley.User, len(prev.Data.Mentions)+len(m.Data.Mentions))
	for uid, u := range prev.Data.Mentions {
		c.Data.Mentions[uid] = u
	}
	for uid, u := range m.Data.Mentions {
		c.Data.Mentions[uid] = u
	}
	return &c
}

// flush pushes the held messages whose windows ended, each standing for
// its burst, and forgets idle windows.
func (w *worker) flush() {
	now := time.Now()
	for k, win := range w.windows {
		if now.Before(win.until) {
			continue
		}
		if win.pending == nil {
			delete(w.windows, k)
			continue
		}
		m, n := win.pending, win.count
		win.pending, win.count, win.until = nil, 0, now.Add(w.d.cfg.CollapseWindow)
		w.push(win.appID, m, n)
	}
	w.arm()
}

// push resolves a message's deliveries and sends each; count is how many
// messages it stands for.
func (w *worker) push(appID string, m *parley.Message, count int) {
	d := w.d
	d.resolved.Add(1)
	ds, err := d.cfg.Resolve(d.ctx, appID, m)
	if err != nil {
		if d.ctx.Err() == nil {
			d.log.Error("push: resolve recipients", "app", appID, "id", m.ID, "err", err)
		}
		return
	}
	for i := range ds {
		w.send(appID, &ds[i], count)
	}
}

// arm sets the timer to the earliest window end.
func (w *worker) arm() {
	var next time.Time
	for _, win := range w.windows {
		if next.IsZero() || win.until.Before(next) {
			next = win.until
		}
	}
	if next.IsZero() {
		w.timer.Stop()
		return
	}
	w.timer.Reset(max(time.Until(next), time.Millisecond))
}

// send pushes a delivery to each of its devices; count is how many
// messages it stands for.
func (w *worker) send(appID string, dl *parley.PushDelivery, count int) {
	d := w.d
	n := dl.Notification
	if count > 1 {
		c := *n
		c.Count = count
		c.Data = make(map[string]string, len(n.Data)+1)
		for k, v := range n.Data {
			c.Data[k] = v
		}
		c.Data["count"] = strconv.Itoa(count)
		n = &c
	}
	for _, t := range dl.Tokens {
		p := d.provider(appID, t.Platform)
		if p == nil {
			d.failed.Add(1)
			d.log.Debug("push: no provider for the platform", "app", appID, "platform", t.Platform)
			continue
		}
		ctx, cancel := context.WithTimeout(d.ctx, d.cfg.SendTimeout)
		err := p.Send(ctx, t, n)
		cancel()
		switch {
		case err == nil:
			d.sent.Add(1)
		case errors.Is(err, ErrInvalidToken):
			d.failed.Add(1)
			d.invalid.Add(1)
			d.log.Info("push: device token invalid, forgotten", "app", appID, "uid", t.UID, "platform", t.Platform, "err", err)
			if d.cfg.Invalid != nil {
				if err := d.cfg.Invalid(context.WithoutCancel(d.ctx), t); err != nil {
					d.log.Warn("push: forget invalid token", "app", appID, "platform", t.Platform, "err", err)
				}
			}
		default:
			d.failed.Add(1)
			if d.ctx.Err() == nil {
				d.log.Warn("push: send", "app", appID, "uid", t.UID, "platform", t.Platform, "err", err)
			}
		}
	}
}
