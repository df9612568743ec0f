package chat_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// closed waits for an event watch's channel to close, failing after 10s;
// events still in flight are drained.
func closed(t *testing.T, w *chat.EventWatch) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-w.Events():
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("the watch did not end")
		}
	}
}

func TestEventWatchEndsWithItsContextOrClose(t *testing.T) {
	t.Parallel()
	w := newEventWorld(t)
	ctx, cancel := context.WithCancel(w.server)
	byCtx, err := w.svc.WatchEvents(ctx, chat.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byClose, err := w.svc.WatchEvents(w.server, chat.EventFilter{Types: []string{parley.EventMessage}})
	if err != nil {
		t.Fatal(err)
	}
	cancel() // the client went away
	closed(t, byCtx)
	byClose.Close()
	byClose.Close() // twice is harmless
	closed(t, byClose)
	if byCtx.Err() != nil || byClose.Err() != nil {
		t.Errorf("Err after an ordinary end: %v, %v", byCtx.Err(), byClose.Err())
	}
}

func TestWatchEventsAndStatsNeedAServerCredential(t *testing.T) {
	t.Parallel()
	w := newEventWorld(t)
	for name, ctx := range map[string]context.Context{"a user": w.user["ann"], "no one": context.Background()} {
		if _, err := w.svc.WatchEvents(ctx, chat.EventFilter{}); err == nil {
			t.Errorf("%s watched the app's events", name)
		}
		if _, err := w.svc.Stats(ctx); err == nil {
			t.Errorf("%s read the app's figures", name)
		}
	}
	st, err := w.svc.Stats(w.server)
	if err != nil || st.Users != 3 {
		t.Errorf("Stats as the server: %+v, %v; want 3 users", st, err)
	}
}
