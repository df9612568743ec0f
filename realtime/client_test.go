package realtime_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// client is a test WebSocket client on a real socket: it records every
// frame the server sends, answers pings, and reports how the server closed
// the connection.
type client struct {
	t    testing.TB
	uid  string
	conn net.Conn
	rd   io.Reader
	wmu  sync.Mutex // one writer at a time: frames must not interleave

	mu     sync.Mutex
	frames []frame
	cursor int // frames before it were taken by next
	done   chan struct{}
	code   int    // close code received (0: none, the connection just ended)
	reason string // close reason
	lite   bool   // see dialOpts
}

// frame is one server frame as a client reads it.
type frame struct {
	AppID        string          `json:"appId"`
	Type         string          `json:"type"`
	Action       string          `json:"action"`
	Sender       string          `json:"sender"`
	Receiver     string          `json:"receiver"`
	ReceiverType string          `json:"receiverType"`
	DeviceID     string          `json:"deviceId"`
	Body         json.RawMessage `json:"body"`
	raw          string
	at           time.Time // when it was read
	id           int64     // a message frame's message id
}

func (f frame) body() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(f.Body, &m)
	return m
}

// str returns a string field of the body.
func (f frame) str(k string) string { s, _ := f.body()[k].(string); return s }

// messageID is the id of a message frame, 0 for other frames.
func (f frame) messageID() int64 { return f.id }

// parseMessageID reads the id of a message frame.
func (f frame) parseMessageID() int64 {
	if f.Type != "message" {
		return 0
	}
	var m struct {
		ID json.Number `json:"id"`
	}
	_ = json.Unmarshal(f.Body, &m)
	id, _ := m.ID.Int64()
	if id == 0 { // ids are strings on the wire
		var s struct{ ID string }
		_ = json.Unmarshal(f.Body, &s)
		fmt.Sscan(s.ID, &id)
	}
	return id
}

// liteFrame reads a message frame's type and id by their place in
// the envelope the server writes ({"appId":…,"type":…,…,"body":{"id":"N",…}),
// without decoding the rest.
func liteFrame(p []byte) frame {
	var f frame
	if _, rest, ok := bytes.Cut(p, []byte(`"type":"`)); ok {
		if typ, _, ok := bytes.Cut(rest, []byte(`"`)); ok {
			f.Type = string(typ)
		}
	}
	if f.Type == "message" {
		if _, rest, ok := bytes.Cut(p, []byte(`"body":{"id":"`)); ok {
			if id, _, ok := bytes.Cut(rest, []byte(`"`)); ok {
				f.id, _ = strconv.ParseInt(string(id), 10, 64)
			}
		}
	}
	f.raw = string(p[:min(len(p), 200)])
	return f
}

// dialOpts configures a dial.
type dialOpts struct {
	header http.Header
	query  string
	rcvbuf int  // the client socket's receive buffer, to play a slow reader
	noRead bool // don't start the reader: the test reads (or doesn't)
	lite   bool // record only each frame's type and message id (no JSON decoding: many clients, big frames)
}

// dial opens a WebSocket to the hub with the default app in the appid header.
func (e *env) dial(t testing.TB, uid string) *client {
	t.Helper()
	c, err := e.dialWith(t, uid, dialOpts{header: http.Header{"appid": {e.AppID}}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return c
}

func (e *env) dialWith(t testing.TB, uid string, o dialOpts) (*client, error) {
	t.Helper()
	d := ws.Dialer{Header: ws.HandshakeHeaderHTTP(o.header), Timeout: 10 * time.Second}
	if o.rcvbuf > 0 {
		nd := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			err := rc.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, o.rcvbuf)
			})
			return errors.Join(err, serr)
		}}
		d.NetDial = nd.DialContext
	}
	url := e.WSURL
	if o.query != "" {
		url += "?" + o.query
	}
	conn, br, _, err := d.Dial(context.Background(), url)
	if err != nil {
		return nil, err
	}
	c := &client{t: t, uid: uid, conn: conn, rd: conn, done: make(chan struct{}), lite: o.lite}
	if br != nil {
		c.rd = io.MultiReader(br, conn)
	}
	t.Cleanup(func() { c.conn.Close() })
	if !o.noRead {
		go c.readLoop()
	}
	return c, nil
}

// readLoop records frames until the connection ends.
func (c *client) readLoop() {
	defer close(c.done)
	br := bufio.NewReader(c.rd)
	for {
		f, err := readFrame(br)
		if err != nil {
			return
		}
		switch f.Header.OpCode {
		case ws.OpText:
			var fr frame
			if c.lite {
				fr = liteFrame(f.Payload)
			}
			if fr.Type != "message" { // every frame in full but, for lite clients, messages
				if json.Unmarshal(f.Payload, &fr) != nil {
					fr = frame{Type: "<not JSON>"}
				}
				fr.raw = string(f.Payload)
				fr.id = fr.parseMessageID()
			}
			fr.at = time.Now()
			c.mu.Lock()
			c.frames = append(c.frames, fr)
			c.mu.Unlock()
		case ws.OpPing:
			c.write(ws.NewPongFrame(f.Payload))
		case ws.OpClose:
			code, reason := ws.ParseCloseFrameData(f.Payload)
			c.mu.Lock()
			c.code, c.reason = int(code), reason
			c.mu.Unlock()
			c.write(ws.NewCloseFrame(f.Payload))
			c.conn.Close()
			return
		}
	}
}

