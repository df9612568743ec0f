package bench

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// textMark starts the text of every message bench sends: "pb1 <k> <due>"
// then padding, where k is the message's number in the run and due its
// intended send time (Unix nanoseconds), from which its latency counts.
const textMark = "pb1 "

// textLen is the length of a message's text (~100 bytes, the size).
const textLen = 100

// benchText is message k's text.
func benchText(buf []byte, k int64, due time.Time) []byte {
	buf = append(buf[:0], textMark...)
	buf = strconv.AppendInt(buf, k, 10)
	buf = append(buf, ' ')
	buf = strconv.AppendInt(buf, due.UnixNano(), 10)
	buf = append(buf, ' ')
	for len(buf) < textLen {
		buf = append(buf, 'x')
	}
	return buf
}

var textKey = []byte(`"text":"` + textMark)

// parseBenchText finds a bench message's number and due time in a frame,
// without decoding the rest of it.
func parseBenchText(frame []byte) (k int64, due time.Time, ok bool) {
	i := bytes.Index(frame, textKey)
	if i < 0 {
		return 0, time.Time{}, false
	}
	rest := frame[i+len(textKey):]
	sp := bytes.IndexByte(rest, ' ')
	if sp < 0 {
		return 0, time.Time{}, false
	}
	k, err := strconv.ParseInt(string(rest[:sp]), 10, 64)
	rest = rest[sp+1:]
	sp2 := bytes.IndexByte(rest, ' ')
	if err != nil || sp2 < 0 {
		return 0, time.Time{}, false
	}
	ns, err := strconv.ParseInt(string(rest[:sp2]), 10, 64)
	if err != nil {
		return 0, time.Time{}, false
	}
	return k, time.Unix(0, ns), true
}

// receiver is one member's socket and the messages it got: bit j of seen
// is the group's j-th message of the run (message k = j*groups + group).
type receiver struct {
	s     *socket
	group int
	seen  []uint64
	dups  int64
	stray int64 // not of its group, or past the run's messages
}

// deliveries is what every receiver adds to.
type deliveries struct {
	count atomic.Int64
	last  atomic.Int64 // Unix nanoseconds of the latest
	lat   histogram
	open  atomic.Int64 // sockets being read
}

// read reads rc's socket until it closes, marking each bench message.
func (rc *receiver) read(groups int, d *deliveries) {
	defer d.open.Add(-1)
	for {
		p, err := rc.s.next()
		if err != nil {
			return
		}
		now := time.Now()
		k, due, ok := parseBenchText(p)
		if !ok {
			continue
		}
		j := k / int64(groups)
		if int(k%int64(groups)) != rc.group || j >= int64(len(rc.seen))*64 {
			rc.stray++
			continue
		}
		w, bit := j/64, uint64(1)<<(j%64)
		if rc.seen[w]&bit != 0 {
			rc.dups++
			continue
		}
		rc.seen[w] |= bit
		d.count.Add(1)
		d.last.Store(now.UnixNano())
		d.lat.add(now.Sub(due))
	}
}

