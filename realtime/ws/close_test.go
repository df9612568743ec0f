package ws

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/internal/syncbuf"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// The client closes: the server answers with the same code after what it
// had queued, closes the socket, and reports the code once.
func TestCloseFromClient(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{}, h)
	cl := dial(t, ts.url)
	sc := ts.next(t)
	cl.writeText("last words")
	cl.writeRaw(rawFrame(fin|opClose, true, closeBody(CloseNormal, "bye")))
	if got := cl.readText(); got != "last words" {
		t.Fatalf("echo = %q", got)
	}
	if code, _ := cl.readClose(); code != CloseNormal {
		t.Fatalf("close reply code = %d, want 1000", code)
	}
	cl.expectEOF()
	h.waitClosed(t, sc, CloseNormal)
	if sc.Send(Prepare([]byte("late"))) {
		t.Error("Send after close returned true")
	}
	waitFor(t, 5*time.Second, "Len 0", func() bool { return ts.Len() == 0 })
}

// A close frame without a code is answered with an empty close frame and
// reported as 1005.
func TestCloseFromClientNoStatus(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{}, h)
	cl := dial(t, ts.url)
	sc := ts.next(t)
	cl.writeRaw(rawFrame(fin|opClose, true, nil))
	if code, _ := cl.readClose(); code != CloseNoStatus {
		t.Fatalf("close reply code = %d, want an empty close frame", code)
	}
	h.waitClosed(t, sc, CloseNoStatus)
}

// The server closes: queued frames go first, then the close frame with the
// code and reason; the client's answer completes the handshake; Send then
// fails and Closed is called once.
func TestCloseFromServer(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{}, h)
	cl := dial(t, ts.url)
	sc := ts.next(t)
	for i := range 3 {
		if !sc.Send(Prepare(fmt.Appendf(nil, "queued %d", i))) {
			t.Fatal("Send failed on an open connection")
		}
	}
	sc.Close(4100, "see you")
	sc.Close(4200, "second close is ignored")
	if sc.Send(Prepare([]byte("late"))) {
		t.Error("Send after Close returned true")
	}
	for i := range 3 {
		if got, want := cl.readText(), fmt.Sprintf("queued %d", i); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	if code, reason := cl.readClose(); code != 4100 || reason != "see you" {
		t.Fatalf("close = %d %q, want 4100 %q", code, reason, "see you")
	}
	cl.writeRaw(rawFrame(fin|opClose, true, closeBody(4100, "")))
	cl.expectEOF()
	h.waitClosed(t, sc, 4100)
}

// A client that drops the TCP connection without a close frame is reported
// as 1006.
func TestAbruptDisconnect(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{}, h)
	cl := dial(t, ts.url)
	sc := ts.next(t)
	cl.writeRaw(rawFrame(opText, true, []byte("half a messa"))) // a fragment in progress
	cl.nc.Close()
	h.waitClosed(t, sc, CloseAbnormal)
	if ts.Len() != 0 {
		t.Errorf("Len = %d, want 0", ts.Len())
	}
}

// A client that sends nothing, not even pongs, is closed with 4000.
func TestIdleTimeout(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{IdleTimeout: 150 * time.Millisecond}, h)
	cl := dial(t, ts.url)
	sc := ts.next(t)
	start := time.Now()
	if code, _ := cl.readClose(); code != CloseIdle { // pings are skipped, not answered
		t.Fatalf("close code = %d, want 4000", code)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("closed after %v, before IdleTimeout", d)
	}
	cl.writeRaw(rawFrame(fin|opClose, true, closeBody(CloseIdle, "")))
	h.waitClosed(t, sc, CloseIdle)
}

// The server pings connections it has not heard from; a client that
// answers them stays connected well past IdleTimeout.
func TestServerPingsKeepAlive(t *testing.T) {
	h := &testHandler{}
	const idle = 200 * time.Millisecond
	ts := newTestServer(t, Config{IdleTimeout: idle, PingInterval: 40 * time.Millisecond}, h)
	cl := dial(t, ts.url)
	sc := ts.next(t)
	start := time.Now()
	pings := 0
	for time.Since(start) < 3*idle {
		f, err := cl.readFrame()
		if err != nil {
			t.Fatal(err)
		}
		if f.Header.OpCode != ws.OpPing {
			t.Fatalf("got op %v %q, want ping", f.Header.OpCode, f.Payload)
		}
		pings++
		cl.writeRaw(rawFrame(fin|opPong, true, f.Payload))
	}
	if pings < 3 {
		t.Errorf("%d pings in %v", pings, 3*idle)
	}
	if got := h.codes(sc); len(got) != 0 || ts.Len() != 1 {
		t.Fatalf("connection closed (%v) although it answered pings", got)
	}
}

