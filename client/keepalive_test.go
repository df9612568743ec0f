package client_test

import (
	"testing"
	"time"

	"github.com/parleychat/parley/client"
	"github.com/parleychat/parley/realtime"
)

// TestKeepalive: a Keepalive that is not whole seconds from 25 to 300 is
// refused by New; a declared one is what the server holds the connection
// to. With the server's timings cut to 250 ms idle (scaled by K/25 for a
// declared keepalive K: 500 ms for 50 s) and no server pings, a client
// that pings every 350 ms stays connected only because it declared 50 s.
func TestKeepalive(t *testing.T) {
	for _, k := range []time.Duration{10 * time.Second, 301 * time.Second, 60500 * time.Millisecond, -time.Second} {
		_, err := client.New(client.Settings{BaseURL: "http://127.0.0.1:1", AppID: "app", Keepalive: k})
		mustCode(t, err, client.CodeInvalidArgument)
	}

	const idle = 250 * time.Millisecond
	s := newServer(t, func(c *realtime.Config) {
		c.WS.IdleTimeout = idle
		c.WS.PingInterval = time.Hour // the server's pings would keep it open; only the client's may
	})
	st := s.settings("alice-device")
	st.Keepalive, st.PingInterval = 50*time.Second, 350*time.Millisecond
	alice, ra := s.user(t, "alice", st)
	for start := time.Now(); time.Since(start) < 4*idle; {
		time.Sleep(idle / 5) // a span of time is what is tested: nothing to poll for
		if n := ra.count("connected"); alice.ConnectionState() != client.StateConnected || n != 1 {
			t.Fatalf("after %v: state %v, %d connections: the declared keepalive was not applied",
				time.Since(start), alice.ConnectionState(), n)
		}
	}
}
