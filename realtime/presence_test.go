package realtime_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/parleychat/parley/realtime"
)

// presenceOf matches a presence frame about uid with status.
func presenceOf(uid, status string) func(frame) bool {
	return func(f frame) bool {
		u, _ := f.body()["user"].(map[string]any)
		return f.Type == "presence" && f.Sender == uid && f.str("status") == status && u["uid"] == uid
	}
}

// TestPresenceModes tests that each subscription mode receives the
// presence of exactly the users it names (all users, users of the named
// roles, friends, or nobody), never across a block, and never a user's
// own.
func TestPresenceModes(t *testing.T) {
	e := newEnv(t)
	e.ok(t, "POST", "/v3/roles", map[string]any{"role": "vip", "name": "VIP"}, e.asKey())
	tokens := map[string]string{
		"pal":   e.user(t, "pal"),
		"star":  e.user(t, "star", map[string]any{"role": "vip"}),
		"plain": e.user(t, "plain"),
	}
	modes := map[string]map[string]any{
		"w-all":     {"presenceSubscription": "ALL_USERS"},
		"w-roles":   {"presenceSubscription": "ROLES", "roles": []string{"vip"}},
		"w-friends": {"presenceSubscription": "FRIENDS"},
		"w-none":    nil,
		"w-blocker": {"presenceSubscription": "ALL_USERS"},
	}
	for uid := range modes {
		tokens[uid] = e.user(t, uid)
	}
	e.ok(t, "POST", "/v3/users/w-friends/friends", map[string]any{"accepted": []string{"pal"}}, e.asKey())
	e.ok(t, "POST", "/v3/users/w-blocker/blockedusers", map[string]any{"blockedUids": []string{"plain"}}, e.asKey())
	watchers := map[string]*client{}
	for uid, mode := range modes {
		watchers[uid] = e.connect(t, uid, tokens[uid], mode)
	}

	subjects := map[string]*client{}
	for _, uid := range []string{"plain", "pal", "star"} { // plain first: it sees the others come
		subjects[uid] = e.connect(t, uid, tokens[uid], map[string]any{"presenceSubscription": "ALL_USERS"})
	}
	want := map[string][]string{
		"w-all":     {"pal", "star", "plain"},
		"w-roles":   {"star"},
		"w-friends": {"pal"},
		"w-blocker": {"pal", "star"},
	}
	for w, uids := range want {
		for _, uid := range uids {
			watchers[w].waitHas(uid+" online", presenceOf(uid, "online"))
		}
	}
	// plain, blocked by w-blocker, doesn't see w-blocker come online either.
	subjects["plain"].waitHas("star online", presenceOf("star", "online"))
	var cs []*client
	for _, c := range watchers {
		cs = append(cs, c)
	}
	e.barrier(t, append(cs, subjects["plain"])...)
	for w, c := range watchers {
		got := map[string]int{}
		for _, f := range c.of("presence") {
			got[f.Sender]++
		}
		for _, uid := range []string{"pal", "star", "plain"} {
			wantN := 0
			for _, x := range want[w] {
				if x == uid {
					wantN = 1
				}
			}
			if got[uid] != wantN {
				t.Errorf("%s got %d presence frames of %s, want %d", w, got[uid], uid, wantN)
			}
		}
	}
	none(t, subjects["plain"], "the presence of the user who blocked them", func(f frame) bool { return f.Type == "presence" && f.Sender == "w-blocker" })
	none(t, subjects["plain"], "its own presence", func(f frame) bool { return f.Type == "presence" && f.Sender == "plain" })
}

// TestPresenceGrace tests that a user goes online with their first
// connection and offline (with lastActiveAt stored) only a grace period
// after their last one closed, and that a reconnect within it changes
// nothing.
func TestPresenceGrace(t *testing.T) {
	const grace = 600 * time.Millisecond
	e := newEnv(t, func(c *realtime.Config) { c.PresenceGrace = grace })
	w := e.connect(t, "watcher", e.user(t, "watcher"), map[string]any{"presenceSubscription": "ALL_USERS"})
	tok := e.user(t, "amy")
	status := func() string {
		return fmt.Sprint(e.ok(t, "GET", "/v3/users/amy", nil, e.asKey())["status"])
	}
	if s := status(); s != "offline" {
		t.Fatalf("amy is %s before connecting", s)
	}
	a1 := e.connect(t, "amy", tok)
	w.await("online", presenceOf("amy", "online"))
	if s := status(); s != "available" {
		t.Errorf("amy connected is %s", s)
	}
	a2 := e.connect(t, "amy", e.token(t, "amy", "web"))

	// One of two connections closes: still online.
	a1.conn.Close()
	a1.closed()
	// Flapping: the last one closes and a new one comes within the grace.
	a2.conn.Close()
	a2.closed()
	a3 := e.connect(t, "amy", tok)
	time.Sleep(2 * grace) // absence over a period: nothing to poll for
	e.barrier(t, w)
	if n := count(w, presenceOf("amy", "offline")); n != 0 {
		t.Errorf("a reconnect within the grace period sent %d offline", n)
	}
	if n := count(w, presenceOf("amy", "online")); n != 1 {
		t.Errorf("got %d online frames, want 1", n)
	}

	closedAt := time.Now()
	a3.conn.Close()
	f := w.await("offline", presenceOf("amy", "offline"))
	if d := time.Since(closedAt); d < grace {
		t.Errorf("offline after %v, before the grace period of %v", d, grace)
	}
	u := e.ok(t, "GET", "/v3/users/amy", nil, e.asKey())
	if u["status"] != "offline" || u["lastActiveAt"] == nil {
		t.Errorf("amy after the grace period: %v", u)
	}
	if ts, _ := f.body()["timestamp"].(float64); ts == 0 {
		t.Errorf("presence frame without a timestamp: %s", f.raw)
	}
	// REST status filters reflect it.
	_, list := e.call(t, "GET", "/v3/users?status=available", nil, e.asKey())
	for _, it := range list["data"].([]any) {
		if it.(map[string]any)["uid"] == "amy" {
			t.Errorf("amy listed as available after going offline")
		}
	}
}

// TestPresenceShutdown tests that closing the hub writes the users it had
// online offline, within the grace period or not.
func TestPresenceShutdown(t *testing.T) {
	e := newEnv(t, func(c *realtime.Config) { c.PresenceGrace = time.Hour })
	a := e.connect(t, "amy", e.user(t, "amy"))
	b := e.connect(t, "ben", e.user(t, "ben"))
	b.conn.Close()
	b.closed()
	if err := e.Hub.Close(); err != nil {
		t.Fatal(err)
	}
	a.wantClosed(1001)
	for _, uid := range []string{"amy", "ben"} {
		if s := e.ok(t, "GET", "/v3/users/"+uid, nil, e.asKey())["status"]; s != "offline" {
			t.Errorf("%s is %v after the hub closed", uid, s)
		}
	}
}
