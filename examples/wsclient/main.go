// Command wsclient is a tiny Parley WebSocket client for trying the
// real-time protocol (docs/protocol.md) from a terminal: it connects,
// authenticates with an auth token, prints every frame it receives, sends
// each line typed on stdin as a frame (the end of stdin ends only that),
// keeps the connection alive with the protocol's ping, and, with
// -reconnect, resumes from the last message id it saw after the connection
// drops.
//
//	go run ./examples/wsclient -app $APP -token $TOKEN
//
// The token goes in the first frame, never in the URL.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gobwas/ws"
)

func main() {
	url := flag.String("url", "ws://127.0.0.1:8080/v3/ws", "the server's WebSocket endpoint")
	app := flag.String("app", os.Getenv("PARLEY_APP"), "App ID ($PARLEY_APP)")
	token := flag.String("token", os.Getenv("PARLEY_TOKEN"), "auth token ($PARLEY_TOKEN)")
	device := flag.String("device", "wsclient", "device id")
	presence := flag.String("presence", "ALL_USERS", "presence subscription: ALL_USERS, FRIENDS, ROLES (with -roles), or empty")
	roles := flag.String("roles", "", "comma-separated roles, for -presence ROLES")
	resume := flag.String("resume", "", "lastMessageId to resume from (empty: live events only)")
	reconnect := flag.Bool("reconnect", false, "reconnect and resume when the connection drops")
	flag.Parse()
	if *app == "" || *token == "" {
		fmt.Fprintln(os.Stderr, "wsclient: -app and -token are required")
		os.Exit(2)
	}
	c := &client{url: *url, app: *app, lines: make(chan string)}
	auth := map[string]any{"auth": *token, "deviceId": *device}
	if *presence != "" {
		auth["presenceSubscription"] = *presence
	}
	if *roles != "" {
		auth["roles"] = splitComma(*roles)
	}
	go c.readStdin()
	last := *resume
	for {
		if last != "" {
			auth["lastMessageId"] = last
		}
		code, err := c.run(auth, &last)
		fmt.Fprintf(os.Stderr, "wsclient: connection ended: close code %d, %v\n", code, err)
		if !*reconnect || !retryable(code) {
			os.Exit(1)
		}
		time.Sleep(time.Second)
		fmt.Fprintf(os.Stderr, "wsclient: reconnecting, resuming after message %s\n", last)
	}
}

// retryable says whether a close code asks the client to come back (see
// docs/protocol.md, close codes).
func retryable(code int) bool {
	switch code {
	case 4001, 4002, 4003, 4004, 4005, 4006, 1002, 1003, 1009:
		return false
	}
	return true
}

type client struct {
	url, app string
	lines    chan string // stdin, one frame a line
}

func (c *client) readStdin() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		c.lines <- in.Text()
	}
	close(c.lines)
}

// run holds one connection until it ends and returns the close code; last
// follows the id of every message frame, the cursor to resume from.
func (c *client) run(auth map[string]any, last *string) (int, error) {
	d := ws.Dialer{Header: ws.HandshakeHeaderHTTP(http.Header{"appid": {c.app}}), Timeout: 10 * time.Second}
	conn, br, _, err := d.Dial(context.Background(), c.url)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var r io.Reader = conn
	if br != nil {
		r = io.MultiReader(br, conn)
	}
	var wmu sync.Mutex
	write := func(f ws.Frame) error {
		wmu.Lock()
		defer wmu.Unlock()
		conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
		return ws.WriteFrame(conn, ws.MaskFrameInPlace(f))
	}
	b, _ := json.Marshal(map[string]any{"type": "auth", "body": auth})
	if err := write(ws.NewTextFrame(b)); err != nil {
		return 0, err
	}
	done := make(chan struct{})
	defer close(done)
	go func() { // keepalive and stdin
		tick := time.NewTicker(20 * time.Second)
		defer tick.Stop()
		lines := c.lines
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				write(ws.NewTextFrame([]byte(`{"action":"ping","ack":"true"}`)))
			case line, ok := <-lines:
				if !ok {
					// The end of stdin (a script, or </dev/null) is not the
					// end of listening: stop reading it; Ctrl-C quits.
					lines = nil
					continue
				}
				if line != "" {
					write(ws.NewTextFrame([]byte(line)))
				}
			}
		}
	}()
	rd := bufio.NewReader(r)
	for {
		h, err := ws.ReadHeader(rd)
		if err != nil {
			return 0, err
		}
		if h.Length > 16<<20 {
			return 0, errors.New("frame too large")
		}
		p := make([]byte, h.Length)
		if _, err := io.ReadFull(rd, p); err != nil {
			return 0, err
		}
		switch h.OpCode {
		case ws.OpText:
			fmt.Println(string(p))
			var f struct {
				Type string
				Body struct{ ID string }
			}
			if json.Unmarshal(p, &f) == nil && f.Type == "message" && f.Body.ID != "" {
				*last = f.Body.ID
			}
		case ws.OpPing:
			write(ws.NewPongFrame(p))
		case ws.OpClose:
			code, reason := ws.ParseCloseFrameData(p)
			write(ws.NewCloseFrame(p))
			return int(code), errors.New(reason)
		}
	}
}

func splitComma(s string) []string {
	var out []string
	for _, r := range strings.Split(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}
