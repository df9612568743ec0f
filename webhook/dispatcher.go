// Package webhook sends an app's webhook deliveries and asks its
// before_message hook. Package chat queues each delivery in the store, in
// the transaction of the change it reports; the Dispatcher takes them from
// there, so the queue outlives crashes and restarts.
//
// Each POST is signed (see Sign) and carries basic auth when the webhook
// uses it. Delivery is at least once: a delivery whose attempt was cut
// short (a crash, a shutdown, a timeout the receiver did not notice) is
// sent again. Deliveries of one webhook go one at a time, in the order they
// were queued: the next waits for the previous one's success or give-up.
// Failed attempts are retried with exponential backoff and jitter while the
// webhook has retryOnFailure, up to MaxAttempts.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/parleychat/parley"
)

// Queue is what the dispatcher needs of the store (parley.Store has it).
type Queue interface {
	DueDeliveries(ctx context.Context, now int64, limit int) ([]*parley.DueDelivery, error)
	ClaimDelivery(ctx context.Context, id, now, until int64) (bool, error)
	FinishDelivery(ctx context.Context, id int64, o parley.DeliveryOutcome) error
	ReleaseDelivery(ctx context.Context, id int64) error
	PruneDeliveries(ctx context.Context, before int64) (int, error)
}

// Config configures a Dispatcher; zero fields take the defaults.
type Config struct {
	Store  Queue
	Logger *slog.Logger
	// Timeout bounds one attempt (DefaultTimeout).
	Timeout time.Duration
	// PollInterval is how often the queue is read when nothing wakes the
	// dispatcher (DefaultPollInterval); Notify wakes it at once.
	PollInterval time.Duration
	// BackoffBase and BackoffMax shape the retries: the n-th retry waits
	// BackoffBase·2^(n-1), at most BackoffMax, of which a random half.
	BackoffBase, BackoffMax time.Duration
	// MaxAttempts is how many attempts a delivery gets in all.
	MaxAttempts int
	// PerEndpoint bounds the attempts in flight to one endpoint (scheme
	// and host) across the webhooks that share it; Workers bounds them in
	// all.
	PerEndpoint, Workers int
	// Retention is how long delivered and failed deliveries stay in the
	// log.
	Retention time.Duration
	// BlockPrivate refuses to connect to loopback, private, link-local
	// and other non-public addresses (checked on the address dialed, after
	// name resolution) and ignores HTTP(S)_PROXY. Off by default: tests and
	// single-host set-ups deliver to 127.0.0.1.
	BlockPrivate bool
}

// The defaults of Config.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultPollInterval = time.Second
	DefaultBackoffBase  = 5 * time.Second
	DefaultBackoffMax   = time.Hour
	DefaultMaxAttempts  = 10
	DefaultPerEndpoint  = 4
	DefaultWorkers      = 64
	DefaultRetention    = 72 * time.Hour
)

// pruneEvery is how often the log is pruned.
const pruneEvery = 10 * time.Minute

// maxErrorText bounds the last error a delivery keeps.
const maxErrorText = 300

// Dispatcher sends the queued deliveries of every app.
type Dispatcher struct {
	cfg    Config
	q      Queue
	log    *slog.Logger
	client *http.Client

	ctx    context.Context // ends at Close; owns the loop and the sends
	cancel context.CancelFunc
	wake   chan struct{}
	done   chan struct{}
	start  sync.Once
	stop   sync.Once
	sends  sync.WaitGroup

	mu       sync.Mutex
	busy     map[string]bool // webhooks (app id + "\x00" + id) with an attempt in flight
	endpoint map[string]int  // attempts in flight per endpoint
	inflight int
}

