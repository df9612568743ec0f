package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// idle: conns users, each with one authenticated socket that then says
// nothing but the pongs to the server's pings (which is what keeps an idle
// connection open: protocol.md §4), so it costs the server one ping and
// pong per keepalive (--keepalive, declared in the auth frame; 25 s when
// not sent). Reports the server's memory per
// connection (RSS after all connected and the window idle, less RSS
// before connecting) and the CPU it spends keeping them over the window.
func (r *runner) idle(ctx context.Context, res *Result) error {
	c := r.c
	if limit, err := raiseFileLimit(); err == nil && limit < uint64(c.Conns)+256 {
		r.p.printf("idle: the open-file limit is %d: fewer than %d connections may open (raise ulimit -Hn)", limit, c.Conns)
	}
	users, err := r.rest.createUsers(ctx, r.p, r.prefix+"i", c.Conns)
	if err != nil {
		return err
	}
	r.rest.close() // setup's keep-alive connections are not the idle ones
	r.quiesce(ctx) // the setup's garbage collected and its goroutines gone
	before, err := r.t.sample()
	if err != nil {
		return err
	}

	socks := make([]*socket, c.Conns)
	var open atomic.Int64
	var readers sync.WaitGroup
	url := wsURL(r.t.URL)
	began := time.Now()
	err = parallel(ctx, r.p, "sockets connected", c.Conns, connectConc, func(ctx context.Context, i int) error {
		s, err := r.connect(ctx, url, users[i].token, c.Keepalive)
		if err != nil {
			return err
		}
		socks[i] = s
		open.Add(1)
		readers.Go(func() {
			defer open.Add(-1)
			for {
				if _, err := s.next(); err != nil {
					return
				}
			}
		})
		return nil
	})
	defer func() {
		for _, s := range socks {
			if s != nil {
				s.close()
			}
		}
		readers.Wait()
	}()
	if err != nil {
		return err
	}
	res.set(KeyConnectS, time.Since(began).Seconds())
	r.quiesce(ctx)

	win, err := r.begin()
	if err != nil {
		return err
	}
	stop := r.p.every(func() string {
		s, _ := r.t.sample()
		if !s.ok {
			return fmt.Sprintf("idle: %d sockets open", open.Load())
		}
		return fmt.Sprintf("idle: %d sockets open, server RSS %.1f MB, CPU %.2f s so far",
			open.Load(), float64(s.rss)/(1<<20), (s.cpu - win.start.cpu).Seconds())
	})
	settle(ctx, c.Duration)
	stop()
	span := time.Since(win.startClock)
	after, err := r.t.sample()
	if err != nil {
		return err
	}
	cpu, err := win.end(res)
	if err != nil {
		return err
	}
	n := open.Load()
	res.set(KeyConns, float64(n))
	if c.Keepalive != 0 {
		res.set(KeyKeepalive, float64(c.Keepalive))
	}
	res.set(KeyDuration, span.Seconds())
	if after.ok && before.ok && n > 0 {
		res.set(KeyRSSPerConn, float64(after.rss-before.rss)/1024/float64(n))
		res.set(KeyAnonPerConn, float64(after.rssAnon-before.rssAnon)/1024/float64(n))
		res.set(KeyServerCPUPct, cpu/span.Seconds()*100)
	}
	if n < int64(c.Conns) {
		r.p.printf("idle: %d of %d connections were closed while idle", int64(c.Conns)-n, c.Conns)
	}
	return nil
}

// settle waits d, or less if ctx ends.
func settle(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}
