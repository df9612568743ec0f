package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// pageSize is the messages a history read asks for.
const pageSize = 50

// historyState is a seeded conversation set, kept in the server's data
// directory so that a later run on the same data reads it again (seeding
// 10,000,000 messages takes a while) or adds to it.
type historyState struct {
	AppID   string     `json:"appId"`
	Prefix  string     `json:"prefix"`
	Groups  []string   `json:"groups"`
	Writers []userJSON `json:"writers"`
	Readers []userJSON `json:"readers"`
	Stored  int64      `json:"stored"`
	MinID   int64      `json:"minId"`
	MaxID   int64      `json:"maxId"`
}

type userJSON struct {
	UID   string `json:"uid"`
	Token string `json:"token"`
}

const historyFile = "bench-history.json"

// history: senders store messages round-robin into a set of groups over
// REST (the whole send path: nothing is written to the database file
// behind the server's back), then readers, members of every group, read
// random pages of 50 (GET /v3/groups/{guid}/messages?limit=50&id=…, the
// page before a random id) as fast as answered.
func (r *runner) history(ctx context.Context, res *Result) error {
	c := r.c
	st, err := r.historySetup(ctx)
	if err != nil {
		return err
	}
	if need := int64(c.Messages) - st.Stored; need > 0 {
		if err := r.seed(ctx, st, need, res); err != nil {
			return err
		}
	}
	res.set(KeyStored, float64(st.Stored))

	lo := min(st.MinID+pageSize*int64(len(st.Groups)), st.MaxID) // a page before lo is full
	var pages, short, nErrors atomic.Int64
	var lat histogram
	var firstErr sync.Once
	answers := make([][]byte, c.Readers)
	win, err := r.begin()
	if err != nil {
		return err
	}
	var prev int64
	stop := r.p.every(func() string {
		n := pages.Load()
		line := fmt.Sprintf("history: %d pages (%d/s), p50 %.1f ms p99 %.1f ms, errors %d",
			n, n-prev, lat.quantile(0.5), lat.quantile(0.99), nErrors.Load())
		prev = n
		return line
	})
	drive(ctx, 0, c.Duration, c.Readers, func(ctx context.Context, w int, j job) {
		g := st.Groups[rand.IntN(len(st.Groups))]
		before := lo + rand.Int64N(st.MaxID-lo+1) + 1
		path := "/v3/groups/" + g + "/messages?limit=" + strconv.Itoa(pageSize) + "&id=" + strconv.FormatInt(before, 10)
		var err error
		answers[w], err = r.rest.do(ctx, "GET", path, nil, cred{st.Readers[w%len(st.Readers)].Token}, answers[w])
		if err != nil {
			nErrors.Add(1)
			firstErr.Do(func() { r.p.printf("read error (more are counted, not shown): %v", err) })
			return
		}
		lat.add(time.Since(j.due))
		pages.Add(1)
		if pageCount(answers[w]) < pageSize {
			short.Add(1)
		}
	})
	stop()
	span := time.Since(win.startClock).Seconds()
	cpu, err := win.end(res)
	if err != nil {
		return err
	}
	n := pages.Load()
	res.set(KeyPagesPerS, float64(n)/span)
	res.set(KeyPageP50, lat.quantile(0.50))
	res.set(KeyPageP99, lat.quantile(0.99))
	res.set(KeyPageMax, lat.maxMS())
	if cpu > 0 {
		res.set(KeyPagesPerCPU, float64(n)/cpu)
	}
	res.set(KeyDuration, span)
	res.set(KeyShortPages, float64(short.Load()))
	res.set(KeyReadErrors, float64(nErrors.Load()))
	return nil
}

