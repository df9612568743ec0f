package ws

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// testHandler echoes each message (or runs message) and records Closed calls.
type testHandler struct {
	message func(c *Conn, p []byte)

	mu     sync.Mutex
	closed map[*Conn][]int
}

func (h *testHandler) Message(c *Conn, p []byte) {
	if h.message != nil {
		h.message(c, p)
		return
	}
	c.Send(Prepare(p))
}

func (h *testHandler) Closed(c *Conn, code int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed == nil {
		h.closed = make(map[*Conn][]int)
	}
	h.closed[c] = append(h.closed[c], code)
}

// codes returns the codes Closed was called with for c.
func (h *testHandler) codes(c *Conn) []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]int(nil), h.closed[c]...)
}

// waitClosed waits until Closed was called for c and checks it was called
// exactly once, with want.
func (h *testHandler) waitClosed(t *testing.T, c *Conn, want int) {
	t.Helper()
	waitFor(t, 10*time.Second, "Closed called", func() bool { return len(h.codes(c)) > 0 })
	got := h.codes(c)
	if len(got) != 1 || got[0] != want {
		t.Fatalf("Closed codes = %v, want [%d]", got, want)
	}
}

// testServer is a Server behind httptest; conns receives each upgraded
// connection in order.
type testServer struct {
	*Server
	url   string
	http  *httptest.Server
	conns chan *Conn
}

func newTestServer(t *testing.T, cfg Config, h Handler) *testServer {
	t.Helper()
	s, err := NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := newHTTPServer(t, s, h)
	t.Cleanup(func() { s.Close() })
	return ts
}

// newHTTPServer serves s with httptest; it does not close s at cleanup.
func newHTTPServer(t *testing.T, s *Server, h Handler) *testServer {
	ts := &testServer{Server: s, conns: make(chan *Conn, 1024)}
	ts.http = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := s.Upgrade(w, r, h)
		if err != nil {
			return
		}
		ts.conns <- c
	}))
	ts.url = "ws" + strings.TrimPrefix(ts.http.URL, "http")
	t.Cleanup(ts.http.Close)
	return ts
}

// next returns the server side of the next connection.
func (ts *testServer) next(t *testing.T) *Conn {
	t.Helper()
	select {
	case c := <-ts.conns:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no connection upgraded")
		return nil
	}
}

// client is a real WebSocket client (gobwas/ws), reading frame by frame so
// tests see exactly what the server sent.
type client struct {
	t  *testing.T
	nc net.Conn
	r  io.Reader
}

func dial(t *testing.T, url string) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	nc, br, _, err := ws.Dial(ctx, url)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { nc.Close() })
	c := &client{t: t, nc: nc, r: nc}
	if br != nil {
		c.r = io.MultiReader(br, nc)
	}
	return c
}

func (c *client) writeText(s string) {
	c.t.Helper()
	if err := wsutil.WriteClientText(c.nc, []byte(s)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *client) writeRaw(b []byte) {
	c.t.Helper()
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// readFrame reads one frame within 10 s.
func (c *client) readFrame() (ws.Frame, error) {
	c.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	return readWire(c.r)
}

// readWire reads one server frame (at most 1 MiB) from r.
func readWire(r io.Reader) (ws.Frame, error) {
	h, err := ws.ReadHeader(r)
	if err != nil {
		return ws.Frame{}, err
	}
	if h.Length > 1<<20 {
		return ws.Frame{}, fmt.Errorf("frame of %d bytes", h.Length)
	}
	p := make([]byte, h.Length)
	if _, err := io.ReadFull(r, p); err != nil {
		return ws.Frame{}, err
	}
	if h.Masked {
		ws.Cipher(p, h.Mask, 0)
	}
	return ws.Frame{Header: h, Payload: p}, nil
}

// readText reads the next frame and checks it is a text frame.
func (c *client) readText() string {
	c.t.Helper()
	f, err := c.readFrame()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	if f.Header.OpCode != ws.OpText || !f.Header.Fin {
		c.t.Fatalf("got frame op %v fin %v (%q), want a final text frame", f.Header.OpCode, f.Header.Fin, f.Payload)
	}
	return string(f.Payload)
}

// readClose reads frames until a close frame, skipping pings, and returns
// its code and reason; it fails on a text frame.
func (c *client) readClose() (int, string) {
	c.t.Helper()
	for {
		f, err := c.readFrame()
		if err != nil {
			c.t.Fatalf("read: %v (want a close frame)", err)
		}
		switch f.Header.OpCode {
		case ws.OpPing:
			continue
		case ws.OpClose:
			if len(f.Payload) < 2 {
				return CloseNoStatus, ""
			}
			return int(binary.BigEndian.Uint16(f.Payload)), string(f.Payload[2:])
		default:
			c.t.Fatalf("got frame op %v (%q), want close", f.Header.OpCode, f.Payload)
		}
	}
}

// expectEOF checks the server closed the TCP connection.
func (c *client) expectEOF() {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	var b [1]byte
	_, err := c.r.Read(b[:])
	if err == nil || (!errors.Is(err, io.EOF) && !isReset(err)) {
		c.t.Fatalf("read after close: %v, want EOF", err)
	}
}

func isReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

// rawFrame builds a client frame byte by byte, valid or not: b0 is FIN,
// RSV and opcode; the payload is masked when masked is set.
func rawFrame(b0 byte, masked bool, payload []byte) []byte {
	var b []byte
	n := len(payload)
	maskBit := byte(0)
	if masked {
		maskBit = 0x80
	}
	switch {
	case n <= 125:
		b = []byte{b0, maskBit | byte(n)}
	case n <= 0xffff:
		b = []byte{b0, maskBit | 126, 0, 0}
		binary.BigEndian.PutUint16(b[2:], uint16(n))
	default:
		b = []byte{b0, maskBit | 127, 0, 0, 0, 0, 0, 0, 0, 0}
		binary.BigEndian.PutUint64(b[2:], uint64(n))
	}
	if !masked {
		return append(b, payload...)
	}
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	b = append(b, key[:]...)
	for i, x := range payload {
		b = append(b, x^key[i&3])
	}
	return b
}

const (
	fin = 0x80
	rsv = 0x40
)

// closeBody is a close frame's payload.
func closeBody(code int, reason string) []byte {
	b := binary.BigEndian.AppendUint16(nil, uint16(code))
	return append(b, reason...)
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// rawHandshake is a client handshake request sent by hand, so tests can put
// frames in the same write.
func rawHandshake(host string) string {
	return "GET / HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
}

// readHandshake reads the server's 101 response from br.
func readHandshake(t *testing.T, br *bufio.Reader) {
	t.Helper()
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("status %d, want 101", resp.StatusCode)
	}
}
