package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/store/sqlite"
)

// BenchmarkAppendText measures the message write path: batches of 256 text
// messages to one group conversation, each batch one transaction (as the
// chat service's group-commit writer makes them), on a file with
// synchronous=FULL. It reports messages per second.
//
//   - each: AppendMessages and TouchConversation for every message.
//   - bulk: one AppendMessages of the 256, then one TouchConversation of
//     them, as the chat service's writer does.
//
// go test -run '^$' -bench AppendText -benchtime 200x ./store/sqlite/
func BenchmarkAppendText(b *testing.B) {
	const batch = 256
	for _, mode := range []string{"each", "bulk"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			st, app := openWithApp(b)
			n := 0
			next := func() *parley.Message {
				n++
				sender := fmt.Sprintf("u%03d", n%100)
				return &parley.Message{ConversationID: "group_g", Sender: sender, Receiver: "g",
					ReceiverType: parley.ReceiverGroup, Category: parley.CategoryMessage, Type: parley.TypeText,
					SentAt: int64(n), UpdatedAt: int64(n),
					Data: parley.MessageData{Text: fmt.Sprintf("message %d, of an ordinary length for a chat", n),
						Entities: map[string]parley.Entity{
							"sender":   {Entity: &parley.User{UID: sender, Name: "User " + sender, Role: parley.DefaultRole, Status: parley.StatusAvailable}, EntityType: "user"},
							"receiver": {Entity: &parley.Group{GUID: "g", Name: "Group g", Type: parley.GroupPublic, Owner: "u000", MembersCount: 100, ConversationID: "group_g"}, EntityType: "group"},
						}}}
			}
			ms := make([]*parley.Message, batch)
			for b.Loop() {
				for i := range ms {
					ms[i] = next()
				}
				err := st.InTx(ctx, func(tx parley.Tx) error {
					if mode == "bulk" {
						if err := tx.AppendMessages(ctx, app.ID, ms...); err != nil {
							return err
						}
						return tx.TouchConversation(ctx, app.ID, true, ms...)
					}
					for _, m := range ms {
						if err := tx.AppendMessages(ctx, app.ID, m); err != nil {
							return err
						}
						if err := tx.TouchConversation(ctx, app.ID, true, m); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// openWithApp opens a new store in a temporary file, closed when b ends,
// with one app, "bench".
func openWithApp(b *testing.B) (*sqlite.Store, *parley.App) {
	b.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	app := &parley.App{ID: "bench", Name: "bench"}
	if err := st.CreateApp(ctx, app); err != nil {
		b.Fatal(err)
	}
	return st, app
}
