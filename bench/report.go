package bench

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Result is a run's summary: named figures in the order they were set.
// The keys are the --json keys (snake_case); a figure that does not apply
// to a scenario, or can't be measured (the server's memory and CPU
// without its PID), is absent.
type Result struct {
	Scenario string
	figures  []figure
}

type figure struct {
	key string
	val float64
}

// The keys the issue names, then the ones each scenario adds.
const (
	KeyAcceptedPerS     = "accepted_per_s"
	KeyDeliveriesPerS   = "deliveries_per_s"
	KeyDeliveredRatio   = "delivered_ratio"
	KeyLatP50           = "lat_p50_ms"
	KeyLatP99           = "lat_p99_ms"
	KeyLatMax           = "lat_max_ms"
	KeySendP50          = "send_p50_ms"
	KeySendP99          = "send_p99_ms"
	KeyServerRSS        = "server_rss_mb"
	KeyServerCPU        = "server_cpu_s"
	KeyDeliveriesPerCPU = "deliveries_per_server_cpu_s"
	KeyRSSPerConn       = "rss_per_conn_kb"

	KeyDuration       = "duration_s"                // the measured window
	KeyAccepted       = "accepted"                  // messages the server accepted (200)
	KeyDeliveries     = "deliveries"                // (connection, message) pairs received
	KeyExpected       = "expected_deliveries"       // accepted messages × the connections that should get each
	KeySendErrors     = "send_errors"               // sends answered with an error or not at all
	KeyDuplicates     = "duplicates"                // a message received twice on one connection
	KeySendMax        = "send_max_ms"               // slowest send
	KeyMessagesPerCPU = "messages_per_server_cpu_s" // accepted messages per server CPU-second
	KeyServerCPUPct   = "server_cpu_pct"            // server CPU over the window, % of one core
	KeyConns          = "conns"                     // connections open at the end
	KeyConnectS       = "connect_s"                 // time to open and authenticate every connection
	KeyConnectRetries = "connect_retries"           // authentications the server failed (ERR_MISSION_FAILED), tried again
	KeyJoinS          = "join_s"                    // time for every member to join their group
	KeyStored         = "messages_stored"           // history: messages in the conversation set
	KeySeedPerS       = "seed_per_s"                // history: messages stored per second while seeding
	KeyPagesPerS      = "pages_per_s"               // history: pages read per second
	KeyPageP50        = "page_p50_ms"               // history: page latency
	KeyPageP99        = "page_p99_ms"               //
	KeyPageMax        = "page_max_ms"               //
	KeyShortPages     = "short_pages"               // history: pages with fewer messages than asked
	KeyPagesPerCPU    = "pages_per_server_cpu_s"    // history
	KeyReadErrors     = "read_errors"               // history: reads answered with an error
	KeyServerRSSAnon  = "server_rss_anon_mb"        // the server's RssAnon: its RSS without mapped files (the database, if memory-mapped)
	KeyAnonPerConn    = "anon_per_conn_kb"          // idle: like rss_per_conn_kb, from RssAnon
	KeyGeneratorCPU   = "generator_cpu_s"           // this process's CPU over the window
	KeyKeepalive      = "keepalive_s"               // idle: the keepalive each connection declared (--keepalive; absent: not sent, 25)
)

// keyOrder is the order in which figures are shown: the first.
var keyOrder = []string{
	KeyAcceptedPerS, KeyDeliveriesPerS, KeyDeliveredRatio, KeyLatP50, KeyLatP99, KeyLatMax,
	KeySendP50, KeySendP99, KeyServerRSS, KeyServerCPU, KeyDeliveriesPerCPU, KeyRSSPerConn,
	KeyServerRSSAnon, KeyAnonPerConn,
	KeyPagesPerS, KeyPageP50, KeyPageP99, KeyPageMax, KeyPagesPerCPU, KeyServerCPUPct,
	KeyMessagesPerCPU, KeySendMax, KeyDuration, KeyAccepted, KeyDeliveries, KeyExpected,
	KeySendErrors, KeyDuplicates, KeyShortPages, KeyReadErrors, KeyStored, KeySeedPerS,
	KeyConns, KeyKeepalive, KeyConnectS, KeyConnectRetries, KeyJoinS, KeyGeneratorCPU,
}

// set records a figure, in its place in keyOrder (again: replaced).
func (r *Result) set(key string, v float64) {
	for i := range r.figures {
		if r.figures[i].key == key {
			r.figures[i].val = v
			return
		}
	}
	r.figures = append(r.figures, figure{key, v})
	slices.SortStableFunc(r.figures, func(a, b figure) int {
		return cmp.Compare(order(a.key), order(b.key))
	})
}

func order(key string) int {
	if i := slices.Index(keyOrder, key); i >= 0 {
		return i
	}
	return len(keyOrder)
}

// Get returns a figure and whether it was set.
func (r *Result) Get(key string) (float64, bool) {
	for _, f := range r.figures {
		if f.key == key {
			return f.val, true
		}
	}
	return 0, false
}

// round keeps a figure readable: three significant decimals for small
// numbers, one for large ones.
func round(v float64) float64 {
	switch a := math.Abs(v); {
	case a >= 1000:
		return math.Round(v*10) / 10
	case a >= 1:
		return math.Round(v*1000) / 1000
	default:
		return math.Round(v*1e6) / 1e6
	}
}

// JSON is the result as one JSON object on one line.
func (r *Result) JSON() string {
	var b strings.Builder
	b.WriteString(`{"scenario":`)
	b.WriteString(strconv.Quote(r.Scenario))
	for _, f := range r.figures {
		fmt.Fprintf(&b, ",%q:%s", f.key, strconv.FormatFloat(round(f.val), 'f', -1, 64))
	}
	b.WriteString("}")
	return b.String()
}

// Text is the result as lines of "key  value".
func (r *Result) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-28s %s\n", "scenario", r.Scenario)
	for _, f := range r.figures {
		fmt.Fprintf(&b, "%-28s %s\n", f.key, strconv.FormatFloat(round(f.val), 'f', -1, 64))
	}
	return b.String()
}

// progress writes a line a second while a phase runs (to stderr: stdout
// keeps the summary).
type progress struct {
	w     io.Writer
	mu    sync.Mutex
	start time.Time
}

func newProgress(w io.Writer) *progress {
	if w == nil {
		w = io.Discard
	}
	return &progress{w: w, start: time.Now()}
}

func (p *progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "[%5.1fs] %s\n", time.Since(p.start).Seconds(), fmt.Sprintf(format, args...))
}

// every prints line() each second until stop is called.
func (p *progress) every(line func() string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				p.printf("%s", line())
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
