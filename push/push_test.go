package push_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/push"
	"github.com/parleychat/parley/push/pushtest"
)

// checkFor polls f until it returns nil, failing the test after total.
func checkFor(t *testing.T, total time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(total)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// toBob resolves every message to one delivery for bob's webhook device:
// the message's text as the body, its conversation as the collapse key.
func toBob(ctx context.Context, appID string, m *parley.Message) ([]parley.PushDelivery, error) {
	n := &parley.Notification{Title: m.Sender, Body: m.Data.Text, ConversationID: m.ConversationID,
		Data: map[string]string{"messageId": fmt.Sprint(m.ID)}}
	return []parley.PushDelivery{{UID: "bob", Notification: n,
		Tokens: []*parley.PushToken{{AppID: appID, UID: "bob", Platform: parley.PushWebhook, Token: "bob-dev"}}}}, nil
}

func msg(id int64, conv string) *parley.Message {
	return &parley.Message{ID: id, Sender: "alice", ConversationID: conv, Data: parley.MessageData{Text: fmt.Sprint("m", id)}}
}

func newDispatcher(t *testing.T, cfg push.Config, wh *pushtest.Webhook) *push.Dispatcher {
	t.Helper()
	p, err := push.NewWebhook(push.WebhookConfig{URL: wh.URL + "/push"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Providers == nil {
		cfg.Providers = push.Providers{parley.PushWebhook: p}
	}
	if cfg.Resolve == nil {
		cfg.Resolve = toBob
	}
	d := push.New(cfg)
	t.Cleanup(func() { d.Close() })
	return d
}

func bodies(ps []pushtest.WebhookPush) []string {
	var out []string
	for _, p := range ps {
		n, _ := p.Body["notification"].(map[string]any)
		out = append(out, fmt.Sprint(n["conversationId"], ":", n["body"], ":", n["count"]))
	}
	return out
}

// TestCollapseHoldsBurst: within a window, a conversation's first message
// is pushed at once and the rest are held; another conversation is not
// held by it.
func TestCollapseHoldsBurst(t *testing.T) {
	t.Parallel()
	wh := pushtest.NewWebhook(t)
	d := newDispatcher(t, push.Config{CollapseWindow: time.Hour, Workers: 2}, wh)
	for i := int64(1); i <= 5; i++ {
		d.Enqueue("app1", msg(i, "c1"))
	}
	d.Enqueue("app1", msg(6, "c2"))
	checkFor(t, 10*time.Second, func() error {
		if s := d.Stats(); s.Sent != 2 || s.Collapsed != 4 || s.Resolved != 2 {
			return fmt.Errorf("stats %+v, want 2 resolved, 2 sent, 4 collapsed", s)
		}
		return nil
	})
	got := bodies(wh.Pushes())
	want := map[string]bool{"c1:m1:<nil>": true, "c2:m6:<nil>": true}
	if len(got) != 2 || !want[got[0]] || !want[got[1]] {
		t.Errorf("pushes %q, want the first of c1 and c2's only", got)
	}
}

// TestCollapseEndsWithLatest: the held messages of a burst go as one push
// at the window's end, showing the latest and how many it stands for.
func TestCollapseEndsWithLatest(t *testing.T) {
	t.Parallel()
	wh := pushtest.NewWebhook(t)
	d := newDispatcher(t, push.Config{CollapseWindow: 2 * time.Second}, wh)
	for i := int64(1); i <= 5; i++ {
		d.Enqueue("app1", msg(i, "c1"))
	}
	checkFor(t, 15*time.Second, func() error {
		if n, s := len(wh.Pushes()), d.Stats(); n < 2 || s.Sent < 2 {
			return fmt.Errorf("%d pushes, stats %+v; want 2", n, s)
		}
		return nil
	})
	got := bodies(wh.Pushes())
	if len(got) != 2 || got[0] != "c1:m1:<nil>" || got[1] != "c1:m5:4" {
		t.Errorf("pushes %q, want [c1:m1:<nil> c1:m5:4]", got)
	}
	if s := d.Stats(); s.Sent != 2 || s.Collapsed != 4 || s.Resolved != 2 {
		t.Errorf("stats %+v, want 2 resolved, 2 sent, 4 collapsed", s)
	}
}

// TestNoCollapse: a negative window pushes every message.
func TestNoCollapse(t *testing.T) {
	t.Parallel()
	wh := pushtest.NewWebhook(t)
	d := newDispatcher(t, push.Config{CollapseWindow: -1}, wh)
	for i := int64(1); i <= 3; i++ {
		d.Enqueue("app1", msg(i, "c1"))
	}
	checkFor(t, 10*time.Second, func() error {
		if n := len(wh.Pushes()); n != 3 {
			return fmt.Errorf("%d pushes, want 3", n)
		}
		return nil
	})
}

// TestInvalidTokenForgotten: a token the provider reports gone is handed
// to Invalid.
func TestInvalidTokenForgotten(t *testing.T) {
	t.Parallel()
	wh := pushtest.NewWebhook(t)
	wh.Forget("bob-dev")
	var mu sync.Mutex
	var forgotten []string
	d := newDispatcher(t, push.Config{Invalid: func(ctx context.Context, tok *parley.PushToken) error {
		mu.Lock()
		forgotten = append(forgotten, tok.AppID+"/"+tok.UID+"/"+tok.Platform+"/"+tok.Token)
		mu.Unlock()
		return nil
	}}, wh)
	d.Enqueue("app1", msg(1, "c1"))
	checkFor(t, 10*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(forgotten) != 1 || forgotten[0] != "app1/bob/webhook/bob-dev" {
			return fmt.Errorf("forgotten %q, want [app1/bob/webhook/bob-dev]", forgotten)
		}
		return nil
	})
	if s := d.Stats(); s.InvalidTokens != 1 || s.Sent != 0 {
		t.Errorf("stats %+v, want 1 invalid token, none sent", s)
	}
}

// TestEnqueueNeverBlocks: with the workers stuck, Enqueue drops what the
// queue can't hold instead of waiting, and Close still returns.
func TestEnqueueNeverBlocks(t *testing.T) {
	t.Parallel()
	wh := pushtest.NewWebhook(t)
	started := make(chan struct{}, 1)
	d := newDispatcher(t, push.Config{Workers: 1, Queue: 2,
		Resolve: func(ctx context.Context, appID string, m *parley.Message) ([]parley.PushDelivery, error) {
			select {
			case started <- struct{}{}:
			default:
			}
			<-ctx.Done() // stuck until Close
			return nil, ctx.Err()
		}}, wh)
	d.Enqueue("app1", msg(1, "c1"))
	<-started
	done := make(chan struct{})
	go func() {
		for i := int64(2); i <= 50; i++ {
			d.Enqueue("app1", msg(i, "c1"))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Enqueue blocked on a full queue")
	}
	if s := d.Stats(); s.Dropped != 47 || s.Enqueued != 3 {
		t.Errorf("stats %+v, want 3 enqueued (one taken, two queued), 47 dropped", s)
	}
	d.Close()
	d.Enqueue("app1", msg(99, "c1"))
	if s := d.Stats(); s.Dropped != 48 {
		t.Errorf("dropped after Close = %d, want 48", s.Dropped)
	}
}

// TestProvidersPerApp: an app's own provider takes its pushes; other apps
// use the server's.
func TestProvidersPerApp(t *testing.T) {
	t.Parallel()
	server, own := pushtest.NewWebhook(t), pushtest.NewWebhook(t)
	sp, _ := push.NewWebhook(push.WebhookConfig{URL: server.URL + "/push"})
	op, _ := push.NewWebhook(push.WebhookConfig{URL: own.URL + "/push"})
	d := newDispatcher(t, push.Config{Providers: push.Providers{parley.PushWebhook: sp},
		Apps: map[string]push.Providers{"app2": {parley.PushWebhook: op}}}, server)
	d.Enqueue("app1", msg(1, "c1"))
	d.Enqueue("app2", msg(1, "c1"))
	checkFor(t, 10*time.Second, func() error {
		if a, b := len(server.Pushes()), len(own.Pushes()); a != 1 || b != 1 {
			return fmt.Errorf("server's provider took %d, app2's %d; want 1 each", a, b)
		}
		return nil
	})
	if app, _ := own.Pushes()[0].Body["appId"].(string); app != "app2" {
		t.Errorf("app2's provider took app %q", app)
	}
}

// TestCollapseKeepsMentions: the message that stands for a burst carries
// the mentions of every held one, so that a user pushed only for mentions
// still is.
func TestCollapseKeepsMentions(t *testing.T) {
	t.Parallel()
	wh := pushtest.NewWebhook(t)
	var mu sync.Mutex
	var resolved []string
	d := newDispatcher(t, push.Config{CollapseWindow: 2 * time.Second,
		Resolve: func(ctx context.Context, appID string, m *parley.Message) ([]parley.PushDelivery, error) {
			mu.Lock()
			defer mu.Unlock()
			var ms []string
			for uid := range m.Data.Mentions {
				ms = append(ms, uid)
			}
			sort.Strings(ms)
			resolved = append(resolved, fmt.Sprint(m.ID, " ", ms))
			return nil, nil
		}}, wh)
	m2, m3 := msg(2, "c1"), msg(3, "c1")
	m2.Data.Mentions = map[string]*parley.User{"carol": {UID: "carol"}}
	m3.Data.Mentions = map[string]*parley.User{"dan": {UID: "dan"}}
	for _, m := range []*parley.Message{msg(1, "c1"), m2, m3, msg(4, "c1")} {
		d.Enqueue("app1", m)
	}
	checkFor(t, 15*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(resolved) != 2 || resolved[0] != "1 []" || resolved[1] != "4 [carol dan]" {
			return fmt.Errorf("resolved %q, want [1 [] 4 [carol dan]]", resolved)
		}
		return nil
	})
}

// TestCallsNotHeld: calls ring at once, whatever the window.
func TestCallsNotHeld(t *testing.T) {
	t.Parallel()
	wh := pushtest.NewWebhook(t)
	d := newDispatcher(t, push.Config{CollapseWindow: time.Hour}, wh)
	for i := int64(1); i <= 3; i++ {
		m := msg(i, "c1")
		m.Category = parley.CategoryCall
		d.Enqueue("app1", m)
	}
	checkFor(t, 10*time.Second, func() error {
		if n := len(wh.Pushes()); n != 3 {
			return fmt.Errorf("%d pushes, want 3", n)
		}
		return nil
	})
}
