package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// direct: senders post text messages over REST with their auth tokens, on
// keep-alive connections. Shape "pairs": sender 2i and 2i+1 write to each
// other (one-to-one conversations); "group": everyone writes into one
// group. With no rate each sender sends again as soon as answered (the
// server's peak); with a rate the sends are paced open loop, for the send
// latency at a given load. Nobody is connected: this is the send path.
func (r *runner) direct(ctx context.Context, res *Result) error {
	c := r.c
	S := c.Senders
	if c.Shape == "pairs" && S%2 == 1 {
		S++ // every sender needs a partner
	}
	senders, err := r.rest.createUsers(ctx, r.p, r.prefix+"s", S)
	if err != nil {
		return err
	}
	receiver := func(w int) (string, string) { return senders[w^1].uid, "user" }
	if c.Shape == "group" {
		guid := r.prefix + "g00000"
		var others []string
		for _, s := range senders[1:] {
			others = append(others, s.uid)
		}
		if err := r.rest.createGroup(ctx, guid, senders[0].uid, others); err != nil {
			return err
		}
		receiver = func(int) (string, string) { return guid, "group" }
	}

	var nAccepted, nErrors atomic.Int64
	var sendLat histogram
	var firstErr sync.Once
	bodies, texts, answers := make([][]byte, S), make([][]byte, S), make([][]byte, S)
	send := func(ctx context.Context, w int, j job) {
		to, typ := receiver(w)
		texts[w] = benchText(texts[w], j.k, j.due)
		bodies[w] = textBody(bodies[w], to, typ, string(texts[w]))
		var err error
		answers[w], err = r.rest.do(ctx, "POST", "/v3/messages", bodies[w], cred{senders[w].token}, answers[w])
		if err != nil {
			nErrors.Add(1)
			firstErr.Do(func() { r.p.printf("send error (more are counted, not shown): %v", err) })
			return
		}
		sendLat.add(time.Since(j.due))
		nAccepted.Add(1)
	}
	win, err := r.begin()
	if err != nil {
		return err
	}
	var prev int64
	stop := r.p.every(func() string {
		a := nAccepted.Load()
		line := fmt.Sprintf("direct: accepted %d (%d/s), send p50 %.1f ms p99 %.1f ms, errors %d",
			a, a-prev, sendLat.quantile(0.5), sendLat.quantile(0.99), nErrors.Load())
		prev = a
		return line
	})
	drive(ctx, c.Rate, c.Duration, S, send)
	stop()
	span := time.Since(win.startClock).Seconds()
	cpu, err := win.end(res)
	if err != nil {
		return err
	}
	acc := nAccepted.Load()
	res.set(KeyAcceptedPerS, float64(acc)/span)
	res.set(KeySendP50, sendLat.quantile(0.50))
	res.set(KeySendP99, sendLat.quantile(0.99))
	res.set(KeySendMax, sendLat.maxMS())
	if cpu > 0 {
		res.set(KeyMessagesPerCPU, float64(acc)/cpu)
	}
	res.set(KeyDuration, span)
	res.set(KeyAccepted, float64(acc))
	res.set(KeySendErrors, float64(nErrors.Load()))
	return nil
}
