package chat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/broker/inmem"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/store/sqlite"
)

// testClock is the service clock of a call world: it moves only when the
// test moves it, which is how a test drives the ring timeout.
type testClock struct{ ns atomic.Int64 }

func newTestClock() *testClock {
	c := &testClock{}
	c.ns.Store(time.Unix(1_700_000_000, 0).UnixNano())
	return c
}

func (c *testClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *testClock) advance(d time.Duration) { c.ns.Add(int64(d)) }
func (c *testClock) unix() int64             { return c.now().Unix() }

// ringTimeout is the ring timeout of the call worlds.
const ringTimeout = 30 * time.Second

// callWorld is a service over a SQLite file, publishing on an in-memory
// broker the test subscribes to, with a test clock.
type callWorld struct {
	svc    *chat.Service
	st     *sqlite.Store
	clock  *testClock
	appID  string
	server context.Context
	sub    parley.Subscription
	n      int
	close  func() // closes the service, the broker and the store (once)
}

func newCallWorld(t *testing.T) *callWorld {
	t.Helper()
	return openCallWorld(t, filepath.Join(t.TempDir(), "parley.db"), newTestClock(), true)
}

// openCallWorld opens a service on the store at path (a new one from the
// template when fresh), bootstrapping it when fresh.
func openCallWorld(t *testing.T, path string, clock *testClock, fresh bool) *callWorld {
	t.Helper()
	ctx := context.Background()
	var st *sqlite.Store
	var err error
	if fresh {
		st, err = template.Open(ctx, path)
	} else {
		st, err = sqlite.Open(ctx, path)
	}
	if err != nil {
		t.Fatal(err)
	}
	br := inmem.New(inmem.Config{})
	svc := chat.New(chat.Config{Store: st, PasswordCost: 4, Broker: br, Now: clock.now, RingTimeout: ringTimeout})
	var once sync.Once
	w := &callWorld{svc: svc, st: st, clock: clock, close: func() {
		once.Do(func() { svc.Close(); br.Close(); st.Close() })
	}}
	t.Cleanup(w.close)
	if fresh {
		boot, err := svc.Bootstrap(ctx, "an-operator-token-of-enough-length")
		if err != nil {
			t.Fatal(err)
		}
		w.appID = boot.App.ID
	} else {
		apps, err := st.Apps(ctx)
		if err != nil || len(apps) != 1 {
			t.Fatalf("apps: %v %v", apps, err)
		}
		w.appID = apps[0].ID
	}
	w.server = parley.NewContext(ctx, parley.Actor{AppID: w.appID, Access: parley.AccessFullAccess})
	if w.sub, err = br.Subscribe(ctx, w.appID); err != nil {
		t.Fatal(err)
	}
	return w
}

// as acts as uid (the REST API Key with onBehalfOf).
func (w *callWorld) as(uid string) context.Context {
	return parley.NewContext(context.Background(), parley.Actor{AppID: w.appID, Access: parley.AccessFullAccess, UID: uid})
}

// people makes users named prefix+name for each name, fresh for each case,
// and a public group prefix+"g" of the first three; it returns the prefix.
func (w *callWorld) people(t *testing.T, names ...string) string {
	t.Helper()
	w.n++
	p := fmt.Sprintf("c%d", w.n)
	for _, n := range names {
		if _, err := w.svc.CreateUser(w.server, parley.NewUser{UID: p + n, Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	var members []string
	for _, n := range names[1:min(3, len(names))] {
		members = append(members, p+n)
	}
	_, err := w.svc.CreateGroup(w.server, parley.NewGroup{GUID: p + "g", Name: "G", Type: parley.GroupPublic,
		Owner: p + names[0], Members: parley.MemberLists{Participants: members}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// start calls to from from and returns the session id.
func (w *callWorld) start(t *testing.T, from, to, toType string) string {
	t.Helper()
	m, err := w.svc.InitiateCall(w.as(from), parley.NewCall{Receiver: to, ReceiverType: toType, Type: parley.CallVideo})
	if err != nil {
		t.Fatalf("%s calls %s: %v", from, to, err)
	}
	return sessionOf(t, m)
}

// move moves a call on and fails the test if it is refused.
func (w *callWorld) move(t *testing.T, ctx context.Context, session, status string) *parley.Message {
	t.Helper()
	m, err := w.svc.UpdateCall(ctx, session, parley.CallUpdate{Status: status})
	if err != nil {
		t.Fatalf("%s %s: %v", session, status, err)
	}
	return m
}

func (w *callWorld) call(t *testing.T, session string) *parley.Call {
	t.Helper()
	c, err := w.svc.Call(w.server, session)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *callWorld) latestID(t *testing.T) int64 {
	t.Helper()
	id, err := w.svc.LatestMessageID(context.Background(), w.appID)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// sessionOf reads the session id of a call message: a *parley.CallEntity
// as written, a JSON object as read back.
func sessionOf(t testing.TB, m *parley.Message) string {
	t.Helper()
	return callEntityOf(t, m).SessionID
}

func callEntityOf(t testing.TB, m *parley.Message) parley.CallEntity {
	t.Helper()
	on, ok := m.Data.Entities["on"]
	if !ok || on.EntityType != parley.EntityCall || m.Category != parley.CategoryCall {
		t.Fatalf("not a call message: %+v", m)
	}
	b, err := json.Marshal(on.Entity)
	if err != nil {
		t.Fatal(err)
	}
	var e parley.CallEntity
	if err := json.Unmarshal(b, &e); err != nil || e.SessionID == "" {
		t.Fatalf("call entity %s: %v", b, err)
	}
	return e
}

// entityUID reads the uid of a user entity of a message.
func entityUID(m *parley.Message, key string) string {
	b, _ := json.Marshal(m.Data.Entities[key].Entity)
	var u struct{ UID string }
	_ = json.Unmarshal(b, &u)
	return u.UID
}

// poll calls fn until it returns nil, for up to 10 seconds.
func poll(t *testing.T, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