// A client that stops reading fills its queue and is closed with 4008,
// while a fast client on the same server receives every frame, and Send
// never blocks the caller.
func TestSlowConsumer(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{MaxQueue: 256 << 10, WriteTimeout: 10 * time.Second}, h)
	fast := dial(t, ts.url)
	fastConn := ts.next(t)
	slow := dial(t, ts.url)
	slowConn := ts.next(t)

	pad := strings.Repeat("p", 16<<10)
	got := make(chan string, 16)
	go func() { // the fast client reads as it comes
		defer close(got)
		for {
			fast.nc.SetReadDeadline(time.Now().Add(20 * time.Second))
			p, err := wsutil.ReadServerText(fast.nc)
			if err != nil {
				return
			}
			got <- string(p[:8])
		}
	}()
	sent := 0
	for ; ; sent++ {
		if sent > 5000 {
			t.Fatal("the slow client was never closed")
		}
		f := Prepare([]byte(fmt.Sprintf("%08d", sent) + pad))
		start := time.Now()
		if !fastConn.Send(f) {
			t.Fatalf("Send to the fast client failed at frame %d", sent)
		}
		okSlow := slowConn.Send(f)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Send took %v", d)
		}
		if g := <-got; g != fmt.Sprintf("%08d", sent) {
			t.Fatalf("fast client got frame %s, want %d", g, sent)
		}
		if !okSlow {
			break
		}
	}
	// The slow client now reads: the frames that had been handed to the
	// socket, in order and without a gap, then the close frame.
	for i := 0; ; i++ {
		f, err := slow.readFrame()
		if err != nil {
			t.Fatalf("slow client: %v after %d frames", err, i)
		}
		if f.Header.OpCode == ws.OpClose {
			if code := int(f.Payload[0])<<8 | int(f.Payload[1]); code != CloseSlow {
				t.Fatalf("close code = %d, want 4008", code)
			}
			if i == 0 || i >= sent {
				t.Errorf("slow client read %d frames of %d sent", i, sent)
			}
			break
		}
		if want := fmt.Sprintf("%08d", i); string(f.Payload[:8]) != want {
			t.Fatalf("slow client frame %d is %s", i, f.Payload[:8])
		}
	}
	h.waitClosed(t, slowConn, CloseSlow)
	// The fast client is unaffected.
	if !fastConn.Send(Prepare([]byte("after-it"))) {
		t.Fatal("Send to the fast client failed")
	}
	if g := <-got; g != "after-it" {
		t.Fatalf("fast client got %q", g)
	}
}

// A client that stops reading while its queue is still under MaxQueue is
// closed when a write cannot finish within WriteTimeout, also as 4008.
func TestWriteTimeout(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{MaxQueue: 1 << 30, WriteTimeout: 100 * time.Millisecond}, h)
	dial(t, ts.url) // never reads
	sc := ts.next(t)
	// 32 MiB: more than the socket buffers hold, far less than MaxQueue.
	f := Prepare(bytes.Repeat([]byte("w"), 64<<10))
	for range 512 {
		if !sc.Send(f) {
			break // already timed out
		}
	}
	h.waitClosed(t, sc, CloseSlow)
}

