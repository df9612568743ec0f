package chat_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/push"
	"github.com/parleychat/parley/push/pushtest"
)

// pushWorld is a world whose service pushes through a real dispatcher (one
// worker, no collapsing, so pushes arrive in message order) and the
// webhook provider to a local receiver. Every user registered a webhook
// device token "dev-<uid>" with their login.
type pushWorld struct {
	*world
	rx    *pushtest.Webhook
	d     *push.Dispatcher
	seen  int // receiver pushes consumed by drain
	marks int // sentinels sent
	uids  []string
}

func newPushWorld(t *testing.T, n int) *pushWorld {
	t.Helper()
	rx := pushtest.NewWebhook(t)
	prov, err := push.NewWebhook(push.WebhookConfig{URL: rx.URL + "/push"})
	if err != nil {
		t.Fatal(err)
	}
	var svc atomic.Pointer[chat.Service]
	d := push.New(push.Config{Workers: 1, CollapseWindow: -1, Providers: push.Providers{parley.PushWebhook: prov},
		Resolve: func(ctx context.Context, appID string, m *parley.Message) ([]parley.PushDelivery, error) {
			return svc.Load().PushDeliveries(ctx, appID, m)
		},
		Invalid: func(ctx context.Context, tok *parley.PushToken) error { return svc.Load().ForgetPushToken(ctx, tok) },
	})
	w := newWorld(t, n, func(c *chat.Config) { c.Push = d })
	svc.Store(w.svc)
	t.Cleanup(func() { d.Close() }) // before the service and store close
	p := &pushWorld{world: w, rx: rx, d: d}
	for i, ctx := range w.users {
		uid := fmt.Sprintf("u%03d", i)
		p.uids = append(p.uids, uid)
		if _, err := w.svc.RegisterPushToken(ctx, chat.PushTokenIn{Platform: "webhook", Token: "dev-" + uid}); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// send sends text from user i to a user (uid) or the group "room".
func (p *pushWorld) send(t *testing.T, i int, to, text string) {
	t.Helper()
	typ := parley.ReceiverUser
	if to == "room" {
		typ = parley.ReceiverGroup
	}
	if _, err := p.svc.Send(p.users[i], parley.NewMessage{Receiver: to, ReceiverType: typ,
		Data: parley.MessageInput{Text: text}}, nil); err != nil {
		t.Fatalf("send %q to %s: %v", text, to, err)
	}
}

// drain sends a sentinel from the first user to the last (who must get
// it), waits for its push, and returns the pushes before it since the last
// drain as "uid: body". One worker pushes in order, so what came before
// the sentinel is all its messages caused.
func (p *pushWorld) drain(t *testing.T) []string {
	t.Helper()
	p.marks++
	mark := fmt.Sprint("sentinel ", p.marks)
	p.send(t, 0, p.uids[len(p.uids)-1], mark)
	var out []string
	deadline := time.Now().Add(15 * time.Second)
	for {
		ps := p.rx.Pushes()
		for i := p.seen; i < len(ps); i++ {
			n := ps[i].Body["notification"].(map[string]any)
			if n["body"] == mark {
				p.seen = i + 1
				return out
			}
			out = append(out, fmt.Sprint(ps[i].Body["uid"], ": ", n["body"]))
		}
		out = out[:0]
		if time.Now().After(deadline) {
			t.Fatalf("the sentinel push never came; pushes: %d, dispatcher %+v", len(ps), p.d.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPushFanOutOffline: a message is pushed to the members who are
// offline, hold a token, are live and still members; never to its sender.
func TestPushFanOutOffline(t *testing.T) {
	t.Parallel()
	p := newPushWorld(t, 7)
	server := parley.NewContext(context.Background(), parley.Actor{AppID: p.appID, Access: parley.AccessFullAccess})
	if err := p.svc.SetPresence(p.users[1], true); err != nil { // u001 online
		t.Fatal(err)
	}
	if _, err := p.svc.DeactivateUsers(server, []string{"u003"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.UnregisterPushTokens(p.users[4], chat.PushTokenIn{}); err != nil { // u004: no device
		t.Fatal(err)
	}
	for _, i := range []int{5, 6} { // u005 left; u006, the sentinel, too
		if err := p.svc.Leave(p.users[i], "room"); err != nil {
			t.Fatal(err)
		}
	}
	p.send(t, 0, "room", "hello room")
	p.send(t, 0, "u001", "hello online")
	p.send(t, 0, "u002", "hello offline")
	want := []string{"u002: u000: hello room", "u002: hello offline"}
	if diff := cmp.Diff(want, p.drain(t)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}

	if err := p.svc.SetPresence(p.users[1], false); err != nil { // u001 goes offline
		t.Fatal(err)
	}
	p.send(t, 2, "room", "back")
	want = []string{"u000: u002: back", "u001: u002: back"}
	if diff := cmp.Diff(want, p.drain(t)); diff != "" {
		t.Errorf("pushes after u001 went offline (-want +got):\n%s", diff)
	}
}

func strp(s string) *string { return &s }
func boolp(b bool) *bool    { return &b }
func int64p(n int64) *int64 { return &n }

// TestPushPreferenceRules: each preference and mute, for the user u001,
// against a group message, a direct message, and mentions.
func TestPushPreferenceRules(t *testing.T) {
	t.Parallel()
	p := newPushWorld(t, 3)
	if err := p.svc.Leave(p.users[2], "room"); err != nil { // the sentinel
		t.Fatal(err)
	}
	me := p.users[1]
	future := time.Now().Add(time.Hour).Unix()
	type conv = chat.ConversationPushUpdate
	for _, c := range []struct {
		name   string
		prefs  *chat.PushPreferencesUpdate
		conv   *conv
		to     string
		text   string
		pushed bool
	}{
		{"defaults: a group message", nil, nil, "room", "hi", true},
		{"defaults: a direct message", nil, nil, "u001", "hi", true},
		{"group mentions: a plain group message", &chat.PushPreferencesUpdate{GroupMessages: strp("mentions")}, nil, "room", "hi", false},
		{"group mentions: a group message mentioning me", &chat.PushPreferencesUpdate{GroupMessages: strp("mentions")}, nil, "room", "hi <@uid:u001>", true},
		{"group mentions: a group message mentioning another", &chat.PushPreferencesUpdate{GroupMessages: strp("mentions")}, nil, "room", "hi <@uid:u000>", false},
		{"group mentions: a direct message", &chat.PushPreferencesUpdate{GroupMessages: strp("mentions")}, nil, "u001", "hi", true},
		{"group none: a mention", &chat.PushPreferencesUpdate{GroupMessages: strp("none")}, nil, "room", "<@uid:u001>", false},
		{"one-on-one none: a direct message", &chat.PushPreferencesUpdate{OneOnOneMessages: strp("none")}, nil, "u001", "hi", false},
		{"one-on-one none: a group message", &chat.PushPreferencesUpdate{OneOnOneMessages: strp("none")}, nil, "room", "hi", true},
		{"one-on-one mentions: a direct mention", &chat.PushPreferencesUpdate{OneOnOneMessages: strp("mentions")}, nil, "u001", "<@uid:u001>", true},
		{"one-on-one mentions: a plain direct message", &chat.PushPreferencesUpdate{OneOnOneMessages: strp("mentions")}, nil, "u001", "hi", false},
		{"muted", &chat.PushPreferencesUpdate{Muted: boolp(true)}, nil, "u001", "hi", false},
		{"muted until an hour on", &chat.PushPreferencesUpdate{MutedUntil: int64p(future)}, nil, "room", "hi", false},
		{"a mute that ended", &chat.PushPreferencesUpdate{Muted: boolp(true), MutedUntil: int64p(1)}, nil, "u001", "hi", true},
		{"the group muted: its message", nil, &conv{GUIDs: []string{"room"}, Muted: boolp(true)}, "room", "<@uid:u001>", false},
		{"the group muted: a direct message", nil, &conv{GUIDs: []string{"room"}, Muted: boolp(true)}, "u001", "hi", true},
		{"the sender muted", nil, &conv{UIDs: []string{"u000"}, MutedUntil: int64p(future)}, "u001", "hi", false},
		{"the group all over groups none", &chat.PushPreferencesUpdate{GroupMessages: strp("none")},
			&conv{GUIDs: []string{"room"}, Preference: strp("all")}, "room", "hi", true},
		{"the group mentions over all", nil, &conv{GUIDs: []string{"room"}, Preference: strp("mentions")}, "room", "hi", false},
		{"the sender none", nil, &conv{UIDs: []string{"u000"}, Preference: strp("none")}, "u001", "hi", false},
		{"the sender's conversation follows mine again", &chat.PushPreferencesUpdate{OneOnOneMessages: strp("none")},
			&conv{UIDs: []string{"u000"}, Preference: strp("")}, "u001", "hi", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := p.svc.ResetPushPreferences(me); err != nil {
				t.Fatal(err)
			}
			if _, err := p.svc.ResetConversationPushes(me, chat.ConversationsIn{UIDs: []string{"u000"}, GUIDs: []string{"room"}}); err != nil {
				t.Fatal(err)
			}
			if c.prefs != nil {
				if _, err := p.svc.UpdatePushPreferences(me, *c.prefs); err != nil {
					t.Fatal(err)
				}
			}
			if c.conv != nil {
				if _, err := p.svc.SetConversationPushes(me, *c.conv); err != nil {
					t.Fatal(err)
				}
			}
			p.send(t, 0, c.to, c.text)
			got := p.drain(t)
			if pushed := len(got) == 1 && got[0][:4] == "u001"; pushed != c.pushed || len(got) > 1 {
				t.Errorf("pushes %q, want u001 pushed: %v", got, c.pushed)
			}
		})
	}
}

// TestPushNotificationContent: what a push of a group message says, and
// the ids it carries for the app.
func TestPushNotificationContent(t *testing.T) {
	t.Parallel()
	p := newPushWorld(t, 3)
	p.send(t, 0, "room", "look <@uid:u001>")
	p.drain(t)
	ps := p.rx.Pushes()
	var got map[string]any
	for _, x := range ps {
		if x.Body["uid"] == "u001" {
			got = x.Body
			break
		}
	}
	n, _ := got["notification"].(map[string]any)
	if n == nil {
		t.Fatalf("no push to u001 in %v", ps)
	}
	data, _ := n["data"].(map[string]any)
	id, _ := data["messageId"].(string)
	want := map[string]any{"title": "Room", "body": "u000: look @u001", "conversationId": "group_room",
		"data": map[string]any{"conversationId": "group_room", "messageId": id, "sender": "u000", "receiver": "room",
			"receiverType": "group", "category": "message", "type": "text"}}
	if diff := cmp.Diff(want, n); diff != "" || id == "" {
		t.Errorf("notification (-want +got):\n%s", diff)
	}
	if got["token"] != "dev-u001" || got["platform"] != "webhook" || got["appId"] != p.appID {
		t.Errorf("push addressed %v", got)
	}
}

// TestPushCalls: an incoming call (a call message with status initiated,
// wherever the message keeps it) is pushed to the callees who are offline
// and take call pushes; other call statuses are not pushed.
func TestPushCalls(t *testing.T) {
	t.Parallel()
	p := newPushWorld(t, 4)
	if err := p.svc.SetPresence(p.users[3], true); err != nil {
		t.Fatal(err)
	}
	call := func(to, rtype string, data parley.MessageData) *parley.Message {
		conv := parley.GroupConversationID(to)
		if rtype == parley.ReceiverUser {
			conv = parley.UserConversationID("u000", to)
		}
		return &parley.Message{ID: 1000, ConversationID: conv, Sender: "u000", Receiver: to, ReceiverType: rtype,
			Category: parley.CategoryCall, Type: "video", Data: data}
	}
	deliveries := func(m *parley.Message) []string {
		t.Helper()
		ds, err := p.svc.PushDeliveries(context.Background(), p.appID, m)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range ds {
			n := d.Notification
			out = append(out, fmt.Sprint(d.UID, " ", n.Title, " | ", n.Body, " | call=", n.Call, " session=", n.Data["sessionId"]))
		}
		return out
	}
	onEntity := parley.Entity{EntityType: "call", Entity: map[string]any{"sessionid": "v1.s1", "status": "initiated"}}
	for _, c := range []struct {
		name string
		m    *parley.Message
		want []string
	}{
		{"status as the action", call("u001", parley.ReceiverUser, parley.MessageData{Action: "initiated",
			Extras: map[string]any{"sessionId": "s1"}}), []string{"u001 u000 | Incoming video call | call=true session=s1"}},
		{"status in the call entity", call("u001", parley.ReceiverUser, parley.MessageData{
			Entities: map[string]parley.Entity{"on": onEntity}}), []string{"u001 u000 | Incoming video call | call=true session=v1.s1"}},
		{"status in customData", call("u001", parley.ReceiverUser, parley.MessageData{
			CustomData: map[string]any{"status": "initiated", "sessionId": "s2"}}), []string{"u001 u000 | Incoming video call | call=true session=s2"}},
		{"a call to the group: offline members but the caller", call("room", parley.ReceiverGroup, parley.MessageData{Action: "initiated"}),
			[]string{"u001 room | u000: Incoming video call | call=true session=", "u002 room | u000: Incoming video call | call=true session="}},
		{"a call to an online user", call("u003", parley.ReceiverUser, parley.MessageData{Action: "initiated"}), nil},
		{"an accepted call", call("u001", parley.ReceiverUser, parley.MessageData{Action: "ongoing"}), nil},
		{"an ended call", call("u001", parley.ReceiverUser, parley.MessageData{Action: "ended"}), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, deliveries(c.m)); diff != "" {
				t.Errorf("deliveries (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := p.svc.UpdatePushPreferences(p.users[1], chat.PushPreferencesUpdate{Calls: strp("none"), GroupMessages: strp("none")}); err != nil {
		t.Fatal(err)
	}
	if got := deliveries(call("u001", parley.ReceiverUser, parley.MessageData{Action: "initiated"})); len(got) != 0 {
		t.Errorf("a call to a user who turned call pushes off: %q", got)
	}
	if _, err := p.svc.UpdatePushPreferences(p.users[1], chat.PushPreferencesUpdate{Calls: strp("all")}); err != nil {
		t.Fatal(err)
	}
	if got := deliveries(call("u001", parley.ReceiverUser, parley.MessageData{Action: "initiated"})); len(got) != 1 {
		t.Errorf("a call to a user who takes calls but no group messages: %q", got)
	}
}

// TestPushInvalidTokenRemoved: a device token the push service reports
// gone is deleted.
func TestPushInvalidTokenRemoved(t *testing.T) {
	t.Parallel()
	p := newPushWorld(t, 3)
	p.rx.Forget("dev-u001")
	p.send(t, 0, "u001", "are you there?")
	p.drain(t)
	ts, err := p.svc.PushTokens(p.users[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 0 {
		t.Errorf("u001's tokens after the service reported the token gone: %+v", ts)
	}
	if s := p.d.Stats(); s.InvalidTokens != 1 {
		t.Errorf("stats %+v, want 1 invalid token", s)
	}
	ts, _ = p.svc.PushTokens(p.users[2])
	if len(ts) != 1 {
		t.Errorf("u002's tokens = %d, want 1 (untouched)", len(ts))
	}
}

// BenchmarkSendTextPushed is BenchmarkSendText's group case with pushes
// on: every one of the 20 members offline with a device (a local webhook
// receiver), the default collapse window. Compare its msgs/s with
// BenchmarkSendText/to=group: the writer must not be slowed.
//
// go test -run '^$' -bench 'BenchmarkSendText(Pushed)?/to=group/senders=16$' -benchtime 20000x ./chat
func BenchmarkSendTextPushed(b *testing.B) {
	for _, senders := range []int{1, 16} {
		b.Run(fmt.Sprintf("to=group/senders=%d", senders), func(b *testing.B) {
			rx := pushtest.NewWebhook(b)
			prov, err := push.NewWebhook(push.WebhookConfig{URL: rx.URL + "/push"})
			if err != nil {
				b.Fatal(err)
			}
			var svc atomic.Pointer[chat.Service]
			d := push.New(push.Config{Providers: push.Providers{parley.PushWebhook: prov},
				Resolve: func(ctx context.Context, appID string, m *parley.Message) ([]parley.PushDelivery, error) {
					return svc.Load().PushDeliveries(ctx, appID, m)
				}})
			w := newWorld(b, 20, func(c *chat.Config) { c.Push = d })
			svc.Store(w.svc)
			b.Cleanup(func() { d.Close() })
			for i, ctx := range w.users {
				if _, err := w.svc.RegisterPushToken(ctx, chat.PushTokenIn{Platform: "webhook", Token: fmt.Sprint("dev-", i)}); err != nil {
					b.Fatal(err)
				}
			}
			var n atomic.Int64
			b.SetParallelism(max(1, senders/2))
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				ctx := w.users[int(n.Add(1)-1)%len(w.users)]
				msg := parley.NewMessage{Receiver: "room", ReceiverType: parley.ReceiverGroup,
					Data: parley.MessageInput{Text: "hello, this is a benchmark message of ordinary length"}}
				for pb.Next() {
					if _, err := w.svc.Send(ctx, msg, nil); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
			s := d.Stats()
			b.ReportMetric(float64(s.Dropped)/float64(b.N), "dropped/msg")
		})
	}
}
