package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// job is one send: the k-th message of the run and when it was meant to
// start, the time its latencies count from.
type job struct {
	k   int64
	due time.Time
}

// drive runs sends on workers goroutines for d. With rate > 0 it is open
// loop: message k is due at start + k/rate whether or not the server kept
// up, and waits in a queue for a free worker if none is, so a slow server
// shows as latency (counted from the due time) instead of slowing the
// load down and hiding its own slowness (coordinated omission). With rate
// 0 it is closed loop: each worker sends again as soon as answered, and
// latency counts from the send. It returns how many sends were made.
func drive(ctx context.Context, rate float64, d time.Duration, workers int, send func(ctx context.Context, w int, j job)) int64 {
	var wg sync.WaitGroup
	if rate <= 0 {
		var next atomic.Int64
		end := time.Now().Add(d)
		for w := range workers {
			wg.Go(func() {
				for ctx.Err() == nil {
					now := time.Now()
					if now.After(end) {
						return
					}
					send(ctx, w, job{k: next.Add(1) - 1, due: now})
				}
			})
		}
		wg.Wait()
		return next.Load()
	}
	total := int64(rate * d.Seconds())
	jobs := make(chan job, min(max(total, 1), 1<<16))
	for w := range workers {
		wg.Go(func() {
			for j := range jobs {
				send(ctx, w, j)
			}
		})
	}
	start := time.Now()
	var k int64
	for ; k < total && ctx.Err() == nil; k++ {
		due := start.Add(time.Duration(float64(k) / rate * 1e9))
		if wait := time.Until(due); wait > 100*time.Microsecond {
			// A late wake-up is made up by the next messages, already
			// due: the schedule is fixed from start, so it doesn't drift.
			time.Sleep(wait)
		}
		select {
		case jobs <- job{k: k, due: due}:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	return k
}
