package client_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/client"
	"github.com/parleychat/parley/realtime"
)

// TestReconnectExactlyOnce: the server drops an auto-mode client's
// connection three times (no close frame, as a lost network or a crashed
// proxy would) while another user keeps sending to it, one-to-one and in a
// group; the client reconnects by itself, resuming after the last message
// it received, and its listener ends with every message exactly once, in
// the order sent.
func TestReconnectExactlyOnce(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	alice, _ := s.user(t, "alice", manual(s, "alice"))
	var d dialer
	st := s.settings("bob-device")
	st.Dial = d.dial
	bob, rb := s.user(t, "bob", st)
	if _, _, err := alice.CreateGroup(ctx, parley.NewGroup{GUID: "g", Name: "G", Type: parley.GroupPublic,
		Members: parley.MemberLists{Participants: []string{"bob"}}}); err != nil {
		t.Fatal(err)
	}

	const n = 60
	var (
		mu   sync.Mutex
		sent []int64
	)
	errs := make(chan error, 1)
	go func() {
		defer close(errs)
		for i := range n {
			to := client.ToUser("bob")
			if i%3 == 2 {
				to = client.ToGroup("g")
			}
			m, err := alice.SendText(ctx, to, fmt.Sprintf("m%02d", i))
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			sent = append(sent, m.ID)
			mu.Unlock()
		}
	}()

	for i, after := range []int{5, 20, 35} {
		checkFor(t, wait, func() error {
			if got, conns := len(rb.texts()), rb.count("connected"); got < after || conns != i+1 {
				return fmt.Errorf("drop %d: %d messages heard (want %d), %d connections (want %d)", i, got, after, conns, i+1)
			}
			return nil
		})
		if err := s.conns.drop(d.last()); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	checkFor(t, wait, func() error {
		if got := len(rb.texts()); got < n {
			return fmt.Errorf("%d of %d messages heard", got, n)
		}
		return nil
	})
	var got []int64
	for _, m := range rb.texts() {
		got = append(got, m.ID)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(got, sent) {
		t.Errorf("heard ids %v\nwant     %v (each once, in order)", got, sent)
	}
	if c := rb.count("connected"); c < 4 {
		t.Errorf("%d connections for 3 drops", c)
	}
	for _, e := range rb.of("disconnected", nil) {
		if e.err == nil {
			t.Errorf("a dropped connection reported no error")
		} else if code := parley.CodeOf(e.err); code != client.CodeConnection {
			t.Errorf("a dropped connection reported %v (code %s), want %s", e.err, code, client.CodeConnection)
		}
	}
	if last := bob.LastMessageID(); last != sent[n-1] {
		t.Errorf("LastMessageID %d, want %d", last, sent[n-1])
	}
}

// TestResumeTruncated: a client away for more messages than the server
// sends on resume fetches the rest over REST, and its listener still gets
// each message once, in order.
func TestResumeTruncated(t *testing.T) {
	s := newServer(t, func(c *realtime.Config) { c.ResumeLimit = 5 })
	ctx := context.Background()
	alice, _ := s.user(t, "alice", manual(s, "alice"))
	bob, rb := s.user(t, "bob", manual(s, "bob"))
	if err := bob.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	var sent []int64
	send := func(text string) {
		t.Helper()
		m, err := alice.SendText(ctx, client.ToUser("bob"), text)
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, m.ID)
	}
	send("before")
	rb.await(t, "text", withID(sent[0]))
	bob.Disconnect()
	for i := range 12 {
		send(fmt.Sprintf("away %d", i))
	}
	if err := bob.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	send("back")
	checkFor(t, wait, func() error {
		if got := len(rb.texts()); got < len(sent) {
			return fmt.Errorf("%d of %d heard", got, len(sent))
		}
		return nil
	})
	var got []int64
	for _, m := range rb.texts() {
		got = append(got, m.ID)
	}
	if !slices.Equal(got, sent) {
		t.Errorf("heard %v, want %v", got, sent)
	}
	rb.mu.Lock()
	truncated := 0
	for _, e := range rb.events {
		if e.Type == client.EventResumeTruncated {
			truncated++
		}
	}
	rb.mu.Unlock()
	if truncated != 1 {
		t.Errorf("%d resume_truncated events, want 1 (the test must exercise the REST refill)", truncated)
	}
}

// TestManualMode: in manual mode there is no connection until Connect;
// Disconnect stops events, presence follows each, a reconnect delivers
// what was missed, and the SDK's pings keep an idle connection open past
// the server's idle timeout.
func TestManualMode(t *testing.T) {
	const idle = 900 * time.Millisecond
	s := newServer(t, func(c *realtime.Config) {
		c.WS.IdleTimeout = idle
		c.WS.PingInterval = time.Hour // the server's pings would keep it open; only the client's may
	})
	ctx := context.Background()
	// alice pings as often as bob: with the default interval her own
	// connection would go idle and reconnect, and miss bob's presence
	// while it is down (presence is not replayed).
	sa := s.settings("alice-device")
	sa.PingInterval = idle / 6
	alice, ra := s.user(t, "alice", sa)
	st := manual(s, "bob")
	st.PingInterval = idle / 6
	bob, rb := s.user(t, "bob", st)
	status := func(want string) func() error {
		return func() error {
			u, err := alice.User(ctx, "bob")
			if err != nil {
				return err
			}
			if u.Status != want {
				return fmt.Errorf("bob is %s, want %s", u.Status, want)
			}
			return nil
		}
	}

	// Logged in, not connected.
	if st := bob.ConnectionState(); st != client.StateDisconnected {
		t.Fatalf("state %v before Connect", st)
	}
	checkFor(t, wait, func() error {
		if n := s.Hub.Conns(); n != 1 {
			return fmt.Errorf("%d WebSocket connections, want alice's only", n)
		}
		return nil
	})
	checkFor(t, wait, status(parley.StatusOffline))
	err := bob.StartTyping(ctx, client.ToUser("alice"), nil)
	mustCode(t, err, client.CodeNotConnected)
	m1, err := alice.SendText(ctx, client.ToUser("bob"), "before connect")
	if err != nil {
		t.Fatal(err)
	}
	ra.await(t, "text", withID(m1.ID))

	// Connect: online, events flow, from the first connection on.
	if err := bob.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if st := bob.ConnectionState(); st != client.StateConnected {
		t.Fatalf("state %v after Connect", st)
	}
	ra.await(t, "online", func(e entry) bool { return e.user.UID == "bob" })
	checkFor(t, wait, status(parley.StatusAvailable))
	m2, err := alice.SendText(ctx, client.ToUser("bob"), "connected")
	if err != nil {
		t.Fatal(err)
	}
	rb.await(t, "text", withID(m2.ID))
	if n := len(rb.of("text", withID(m1.ID))); n != 0 {
		t.Errorf("bob heard a message sent before his first Connect")
	}

	// Idle for three idle timeouts: the SDK's pings keep the connection.
	start := time.Now()
	for time.Since(start) < 3*idle {
		if bob.ConnectionState() != client.StateConnected || rb.count("connected") != 1 {
			t.Fatalf("the connection did not survive %v idle: %s", time.Since(start), rb.kinds())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Disconnect: offline, no events.
	bob.Disconnect()
	if st := bob.ConnectionState(); st != client.StateDisconnected {
		t.Fatalf("state %v after Disconnect", st)
	}
	if e := rb.await(t, "disconnected", nil); e.err != nil {
		t.Errorf("Disconnect reported %v", e.err)
	}
	ra.await(t, "offline", func(e entry) bool { return e.user.UID == "bob" })
	checkFor(t, wait, status(parley.StatusOffline))
	m3, err := alice.SendText(ctx, client.ToUser("bob"), "while away")
	if err != nil {
		t.Fatal(err)
	}
	ra.await(t, "text", withID(m3.ID)) // routed: alice's own connection has it
	if n := len(rb.of("text", withID(m3.ID))); n != 0 {
		t.Errorf("bob heard a message while disconnected")
	}

	// Connect again: what was missed comes first, once; a listener may
	// disconnect from its callback.
	bob.OnMessage(client.MessageListener{OnText: func(m *parley.Message) {
		if m.Data.Text == "bye" {
			bob.Disconnect()
		}
	}})
	if err := bob.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	m4, err := alice.SendText(ctx, client.ToUser("bob"), "bye")
	if err != nil {
		t.Fatal(err)
	}
	rb.await(t, "text", withID(m4.ID))
	var got []int64
	for _, m := range rb.texts() {
		got = append(got, m.ID)
	}
	if want := []int64{m2.ID, m3.ID, m4.ID}; !slices.Equal(got, want) {
		t.Errorf("bob heard %v, want %v", got, want)
	}
	checkFor(t, wait, func() error {
		if st := bob.ConnectionState(); st != client.StateDisconnected {
			return fmt.Errorf("state %v after a listener's Disconnect", st)
		}
		return nil
	})
}
