package realtime_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/realtime"
)

// stream is what one client has received over all its connections, as a
// client following docs/protocol.md keeps it: message ids in the order
// received, the last one being the cursor it resumes from, and the pages
// it fetched over REST when told to.
type stream struct {
	ids       []int64
	truncated int // resume_truncated frames seen
}

func (s *stream) last() int64 {
	if len(s.ids) == 0 {
		return 0
	}
	return s.ids[len(s.ids)-1]
}

// take adds the frames of one finished connection.
func (s *stream) take(t *testing.T, e *env, uid string, frames []frame) {
	for _, f := range frames {
		switch {
		case f.Type == "resume_truncated":
			s.truncated++
			from, _ := strconv.ParseInt(f.str("lastMessageId"), 10, 64)
			until, _ := strconv.ParseInt(f.str("resumeUntil"), 10, 64)
			if from != s.last() {
				t.Errorf("%s: resume_truncated from %d, but the last message received was %d", uid, from, s.last())
			}
			s.ids = append(s.ids, e.page(t, uid, from, until)...)
		case f.messageID() > 0:
			s.ids = append(s.ids, f.messageID())
		}
	}
}

// page lists over REST the messages uid may see with ids in (from, until].
func (e *env) page(t *testing.T, uid string, from, until int64) []int64 {
	var out []int64
	for from < until {
		_, m := e.call(t, "GET", fmt.Sprintf("/v3/messages?id=%d&affix=append&limit=100", from), nil, e.asUser(uid))
		items, _ := m["data"].([]any)
		if len(items) == 0 {
			break
		}
		for _, it := range items {
			id := idOf(t, it.(map[string]any)["id"])
			if id <= from {
				t.Fatalf("paging after %d returned %d", from, id)
			}
			if id > until {
				return out
			}
			out = append(out, id)
			from = id
		}
	}
	return out
}

// visible is every message uid may see, in id order, as the store says.
func (e *env) visible(t *testing.T, uid string) []int64 {
	ctx := parley.NewContext(context.Background(), parley.Actor{AppID: e.AppID, Access: parley.AccessUser, UID: uid})
	evs, more, err := e.Svc.MissedEvents(ctx, 0, 1_000_000)
	if err != nil || more {
		t.Fatalf("MissedEvents(%s): %v, more %v", uid, err, more)
	}
	var ids []int64
	for _, ev := range evs {
		ids = append(ids, ev.Route.MessageID)
	}
	return ids
}

// TestOrderAndResumeUnderLoad has 10 senders write to 1:1 and group
// conversations while a member joins and leaves a group and every user's
// client disconnects and reconnects with lastMessageId at random. Each
// client must end with every message its user may see exactly once, in id
// order, taking its cursor from the socket alone (and the REST pages a
// resume_truncated frame asks for).
func TestOrderAndResumeUnderLoad(t *testing.T) {
	e := newEnv(t, func(c *realtime.Config) { c.ResumeLimit = loadResumeLimit })
	const n = 10
	uids := make([]string, n)
	tokens := map[string]string{}
	for i := range uids {
		uids[i] = fmt.Sprintf("u%d", i)
		tokens[uids[i]] = e.user(t, uids[i])
	}
	groupsOf := func(i int) []string {
		gs := []string{"g2"}
		if i <= 5 {
			gs = append(gs, "g0")
		}
		if i >= 4 {
			gs = append(gs, "g1")
		}
		return gs
	}

	stop := make(chan struct{}) // senders are done: final is set
	final := map[string]int64{}
	streams := make([]*stream, n)
	var clients, up sync.WaitGroup
	up.Add(n)
	for i, uid := range uids {
		streams[i] = &stream{}
		clients.Go(func() {
			s := streams[i]
			r := rand.New(rand.NewPCG(uint64(i), 7))
			// The first connection resumes from the start of the (empty)
			// log, as a new client does, and stays until it has a message.
			c := e.connect(t, uid, tokens[uid], map[string]any{"lastMessageId": []any{"0", 0}[i%2]})
			up.Done()
			c.waitHas("a first message", func(f frame) bool { return f.messageID() > 0 })
			for {
				select {
				case <-stop:
					want := final[uid]
					if s.last() < want {
						c.waitHas(fmt.Sprintf("message %d", want), func(f frame) bool {
							id, _ := strconv.ParseInt(f.str("resumeUntil"), 10, 64)
							return f.messageID() >= want || id >= want
						})
					}
					c.conn.Close()
					c.closed()
					s.take(t, e, uid, c.all())
					return
				case <-time.After(time.Duration(r.IntN(150)) * time.Millisecond):
				}
				c.conn.Close()
				c.closed()
				s.take(t, e, uid, c.all())
				time.Sleep(time.Duration(r.IntN(100)) * time.Millisecond) // offline for a while
				c = e.connect(t, uid, tokens[uid], map[string]any{"lastMessageId": strconv.FormatInt(s.last(), 10)})
			}
		})
	}
	up.Wait()
	e.group(t, "g0", "public", "u0", "u1", "u2", "u3", "u4", "u5")
	e.group(t, "g1", "public", "u4", "u5", "u6", "u7", "u8", "u9")
	e.group(t, "g2", "public", "u0", uids[1:]...)

	var senders sync.WaitGroup
	for i, uid := range uids {
		senders.Go(func() {
			r := rand.New(rand.NewPCG(uint64(i), 11))
			for k := range loadMessagesPerSender {
				text := fmt.Sprintf("%s #%d", uid, k)
				if r.IntN(2) == 0 {
					peer := uids[(i+1+r.IntN(n-1))%n]
					e.send(t, uid, peer, "user", text)
				} else {
					gs := groupsOf(i)
					e.send(t, uid, gs[r.IntN(len(gs))], "group", text)
				}
			}
		})
	}
	// u7 joins and leaves g0 meanwhile: what it may see there changes.
	churnDone := make(chan struct{})
	go func() {
		defer close(churnDone)
		for k := 0; ; k++ {
			time.Sleep(30 * time.Millisecond)
			if k%2 == 0 {
				e.ok(t, "POST", "/v3/groups/g0/members", map[string]any{}, e.asUser("u7"))
			} else {
				e.ok(t, "DELETE", "/v3/groups/g0/members", nil, e.asUser("u7"))
			}
			if k >= 9 { // ends out of g0
				return
			}
		}
	}()
	senders.Wait()
	<-churnDone
	want := map[string][]int64{}
	for _, uid := range uids {
		want[uid] = e.visible(t, uid)
		final[uid] = want[uid][len(want[uid])-1]
	}
	close(stop)
	clients.Wait()

	truncations := 0
	for i, uid := range uids {
		got := streams[i].ids
		truncations += streams[i].truncated
		for k := 1; k < len(got); k++ {
			if got[k] <= got[k-1] {
				t.Errorf("%s: id %d after %d: a duplicate or out of order", uid, got[k], got[k-1])
			}
		}
		if !slices.Equal(got, want[uid]) {
			missing, extra := diffIDs(want[uid], got)
			t.Errorf("%s: got %d messages, want %d; missing %v, not theirs %v", uid, len(got), len(want[uid]), missing, extra)
		}
	}
	t.Logf("%d messages in the log, %d resume_truncated frames", final["u0"], truncations)
}