// fanout: groups × members, every member one authenticated socket;
// senders (members of every group, not connected) post at the total rate,
// message k into group k mod groups; every member must get every message
// of its group.
func (r *runner) fanout(ctx context.Context, res *Result) error {
	c := r.c
	G, M, S := c.Groups, c.Members, c.Senders
	senders, err := r.rest.createUsers(ctx, r.p, r.prefix+"s", S)
	if err != nil {
		return err
	}
	members, err := r.rest.createUsers(ctx, r.p, r.prefix+"m", G*M)
	if err != nil {
		return err
	}
	guid := func(g int) string { return fmt.Sprintf("%sg%05d", r.prefix, g) }
	others := make([]string, 0, S-1)
	for _, s := range senders[1:] {
		others = append(others, s.uid)
	}
	if err := parallel(ctx, r.p, "groups created", G, 8, func(ctx context.Context, g int) error {
		return r.rest.createGroup(ctx, guid(g), senders[0].uid, others)
	}); err != nil {
		return err
	}
	began := time.Now()
	if err := parallel(ctx, r.p, "members joined", G*M, 64, func(ctx context.Context, i int) error {
		return r.rest.join(ctx, guid(i/M), members[i])
	}); err != nil {
		return err
	}
	res.set(KeyJoinS, time.Since(began).Seconds())

	total := int64(c.Rate * c.Duration.Seconds())
	perGroup := (total + int64(G) - 1) / int64(G)
	rcs := make([]*receiver, G*M)
	var d deliveries
	var readers sync.WaitGroup
	url := wsURL(r.t.URL)
	began = time.Now()
	err = parallel(ctx, r.p, "sockets connected", G*M, connectConc, func(ctx context.Context, i int) error {
		s, err := r.connect(ctx, url, members[i].token, 0)
		if err != nil {
			return err
		}
		rc := &receiver{s: s, group: i / M, seen: make([]uint64, (perGroup+63)/64)}
		rcs[i] = rc
		d.open.Add(1)
		readers.Go(func() { rc.read(G, &d) })
		return nil
	})
	closeAll := func() {
		for _, rc := range rcs {
			if rc != nil {
				rc.s.close()
			}
		}
		readers.Wait()
	}
	if err != nil {
		closeAll()
		return err
	}
	res.set(KeyConnectS, time.Since(began).Seconds())
	r.quiesce(ctx)

	// The sends.
	accepted := make([]bool, total)
	var nAccepted, nErrors atomic.Int64
	var sendLat histogram
	var firstErr sync.Once
	bodies, texts, answers := make([][]byte, S), make([][]byte, S), make([][]byte, S)
	send := func(ctx context.Context, w int, j job) {
		texts[w] = benchText(texts[w], j.k, j.due)
		bodies[w] = textBody(bodies[w], guid(int(j.k%int64(G))), "group", string(texts[w]))
		var err error
		answers[w], err = r.rest.do(ctx, "POST", "/v3/messages", bodies[w], cred{senders[w].token}, answers[w])
		sendLat.add(time.Since(j.due))
		if err != nil {
			nErrors.Add(1)
			firstErr.Do(func() { r.p.printf("send error (more are counted, not shown): %v", err) })
			return
		}
		accepted[j.k] = true
		nAccepted.Add(1)
	}
	win, err := r.begin()
	if err != nil {
		closeAll()
		return err
	}
	var prevAcc, prevDel int64
	stop := r.p.every(func() string {
		a, dl := nAccepted.Load(), d.count.Load()
		line := fmt.Sprintf("fanout: accepted %d (%d/s), deliveries %d (%d/s), e2e p99 %.1f ms, send p99 %.1f ms, errors %d, sockets %d",
			a, a-prevAcc, dl, dl-prevDel, d.lat.quantile(0.99), sendLat.quantile(0.99), nErrors.Load(), d.open.Load())
		prevAcc, prevDel = a, dl
		return line
	})
	sent := drive(ctx, c.Rate, c.Duration, S, send)
	sendEnd := time.Now()
	// The last deliveries: wait until every accepted message reached every
	// member, or nothing more came for 5 s.
	want := nAccepted.Load() * int64(M)
	for d.count.Load() < want && ctx.Err() == nil {
		last := later(time.Unix(0, d.last.Load()), sendEnd)
		if time.Since(last) > 5*time.Second {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	cpu, err := win.end(res)
	open := d.open.Load()
	closeAll()
	if err != nil {
		return err
	}

	var got, dups, stray int64
	for _, rc := range rcs {
		dups, stray = dups+rc.dups, stray+rc.stray
		for w, word := range rc.seen {
			for b := range 64 {
				if word&(1<<b) == 0 {
					continue
				}
				if k := (int64(w)*64+int64(b))*int64(G) + int64(rc.group); k < sent && accepted[k] {
					got++
				} else {
					stray++ // delivered though its send failed (timed out)
				}
			}
		}
	}
	sendSpan := sendEnd.Sub(win.startClock).Seconds()
	deliverySpan := later(time.Unix(0, d.last.Load()), sendEnd).Sub(win.startClock).Seconds()
	acc := nAccepted.Load()
	res.set(KeyAcceptedPerS, float64(acc)/sendSpan)
	res.set(KeyDeliveriesPerS, float64(got)/deliverySpan)
	if want > 0 {
		res.set(KeyDeliveredRatio, float64(got)/float64(want))
	}
	res.set(KeyLatP50, d.lat.quantile(0.50))
	res.set(KeyLatP99, d.lat.quantile(0.99))
	res.set(KeyLatMax, d.lat.maxMS())
	res.set(KeySendP50, sendLat.quantile(0.50))
	res.set(KeySendP99, sendLat.quantile(0.99))
	res.set(KeySendMax, sendLat.maxMS())
	if cpu > 0 {
		res.set(KeyDeliveriesPerCPU, float64(got)/cpu)
		res.set(KeyMessagesPerCPU, float64(acc)/cpu)
	}
	res.set(KeyDuration, sendSpan)
	res.set(KeyAccepted, float64(acc))
	res.set(KeyDeliveries, float64(got))
	res.set(KeyExpected, float64(want))
	res.set(KeySendErrors, float64(nErrors.Load()))
	res.set(KeyDuplicates, float64(dups))
	res.set(KeyConns, float64(open))
	if stray > 0 {
		r.p.printf("fanout: %d messages arrived that no accepted send explains (another group's, or a send that failed)", stray)
	}
	return nil
}

// later is the later of two times.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
