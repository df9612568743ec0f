package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/store/sqlite"
	"github.com/parleychat/parley/store/storetest"
	"github.com/parleychat/parley/webhook"
)

var template sqlite.Template

// openStore opens a store on path, from the template when the file is new.
func openStore(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	st, err := template.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	return st
}

// fastConfig is a dispatcher's config whose waits suit a test: polls and
// backoff in milliseconds.
func fastConfig(st webhook.Queue) webhook.Config {
	return webhook.Config{Store: st, PollInterval: 5 * time.Millisecond, BackoffBase: 20 * time.Millisecond,
		BackoffMax: time.Second, Timeout: 5 * time.Second}
}

// start starts a dispatcher that the test closes.
func start(t *testing.T, cfg webhook.Config) *webhook.Dispatcher {
	t.Helper()
	d := webhook.New(cfg)
	d.Start()
	t.Cleanup(func() { d.Close() })
	return d
}

// hit is one request a receiver got.
type hit struct {
	ctx    context.Context // the request's: done when the sender hangs up
	header http.Header
	body   []byte
	at     time.Time
	env    struct {
		Trigger string          `json:"trigger"`
		Data    json.RawMessage `json:"data"`
		AppID   string          `json:"appId"`
		Webhook string          `json:"webhook"`
	}
}

func (h hit) delivery() int64 {
	id, _ := strconv.ParseInt(h.header.Get(webhook.HeaderDelivery), 10, 64)
	return id
}

// receiver is a local endpoint that records what it gets and answers
// with the status answer gives for the n-th request (0-based).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	hits     []hit
	answer   func(n int, h hit) int
	inflight atomic.Int32
	peak     atomic.Int32
}

func newReceiver(t *testing.T, answer func(n int, h hit) int) *receiver {
	t.Helper()
	r := &receiver{answer: answer}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		n := r.inflight.Add(1)
		defer r.inflight.Add(-1)
		for p := r.peak.Load(); n > p && !r.peak.CompareAndSwap(p, n); p = r.peak.Load() {
		}
		b, _ := io.ReadAll(req.Body)
		h := hit{ctx: req.Context(), header: req.Header.Clone(), body: b, at: time.Now()}
		json.Unmarshal(b, &h.env)
		r.mu.Lock()
		i := len(r.hits)
		r.hits = append(r.hits, h)
		r.mu.Unlock()
		status := http.StatusOK
		if r.answer != nil {
			status = r.answer(i, h)
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) got() []hit {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.hits)
}

// waitFor polls cond until it returns nil, failing the test after d.
func waitFor(t *testing.T, d time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", d, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// world is a store with one app.
type world struct {
	st  *sqlite.Store
	app string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st := openStore(t, filepath.Join(t.TempDir(), "parley.db"))
	t.Cleanup(func() { st.Close() })
	return &world{st: st, app: storetest.MustCreateApp(t, st).ID}
}

// hook stores a webhook on url taking message_sent.
func (w *world) hook(t *testing.T, id, url string, edit ...func(*parley.Webhook)) *parley.Webhook {
	t.Helper()
	h := &parley.Webhook{ID: id, Name: id, URL: url, Enabled: true, RetryOnFailure: true,
		Secret: "whsec_" + id, Triggers: []string{parley.TriggerMessageSent}, CreatedAt: 1}
	for _, e := range edit {
		e(h)
	}
	if err := w.st.CreateWebhook(t.Context(), w.app, h); err != nil {
		t.Fatal(err)
	}
	return h
}

// enqueue queues n message_sent events with data {"n": i}, from i = from.
func (w *world) enqueue(t *testing.T, from, n int) {
	t.Helper()
	var ds []parley.NewDelivery
	for i := from; i < from+n; i++ {
		ds = append(ds, parley.NewDelivery{Trigger: parley.TriggerMessageSent, Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))})
	}
	if err := w.st.EnqueueDeliveries(t.Context(), w.app, ds, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
}

