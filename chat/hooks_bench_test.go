package chat_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// BenchmarkSendTextWebhook is BenchmarkSendText to a group with and without
// a webhook taking message_sent: the cost of queueing each message's
// delivery in the writer's batch (no dispatcher runs, so the queue only
// grows).
//
// go test -run '^$' -bench BenchmarkSendTextWebhook -benchtime 20000x ./chat
func BenchmarkSendTextWebhook(b *testing.B) {
	for _, hooks := range []int{0, 1} {
		for _, senders := range []int{16, 128} {
			b.Run(fmt.Sprintf("webhooks=%d/senders=%d", hooks, senders), func(b *testing.B) {
				var prep []func(*world)
				if hooks > 0 {
					prep = append(prep, func(w *world) {
						server := parley.NewContext(context.Background(), parley.Actor{AppID: w.appID, Access: parley.AccessFullAccess})
						if _, err := w.svc.CreateWebhook(server, chat.NewWebhook{ID: "h", Name: "H",
							URL: "http://127.0.0.1:1/", Triggers: []string{parley.TriggerMessageSent}}); err != nil {
							b.Fatal(err)
						}
					})
				}
				benchmarkSend(b, "group", senders, prep...)
			})
		}
	}
}
