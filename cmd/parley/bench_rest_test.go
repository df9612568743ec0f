package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/parleychat/parley"
)

// The benchmarks of this file drive the whole server (Main: SQLite,
// broker, hub, REST with its access log and rate limits) over real HTTP
// from a real http.Client with keep-alive connections, as `parley bench`
// does, but in one process, so that `go test -cpuprofile` profiles the
// server (and the client beside it). docs/benchmarks.md gives the commands
// and figures. Settings come from the environment:
//
//	PARLEY_BENCH_SENDERS   concurrent senders of BenchmarkRESTSend (128)
//	PARLEY_BENCH_RATE      paced total send rate, messages/s; 0: as fast as accepted (0)
//	PARLEY_BENCH_READERS   concurrent readers of BenchmarkRESTHistory (16)
//	PARLEY_BENCH_MESSAGES  messages BenchmarkRESTHistory stores (100,000)
//	PARLEY_BENCH_DATA      a data directory that keeps the seeded history between runs
//	PARLEY_PIPELINE_SYNCS  true: the server pipelines its syncs (parley serve --pipeline-syncs)

// benchEnv is a running server and the default app's credentials.
type benchEnv struct {
	m       *Main
	url     string
	appID   string
	restKey string
	client  *http.Client
}

// benchSecrets is kept beside a kept data directory: a start prints the
// keys only the first time.
type benchSecrets struct {
	AppID, RESTKey string
	Tokens         map[string]string
	Seeded         int
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// startBench runs a Main on a free port over dir, logging at info to
// nowhere (the access log is formatted, as in production, and dropped).
func startBench(tb testing.TB, dir string, conns int) (*benchEnv, string) {
	tb.Helper()
	cfg := DefaultConfig()
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", dir
	cfg.PipelineSyncs = os.Getenv("PARLEY_PIPELINE_SYNCS") == "true"
	var out bytes.Buffer
	m := NewMain(cfg, &out, io.Discard)
	if err := m.Open(context.Background()); err != nil {
		m.Close()
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { m.Close() })
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: time.Minute}
	tb.Cleanup(tr.CloseIdleConnections)
	s := parseSecrets(out.String())
	return &benchEnv{m: m, url: m.URL(), appID: s.AppID, restKey: s.RESTKey, client: &http.Client{Transport: tr}}, out.String()
}

// do sends one request with the given credentials and returns the status
// and the body.
func (e *benchEnv) do(method, path string, body []byte, hdr ...string) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("appid", e.appID)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	buf := bytes.NewBuffer(make([]byte, 0, max(resp.ContentLength, 512)+1)) // +1: ReadFrom's EOF read
	_, err = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes(), err
}

// must sends a request as the REST key and fails the benchmark unless it
// answers 200; it returns the data of the answer.
func (e *benchEnv) must(tb testing.TB, method, path string, body any, hdr ...string) json.RawMessage {
	tb.Helper()
	js, err := json.Marshal(body)
	if err != nil {
		tb.Fatal(err)
	}
	status, b, err := e.do(method, path, js, append([]string{"apikey", e.restKey}, hdr...)...)
	if err != nil || status != http.StatusOK {
		tb.Fatalf("%s %s: %d %s %v", method, path, status, b, err)
	}
	var env struct{ Data json.RawMessage }
	if err := json.Unmarshal(b, &env); err != nil {
		tb.Fatal(err)
	}
	return env.Data
}

// createUsers creates users uid(0..n-1) and returns an auth token each.
func (e *benchEnv) createUsers(tb testing.TB, n int, uid func(int) string) map[string]string {
	tb.Helper()
	tokens := make(map[string]string, n)
	for i := range n {
		d := e.must(tb, "POST", "/v3/users", map[string]any{"uid": uid(i), "name": "User " + uid(i), "withAuthToken": true})
		var u struct{ AuthToken string }
		if err := json.Unmarshal(d, &u); err != nil || u.AuthToken == "" {
			tb.Fatalf("create user: %s %v", d, err)
		}
		tokens[uid(i)] = u.AuthToken
	}
	return tokens
}

// processCPU is the CPU time the process (server and clients together)
// used so far: a figure less at the mercy of other work on the machine
// than throughput.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// threadCPU is the CPU time of the calling thread: with the goroutine
// locked to it, the time its work took, however long it waited for a core
// while the machine was busy.
func threadCPU() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD (Linux)
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// latencies collects request times from many goroutines.
type latencies struct {
	mu  sync.Mutex
	all []time.Duration
}

