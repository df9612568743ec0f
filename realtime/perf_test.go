package realtime_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/realtime"
)

// The performance test measures the hub with 100 groups of 50 members,
// each member one connection, the clients in another process:
//
//	PARLEY_PERF=1 go test -run '^TestPerf$' -v -timeout 20m ./realtime
//
// It reports the server's memory per idle authenticated connection, then
// deliveries per second and end-to-end latency: first with messages sent
// over REST (the whole path: HTTP, SQLite commit, broker, hub, socket,
// client), then with message events published straight on the broker at
// fixed rates (the hub's part alone). PARLEY_PERF_GROUPS and
// PARLEY_PERF_MEMBERS change the shape. docs/benchmarks.md has figures.

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// rssKB reads this process's resident set size.
func rssKB(t *testing.T) int {
	runtime.GC()
	debug.FreeOSMemory()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

func TestPerf(t *testing.T) {
	if os.Getenv("PARLEY_PERF") == "" {
		t.Skip("set PARLEY_PERF=1 to measure (minutes)")
	}
	groups, members := envInt("PARLEY_PERF_GROUPS", 100), envInt("PARLEY_PERF_MEMBERS", 50)
	e := newEnv(t, func(c *realtime.Config) { c.PresenceGrace = time.Minute; c.AuthTimeout = time.Minute })
	ctx := context.Background()

	// Users (one per group membership) and groups, over REST, 8 at a time.
	n := groups * members
	tokens := make([]string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			tokens[i] = e.user(t, fmt.Sprintf("u%05d", i))
		})
	}
	wg.Wait()
	for g := range groups {
		guid := fmt.Sprintf("g%03d", g)
		e.group(t, guid, "public", fmt.Sprintf("u%05d", g*members))
		for lo := g*members + 1; lo < (g+1)*members; lo += parley.MaxBulkUIDs {
			var batch []string
			for i := lo; i < min(lo+parley.MaxBulkUIDs, (g+1)*members); i++ {
				batch = append(batch, fmt.Sprintf("u%05d", i))
			}
			e.ok(t, "POST", "/v3/groups/"+guid+"/members", map[string]any{"participants": batch}, e.asKey())
		}
	}
	file := t.TempDir() + "/tokens"
	if err := os.WriteFile(file, []byte(strings.Join(tokens, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}

	before := rssKB(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestPerfClient$", "-test.timeout=0")
	cmd.Env = append(os.Environ(), "PARLEY_PERF_CLIENT="+file, "PARLEY_PERF_URL="+e.WSURL, "PARLEY_PERF_APP="+e.AppID)
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	out := bufio.NewScanner(stdout)
	expect := func(prefix string) string {
		for out.Scan() {
			if line := out.Text(); strings.HasPrefix(line, prefix) {
				return strings.TrimPrefix(line, prefix)
			}
		}
		t.Fatalf("client process ended before %q: %v", prefix, out.Err())
		return ""
	}
	start := time.Now()
	expect("READY")
	t.Logf("%d connections authenticated in %v", n, time.Since(start).Round(time.Millisecond))
	checkFor(t, time.Minute, func() error { // presence writes done, the hub at rest
		if c := e.Hub.Conns(); c != n {
			return fmt.Errorf("%d connections", c)
		}
		return nil
	})
	time.Sleep(3 * time.Second) // let the connect storm's garbage and goroutines go
	after := rssKB(t)
	t.Logf("idle: server RSS %d KB -> %d KB: %.2f KB per authenticated connection", before, after, float64(after-before)/float64(n))

	phase := func(name string, d time.Duration, run func(stop <-chan struct{})) {
		fmt.Fprintf(stdin, "PHASE\n")
		expect("OK")
		stop := make(chan struct{})
		began := time.Now()
		done := make(chan struct{})
		go func() { run(stop); close(done) }()
		time.Sleep(d)
		close(stop)
		<-done
		time.Sleep(500 * time.Millisecond) // the last deliveries
		elapsed := time.Since(began)
		fmt.Fprintf(stdin, "STATS\n")
		var st struct {
			Count         int64
			P50, P99, Max float64
		}
		json.Unmarshal([]byte(expect("STATS")), &st)
		t.Logf("%-28s %8.0f deliveries/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  (%d deliveries)",
			name, float64(st.Count)/(elapsed-500*time.Millisecond).Seconds(), st.P50, st.P99, st.Max, st.Count)
	}

	// The whole path: REST sends from 8 clients, as fast as they go.
	var sent atomic.Int64
	phase("REST, 8 senders", 10*time.Second, func(stop <-chan struct{}) {
		var wg sync.WaitGroup
		for s := range 8 {
			wg.Go(func() {
				for k := s; ; k += 8 {
					select {
					case <-stop:
						return
					default:
					}
					g := k % groups
					e.send(t, fmt.Sprintf("u%05d", g*members), fmt.Sprintf("g%03d", g), "group",
						fmt.Sprintf("ts=%d", time.Now().UnixNano()))
					sent.Add(1)
				}
			})
		}
		wg.Wait()
	})
	t.Logf("REST: %d messages sent in 10 s (%.0f/s)", sent.Load(), float64(sent.Load())/10)

	// The hub alone: message events on the broker at fixed rates, ids
	// following the log's.
	next, err := e.Svc.LatestMessageID(ctx, e.AppID)
	if err != nil {
		t.Fatal(err)
	}
	for _, rate := range perfRates() {
		profiling := false
		if f := os.Getenv("PARLEY_PERF_CPUPROFILE"); f != "" && rate == 1000 { // the server's side of one phase
			w, err := os.Create(f)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			profiling = pprof.StartCPUProfile(w) == nil
		}
		phase(fmt.Sprintf("broker, %d msg/s", rate), 5*time.Second, func(stop <-chan struct{}) {
			began := time.Now()
			published := 0
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
				due := int(time.Since(began).Seconds() * float64(rate))
				for ; published < due; published++ {
					next++
					g := int(next) % groups
					e.Broker.Publish(ctx, syntheticMessage(e.AppID, next, fmt.Sprintf("g%03d", g), fmt.Sprintf("u%05d", g*members)))
				}
			}
		})
		if profiling {
			pprof.StopCPUProfile()
		}
	}
	fmt.Fprintf(stdin, "QUIT\n")
	cmd.Wait()
}

// syntheticMessage is a group message event shaped like the ones chat
// publishes (about 700 bytes of body).
func syntheticMessage(appID string, id int64, guid, sender string) *parley.Event {
	now := time.Now()
	body := fmt.Sprintf(`{"id":"%d","conversationId":"group_%s","sender":"%s","receiver":"%s","receiverType":"group",`+
		`"category":"message","type":"text","data":{"text":"ts=%d","entities":{"receiver":{"entity":{"guid":"%s",`+
		`"name":"Group %s","type":"public","owner":"%s","membersCount":50,"createdAt":%d,"updatedAt":%d,`+
		`"conversationId":"group_%s"},"entityType":"group"},"sender":{"entity":{"uid":"%s","name":"User %s",`+
		`"role":"default","status":"available","lastActiveAt":%d,"createdAt":%d,"updatedAt":%d},"entityType":"user"}}},`+
		`"sentAt":%d,"updatedAt":%d}`, id, guid, sender, guid, now.UnixNano(), guid, guid, sender, now.Unix(), now.Unix(),
		guid, sender, sender, now.Unix(), now.Unix(), now.Unix(), now.Unix(), now.Unix())
	return &parley.Event{AppID: appID, Type: parley.EventMessage, Sender: sender, Receiver: guid,
		ReceiverType: parley.ReceiverGroup, Body: json.RawMessage(body), Route: parley.Route{MessageID: id}}
}

// latencies is a histogram of 10 µs buckets up to 100 ms, updated by many
// readers at once.
type latencies struct {
	buckets [10000]atomic.Int64
	over    atomic.Int64
	max     atomic.Int64
}

func (l *latencies) add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	if b := int(d / (10 * time.Microsecond)); b < len(l.buckets) {
		l.buckets[b].Add(1)
	} else {
		l.over.Add(1)
	}
	for m := l.max.Load(); int64(d) > m && !l.max.CompareAndSwap(m, int64(d)); m = l.max.Load() {
	}
}