// historySetup loads the seeded set of an earlier run on this server's
// data, or makes users and groups for a new one: writers and readers are
// members of every group from the start, so readers may see every message.
func (r *runner) historySetup(ctx context.Context) (*historyState, error) {
	c := r.c
	if c.StateDir != "" {
		b, err := os.ReadFile(filepath.Join(c.StateDir, historyFile))
		var st historyState
		if err == nil && json.Unmarshal(b, &st) == nil && st.AppID == r.t.AppID &&
			len(st.Groups) == c.Groups && len(st.Writers) == c.Senders && len(st.Readers) == c.Readers {
			r.p.printf("history: reusing %d messages stored by an earlier run in %s", st.Stored, c.StateDir)
			return &st, nil
		} else if err == nil {
			r.p.printf("history: %s is for another shape (groups, senders, readers): seeding a new set", historyFile)
		}
	}
	st := &historyState{AppID: r.t.AppID, Prefix: r.prefix}
	writers, err := r.rest.createUsers(ctx, r.p, r.prefix+"w", c.Senders)
	if err != nil {
		return nil, err
	}
	readers, err := r.rest.createUsers(ctx, r.p, r.prefix+"r", c.Readers)
	if err != nil {
		return nil, err
	}
	var members []string
	for _, u := range append(writers[1:], readers...) {
		members = append(members, u.uid)
	}
	for g := range c.Groups {
		st.Groups = append(st.Groups, fmt.Sprintf("%sg%05d", r.prefix, g))
	}
	if err := parallel(ctx, r.p, "groups created", c.Groups, 8, func(ctx context.Context, g int) error {
		return r.rest.createGroup(ctx, st.Groups[g], writers[0].uid, members)
	}); err != nil {
		return nil, err
	}
	for _, u := range writers {
		st.Writers = append(st.Writers, userJSON{u.uid, u.token})
	}
	for _, u := range readers {
		st.Readers = append(st.Readers, userJSON{u.uid, u.token})
	}
	return st, r.saveHistory(st)
}

func (r *runner) saveHistory(st *historyState) error {
	if r.c.StateDir == "" {
		return nil
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(r.c.StateDir, historyFile), b, 0o600)
}

// seed stores need more messages, round-robin over the groups, with the
// writers sending as fast as answered.
func (r *runner) seed(ctx context.Context, st *historyState, need int64, res *Result) error {
	var next, stored, nErrors atomic.Int64
	var minID, maxID atomic.Int64
	minID.Store(1<<63 - 1)
	var firstErr error
	var errOnce sync.Once
	began := time.Now()
	var prev int64
	stop := r.p.every(func() string {
		n := stored.Load()
		line := fmt.Sprintf("history: stored %d/%d (%d/s), errors %d", st.Stored+n, st.Stored+need, n-prev, nErrors.Load())
		prev = n
		return line
	})
	var wg sync.WaitGroup
	for w := range len(st.Writers) {
		wg.Go(func() {
			var body, text, answer []byte
			for ctx.Err() == nil {
				k := next.Add(1) - 1
				if k >= need || nErrors.Load() > 100 {
					return
				}
				g := st.Groups[(st.Stored+k)%int64(len(st.Groups))]
				text = benchText(text, st.Stored+k, time.Now())
				body = textBody(body, g, "group", string(text))
				var err error
				answer, err = r.rest.do(ctx, "POST", "/v3/messages", body, cred{st.Writers[w].Token}, answer)
				if err != nil {
					nErrors.Add(1)
					errOnce.Do(func() { firstErr = err })
					continue
				}
				id := messageID(answer)
				for m := minID.Load(); id < m && !minID.CompareAndSwap(m, id); m = minID.Load() {
				}
				for m := maxID.Load(); id > m && !maxID.CompareAndSwap(m, id); m = maxID.Load() {
				}
				stored.Add(1)
			}
		})
	}
	wg.Wait()
	stop()
	n := stored.Load()
	res.set(KeySeedPerS, float64(n)/time.Since(began).Seconds())
	if n > 0 {
		if st.Stored == 0 {
			st.MinID = minID.Load()
		}
		st.MaxID = max(st.MaxID, maxID.Load())
		st.Stored += n
	}
	if err := r.saveHistory(st); err != nil {
		return err
	}
	if nErrors.Load() > 100 {
		return fmt.Errorf("history: seeding stopped after %d failed sends: %w", nErrors.Load(), firstErr)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return nil
}

var currentKey = []byte(`"current":{`)

// pageCount is the count a page's meta gives, -1 if none.
func pageCount(answer []byte) int {
	i := bytes.LastIndex(answer, currentKey)
	if i < 0 {
		return -1
	}
	rest := answer[i:]
	j := bytes.Index(rest, []byte(`"count":`))
	if j < 0 {
		return -1
	}
	rest = rest[j+len(`"count":`):]
	end := bytes.IndexAny(rest, ",}")
	if end < 0 {
		return -1
	}
	n, err := strconv.Atoi(string(rest[:end]))
	if err != nil {
		return -1
	}
	return n
}
