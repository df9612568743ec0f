package realtime_test

import (
	"bufio"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/realtime"
	"github.com/parleychat/parley/realtime/ws"
)

// TestSlowConsumer has one client stop reading while 100 others in the
// same group keep up: the slow one is closed with its code once its queue
// overflows, and the others get every message, in order, on time.
func TestSlowConsumer(t *testing.T) {
	e := newEnv(t, sendBuffer(16<<10), func(c *realtime.Config) {
		c.WS.MaxQueue = 256 << 10
		c.WS.WriteTimeout = time.Minute // so the close frame still reaches the slow client when it reads again
	})
	e.user(t, "sender")
	slowToken := e.user(t, "slow")
	e.group(t, "big", "public", "sender", "slow")
	var fast []*client
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 100 {
		uid := fmt.Sprintf("f%03d", i)
		tok := e.user(t, uid)
		if i%25 == 24 {
			var batch []string
			for k := i - 24; k <= i; k++ {
				batch = append(batch, fmt.Sprintf("f%03d", k))
			}
			e.ok(t, "POST", "/v3/groups/big/members", map[string]any{"participants": batch}, e.asKey())
		}
		wg.Go(func() {
			c := e.connectWith(t, uid, tok, dialOpts{lite: true})
			mu.Lock()
			fast = append(fast, c)
			mu.Unlock()
		})
	}
	wg.Wait()

	// The slow client authenticates, then stops reading, with a small
	// socket receive buffer so the server's queue fills soon.
	slow, err := e.dialWith(t, "slow", dialOpts{header: http.Header{"appid": {e.AppID}}, rcvbuf: 4096, noRead: true})
	if err != nil {
		t.Fatal(err)
	}
	slow.send(auth(slowToken, nil))
	br := bufio.NewReader(slow.rd)
	if f, err := readFrame(br); err != nil || !strings.Contains(string(f.Payload), `"code":"200"`) {
		t.Fatalf("slow client auth: %s %v", f.Payload, err)
	}
	slow.rd = br

	text := strings.Repeat("x", 8<<10)
	var ids []int64
	sent := map[int64]time.Time{}
	for range slowConsumerMessages {
		id := e.send(t, "sender", "big", "group", text)
		ids = append(ids, id)
		sent[id] = time.Now()
	}
	last := ids[len(ids)-1]
	var worst time.Duration
	for _, c := range fast {
		c.awaitMessage(last)
		for _, f := range c.all() {
			if at, ok := sent[f.messageID()]; ok {
				worst = max(worst, f.at.Sub(at))
			}
		}
		if got := after(c.messageIDs(), ids[0]); !slices.Equal(got, ids) {
			t.Fatalf("%s got %d messages %v, want %v", c.uid, len(got), got, ids)
		}
	}
	if worst > 5*time.Second {
		t.Errorf("a message reached one of the 100 readers %v after it was sent", worst)
	}

	go slow.readLoop()
	slow.wantClosed(ws.CloseSlow)
	got := after(slow.messageIDs(), ids[0])
	if len(got) >= len(ids) || !slices.Equal(got, ids[:len(got)]) {
		t.Errorf("the slow client got %v: not a prefix of what was sent, cut short", got)
	}
	t.Logf("the slow client got %d of %d messages before it was closed; the others got each within %v of its send returning", len(got), len(ids), worst)
}

// after returns the ids from first on.
func after(ids []int64, first int64) []int64 {
	i, _ := slices.BinarySearch(ids, first)
	return ids[i:]
}
