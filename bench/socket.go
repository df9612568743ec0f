package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// socket is a lean WebSocket client of /v3/ws: one goroutine reads it,
// answers the server's pings (which keep an idle connection open) and
// hands each text message's bytes to the caller, who decodes only what it
// needs.
type socket struct {
	conn net.Conn
	rd   *wsutil.Reader
	ctl  wsutil.FrameHandlerFunc
	buf  []byte
}

// wsURL is the WebSocket address of a server's http:// base URL.
func wsURL(base string) string {
	if rest, ok := strings.CutPrefix(base, "https://"); ok {
		return "wss://" + rest + "/v3/ws"
	}
	return "ws://" + strings.TrimPrefix(base, "http://") + "/v3/ws"
}

// dialSocket connects and authenticates with token, declaring keepalive
// seconds unless 0; it returns once the server accepted the auth frame
// (and, with a keepalive, reported it: a server that ignored it, one from
// before keepalives, would be measured at its defaults unawares).
func dialSocket(ctx context.Context, url, app, token string, keepalive int) (*socket, error) {
	d := ws.Dialer{Header: ws.HandshakeHeaderHTTP(http.Header{"appid": {app}}), Timeout: time.Minute}
	conn, br, _, err := d.Dial(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	var src io.Reader = conn
	if br != nil { // the server wrote before the handshake's end was read
		src = io.MultiReader(br, conn)
	}
	s := &socket{conn: conn, ctl: wsutil.ControlFrameHandler(conn, ws.StateClientSide), buf: make([]byte, 0, 2048)}
	s.rd = &wsutil.Reader{Source: bufio.NewReaderSize(src, 2048), State: ws.StateClientSide}
	auth := append([]byte(`{"type":"auth","body":{"auth":`), strconv.Quote(token)...)
	var ka []byte // the auth answer's report of the keepalive
	if keepalive != 0 {
		ka = strconv.AppendInt([]byte(`"keepalive":`), int64(keepalive), 10)
		auth = append(append(auth, ','), ka...)
	}
	if err := wsutil.WriteClientText(conn, append(auth, "}}"...)); err != nil {
		conn.Close()
		return nil, fmt.Errorf("auth: %w", err)
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		p, err := s.next()
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("auth: %w", err)
		}
		if !bytes.Contains(p, []byte(`"type":"auth"`)) && !bytes.Contains(p, []byte(`"type":"error"`)) {
			continue
		}
		if !bytes.Contains(p, []byte(`"code":"200"`)) {
			conn.Close()
			return nil, fmt.Errorf("auth refused: %.300s", p)
		}
		if ka != nil && !bytes.Contains(p, ka) {
			conn.Close()
			return nil, fmt.Errorf("the server did not take keepalive %d (a server without keepalives?): %.300s", keepalive, p)
		}
		conn.SetReadDeadline(time.Time{})
		return s, nil
	}
}

// next returns the next text message; the bytes are valid until the next
// call. Pings are answered on the way.
func (s *socket) next() ([]byte, error) {
	for {
		h, err := s.rd.NextFrame()
		if err != nil {
			return nil, err
		}
		if h.OpCode.IsControl() {
			if err := s.ctl(h, s.rd); err != nil {
				return nil, err
			}
			continue
		}
		if h.OpCode != ws.OpText && h.OpCode != ws.OpBinary {
			if err := s.rd.Discard(); err != nil {
				return nil, err
			}
			continue
		}
		s.buf = s.buf[:0]
		for { // the message's bytes, over its fragments
			if len(s.buf) == cap(s.buf) {
				s.buf = append(s.buf, 0)[:len(s.buf)]
			}
			n, err := s.rd.Read(s.buf[len(s.buf):cap(s.buf)])
			s.buf = s.buf[:len(s.buf)+n]
			if err == io.EOF {
				return s.buf, nil
			}
			if err != nil {
				return nil, err
			}
		}
	}
}

func (s *socket) close() { s.conn.Close() }

// connectConc is how many sockets connect at once. More only queue in
// the server: each authentication reads the user's memberships and
// relations in a transaction, and a crowd of them times out there.
const connectConc = 32

// connect opens and authenticates a socket for token (declaring
// keepalive seconds unless 0), trying again (up to 3 times, after 100 ms,
// 200 ms, 400 ms) when the server could not set the session up; r.retries
// counts the retries, reported with the result.
func (r *runner) connect(ctx context.Context, url, token string, keepalive int) (*socket, error) {
	wait := 100 * time.Millisecond
	for try := 0; ; try++ {
		s, err := dialSocket(ctx, url, r.t.AppID, token, keepalive)
		if err == nil || try == 3 || ctx.Err() != nil {
			return s, err
		}
		r.retries.Add(1)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
		}
		wait *= 2
	}
}
