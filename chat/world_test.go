package chat_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/store/sqlite"
)

// template is the migrated database every world's store is copied from.
var template sqlite.Template

// world is a service over a fresh SQLite file with one app, n users who are
// all members of group "room", and a context per user, as authenticated by
// an auth token of theirs.
type world struct {
	svc   *chat.Service
	st    *sqlite.Store
	appID string
	users []context.Context
}

func newWorld(tb testing.TB, n int, opts ...func(*chat.Config)) *world {
	tb.Helper()
	ctx := context.Background()
	st, err := template.Open(ctx, filepath.Join(tb.TempDir(), "parley.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	cfg := chat.Config{Store: st, PasswordCost: 4}
	for _, o := range opts {
		o(&cfg)
	}
	svc := chat.New(cfg)
	tb.Cleanup(func() { svc.Close() })
	boot, err := svc.Bootstrap(ctx, "op")
	if err != nil {
		tb.Fatal(err)
	}
	w := &world{svc: svc, st: st, appID: boot.App.ID}
	server := parley.NewContext(ctx, parley.Actor{AppID: w.appID, Access: parley.AccessFullAccess})
	var uids []string
	for i := 0; i < n; i++ {
		uid := fmt.Sprintf("u%03d", i)
		if _, err := svc.CreateUser(server, parley.NewUser{UID: uid, Name: uid}); err != nil {
			tb.Fatal(err)
		}
		uids = append(uids, uid)
		// Each user signs in as a client does: an auth token, checked by
		// Authenticate.
		tok, err := svc.CreateAuthToken(server, uid, parley.Device{})
		if err != nil {
			tb.Fatal(err)
		}
		a, err := svc.Authenticate(ctx, chat.Credentials{AppID: w.appID, AuthToken: tok.Token})
		if err != nil {
			tb.Fatal(err)
		}
		w.users = append(w.users, parley.NewContext(ctx, a))
	}
	_, err = svc.CreateGroup(server, parley.NewGroup{GUID: "room", Name: "Room", Type: parley.GroupPublic,
		Owner: uids[0], Members: parley.MemberLists{Participants: uids[1:min(n, 25)]}})
	if err != nil {
		tb.Fatal(err)
	}
	for i := 25; i < n; i++ {
		if _, err := svc.Join(w.users[i], "room", ""); err != nil {
			tb.Fatal(err)
		}
	}
	return w
}

// BenchmarkSendText measures the message write path: concurrent senders
// posting text messages through the service's rules and its group-commit
// writer, on SQLite with synchronous=FULL. to=group: every sender (20
// users) writes into one group. to=users: each sender is a user of their
// own, writing to a user of their own, so every message of a batch is in a
// conversation of its own (the dearest case for the per-conversation
// work). It reports messages per second and the writer's mean batch.
//
// go test -run '^$' -bench BenchmarkSendText -benchtime 20000x ./chat
func BenchmarkSendText(b *testing.B) {
	for _, to := range []string{"group", "users"} {
		for _, senders := range []int{1, 16, 128, 512} {
			b.Run(fmt.Sprintf("to=%s/senders=%d", to, senders), func(b *testing.B) {
				benchmarkSend(b, to, senders)
			})
		}
	}
}

// benchmarkSend runs one case of BenchmarkSendText; prep, when given,
// prepares the world first.
func benchmarkSend(b *testing.B, to string, senders int, prep ...func(*world)) {
	users := 20
	if to == "users" {
		users = 2 * senders
	}
	w := newWorld(b, users)
	for _, p := range prep {
		p(w)
	}
	var n atomic.Int64
	b.SetParallelism(max(1, senders/2)) // GOMAXPROCS=2 on this machine
	before := w.svc.WriteStats()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		i := int(n.Add(1)) - 1
		ctx := w.users[i%len(w.users)]
		msg := parley.NewMessage{Receiver: "room", ReceiverType: parley.ReceiverGroup,
			Data: parley.MessageInput{Text: "hello, this is a benchmark message of ordinary length"}}
		if to == "users" {
			ctx = w.users[2*i%users]
			msg.Receiver, msg.ReceiverType = fmt.Sprintf("u%03d", (2*i+1)%users), parley.ReceiverUser
		}
		for pb.Next() {
			if _, err := w.svc.Send(ctx, msg, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	after := w.svc.WriteStats()
	b.ReportMetric(float64(after.Writes-before.Writes)/float64(max(1, after.Batches-before.Batches)), "batch")
}