// A panic in Message is logged with its stack and closes that connection
// with 1011; the poller and the other connections go on.
func TestHandlerPanic(t *testing.T) {
	var logs syncbuf.Buffer
	h := &testHandler{message: func(c *Conn, p []byte) {
		if string(p) == "boom" {
			panic("handler bug")
		}
		c.Send(Prepare(p))
	}}
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	ts := newTestServer(t, Config{Pollers: 1, Logger: logger}, h)
	bad := dial(t, ts.url)
	badConn := ts.next(t)
	good := dial(t, ts.url)
	bad.writeText("boom")
	if code, _ := bad.readClose(); code != CloseInternalError {
		t.Fatalf("close code = %d, want 1011", code)
	}
	good.writeText("fine")
	if got := good.readText(); got != "fine" {
		t.Fatalf("echo = %q", got)
	}
	bad.nc.Close()
	h.waitClosed(t, badConn, CloseInternalError)
	if out := logs.String(); !strings.Contains(out, "handler bug") || !strings.Contains(out, "close_test.go") {
		t.Errorf("log lacks the panic and its stack:\n%s", out)
	}
}

// Server.Close flushes what is queued, sends 1001 to every connection,
// reports each closed, and leaves no goroutine behind.
func TestServerClose(t *testing.T) {
	base := runtime.NumGoroutine()
	h := &testHandler{}
	s, err := NewServer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(t, s, h)
	const n = 20
	var clients []*client
	var conns []*Conn
	for range n {
		clients = append(clients, dial(t, srv.url))
		conns = append(conns, srv.next(t))
	}
	for _, c := range conns {
		c.Send(Prepare([]byte("queued before close")))
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, cl := range clients {
		wg.Add(1)
		go func() { // each client reads, then answers the close
			defer wg.Done()
			cl.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
			f, err := readWire(cl.r)
			if err != nil || string(f.Payload) != "queued before close" {
				errs <- fmt.Errorf("first frame %q, %v", f.Payload, err)
				return
			}
			f, err = readWire(cl.r)
			if err != nil || f.Header.OpCode != ws.OpClose || int(f.Payload[0])<<8|int(f.Payload[1]) != CloseGoingAway {
				errs <- fmt.Errorf("want close 1001, got %v %q, %v", f.Header.OpCode, f.Payload, err)
				return
			}
			cl.nc.Write(rawFrame(fin|opClose, true, closeBody(CloseGoingAway, "")))
		}()
	}
	s.Close()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, c := range conns {
		h.waitClosed(t, c, CloseGoingAway)
	}
	if s.Len() != 0 {
		t.Errorf("Len = %d after Close", s.Len())
	}
	if err := dialErr(srv.url); err == nil {
		t.Error("upgrade after Close succeeded")
	}
	srv.http.Close()
	for _, cl := range clients {
		cl.nc.Close()
	}
	waitFor(t, 10*time.Second, fmt.Sprintf("goroutines back to %d", base), func() bool {
		return runtime.NumGoroutine() <= base
	})
}

// dialErr dials and returns the error, nil on success.
func dialErr(url string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	nc, _, _, err := ws.Dial(ctx, url)
	if err == nil {
		nc.Close()
	}
	return err
}

// Sends from many goroutines racing with closes from both sides and with
// the socket dropping: no race, no panic, Closed exactly once each.
func TestConcurrentSendAndClose(t *testing.T) {
	h := &testHandler{}
	ts := newTestServer(t, Config{MaxQueue: 64 << 10}, h)
	const n = 12
	var wg sync.WaitGroup
	var conns []*Conn
	for i := range n {
		cl := dial(t, ts.url)
		sc := ts.next(t)
		conns = append(conns, sc)
		f := Prepare(bytes.Repeat([]byte{'c'}, 512))
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 300 {
					sc.Send(f)
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 3 {
			case 0: // the server closes
				sc.Close(4001, "done")
				wsutil.ReadServerData(cl.nc)
			case 1: // the client closes
				cl.nc.Write(rawFrame(fin|opClose, true, closeBody(CloseNormal, "")))
			case 2: // the socket drops
				cl.nc.Close()
			}
			io.Copy(io.Discard, cl.nc)
		}()
	}
	wg.Wait()
	for _, sc := range conns {
		sc.Close(CloseNormal, "")
		waitFor(t, 10*time.Second, "Closed called", func() bool { return len(h.codes(sc)) > 0 })
	}
	waitFor(t, 10*time.Second, "Len 0", func() bool { return ts.Len() == 0 })
	for _, sc := range conns {
		if got := h.codes(sc); len(got) != 1 {
			t.Errorf("Closed called %d times: %v", len(got), got)
		}
		if sc.Send(Prepare([]byte("x"))) {
			t.Error("Send on a closed connection returned true")
		}
	}
}
