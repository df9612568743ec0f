package ws

// Measurements, skipped unless PARLEY_MEASURE=1 (they open thousands of
// sockets and take a while). The server runs in the test process; the
// clients run in a child process (this test binary re-executed), so their
// memory and goroutines are not counted in the server's figures.
//
//	PARLEY_MEASURE=1 go test -run 'TestMeasure(IdleMemory|Fanout)$' -v ./realtime/ws

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// measureHandler answers a connection's first message ("auth") with "ok",
// like a hub authenticating it, and remembers the connection.
type measureHandler struct {
	mu    sync.Mutex
	conns []*Conn
}

func (h *measureHandler) Message(c *Conn, p []byte) {
	h.mu.Lock()
	h.conns = append(h.conns, c)
	h.mu.Unlock()
	c.Send(Prepare([]byte("ok")))
}

func (h *measureHandler) Closed(*Conn, int) {}

// startMeasureServer serves a Server on a real net/http server on
// 127.0.0.1:0.
func startMeasureServer(t *testing.T, h Handler) (*Server, string) {
	s, err := NewServer(Config{IdleTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Upgrade(w, r, h)
	})}
	go hs.Serve(ln)
	t.Cleanup(func() {
		s.Close()
		hs.Close()
	})
	return s, "ws://" + ln.Addr().String()
}

// startClients runs the client side in a child process and waits until it
// prints READY. Closing the returned writer ends the child.
func startClients(t *testing.T, role, url string, n, frames int) (io.WriteCloser, *bufio.Scanner, *exec.Cmd) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestMeasureClient$")
	cmd.Env = append(os.Environ(),
		"PARLEY_MEASURE_ROLE="+role, "PARLEY_MEASURE_URL="+url,
		"PARLEY_MEASURE_N="+strconv.Itoa(n), "PARLEY_MEASURE_FRAMES="+strconv.Itoa(frames))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if sc.Text() == "READY" {
			return stdin, sc, cmd
		}
		t.Log("client:", sc.Text())
	}
	t.Fatalf("client process ended before READY: %v", sc.Err())
	return nil, nil, nil
}

// vmRSS returns the process's resident set size in KB.
func vmRSS(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			return kb
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// TestMeasureIdleMemory: RSS of the server process per idle connection that
// sent one message and got one answer.
func TestMeasureIdleMemory(t *testing.T) {
	if os.Getenv("PARLEY_MEASURE") != "1" {
		t.Skip("set PARLEY_MEASURE=1")
	}
	n := envInt("PARLEY_MEASURE_CONNS", 10000)
	h := &measureHandler{}
	s, url := startMeasureServer(t, h)
	runtime.GC()
	debug.FreeOSMemory()
	before := vmRSS(t)
	goBefore := runtime.NumGoroutine()
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)

	startClients(t, "idle", url, n, 0)
	if s.Len() != n {
		t.Fatalf("Len = %d, want %d", s.Len(), n)
	}
	time.Sleep(3 * time.Second) // let the connections settle, as the reference measurement did
	settled := vmRSS(t)
	runtime.GC()
	gced := vmRSS(t)
	debug.FreeOSMemory()
	freed := vmRSS(t)
	var ms1 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	per := func(kb int) float64 { return float64(kb-before) / float64(n) }
	t.Logf("%d idle connections, RSS before %d KB", n, before)
	t.Logf("KB per idle connection: %.2f after 3 s; %.2f after runtime.GC; %.2f after debug.FreeOSMemory",
		per(settled), per(gced), per(freed))
	t.Logf("Go heap in use per connection: %.0f B; stacks in use per connection: %.0f B; goroutines %d -> %d",
		float64(ms1.HeapInuse-ms0.HeapInuse)/float64(n), float64(int64(ms1.StackInuse)-int64(ms0.StackInuse))/float64(n),
		goBefore, runtime.NumGoroutine())
}

// TestMeasureFanout: deliveries per second of Prepare'd frames sent to
// every one of 5,000 connections, as fast as possible and then paced at
// 50,000 deliveries/s, with the end-to-end latency the clients observed.
func TestMeasureFanout(t *testing.T) {
	if os.Getenv("PARLEY_MEASURE") != "1" {
		t.Skip("set PARLEY_MEASURE=1")
	}
	n := envInt("PARLEY_MEASURE_CONNS", 5000)
	burst := envInt("PARLEY_MEASURE_BURST", 40)
	paced := envInt("PARLEY_MEASURE_PACED", 30) // frames per connection in the paced phase (10/s)
	h := &measureHandler{}
	_, url := startMeasureServer(t, h)
	_, results, _ := startClients(t, "fanout", url, n, burst+paced)
	h.mu.Lock()
	conns := h.conns
	h.mu.Unlock()
	if len(conns) != n {
		t.Fatalf("%d connections, want %d", len(conns), n)
	}
	pad := strings.Repeat("x", 236) // with the timestamp: a 256-byte message, a chat event's size
	send := func() time.Duration {
		f := Prepare(fmt.Appendf(nil, "%020d%s", time.Now().UnixNano(), pad))
		start := time.Now()
		for _, c := range conns {
			if !c.Send(f) {
				t.Fatal("Send failed")
			}
		}
		return time.Since(start)
	}
	// Burst: all frames back to back; the clients report when they have all.
	cpu := cpuTime()
	start := time.Now()
	var enqueue time.Duration
	for range burst {
		enqueue += send()
	}
	waitDrained(conns)
	written := time.Since(start)
	burstCPU := cpuTime() - cpu
	line := waitLine(t, results)
	elapsed := time.Since(start)
	t.Logf("burst: %d frames x %d connections = %d deliveries; Sends took %v (%.0f/s); all written to the sockets after %v (%.0f deliveries/s); all read by the clients after %v (%.0f deliveries/s); server CPU %.2f µs per delivery; clients: %s",
		burst, n, burst*n, enqueue.Round(time.Millisecond), float64(burst*n)/enqueue.Seconds(),
		written.Round(time.Millisecond), float64(burst*n)/written.Seconds(),
		elapsed.Round(time.Millisecond), float64(burst*n)/elapsed.Seconds(),
		float64(burstCPU.Microseconds())/float64(burst*n), line)
	// Paced: 100 groups of n/100 members; every millisecond a frame to the
	// next group, so each connection gets a frame every 100 ms and the
	// server delivers n frames per 100 ms (50,000/s for n = 5,000).
	const groups = 100
	size := n / groups
	cpu = cpuTime()
	start = time.Now()
	for i := range paced * groups {
		if d := time.Until(start.Add(time.Duration(i) * time.Millisecond)); d > 0 {
			time.Sleep(d)
		}
		f := Prepare(fmt.Appendf(nil, "%020d%s", time.Now().UnixNano(), pad))
		g := i % groups
		for _, c := range conns[g*size : (g+1)*size] {
			if !c.Send(f) {
				t.Fatal("Send failed")
			}
		}
	}
	late := time.Since(start) - time.Duration(paced*groups)*time.Millisecond
	lastSend := time.Now()
	waitDrained(conns)
	backlog := time.Since(lastSend)
	pacedCPU := cpuTime() - cpu
	line = waitLine(t, results)
	t.Logf("paced: %d groups x %d members, one frame per ms (%.0f deliveries/s) for %v, sender %v behind schedule at the end, queues empty %v after the last Send; server CPU %.2f µs per delivery; clients: %s",
		groups, size, float64(size)*1000, time.Duration(paced*groups)*time.Millisecond, late.Round(time.Millisecond), backlog.Round(time.Millisecond),
		float64(pacedCPU.Microseconds())/float64(paced*groups*size), line)
}

