package sqlite_test

import (
	"context"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/parleychat/parley"
)

// BenchmarkAppendDirect measures the write of one-to-one messages as the
// chat service's writer batches them under `parley bench direct`: batches
// of 32 messages, each into a conversation of its own among 64 pairs of
// users (AppendMessages of the batch, then TouchConversation), over a log
// that already holds 100,000 messages. It reports the CPU time of the
// writing thread per message (thread-cpu-us/msg: less at the mercy of
// other work on the machine than msgs/s), with synchronous=FULL (one sync
// per batch) and, as the writer pipelines them, unsynced (InTxUnsynced;
// the syncs run elsewhere).
//
// go test -run '^$' -bench AppendDirect -benchtime 2000x ./store/sqlite/
func BenchmarkAppendDirect(b *testing.B) {
	const batch, pairs = 32, 64
	for _, mode := range []string{"synced", "unsynced"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			st, app := openWithApp(b)
			n := 0
			next := func() *parley.Message {
				n++
				p := n % pairs
				from, to := fmt.Sprintf("u%03d", 2*p), fmt.Sprintf("u%03d", 2*p+1)
				if n/pairs%2 == 1 {
					from, to = to, from
				}
				return &parley.Message{ConversationID: parley.UserConversationID(from, to), Sender: from, Receiver: to,
					ReceiverType: parley.ReceiverUser, Category: parley.CategoryMessage, Type: parley.TypeText,
					SentAt: int64(n), UpdatedAt: int64(n),
					Data: parley.MessageData{Text: "a text message of about a hundred bytes, as people write them in a chat, give or take",
						Entities: map[string]parley.Entity{
							"sender":   {Entity: &parley.User{UID: from, Name: "User " + from, Role: parley.DefaultRole, Status: parley.StatusAvailable}, EntityType: "user"},
							"receiver": {Entity: &parley.User{UID: to, Name: "User " + to, Role: parley.DefaultRole, Status: parley.StatusAvailable}, EntityType: "user"},
						}}}
			}
			write := func(inTx func(context.Context, func(parley.Tx) error) error, ms []*parley.Message) {
				err := inTx(ctx, func(tx parley.Tx) error {
					if err := tx.AppendMessages(ctx, app.ID, ms...); err != nil {
						return err
					}
					return tx.TouchConversation(ctx, app.ID, true, ms...)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			for range 100_000 / 1000 { // the log before
				ms := make([]*parley.Message, 1000)
				for i := range ms {
					ms[i] = next()
				}
				write(st.InTx, ms)
			}
			inTx := st.InTx
			if mode == "unsynced" {
				inTx = st.InTxUnsynced
			}
			ms := make([]*parley.Message, batch)
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0 := threadCPU()
			for b.Loop() {
				for i := range ms {
					ms[i] = next()
				}
				write(inTx, ms)
			}
			msgs := float64(b.N * batch)
			b.ReportMetric(msgs/b.Elapsed().Seconds(), "msgs/s")
			b.ReportMetric(float64((threadCPU()-cpu0).Microseconds())/msgs, "thread-cpu-us/msg")
		})
	}
}

// threadCPU is the CPU time of the calling thread (Linux: RUSAGE_THREAD).
func threadCPU() time.Duration {
	const rusageThread = 1
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
