package httpapi

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/parleychat/parley"
)

// A request body must keep arriving: at least minBytes in every window,
// else its next read fails and the request is answered 408. This replaces
// http.Server.ReadTimeout, which bounds the whole body and so would cut off
// a large upload on a slow link; a minimum rate stops only the trickle
// (a body of one byte every few seconds, holding a connection forever).
//
// The window is a read deadline on the connection, set through
// http.ResponseController when the handler first reads and moved on each
// time minBytes have come. It is cleared when the body ends: past that
// point net/http reads the connection in the background to notice a client
// that hangs up, and a stale deadline would cancel the request.

// errBodyTooSlow is the read error of a body below the minimum rate.
var errBodyTooSlow = errors.New("the request body arrived too slowly")

// minRateBody enforces the minimum rate on a request body.
type minRateBody struct {
	body     io.ReadCloser
	w        http.ResponseWriter
	rc       *http.ResponseController // nil until the first read
	window   time.Duration
	minBytes int64
	got      int64 // bytes in the current window
	off      bool  // the connection takes no deadlines (a test recorder)
}

func (b *minRateBody) Read(p []byte) (int, error) {
	if b.rc == nil {
		b.rc = http.NewResponseController(b.w)
		b.arm()
	}
	n, err := b.body.Read(p)
	if b.got += int64(n); b.got >= b.minBytes && err == nil {
		b.arm()
	}
	switch {
	case err == io.EOF:
		b.clear()
	case err != nil && errors.Is(err, os.ErrDeadlineExceeded):
		err = errBodyTooSlow
	}
	return n, err
}

func (b *minRateBody) Close() error { return b.body.Close() }

// arm starts a window.
func (b *minRateBody) arm() {
	b.got = 0
	if !b.off && b.rc.SetReadDeadline(time.Now().Add(b.window)) != nil {
		b.off = true
	}
}

func (b *minRateBody) clear() {
	if !b.off {
		_ = b.rc.SetReadDeadline(time.Time{})
	}
}

// timeoutErr is the API error of a body below the minimum rate. Its status
// is 408, the one status no error kind decides (see statusFor).
func timeoutErr() error {
	return parley.Errorf(parley.KindInvalid, parley.CodeRequestTimeout,
		"the request body arrived too slowly")
}

// isUpgrade reports whether r asks to switch protocols (a WebSocket).
func isUpgrade(r *http.Request) bool {
	if r.Header.Get("Upgrade") == "" {
		return false
	}
	for _, v := range r.Header.Values("Connection") {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				return true
			}
		}
	}
	return false
}
