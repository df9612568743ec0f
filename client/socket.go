package client

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
	"sync"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/parleychat/parley"
)

// The WebSocket is github.com/gobwas/ws: the server's own transport is
// built on it, so it is a dependency already, and its client side (Dial,
// frame reading and writing) is all the SDK needs.

const (
	dialTimeout  = 10 * time.Second
	writeTimeout = 10 * time.Second
	maxFrame     = 16 << 20 // the largest message frame the SDK reads
)

// socket is one WebSocket connection: frames are written one at a time
// (writes of several goroutines must not interleave) and read by one
// goroutine.
type socket struct {
	nc  net.Conn
	rd  *wsutil.Reader
	wmu sync.Mutex

	readWait time.Duration // a read that waits longer means the peer is gone
}

// CloseError is how the server closed a connection: the close code and
// reason of its close frame (docs/protocol.md §11). The errors a
// connection listener's OnDisconnected receives wrap it when there was
// one: errors.As(err, &ce).
type CloseError struct {
	Code   int    // the close code: 4008, 1001, …
	Reason string // the reason text, often empty
}

// Error implements error.
func (e *CloseError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("connection closed by the server: %d %s", e.Code, e.Reason)
	}
	return fmt.Sprintf("connection closed by the server: %d", e.Code)
}

// dialSocket opens a WebSocket to the server's /v3/ws with the app in the
// appid header. An upgrade the server refused is a *parley.Error with the
// code of its error envelope.
func (c *Client) dialSocket(ctx context.Context) (*socket, error) {
	var refused *parley.Error
	d := ws.Dialer{
		Header:  ws.HandshakeHeaderHTTP(http.Header{"appid": {c.s.AppID}}),
		Timeout: dialTimeout,
		NetDial: c.s.Dial,
		OnStatusError: func(status int, reason []byte, resp io.Reader) {
			refused = &parley.Error{Kind: kindOf(status), Code: CodeBadResponse,
				Message: fmt.Sprintf("WebSocket upgrade refused: %d %s", status, reason)}
			var env envelope
			b, _ := io.ReadAll(io.LimitReader(resp, 64<<10))
			if json.Unmarshal(b, &env) == nil && env.Error != nil {
				refused.Code, refused.Message = env.Error.Code, env.Error.Message
			}
		},
	}
	nc, br, _, err := d.Dial(ctx, c.wsURL)
	if err != nil {
		if refused != nil {
			return nil, refused
		}
		return nil, &parley.Error{Kind: parley.KindUnavailable, Code: CodeConnection,
			Message: "the WebSocket could not connect", Err: err}
	}
	var src io.Reader = nc
	if br != nil { // bytes the server sent right after the handshake: keep them, the reader goes back to a pool
		buf, _ := br.Peek(br.Buffered())
		src = io.MultiReader(bytes.NewReader(bytes.Clone(buf)), nc)
		ws.PutReader(br)
	}
	s := &socket{nc: nc, readWait: 2*c.s.PingInterval + 10*time.Second}
	s.rd = &wsutil.Reader{Source: bufio.NewReader(src), State: ws.StateClientSide, CheckUTF8: true,
		MaxMessageSize: maxFrame, OnIntermediate: s.control}
	return s, nil
}

// write sends one frame, masked as a client's must be.
func (s *socket) write(f ws.Frame) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_ = s.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	return ws.WriteFrame(s.nc, ws.MaskFrameInPlace(f))
}

// writeJSON sends v as a text frame.
func (s *socket) writeJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.write(ws.NewTextFrame(b))
}

// read returns the next text message. It answers pings, and returns a
// *CloseError when the server closes the connection.
func (s *socket) read() ([]byte, error) {
	for {
		_ = s.nc.SetReadDeadline(time.Now().Add(s.readWait))
		h, err := s.rd.NextFrame()
		if err != nil {
			return nil, err
		}
		if h.OpCode.IsControl() {
			if err := s.control(h, s.rd); err != nil {
				return nil, err
			}
			continue
		}
		if h.OpCode != ws.OpText {
			if err := s.rd.Discard(); err != nil {
				return nil, err
			}
			continue
		}
		return io.ReadAll(s.rd)
	}
}

// control handles a control frame: a ping is answered, a close returns
// the server's code.
func (s *socket) control(h ws.Header, r io.Reader) error {
	payload, err := io.ReadAll(io.LimitReader(r, 125))
	if err != nil {
		return err
	}
	switch h.OpCode {
	case ws.OpPing:
		return s.write(ws.NewPongFrame(payload))
	case ws.OpClose:
		code, reason := ws.ParseCloseFrameData(payload)
		_ = s.write(ws.NewCloseFrame(ws.NewCloseFrameBody(code, "")))
		if code == 0 {
			code = ws.StatusNoStatusRcvd
		}
		return &CloseError{Code: int(code), Reason: reason}
	}
	return nil
}

// close says goodbye with code and closes the connection.
func (s *socket) close(code ws.StatusCode) {
	_ = s.write(ws.NewCloseFrame(ws.NewCloseFrameBody(code, "")))
	_ = s.nc.Close()
}

// closeCode is the close code err carries, 0 for a connection that just
// dropped.
func closeCode(err error) int {
	var ce *CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}