// cpuTime is the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// waitDrained waits until no connection has bytes queued or being written.
func waitDrained(conns []*Conn) {
	for {
		busy := false
		for _, c := range conns {
			c.mu.Lock()
			busy = c.queued+c.inflight > 0 || len(c.queue) > 0
			c.mu.Unlock()
			if busy {
				break
			}
		}
		if !busy {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func waitLine(t *testing.T, sc *bufio.Scanner) string {
	if !sc.Scan() {
		t.Fatalf("client process: %v", sc.Err())
	}
	return sc.Text()
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestMeasureClient is the client process of the measurements.
func TestMeasureClient(t *testing.T) {
	role := os.Getenv("PARLEY_MEASURE_ROLE")
	if role == "" {
		t.Skip("only run as the measurements' client process")
	}
	url := os.Getenv("PARLEY_MEASURE_URL")
	n := envInt("PARLEY_MEASURE_N", 1000)
	conns := make([]net.Conn, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				nc, _, _, err := ws.Dial(ctx, url)
				cancel()
				if err != nil {
					fmt.Println("dial:", err)
					os.Exit(1)
				}
				if err := wsutil.WriteClientText(nc, []byte(`{"type":"auth"}`)); err != nil {
					fmt.Println("write:", err)
					os.Exit(1)
				}
				if p, err := wsutil.ReadServerText(nc); err != nil || string(p) != "ok" {
					fmt.Println("auth answer:", string(p), err)
					os.Exit(1)
				}
				conns[i] = nc
			}
		}()
	}
	wg.Wait()
	if role == "fanout" {
		fanoutClient(conns, envInt("PARLEY_MEASURE_FRAMES", 1))
		return
	}
	fmt.Println("READY")
	io.Copy(io.Discard, os.Stdin) // hold the connections until the parent is done
}

// fanoutClient reads frames on every connection and prints the latencies
// once every connection has received the burst, then again once every
// connection has received the paced frames too.
func fanoutClient(conns []net.Conn, frames int) {
	burst := envInt("PARLEY_MEASURE_BURST", 40)
	phase1 := make(chan []time.Duration, len(conns))
	phase2 := make(chan []time.Duration, len(conns))
	for _, nc := range conns {
		go func() {
			// A light reader (a bufio.Reader and one payload buffer per
			// connection), so the client process leaves the CPU to the
			// server as much as it can.
			br := bufio.NewReaderSize(nc, 1024)
			buf := make([]byte, 0, 512)
			var mine []time.Duration
			for i := range frames {
				h, err := ws.ReadHeader(br)
				if err == nil && (h.OpCode != ws.OpText || h.Length < 20 || h.Length > 512) {
					err = fmt.Errorf("unexpected frame %+v", h)
				}
				if err == nil {
					_, err = io.ReadFull(br, buf[:h.Length])
				}
				if err != nil {
					fmt.Println("read:", err)
					os.Exit(1)
				}
				sent, _ := strconv.ParseInt(string(buf[:20]), 10, 64)
				mine = append(mine, time.Duration(time.Now().UnixNano()-sent))
				if i == burst-1 {
					phase1 <- mine
					mine = nil
				}
			}
			phase2 <- mine
		}()
	}
	fmt.Println("READY")
	report := func(ch chan []time.Duration) {
		var ds []time.Duration
		for range conns {
			ds = append(ds, <-ch...)
		}
		slices.Sort(ds)
		q := func(f float64) time.Duration { return ds[int(f*float64(len(ds)-1))].Round(10 * time.Microsecond) }
		fmt.Printf("%d deliveries, latency p50 %v p99 %v max %v, client CPU so far %v\n", len(ds), q(0.5), q(0.99), ds[len(ds)-1].Round(10*time.Microsecond), cpuTime().Round(time.Millisecond))
	}
	report(phase1)
	report(phase2)
	io.Copy(io.Discard, os.Stdin)
}