func (l *latencies) add(d []time.Duration) {
	l.mu.Lock()
	l.all = append(l.all, d...)
	l.mu.Unlock()
}

// report adds the median and 99th percentile, in milliseconds.
func (l *latencies) report(b *testing.B, prefix string) {
	if len(l.all) == 0 {
		return
	}
	slices.Sort(l.all)
	q := func(p float64) float64 {
		return float64(l.all[min(len(l.all)-1, int(p*float64(len(l.all))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), prefix+"p50-ms")
	b.ReportMetric(q(0.99), prefix+"p99-ms")
}

// BenchmarkRESTSend is the `direct` scenario of issue 12: senders post
// ~100-byte text messages through POST /v3/messages with their auth
// tokens, as fast as the server answers (closed loop) or at
// PARLEY_BENCH_RATE messages/s in all (open loop, latency counted from
// each send's scheduled time). shape=users: pairs of users write to each
// other; shape=group: every sender writes into one group. Every message is
// committed to SQLite (synchronous=FULL) before its 200.
//
//	go test -run '^$' -bench BenchmarkRESTSend -benchtime 40000x ./cmd/parley
func BenchmarkRESTSend(b *testing.B) {
	senders := envInt("PARLEY_BENCH_SENDERS", 128)
	rate := envInt("PARLEY_BENCH_RATE", 0)
	for _, shape := range []string{"users", "group"} {
		// Set up once in the parent: b.Run's own probe with b.N=1 and the
		// measured run share the server.
		b.Run("shape="+shape, func(b *testing.B) {
			benchmarkRESTSend(b, shape, senders, rate)
		})
	}
}

func benchmarkRESTSend(b *testing.B, shape string, senders, rate int) {
	e, _ := startBench(b, b.TempDir(), senders)
	uid := func(i int) string { return fmt.Sprintf("u%04d", i) }
	tokens := e.createUsers(b, senders, uid)
	if shape == "group" {
		e.must(b, "POST", "/v3/groups", map[string]any{"guid": "room", "name": "Room", "type": "public", "owner": uid(0)})
		for i := 1; i < senders; i += parley.MaxBulkUIDs {
			var ps []string
			for j := i; j < min(senders, i+parley.MaxBulkUIDs); j++ {
				ps = append(ps, uid(j))
			}
			e.must(b, "POST", "/v3/groups/room/members", map[string]any{"participants": ps})
		}
	}
	bodies := make([][]byte, senders)
	for i := range senders {
		to, typ := "room", parley.ReceiverGroup
		if shape == "users" {
			to, typ = uid(i^1), parley.ReceiverUser // 0<->1, 2<->3, …
		}
		bodies[i], _ = json.Marshal(map[string]any{"receiver": to, "receiverType": typ, "category": "message", "type": "text",
			"data": map[string]any{"text": "a text message of about a hundred bytes, as people write them in a chat, give or take"}})
	}
	b.Run(fmt.Sprintf("senders=%d/rate=%d", senders, rate), func(b *testing.B) {
		runSends(b, e, senders, rate, bodies, func(i int) string { return tokens[uid(i)] })
	})
}

// runSends sends b.N messages from senders goroutines, sender i posting
// bodies[i] with token(i).
func runSends(b *testing.B, e *benchEnv, senders, rate int, bodies [][]byte, token func(int) string) {
	var (
		next  atomic.Int64
		lat   latencies
		fails atomic.Int64
		wg    sync.WaitGroup
	)
	before := e.m.Service.WriteStats()
	b.ResetTimer()
	cpu0 := processCPU()
	start := time.Now()
	for i := range senders {
		wg.Go(func() {
			tok := token(i)
			own := make([]time.Duration, 0, b.N/senders+1)
			for {
				n := next.Add(1) - 1
				if n >= int64(b.N) {
					break
				}
				t0 := time.Now()
				if rate > 0 { // open loop: the send's slot, not when a sender got free
					t0 = start.Add(time.Duration(n) * time.Second / time.Duration(rate))
					time.Sleep(time.Until(t0))
				}
				status, body, err := e.do("POST", "/v3/messages", bodies[i], "authtoken", tok)
				own = append(own, time.Since(t0))
				if err != nil || status != http.StatusOK {
					if fails.Add(1) == 1 {
						b.Errorf("send: %d %s %v", status, body, err)
					}
				}
			}
			lat.add(own)
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-us/msg")
	lat.report(b, "send-")
	st := e.m.Service.WriteStats()
	b.ReportMetric(float64(st.Writes-before.Writes)/float64(max(1, st.Batches-before.Batches)), "batch")
}

// BenchmarkRESTHistory is the `history` scenario of issue 12: readers
// (PARLEY_BENCH_READERS, 16) read random pages of 50 messages through
// GET /v3/groups/{guid}/messages and GET /v3/users/{uid}/messages with
// their auth tokens, with PARLEY_BENCH_MESSAGES stored: half in 10 groups
// of 100 members, half in 500 one-to-one conversations of 100 users. The
// messages are copies of real sends (entities and all), stored through the
// store's append in batches. Each page is the 50 messages before a random
// id (prepend), as a client scrolls back.
//
//	PARLEY_BENCH_MESSAGES=1000000 PARLEY_BENCH_DATA=/tmp/hist1m \
//	  go test -run '^$' -bench BenchmarkRESTHistory -benchtime 20000x ./cmd/parley
func BenchmarkRESTHistory(b *testing.B) {
	readers := envInt("PARLEY_BENCH_READERS", 16)
	total := envInt("PARLEY_BENCH_MESSAGES", 100_000)
	dir := os.Getenv("PARLEY_BENCH_DATA")
	if dir == "" {
		dir = b.TempDir()
	}
	e, out := startBench(b, dir, readers)
	sec := seedHistory(b, e, dir, out, total)
	b.Run(fmt.Sprintf("messages=%d/readers=%d", total, readers), func(b *testing.B) {
		runPages(b, e, sec, readers)
	})
	// The server's part alone: one page after the other, handed to the
	// handler in this goroutine (no sockets, no client). Less at the mercy
	// of other work on the machine than the figures above: compare the
	// least of several runs (-count).
	b.Run(fmt.Sprintf("messages=%d/handler", total), func(b *testing.B) {
		pages := historyPages(sec, 4096)
		h := e.m.server.Handler
		runtime.LockOSThread() // so that the thread's CPU time is the pages'
		defer runtime.UnlockOSThread()
		b.ResetTimer()
		cpu0, thread0 := processCPU(), threadCPU()
		for i := range b.N {
			p := pages[i%len(pages)]
			req := httptest.NewRequest("GET", p.path, nil)
			req.Header.Set("appid", e.appID)
			req.Header.Set("authtoken", p.tok)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("GET %s: %d %.200s", p.path, rec.Code, rec.Body.Bytes())
			}
		}
		b.ReportMetric(float64((threadCPU()-thread0).Microseconds())/float64(b.N), "thread-cpu-us/page")
		b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-us/page")
	})
}

// historyPage is a page request of BenchmarkRESTHistory and the reader's
// token.
type historyPage struct{ path, tok string }

// historyPages draws n pages: a group's or a one-to-one conversation's, the
// 50 messages before a random id of the later half of the log (most pages
// are full).
func historyPages(sec benchSecrets, n int) []historyPage {
	rng := rand.New(rand.NewPCG(5, 6))
	pages := make([]historyPage, n)
	for i := range pages {
		before := sec.Seeded/2 + rng.IntN(sec.Seeded/2) + 1
		var path, viewer string
		if rng.IntN(2) == 0 {
			viewer = histUID(rng.IntN(100))
			path = fmt.Sprintf("/v3/groups/g%d/messages", rng.IntN(10))
		} else {
			a, c := histPair(rng.IntN(500))
			viewer, path = a, "/v3/users/"+c+"/messages"
		}
		pages[i] = historyPage{fmt.Sprintf("%s?limit=50&affix=prepend&id=%d", path, before), sec.Tokens[viewer]}
	}
	return pages
}

// runPages reads b.N pages from readers goroutines.
func runPages(b *testing.B, e *benchEnv, sec benchSecrets, readers int) {
	pages := historyPages(sec, 4096) // drawn before the clock starts
	var (
		next  atomic.Int64
		lat   latencies
		fails atomic.Int64
		wg    sync.WaitGroup
	)
	b.ResetTimer()
	cpu0 := processCPU()
	start := time.Now()
	for range readers {
		wg.Go(func() {
			own := make([]time.Duration, 0, b.N/readers+1)
			for {
				n := next.Add(1) - 1
				if n >= int64(b.N) {
					break
				}
				p := pages[n%int64(len(pages))]
				t0 := time.Now()
				status, body, err := e.do("GET", p.path, nil, "authtoken", p.tok)
				own = append(own, time.Since(t0))
				if err != nil || status != http.StatusOK || bytes.Contains(body, []byte(`"count":0`)) {
					if fails.Add(1) == 1 {
						b.Errorf("GET %s: %d %.200s %v", p.path, status, body, err)
					}
				}
			}
			lat.add(own)
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "pages/s")
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-us/page")
	lat.report(b, "page-")
}

func histUID(i int) string { return fmt.Sprintf("u%03d", i) }

// histPair names the i-th one-to-one conversation's users.
func histPair(i int) (string, string) {
	return histUID(i % 100), histUID((i/100 + i%100 + 1) % 100)
}

// seedHistory sets up the users, groups and messages of
// BenchmarkRESTHistory, unless dir holds them from an earlier run.
func seedHistory(b *testing.B, e *benchEnv, dir, out string, total int) benchSecrets {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(dir, "bench-secrets.json")
	var sec benchSecrets
	if js, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(js, &sec); err != nil {
			b.Fatal(err)
		}
		if sec.Seeded != total {
			b.Fatalf("%s holds %d messages, not %d: use another PARLEY_BENCH_DATA", dir, sec.Seeded, total)
		}
		e.appID, e.restKey = sec.AppID, sec.RESTKey
		return sec
	}
	if e.appID == "" {
		b.Fatalf("%s holds a server that was not seeded here: %s", dir, out)
	}
	start := time.Now()
	sec = benchSecrets{AppID: e.appID, RESTKey: e.restKey}
	sec.Tokens = e.createUsers(b, 100, histUID)
	for g := range 10 {
		guid := fmt.Sprintf("g%d", g)
		e.must(b, "POST", "/v3/groups", map[string]any{"guid": guid, "name": "Group " + guid, "type": "public", "owner": histUID(0)})
		for i := 1; i < 100; i += parley.MaxBulkUIDs {
			var ps []string
			for j := i; j < min(100, i+parley.MaxBulkUIDs); j++ {
				ps = append(ps, histUID(j))
			}
			e.must(b, "POST", "/v3/groups/"+guid+"/members", map[string]any{"participants": ps})
		}
	}
	// One real send per conversation (and direction), read back from the
	// store as the template of its copies.
	send := func(from, to, typ string) *parley.Message {
		d := e.must(b, "POST", "/v3/messages", map[string]any{"receiver": to, "receiverType": typ,
			"category": "message", "type": "text",
			"data": map[string]any{"text": "a text message of about a hundred bytes, as people write them in a chat, give or take"}},
			"onBehalfOf", from)
		var m struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(d, &m); err != nil {
			b.Fatal(err)
		}
		id, _ := strconv.ParseInt(m.ID, 10, 64)
		sm, err := e.m.Store.Message(ctx, e.appID, id)
		if err != nil {
			b.Fatal(err)
		}
		return sm
	}
	var groupTpl, userTpl []*parley.Message
	for g := range 10 {
		for k := range 10 {
			groupTpl = append(groupTpl, send(histUID(k*10+g), fmt.Sprintf("g%d", g), parley.ReceiverGroup))
		}
	}
	for i := range 500 {
		a, c := histPair(i)
		userTpl = append(userTpl, send(a, c, parley.ReceiverUser), send(c, a, parley.ReceiverUser))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const batch = 2000
	for done := len(groupTpl) + len(userTpl); done < total; done += batch {
		ms := make([]*parley.Message, min(batch, total-done))
		for i := range ms {
			tpl := userTpl[rng.IntN(len(userTpl))]
			if rng.IntN(2) == 0 {
				tpl = groupTpl[rng.IntN(len(groupTpl))]
			}
			m := *tpl
			m.ID = 0
			ms[i] = &m
		}
		err := e.m.Store.InTx(ctx, func(tx parley.Tx) error { return tx.AppendMessages(ctx, e.appID, ms...) })
		if err != nil {
			b.Fatal(err)
		}
	}
	sec.Seeded = total
	js, _ := json.Marshal(sec)
	if err := os.WriteFile(path, js, 0o600); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d messages in %v", total, time.Since(start).Round(time.Second))
	return sec
}