// New returns a dispatcher; Start starts it. Moderate works without Start.
func New(cfg Config) *Dispatcher {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&cfg.Timeout, DefaultTimeout}, {&cfg.PollInterval, DefaultPollInterval}, {&cfg.BackoffBase, DefaultBackoffBase},
		{&cfg.BackoffMax, DefaultBackoffMax}, {&cfg.Retention, DefaultRetention}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	for _, n := range []struct {
		v   *int
		def int
	}{{&cfg.MaxAttempts, DefaultMaxAttempts}, {&cfg.PerEndpoint, DefaultPerEndpoint}, {&cfg.Workers, DefaultWorkers}} {
		if *n.v <= 0 {
			*n.v = n.def
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Dispatcher{cfg: cfg, q: cfg.Store, log: cfg.Logger, client: newClient(cfg.BlockPrivate),
		ctx: ctx, cancel: cancel, wake: make(chan struct{}, 1), done: make(chan struct{}),
		busy: map[string]bool{}, endpoint: map[string]int{}}
}

// Start starts sending; it does nothing the second time.
func (d *Dispatcher) Start() {
	d.start.Do(func() { go d.loop() })
}

// Notify wakes the dispatcher: deliveries were queued. It never blocks.
func (d *Dispatcher) Notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Close stops the dispatcher: attempts in flight are cut short and their
// deliveries left pending (they are sent again after a restart), and
// nothing is sent after it returns. Calling it again does nothing.
func (d *Dispatcher) Close() error {
	d.stop.Do(func() {
		d.cancel()
		started := true
		d.start.Do(func() { started = false })
		if started {
			<-d.done
		}
		d.sends.Wait()
		d.client.CloseIdleConnections()
	})
	return nil
}

// lease is how long a claim on a delivery holds: past it, a dispatcher
// that died mid-attempt (kill -9) no longer holds the delivery back.
func (d *Dispatcher) lease() time.Duration { return 2*d.cfg.Timeout + 10*time.Second }

func (d *Dispatcher) loop() {
	defer close(d.done)
	tick := time.NewTicker(d.cfg.PollInterval)
	defer tick.Stop()
	var pruned time.Time
	for {
		d.dispatch()
		if time.Since(pruned) > pruneEvery {
			d.prune()
			pruned = time.Now()
		}
		select {
		case <-d.ctx.Done():
			return
		case <-tick.C:
		case <-d.wake:
		}
	}
}

// dispatch claims the due heads of the queues that have room and starts
// an attempt for each.
func (d *Dispatcher) dispatch() {
	now := time.Now()
	due, err := d.q.DueDeliveries(d.ctx, now.UnixMilli(), 4*d.cfg.Workers)
	if err != nil {
		if d.ctx.Err() == nil {
			d.log.Warn("webhook: read the queue", "err", err)
		}
		return
	}
	for _, dd := range due {
		key, ep := dd.AppID+"\x00"+dd.WebhookID, endpointOf(dd.Webhook.URL)
		d.mu.Lock()
		room := !d.busy[key] && d.endpoint[ep] < d.cfg.PerEndpoint && d.inflight < d.cfg.Workers
		d.mu.Unlock()
		if !room {
			continue
		}
		ok, err := d.q.ClaimDelivery(d.ctx, dd.ID, now.UnixMilli(), now.Add(d.lease()).UnixMilli())
		if err != nil || !ok {
			continue // taken by another dispatcher, or the store failed: the next poll sees
		}
		d.mu.Lock()
		d.busy[key], d.inflight = true, d.inflight+1
		d.endpoint[ep]++
		d.mu.Unlock()
		d.sends.Add(1)
		go d.deliver(dd, key, ep)
	}
}

// deliver makes one attempt and records its outcome.
func (d *Dispatcher) deliver(dd *parley.DueDelivery, key, ep string) {
	defer d.sends.Done()
	defer func() {
		d.mu.Lock()
		delete(d.busy, key)
		d.inflight--
		d.endpoint[ep]--
		d.mu.Unlock()
		d.Notify() // the webhook's next delivery may go
	}()
	status, err := d.post(d.ctx, &dd.Webhook, dd.AppID, dd.Trigger, dd.Data, dd.ID, d.cfg.Timeout)
	ctx := context.WithoutCancel(d.ctx)
	if err != nil && d.ctx.Err() != nil { // cut short by Close: not an attempt
		if rerr := d.q.ReleaseDelivery(ctx, dd.ID); rerr != nil {
			d.log.Warn("webhook: release a delivery", "delivery", dd.ID, "err", rerr)
		}
		return
	}
	now := time.Now()
	o := parley.DeliveryOutcome{Status: parley.DeliveryDelivered, Attempts: dd.Attempts + 1, LastStatus: status,
		UpdatedAt: now.Unix()}
	switch {
	case err == nil:
		o.DeliveredAt = now.Unix()
	case dd.Webhook.RetryOnFailure && o.Attempts < d.cfg.MaxAttempts:
		o.Status, o.NextAt = parley.DeliveryPending, now.Add(d.backoff(o.Attempts)).UnixMilli()
	default:
		o.Status = parley.DeliveryFailed
	}
	if err != nil {
		o.LastError = errorText(err)
		d.log.Info("webhook: attempt failed", "app", dd.AppID, "webhook", dd.WebhookID, "delivery", dd.ID,
			"trigger", dd.Trigger, "attempt", o.Attempts, "status", o.Status, "err", o.LastError)
	}
	switch ferr := d.q.FinishDelivery(ctx, dd.ID, o); {
	case errors.Is(ferr, parley.ErrNotFound): // its webhook was deleted meanwhile
	case ferr != nil:
		// The lease runs out and the delivery is sent again: at least once.
		d.log.Warn("webhook: record an attempt", "delivery", dd.ID, "err", ferr)
	}
}

// backoff is the wait before the retry after attempt n (1-based): the
// exponential step, of which a random half ("equal jitter"), so that the
// retries of many deliveries spread out.
func (d *Dispatcher) backoff(n int) time.Duration {
	step := d.cfg.BackoffMax
	if n < 32 {
		if b := d.cfg.BackoffBase << (n - 1); b > 0 && b < step {
			step = b
		}
	}
	return step/2 + rand.N(step/2+1)
}

func (d *Dispatcher) prune() {
	before := time.Now().Add(-d.cfg.Retention).Unix()
	n, err := d.q.PruneDeliveries(d.ctx, before)
	if err != nil && d.ctx.Err() == nil {
		d.log.Warn("webhook: prune the log", "err", err)
	}
	if n > 0 {
		d.log.Info("webhook: pruned the log", "deliveries", n)
	}
}

// envelope is the body of every delivery.
type envelope struct {
	Trigger string          `json:"trigger"`
	Data    json.RawMessage `json:"data"`
	AppID   string          `json:"appId"`
	Webhook string          `json:"webhook"`
}

// errHTTP is an answer other than 2xx.
type errHTTP struct{ status int }

func (e errHTTP) Error() string { return fmt.Sprintf("HTTP %d", e.status) }

// post sends one signed body to a webhook and returns the answer's status;
// an error unless it is 2xx. A delivery id of 0 sends no delivery header
// (the moderation hook's calls are not deliveries). read, when set,
// receives the answer's body.
func (d *Dispatcher) post(ctx context.Context, w *parley.Webhook, appID, trigger string, data json.RawMessage,
	delivery int64, timeout time.Duration, read ...func([]byte) error) (int, error) {
	body, err := json.Marshal(envelope{Trigger: trigger, Data: data, AppID: appID, Webhook: w.ID})
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	ts := time.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Parley-Webhooks")
	req.Header.Set(HeaderTimestamp, fmt.Sprint(ts))
	req.Header.Set(HeaderSignature, Sign(w.Secret, ts, body))
	req.Header.Set(HeaderTrigger, trigger)
	req.Header.Set(HeaderWebhook, w.ID)
	if delivery != 0 {
		req.Header.Set(HeaderDelivery, fmt.Sprint(delivery))
	}
	if w.UseBasicAuth {
		req.SetBasicAuth(w.Username, w.Password)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	// Read what a receiver says (bounded), so the connection is reused.
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, errHTTP{resp.StatusCode}
	}
	if len(read) > 0 {
		if rerr != nil {
			return resp.StatusCode, rerr
		}
		if len(b) > maxAnswer {
			return resp.StatusCode, fmt.Errorf("the answer is over %d bytes", maxAnswer)
		}
		return resp.StatusCode, read[0](b)
	}
	return resp.StatusCode, nil
}

// maxAnswer bounds the body of a receiver's answer that is read.
const maxAnswer = 64 << 10

// endpointOf names the endpoint of a URL: its scheme and host.
func endpointOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Scheme + "://" + u.Host
}

// errorText is an attempt's error as the log keeps it.
func errorText(err error) string {
	s := err.Error()
	if len(s) > maxErrorText {
		s = s[:maxErrorText]
	}
	return s
}