func (l *latencies) reset() {
	for i := range l.buckets {
		l.buckets[i].Store(0)
	}
	l.over.Store(0)
	l.max.Store(0)
}

// stats returns the count and the p50, p99 and max in milliseconds.
func (l *latencies) stats() (int64, float64, float64, float64) {
	var total int64
	for i := range l.buckets {
		total += l.buckets[i].Load()
	}
	total += l.over.Load()
	pct := func(p float64) float64 {
		want := int64(float64(total) * p)
		var seen int64
		for i := range l.buckets {
			if seen += l.buckets[i].Load(); seen >= want {
				return float64(i+1) * 0.01
			}
		}
		return 100
	}
	return total, pct(0.50), pct(0.99), float64(l.max.Load()) / 1e6
}

// TestPerfClient is the client side of TestPerf, run in a process of its
// own: it connects every token, then reads, recording each message's
// latency from the "ts=" its text carries, and answers the commands on
// stdin.
func TestPerfClient(t *testing.T) {
	file := os.Getenv("PARLEY_PERF_CLIENT")
	if file == "" {
		t.Skip("the client process of TestPerf")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tokens := strings.Split(string(b), "\n")
	url, app := os.Getenv("PARLEY_PERF_URL"), os.Getenv("PARLEY_PERF_APP")
	var lat latencies
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for _, tok := range tokens {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			d := ws.Dialer{Header: ws.HandshakeHeaderHTTP(http.Header{"appid": {app}}), Timeout: time.Minute}
			conn, br, _, err := d.Dial(context.Background(), url)
			if err != nil {
				t.Errorf("dial: %v", err)
				return
			}
			var r io.Reader = conn
			if br != nil {
				r = io.MultiReader(br, conn)
			}
			auth, _ := json.Marshal(map[string]any{"type": "auth", "body": map[string]any{"auth": tok}})
			ws.WriteFrame(conn, ws.MaskFrameInPlace(ws.NewTextFrame(auth)))
			rd := bufio.NewReaderSize(r, 4096)
			f, err := readFrame(rd)
			for err == nil && f.Header.OpCode == ws.OpPing { // a long connect storm: the server pings
				ws.WriteFrame(conn, ws.MaskFrameInPlace(ws.NewPongFrame(f.Payload)))
				f, err = readFrame(rd)
			}
			if err != nil || !bytes.Contains(f.Payload, []byte(`"200"`)) {
				t.Errorf("auth: %s %v", f.Payload, err)
				return
			}
			go func() {
				buf := make([]byte, 0, 4096)
				for {
					h, err := ws.ReadHeader(rd)
					if err != nil {
						return
					}
					if int(h.Length) > cap(buf) {
						buf = make([]byte, h.Length)
					}
					p := buf[:h.Length]
					if _, err := io.ReadFull(rd, p); err != nil {
						return
					}
					if h.OpCode == ws.OpPing {
						ws.WriteFrame(conn, ws.MaskFrameInPlace(ws.NewPongFrame(p)))
						continue
					}
					if i := bytes.Index(p, []byte(`"text":"ts=`)); i >= 0 {
						p = p[i+len(`"text":"ts=`):]
						if j := bytes.IndexByte(p, '"'); j > 0 {
							if ns, err := strconv.ParseInt(string(p[:j]), 10, 64); err == nil {
								lat.add(time.Since(time.Unix(0, ns)))
							}
						}
					}
				}
			}()
		})
	}
	wg.Wait()
	fmt.Printf("READY %d\n", len(tokens))
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch in.Text() {
		case "PHASE":
			lat.reset()
			fmt.Println("OK")
		case "STATS":
			n, p50, p99, mx := lat.stats()
			js, _ := json.Marshal(map[string]any{"Count": n, "P50": p50, "P99": p99, "Max": mx})
			fmt.Printf("STATS%s\n", js)
		case "QUIT":
			return
		}
	}
}

// perfRates are the broker phase's rates in messages a second
// (PARLEY_PERF_RATES, comma-separated, to change them).
func perfRates() []int {
	rates := []int{200, 500, 1000, 1500, 2000}
	if s := os.Getenv("PARLEY_PERF_RATES"); s != "" {
		rates = nil
		for _, f := range strings.Split(s, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
				rates = append(rates, n)
			}
		}
	}
	return rates
}
