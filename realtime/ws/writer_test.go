package ws

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// A burst of frames to many connections, queued from one goroutine as a
// router does (frame i to every connection, then frame i+1), reaches every
// connection whole and in order through the shard writers, and the writers
// leave no goroutine behind.
func TestBurstToManyConnectionsInOrder(t *testing.T) {
	t.Parallel()
	h := &testHandler{}
	ts := newTestServer(t, Config{Pollers: 2}, h)
	const conns, frames = 100, 200
	clients := make([]*client, conns)
	sconns := make([]*Conn, conns)
	for i := range clients {
		clients[i] = dial(t, ts.url)
		sconns[i] = ts.next(t)
	}
	pre := make([]*Frame, frames)
	for i := range pre {
		pre[i] = Prepare(fmt.Appendf(nil, "frame %04d %s", i, bytes.Repeat([]byte("x"), i%300)))
	}
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for _, cl := range clients {
		wg.Go(func() {
			r := bufio.NewReader(cl.r)
			cl.nc.SetReadDeadline(time.Now().Add(30 * time.Second))
			for i := range frames {
				p, err := readTextWire(r)
				if err != nil {
					errs <- fmt.Errorf("frame %d: %w", i, err)
					return
				}
				if want := fmt.Sprintf("frame %04d ", i); !bytes.HasPrefix(p, []byte(want)) {
					errs <- fmt.Errorf("frame %d: got %.12q", i, p)
					return
				}
			}
		})
	}
	for _, f := range pre {
		for _, c := range sconns {
			if !c.Send(f) {
				t.Fatal("Send refused")
			}
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, c := range sconns {
		c.mu.Lock()
		q, w := len(c.queue), c.writing
		c.mu.Unlock()
		if q != 0 || w {
			t.Errorf("after the burst a connection holds %d frames (writing %v)", q, w)
		}
	}
}

// A client that stops reading for a while, under MaxQueue and within
// WriteTimeout, fills its socket: the rest of its frames wait for it
// without holding up another connection of the same shard, and once it
// reads again it gets every frame in order, then later frames as usual.
func TestFullSocketResumesInOrder(t *testing.T) {
	t.Parallel()
	h := &testHandler{}
	ts := newTestServer(t, Config{Pollers: 1, MaxQueue: 64 << 20, WriteTimeout: 30 * time.Second}, h)
	stalled := dial(t, ts.url)
	sc := ts.next(t)
	other := dial(t, ts.url)
	oc := ts.next(t)

	pad := bytes.Repeat([]byte("p"), 32<<10)
	const n = 256 // 8 MiB: more than the socket buffers hold
	for i := range n {
		if !sc.Send(Prepare(append(fmt.Appendf(nil, "%06d", i), pad...))) {
			t.Fatalf("Send %d refused", i)
		}
	}
	// The other connection, on the same writer, is served meanwhile.
	if !oc.Send(Prepare([]byte("still served"))) {
		t.Fatal("Send to the other connection refused")
	}
	if got := other.readText(); got != "still served" {
		t.Fatalf("other connection got %q", got)
	}
	r := bufio.NewReader(stalled.r)
	stalled.nc.SetReadDeadline(time.Now().Add(30 * time.Second))
	for i := range n {
		p, err := readTextWire(r)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if want := fmt.Sprintf("%06d", i); string(p[:6]) != want || len(p) != 6+len(pad) {
			t.Fatalf("frame %d: got %q, %d bytes", i, p[:6], len(p))
		}
	}
	if !sc.Send(Prepare([]byte("after"))) {
		t.Fatal("Send after the stall refused")
	}
	if p, err := readTextWire(r); err != nil || string(p) != "after" {
		t.Fatalf("after the stall: %q, %v", p, err)
	}
	if got := h.codes(sc); len(got) != 0 {
		t.Fatalf("the stalled connection was closed: %v", got)
	}
}

// The server pings only connections it has not heard from for
// PingInterval: a client that speaks more often than that gets no ping,
// and a silent one is pinged once per quiet spell and kept open by its
// pongs.
func TestServerPingsOnlyQuietConnections(t *testing.T) {
	t.Parallel()
	// Wide margins, half the idle timeout each: the chatty client must
	// never look quiet for a ping interval, and the quiet one's pong must
	// arrive before the idle close, even on a loaded machine under -race
	// (at 600 ms and 400 ms it failed at load 13).
	const idle = 1200 * time.Millisecond
	h := &testHandler{message: func(*Conn, []byte) {}} // no echo
	ts := newTestServer(t, Config{IdleTimeout: idle, PingInterval: idle / 2}, h)
	chatty := dial(t, ts.url)
	cc := ts.next(t)
	quiet := dial(t, ts.url)
	qc := ts.next(t)

	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { // the chatty client speaks every 20 ms for 3 idle timeouts
		defer close(done)
		for start := time.Now(); time.Since(start) < 3*idle; {
			if wsutil.WriteClientText(chatty.nc, []byte("hello")) != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	chattyPings := make(chan int, 1)
	wg.Go(func() {
		pings := 0
		for {
			chatty.nc.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			f, err := readWire(chatty.r)
			if err == nil && f.Header.OpCode == ws.OpPing {
				pings++
			}
			select {
			case <-done:
				chattyPings <- pings
				return
			default:
			}
		}
	})
	pings := 0
	for {
		select {
		case <-done:
		default:
			quiet.nc.SetReadDeadline(time.Now().Add(2 * idle))
			f, err := quiet.readFrame()
			if err != nil {
				t.Fatalf("quiet client: %v after %d pings", err, pings)
			}
			if f.Header.OpCode != ws.OpPing {
				t.Fatalf("quiet client got op %v", f.Header.OpCode)
			}
			pings++
			quiet.writeRaw(rawFrame(fin|opPong, true, f.Payload))
			continue
		}
		break
	}
	wg.Wait()
	if got := <-chattyPings; got != 0 {
		t.Errorf("the chatty client was pinged %d times", got)
	}
	if pings < 2 {
		t.Errorf("the quiet client was pinged %d times in %v", pings, 3*idle)
	}
	if got := append(h.codes(cc), h.codes(qc)...); len(got) != 0 {
		t.Fatalf("a connection was closed: %v", got)
	}
}

// readTextWire reads one server frame from r and wants a text frame.
func readTextWire(r io.Reader) ([]byte, error) {
	f, err := readWire(r)
	if err != nil {
		return nil, err
	}
	if f.Header.OpCode != ws.OpText {
		return nil, fmt.Errorf("op %v, want text", f.Header.OpCode)
	}
	return f.Payload, nil
}

// BenchmarkPrepare encodes a ~300-byte text frame (a message event).
func BenchmarkPrepare(b *testing.B) {
	p := bytes.Repeat([]byte("x"), 300)
	b.ReportAllocs()
	for b.Loop() {
		Prepare(p)
	}
}
