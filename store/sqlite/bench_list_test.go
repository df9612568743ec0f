package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/store/sqlite"
)

// BenchmarkListPage measures the read of one page of 50 messages, as a
// member sees a conversation, with 1,000,000 messages stored: 10 groups of
// 100 members and 500 one-to-one conversations, half the messages each.
// It reports the mean, the 99th percentile and the CPU time of the reading
// thread per page (less at the mercy of other work on the machine). Seeding takes a minute or
// two; set PARLEY_BENCH_DB to a path to keep the seeded file between runs.
func BenchmarkListPage(b *testing.B) {
	const total = seededMessages
	ctx := context.Background()
	st, appID := openSeeded(b)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name string
		f    func() parley.MessageFilter
	}{
		{"group/latest", func() parley.MessageFilter {
			return parley.MessageFilter{ConversationID: fmt.Sprintf("group_g%d", rng.IntN(10)), Viewer: fmt.Sprintf("u%03d", rng.IntN(100)), Limit: 50}
		}},
		{"group/before", func() parley.MessageFilter {
			return parley.MessageFilter{ConversationID: fmt.Sprintf("group_g%d", rng.IntN(10)), Viewer: fmt.Sprintf("u%03d", rng.IntN(100)),
				BeforeID: int64(rng.IntN(total) + 1), Limit: 50}
		}},
		{"user/latest", func() parley.MessageFilter {
			a, bb := pairOf(rng.IntN(500))
			return parley.MessageFilter{ConversationID: parley.UserConversationID(a, bb), Viewer: a, Limit: 50}
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			runtime.LockOSThread() // so that the thread's CPU time is the reads'
			defer runtime.UnlockOSThread()
			cpu0 := threadCPU()
			for i := 0; i < b.N; i++ {
				f := c.f()
				start := time.Now()
				ms, err := st.Messages(ctx, appID, f)
				lat = append(lat, time.Since(start))
				if err != nil || len(ms) == 0 {
					b.Fatalf("%+v: %d messages, %v", f, len(ms), err)
				}
			}
			b.ReportMetric(float64((threadCPU()-cpu0).Microseconds())/float64(b.N), "thread-cpu-us/page")
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// pairOf names the i-th one-to-one conversation's users.
func pairOf(i int) (string, string) {
	return fmt.Sprintf("u%03d", i%100), fmt.Sprintf("u%03d", (i/100+i%100+1)%100)
}

// seedMillion fills an app with total messages unless the file has them.
func seedMillion(b *testing.B, st *sqlite.Store, total int) string {
	ctx := context.Background()
	apps, err := st.Apps(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if len(apps) == 1 {
		return apps[0].ID
	}
	app := &parley.App{ID: "bench", Name: "bench"}
	if err := st.CreateApp(ctx, app); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	err = st.InTx(ctx, func(tx parley.Tx) error {
		for u := 0; u < 100; u++ {
			uid := fmt.Sprintf("u%03d", u)
			if err := tx.CreateUser(ctx, app.ID, &parley.User{UID: uid, Name: uid, Role: parley.DefaultRole, Status: parley.StatusOffline}); err != nil {
				return err
			}
		}
		for g := 0; g < 10; g++ {
			guid := fmt.Sprintf("g%d", g)
			if err := tx.CreateGroup(ctx, app.ID, &parley.Group{GUID: guid, Name: guid, Type: parley.GroupPublic, Owner: "u000"}); err != nil {
				return err
			}
			for u := 0; u < 100; u++ {
				m := &parley.Member{User: &parley.User{UID: fmt.Sprintf("u%03d", u)}, Scope: parley.ScopeParticipant, JoinedID: 1}
				if err := tx.AddMember(ctx, app.ID, guid, m); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const batch = 2000
	for done := 0; done < total; done += batch {
		ms := make([]*parley.Message, batch)
		for i := range ms {
			m := &parley.Message{Category: parley.CategoryMessage, Type: parley.TypeText, SentAt: int64(done + i),
				UpdatedAt: int64(done + i), Data: parley.MessageData{Text: "a message of ordinary length, for the benchmark"}}
			if rng.IntN(2) == 0 {
				g := rng.IntN(10)
				m.Sender, m.Receiver, m.ReceiverType = fmt.Sprintf("u%03d", rng.IntN(100)), fmt.Sprintf("g%d", g), parley.ReceiverGroup
				m.ConversationID = parley.GroupConversationID(m.Receiver)
			} else {
				a, bb := pairOf(rng.IntN(500))
				m.Sender, m.Receiver, m.ReceiverType = a, bb, parley.ReceiverUser
				m.ConversationID = parley.UserConversationID(a, bb)
			}
			ms[i] = m
		}
		if err := st.InTx(ctx, func(tx parley.Tx) error { return tx.AppendMessages(ctx, app.ID, ms...) }); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d messages in %v", total, time.Since(start).Round(time.Second))
	return app.ID
}

// seededMessages is how many messages the benchmarks' file holds.
const seededMessages = 1_000_000

// openSeeded opens the benchmarks' file of 1,000,000 messages
// (PARLEY_BENCH_DB, else a temporary one), seeding it if it is new, and
// closes it when b ends; it returns the store and the app.
func openSeeded(b *testing.B) (*sqlite.Store, string) {
	b.Helper()
	path := os.Getenv("PARLEY_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st, seedMillion(b, st, seededMessages)
}

// BenchmarkPageReactions measures the reaction counts of a page of 50
// messages, as each page read asks for them, on the file of
// BenchmarkListPage (its messages have no reactions, as most have not);
// it reports the CPU time of the reading thread per page.
func BenchmarkPageReactions(b *testing.B) {
	ctx := context.Background()
	st, appID := openSeeded(b)
	ms, err := st.MessagesJSON(ctx, appID, parley.MessageFilter{ConversationID: "group_g1", Viewer: "u001", Limit: 50})
	if err != nil || len(ms) != 50 {
		b.Fatalf("page: %d messages, %v", len(ms), err)
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0 := threadCPU()
	for i := 0; i < b.N; i++ {
		if _, err := st.ReactionCounts(ctx, appID, "u001", ids); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((threadCPU()-cpu0).Microseconds())/float64(b.N), "thread-cpu-us/page")
}