// log reads a webhook's whole delivery log, oldest first.
func (w *world) log(t *testing.T, id string) []*parley.Delivery {
	t.Helper()
	ds, _, err := w.st.Deliveries(context.Background(), w.app, id, parley.DeliveryFilter{Page: parley.Page{Page: 1, PerPage: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(ds)
	return ds
}

// allDone waits until every delivery of the webhook has the status want.
func (w *world) allDone(t *testing.T, id string, n int, want string) []*parley.Delivery {
	t.Helper()
	var ds []*parley.Delivery
	waitFor(t, 20*time.Second, func() error {
		ds = w.log(t, id)
		if len(ds) != n {
			return fmt.Errorf("%d deliveries, want %d", len(ds), n)
		}
		for _, d := range ds {
			if d.Status != want {
				return fmt.Errorf("delivery %d is %s (attempts %d, %s), want %s", d.ID, d.Status, d.Attempts, d.LastError, want)
			}
		}
		return nil
	})
	return ds
}

// TestSignatureVerifiable checks a delivery as a receiver sees it: the
// documented body, basic auth, and a signature that the recipe of
// docs/webhooks.md (hex HMAC-SHA256 of timestamp "." body) reproduces.
func TestSignatureVerifiable(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rc := newReceiver(t, nil)
	h := w.hook(t, "signed", rc.URL, func(h *parley.Webhook) { h.UseBasicAuth, h.Username, h.Password = true, "ann", "pw" })
	start(t, fastConfig(w.st))
	w.enqueue(t, 0, 1)
	w.allDone(t, "signed", 1, parley.DeliveryDelivered)

	got := rc.got()[0]
	ts := got.header.Get("X-Parley-Timestamp")
	mac := hmac.New(sha256.New, []byte(h.Secret))
	mac.Write([]byte(ts + "." + string(got.body)))
	if sig := got.header.Get("X-Parley-Signature"); sig != hex.EncodeToString(mac.Sum(nil)) {
		t.Errorf("signature %q does not match the recipe", sig)
	}
	if sec, _ := strconv.ParseInt(ts, 10, 64); time.Since(time.Unix(sec, 0)).Abs() > time.Minute {
		t.Errorf("timestamp %q is not now", ts)
	}
	if err := webhook.Verify(h.Secret, got.header, got.body, time.Now(), 5*time.Minute); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if err := webhook.Verify(h.Secret, got.header, append(got.body, ' '), time.Now(), 5*time.Minute); err != webhook.ErrBadSignature {
		t.Errorf("Verify of a changed body: %v, want ErrBadSignature", err)
	}
	if err := webhook.Verify(h.Secret, got.header, got.body, time.Now().Add(time.Hour), 5*time.Minute); err != webhook.ErrStale {
		t.Errorf("Verify an hour later: %v, want ErrStale", err)
	}
	if u, p, ok := (&http.Request{Header: got.header}).BasicAuth(); !ok || u != "ann" || p != "pw" {
		t.Errorf("basic auth %q %q %v", u, p, ok)
	}
	e := got.env
	if e.Trigger != "message_sent" || string(e.Data) != `{"n":0}` || e.AppID != w.app || e.Webhook != "signed" {
		t.Errorf("body %s", got.body)
	}
	if got.delivery() != w.log(t, "signed")[0].ID {
		t.Errorf("%s %q is not the delivery's id", webhook.HeaderDelivery, got.header.Get(webhook.HeaderDelivery))
	}
	if ct := got.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

// TestRetriesWithBackoff runs a receiver that fails the first three
// attempts: the fourth delivers, each wait is at least the half of its
// exponential step, and the log counts the attempts and the last error.
func TestRetriesWithBackoff(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rc := newReceiver(t, func(n int, _ hit) int {
		if n < 3 {
			return http.StatusServiceUnavailable
		}
		return http.StatusNoContent
	})
	w.hook(t, "flaky", rc.URL)
	cfg := fastConfig(w.st)
	start(t, cfg)
	w.enqueue(t, 0, 1)
	ds := w.allDone(t, "flaky", 1, parley.DeliveryDelivered)
	if ds[0].Attempts != 4 || ds[0].LastStatus != http.StatusNoContent || ds[0].DeliveredAt == 0 {
		t.Errorf("delivery after three failures: %+v", ds[0])
	}
	hits := rc.got()
	if len(hits) != 4 {
		t.Fatalf("%d attempts, want 4", len(hits))
	}
	for i := 1; i < len(hits); i++ {
		step := cfg.BackoffBase << (i - 1)
		if gap := hits[i].at.Sub(hits[i-1].at); gap < step/2 {
			t.Errorf("retry %d came %v after the attempt before, want at least %v", i, gap, step/2)
		}
		if hits[i].delivery() != hits[0].delivery() {
			t.Errorf("retry %d has delivery id %d, the first %d", i, hits[i].delivery(), hits[0].delivery())
		}
	}
}

// TestGiveUpThenNext checks that a delivery that exhausts its attempts is
// marked failed with its last error, that the webhook's next delivery goes
// only after that, and that a webhook without retryOnFailure tries once.
func TestGiveUpThenNext(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rc := newReceiver(t, func(_ int, h hit) int {
		if string(h.env.Data) == `{"n":0}` {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	w.hook(t, "retries", rc.URL)
	w.hook(t, "once", rc.URL, func(h *parley.Webhook) { h.RetryOnFailure = false })
	cfg := fastConfig(w.st)
	cfg.MaxAttempts = 3
	start(t, cfg)
	w.enqueue(t, 0, 2)
	waitFor(t, 20*time.Second, func() error {
		for id, attempts := range map[string]int{"retries": 3, "once": 1} {
			ds := w.log(t, id)
			if len(ds) != 2 || ds[0].Status != parley.DeliveryFailed || ds[0].Attempts != attempts ||
				ds[0].LastError != "HTTP 500" || ds[1].Status != parley.DeliveryDelivered {
				return fmt.Errorf("%s: first %+v", id, ds[0])
			}
		}
		return nil
	})
	// Per webhook, n=1 came only after the last attempt at n=0.
	last := map[string]time.Time{}
	for _, h := range rc.got() {
		if string(h.env.Data) == `{"n":0}` {
			last[h.env.Webhook] = h.at
			continue
		}
		if h.at.Before(last[h.env.Webhook]) {
			t.Errorf("%s: the next delivery came before the previous one was given up", h.env.Webhook)
		}
	}
}

// TestOrderPerWebhook queues a run of deliveries to a receiver that fails
// some first attempts: each webhook receives them one at a time, and each
// delivery only once every earlier one succeeded.
func TestOrderPerWebhook(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var tries sync.Map
	rc := newReceiver(t, func(_ int, h hit) int {
		n, _ := tries.LoadOrStore(h.header.Get(webhook.HeaderDelivery), new(atomic.Int32))
		if n.(*atomic.Int32).Add(1) == 1 && h.delivery()%3 == 0 {
			return http.StatusBadGateway
		}
		time.Sleep(time.Millisecond) // overlapping attempts would show in the peak
		return http.StatusOK
	})
	w.hook(t, "a", rc.URL)
	w.hook(t, "b", rc.URL)
	start(t, fastConfig(w.st))
	const n = 12
	w.enqueue(t, 0, n)
	w.allDone(t, "a", n, parley.DeliveryDelivered)
	w.allDone(t, "b", n, parley.DeliveryDelivered)
	seen := map[string][]int64{}
	for _, h := range rc.got() {
		if ids := seen[h.env.Webhook]; len(ids) > 0 && h.delivery() < ids[len(ids)-1] {
			t.Fatalf("%s: delivery %d came after %d", h.env.Webhook, h.delivery(), ids[len(ids)-1])
		}
		seen[h.env.Webhook] = append(seen[h.env.Webhook], h.delivery())
	}
	for _, id := range []string{"a", "b"} {
		if got := len(slices.Compact(seen[id])); got != n {
			t.Errorf("%s: %d distinct deliveries received, want %d", id, got, n)
		}
	}
	if p := rc.peak.Load(); p > 2 {
		t.Errorf("peak of %d attempts at once for two webhooks, want at most 2", p)
	}
}

// TestPerEndpointLimit points six webhooks at one endpoint that holds
// every request: no more than PerEndpoint are in flight at once.
func TestPerEndpointLimit(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	release := make(chan struct{})
	rc := newReceiver(t, func(int, hit) int { <-release; return http.StatusOK })
	for i := range 6 {
		w.hook(t, fmt.Sprint("h", i), rc.URL)
	}
	cfg := fastConfig(w.st)
	cfg.PerEndpoint = 2
	start(t, cfg)
	w.enqueue(t, 0, 1)
	waitFor(t, 10*time.Second, func() error {
		if n := rc.inflight.Load(); n != 2 {
			return fmt.Errorf("%d in flight, want 2", n)
		}
		return nil
	})
	close(release)
	for i := range 6 {
		w.allDone(t, fmt.Sprint("h", i), 1, parley.DeliveryDelivered)
	}
	if p := rc.peak.Load(); p != 2 {
		t.Errorf("peak of %d in flight to one endpoint, want 2", p)
	}
}

// TestQueueSurvivesRestart stops the dispatcher and the store in the middle
// of a queue (one attempt in flight, the rest waiting), opens the same
// file again with a new dispatcher, and checks that every delivery arrives
// and ends delivered: nothing lost, and duplicates only of the attempt cut
// short.
func TestQueueSurvivesRestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "parley.db")
	st := openStore(t, path)
	app := storetest.MustCreateApp(t, st).ID
	w := &world{st: st, app: app}
	held := make(chan struct{})
	var hold atomic.Bool
	hold.Store(true)
	rc := newReceiver(t, func(n int, h hit) int {
		if n == 5 && hold.Load() {
			close(held)
			<-h.ctx.Done() // cut short by Close, never answered
		}
		return http.StatusOK
	})
	w.hook(t, "durable", rc.URL)
	const n = 12
	w.enqueue(t, 0, n)
	d := webhook.New(fastConfig(st))
	d.Start()
	<-held
	hold.Store(false)
	d.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if got := len(rc.got()); got != 6 {
		t.Fatalf("%d requests before the restart, want 6", got)
	}

	st2, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	w.st = st2
	start(t, fastConfig(st2))
	ds := w.allDone(t, "durable", n, parley.DeliveryDelivered)
	got := map[string]int{}
	for _, h := range rc.got() {
		got[string(h.env.Data)]++
	}
	for i := range n {
		want := 1
		if i == 5 {
			want = 2 // the attempt cut short, sent again
		}
		if c := got[fmt.Sprintf(`{"n":%d}`, i)]; c != want {
			t.Errorf("event %d received %d times, want %d", i, c, want)
		}
	}
	if ds[5].Attempts != 1 {
		t.Errorf("the delivery cut short counts %d attempts, want 1 (the cut is not an attempt)", ds[5].Attempts)
	}
}

// TestLeaseOutlivesCrash claims a delivery as a dispatcher that then dies
// (kill -9: no release) would leave it, and checks that a new dispatcher
// sends it once the lease ran out, and not before.
func TestLeaseOutlivesCrash(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rc := newReceiver(t, nil)
	w.hook(t, "crash", rc.URL)
	w.enqueue(t, 0, 1)
	now := time.Now()
	due, err := w.st.DueDeliveries(t.Context(), now.UnixMilli(), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due %v %v", due, err)
	}
	until := now.Add(300 * time.Millisecond)
	if ok, err := w.st.ClaimDelivery(t.Context(), due[0].ID, now.UnixMilli(), until.UnixMilli()); !ok || err != nil {
		t.Fatalf("claim %v %v", ok, err)
	}
	start(t, fastConfig(w.st))
	w.allDone(t, "crash", 1, parley.DeliveryDelivered)
	if at := rc.got()[0].at; at.Before(until) {
		t.Errorf("sent %v before the dead dispatcher's lease ran out", until.Sub(at))
	}
}

// TestBlockPrivate checks that with BlockPrivate a delivery to a loopback
// receiver is refused before connecting, and the log says why.
func TestBlockPrivate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rc := newReceiver(t, nil)
	w.hook(t, "local", rc.URL, func(h *parley.Webhook) { h.RetryOnFailure = false })
	cfg := fastConfig(w.st)
	cfg.BlockPrivate = true
	start(t, cfg)
	w.enqueue(t, 0, 1)
	ds := w.allDone(t, "local", 1, parley.DeliveryFailed)
	if len(rc.got()) != 0 {
		t.Error("the loopback receiver was reached")
	}
	if want := "not public"; !strings.Contains(ds[0].LastError, want) {
		t.Errorf("last error %q lacks %q", ds[0].LastError, want)
	}
}