// readFrame reads one frame of at most 4 MiB.
func readFrame(r io.Reader) (ws.Frame, error) {
	h, err := ws.ReadHeader(r)
	if err != nil {
		return ws.Frame{}, err
	}
	if h.Length > 4<<20 {
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

func (c *client) write(f ws.Frame) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return ws.WriteFrame(c.conn, ws.MaskFrameInPlace(f))
}

// send writes v as a JSON text frame.
func (c *client) send(v any) {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(b)
}

func (c *client) sendRaw(b []byte) {
	c.t.Helper()
	if err := c.write(ws.NewTextFrame(b)); err != nil {
		c.t.Errorf("%s: write: %v", c.uid, err)
	}
}

// all returns a copy of the frames received so far.
func (c *client) all() []frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]frame(nil), c.frames...)
}

// of returns the frames of one type received so far.
func (c *client) of(typ string) []frame {
	var out []frame
	for _, f := range c.all() {
		if f.Type == typ {
			out = append(out, f)
		}
	}
	return out
}

// await waits for a frame after the cursor that matches and moves the
// cursor past it.
func (c *client) await(desc string, match func(frame) bool) frame {
	c.t.Helper()
	var got frame
	checkFor(c.t, 15*time.Second, func() error {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i := c.cursor; i < len(c.frames); i++ {
			if match(c.frames[i]) {
				got, c.cursor = c.frames[i], i+1
				return nil
			}
		}
		select {
		case <-c.done:
			return fmt.Errorf("%s: connection closed (code %d %q) before %s; got %s", c.uid, c.code, c.reason, desc, c.summaryLocked())
		default:
		}
		return fmt.Errorf("%s: no %s; got %s", c.uid, desc, c.summaryLocked())
	})
	return got
}

func (c *client) summaryLocked() string {
	var b strings.Builder
	for i, f := range c.frames {
		if i >= 40 {
			fmt.Fprintf(&b, " ... (%d frames)", len(c.frames))
			break
		}
		b.WriteString(" ")
		if len(f.raw) > 160 {
			b.WriteString(f.raw[:160] + "…")
		} else {
			b.WriteString(f.raw)
		}
	}
	return b.String()
}

// waitHas waits until some frame received matches, wherever it is; the
// cursor stays.
func (c *client) waitHas(desc string, match func(frame) bool) frame {
	c.t.Helper()
	var got frame
	checkFor(c.t, 15*time.Second, func() error {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, f := range c.frames {
			if match(f) {
				got = f
				return nil
			}
		}
		return fmt.Errorf("%s: no %s; got %s", c.uid, desc, c.summaryLocked())
	})
	return got
}

// awaitType waits for the next frame of a type.
func (c *client) awaitType(typ string) frame {
	c.t.Helper()
	return c.await(typ+" frame", func(f frame) bool { return f.Type == typ })
}

// awaitMessage waits for the message frame with id.
func (c *client) awaitMessage(id int64) frame {
	c.t.Helper()
	return c.await(fmt.Sprintf("message %d", id), func(f frame) bool { return f.messageID() == id })
}

// awaitError waits for an error frame with code.
func (c *client) awaitError(code string) frame {
	c.t.Helper()
	return c.await("error "+code, func(f frame) bool { return f.Type == "error" && f.str("code") == code })
}

// closed waits for the connection to end and returns the close code the
// server sent (0 when none came).
func (c *client) closed() (int, string) {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		c.t.Fatalf("%s: connection still open", c.uid)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.code, c.reason
}

// wantClosed waits for the connection to end with code.
func (c *client) wantClosed(code int) {
	c.t.Helper()
	if got, reason := c.closed(); got != code {
		c.t.Fatalf("%s: closed with %d %q, want %d", c.uid, got, reason, code)
	}
}

// isOpen reports whether the connection is still up.
func (c *client) isOpen() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// messageIDs returns the ids of the message frames received, in order.
func (c *client) messageIDs() []int64 {
	var ids []int64
	for _, f := range c.all() {
		if id := f.messageID(); id > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// auth is an auth frame.
func auth(token string, body map[string]any) map[string]any {
	b := map[string]any{"auth": token}
	for k, v := range body {
		b[k] = v
	}
	return map[string]any{"type": "auth", "body": b}
}

// connect dials, authenticates with token and waits for the answer.
func (e *env) connect(t testing.TB, uid, token string, body ...map[string]any) *client {
	t.Helper()
	return e.connectWith(t, uid, token, dialOpts{}, body...)
}

// connectWith is connect with dial options (the app goes in the header).
func (e *env) connectWith(t testing.TB, uid, token string, o dialOpts, body ...map[string]any) *client {
	t.Helper()
	o.header = http.Header{"appid": {e.AppID}}
	c, err := e.dialWith(t, uid, o)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	var b map[string]any
	if len(body) > 0 {
		b = body[0]
	}
	c.send(auth(token, b))
	f := c.await("auth answer", func(f frame) bool { return f.Type == "auth" || f.Type == "error" })
	if f.Type != "auth" || f.str("code") != "200" || f.str("status") != "OK" {
		t.Fatalf("%s: auth answered %s", uid, f.raw)
	}
	return c
}