// diffIDs lists the ids of want not in got and of got not in want.
func diffIDs(want, got []int64) (missing, extra []int64) {
	in := func(s []int64, x int64) bool { _, ok := slices.BinarySearch(s, x); return ok }
	sorted := slices.Clone(got)
	slices.Sort(sorted)
	for _, x := range want {
		if !in(sorted, x) {
			missing = append(missing, x)
		}
	}
	for _, x := range got {
		if !in(want, x) {
			extra = append(extra, x)
		}
	}
	return missing, extra
}

// TestResumeLimit tests resuming past the limit: the first messages up to
// the limit, then a resume_truncated frame naming the ids to page over
// REST, then live messages, with nothing in between.
func TestResumeLimit(t *testing.T) {
	e := newEnv(t, func(c *realtime.Config) { c.ResumeLimit = 5 })
	tok := e.user(t, "amy")
	e.user(t, "bob")
	var ids []int64
	for k := range 12 {
		ids = append(ids, e.send(t, "bob", "amy", "user", fmt.Sprint(k)))
	}
	c := e.connect(t, "amy", tok, map[string]any{"lastMessageId": fmt.Sprint(ids[1])})
	f := c.awaitType("resume_truncated")
	if f.str("lastMessageId") != fmt.Sprint(ids[6]) || f.str("resumeUntil") != fmt.Sprint(ids[11]) {
		t.Errorf("resume_truncated %s, want lastMessageId %d resumeUntil %d", f.raw, ids[6], ids[11])
	}
	live := e.send(t, "bob", "amy", "user", "live")
	c.awaitMessage(live)
	if got, want := c.messageIDs(), append(slices.Clone(ids[2:7]), live); !slices.Equal(got, want) {
		t.Errorf("got messages %v, want %v", got, want)
	}
	if got := e.page(t, "amy", ids[6], ids[11]); !slices.Equal(got, ids[7:]) {
		t.Errorf("REST pages %v, want %v", got, ids[7:])
	}
	// Within the limit: every missed message, no truncation.
	c2 := e.connect(t, "amy", tok, map[string]any{"lastMessageId": fmt.Sprint(ids[9])})
	c2.awaitMessage(live)
	if got, want := c2.messageIDs(), []int64{ids[10], ids[11], live}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	e.barrier(t, c2)
	none(t, c2, "resume_truncated", isType("resume_truncated"))
}

// TestResumeFromStart tests that lastMessageId 0 resumes from the oldest
// message, as a client with no cursor yet asks for its whole history.
func TestResumeFromStart(t *testing.T) {
	e := newEnv(t, func(c *realtime.Config) { c.ResumeLimit = 3 })
	tok := e.user(t, "amy")
	e.user(t, "bob")
	var ids []int64
	for k := range 6 {
		ids = append(ids, e.send(t, "bob", "amy", "user", fmt.Sprint(k)))
	}
	c := e.connect(t, "amy", tok, map[string]any{"lastMessageId": "0"})
	c.awaitType("resume_truncated")
	if got := c.messageIDs(); !slices.Equal(got, ids[:3]) {
		t.Errorf("resuming from 0 sent %v, want the oldest %v", got, ids[:3])
	}
}
