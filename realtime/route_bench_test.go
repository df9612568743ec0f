package realtime

import (
	"fmt"
	"strings"
	"testing"

	"github.com/parleychat/parley"
)

// benchApp is an appHub with one group of members local users, each with
// one session catching up (so a delivery lands in the session's buffer,
// not on a socket: what is timed is the routing).
func benchApp(members int) (*appHub, []*session) {
	h := &Hub{cfg: Config{}.withDefaults()}
	a := newAppHub(h, "app")
	sessions := make([]*session, members)
	for i := range members {
		u := &user{uid: fmt.Sprintf("u%05d", i), groups: map[string]int64{"g": 1}}
		s := &session{hub: h, user: u, buf: &catchup{}}
		u.sessions = []*session{s}
		a.addUser(u)
		sessions[i] = s
	}
	return a, sessions
}

func benchMessage(id int64) *parley.Event {
	body := fmt.Sprintf(`{"id":"%d","conversationId":"group_g","sender":"s","receiver":"g","receiverType":"group","category":"message","type":"text","data":{"text":"%s"},"sentAt":1796047605}`,
		id, strings.Repeat("x", 100))
	return &parley.Event{AppID: "app", Type: parley.EventMessage, Sender: "s", Receiver: "g",
		ReceiverType: parley.ReceiverGroup, Body: []byte(body), Route: parley.Route{MessageID: id}}
}

// BenchmarkRouteGroupMessage routes one group message (encoded once) to
// every local member: the hub's part of a delivery, without the socket.
// ns/delivery is the figure to compare with the transport's write.
func BenchmarkRouteGroupMessage(b *testing.B) {
	for _, n := range []int{50, 2000} {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			a, sessions := benchApp(n)
			evs := make([]*parley.Event, 256)
			for i := range evs {
				evs[i] = benchMessage(int64(i + 2))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				e := *evs[i%len(evs)]
				e.Route.MessageID = int64(i + 2)
				a.routeMessage(&e)
				for _, s := range sessions {
					s.buf.frames, s.buf.ids, s.buf.bytes = s.buf.frames[:0], s.buf.ids[:0], 0
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/delivery")
		})
	}
}

// BenchmarkEventFrame encodes a ~100-byte text message event as the frame
// every recipient gets (once per event).
func BenchmarkEventFrame(b *testing.B) {
	e := benchMessage(42)
	b.ReportAllocs()
	for b.Loop() {
		if eventFrame(e) == nil {
			b.Fatal("no frame")
		}
	}
}
