// Package bench is the load generator behind `parley bench`: it drives a
// Parley server through its public REST API and WebSocket, as an app's
// clients would, and measures what the performance targets of
// docs/benchmarks.md name: messages accepted and delivered per second,
// whether every member got every message, latency from the intended send
// time to the socket, the send's own latency, and the server's memory and
// CPU, read from /proc so the generator's own are not counted.
//
// Scenarios: fanout (groups of members on live sockets, senders paced
// open loop), direct (one-to-one or one-group sends over REST as fast as
// the server answers, or at a rate), idle (authenticated idle sockets:
// memory and CPU per connection), history (pages of a stored history over
// REST). The clients are lean on purpose, so that the generator, which
// shares the machine, costs as little as it can: net/http with keep-alive,
// gobwas/ws sockets read into reused buffers, JSON decoded only for setup.
package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"sync/atomic"
	"time"
)

// Scenarios returns the scenario names, in the order `parley bench -h`
// lists them.
func Scenarios() []string { return []string{"fanout", "direct", "idle", "history"} }

// Config is a run's shape. Zero fields take the scenario's defaults
// (Defaults).
type Config struct {
	Groups   int           // fanout, history: groups
	Members  int           // fanout: members of each group, each a live socket
	Senders  int           // fanout, direct, history: concurrent senders (history: while seeding)
	Rate     float64       // fanout: messages a second in all; direct: 0 is as fast as answered
	Duration time.Duration // the measured window
	Conns    int           // idle: connections
	Messages int           // history: messages stored
	Readers  int           // history: concurrent readers
	Shape    string        // direct: "pairs" (one-to-one) or "group"
	// Keepalive is what each idle connection declares in its auth frame,
	// in seconds (docs/protocol.md §4): the server then pings it once per
	// Keepalive seconds. 0: not sent (the server's 25 s).
	Keepalive int

	// StateDir keeps the history's seeded messages for the next run on the
	// same server data (bench started the server on a directory it keeps).
	StateDir string
	// Progress receives a line a second while the run goes (stderr).
	Progress io.Writer
}

// Defaults are a scenario's sizes: the targets' (docs/benchmarks.md).
func Defaults(scenario string) Config {
	c := Config{Duration: 10 * time.Second}
	switch scenario {
	case "fanout":
		c.Groups, c.Members, c.Senders, c.Rate = 100, 50, 128, 1000
	case "direct":
		c.Senders, c.Shape = 128, "pairs"
	case "idle":
		c.Conns, c.Duration = 15000, 30*time.Second
	case "history":
		c.Groups, c.Senders, c.Messages, c.Readers = 10, 128, 1_000_000, 16
	}
	return c
}

// Validate says what is wrong with a run's shape, in the flags' words.
func (c Config) Validate(scenario string) error {
	if !slices.Contains(Scenarios(), scenario) {
		return fmt.Errorf("unknown scenario %q: want one of %v", scenario, Scenarios())
	}
	positive := func(name string, v int) error {
		if v <= 0 {
			return fmt.Errorf("--%s must be a positive number, not %d", name, v)
		}
		return nil
	}
	if c.Duration <= 0 {
		return fmt.Errorf("--duration must be positive, not %v", c.Duration)
	}
	if c.Rate < 0 {
		return fmt.Errorf("--rate can't be negative")
	}
	var errs []error
	switch scenario {
	case "fanout":
		errs = append(errs, positive("groups", c.Groups), positive("members", c.Members), positive("senders", c.Senders))
		if c.Rate <= 0 {
			errs = append(errs, fmt.Errorf("--rate must be positive for fanout (messages a second in all)"))
		}
	case "direct":
		errs = append(errs, positive("senders", c.Senders))
		if c.Shape != "pairs" && c.Shape != "group" {
			errs = append(errs, fmt.Errorf("--shape must be pairs or group, not %q", c.Shape))
		}
	case "idle":
		errs = append(errs, positive("conns", c.Conns))
		if c.Keepalive < 0 {
			// The range is the server's to refuse (ERR_BAD_REQUEST).
			errs = append(errs, fmt.Errorf("--keepalive must be a number of seconds, not %d", c.Keepalive))
		}
	case "history":
		errs = append(errs, positive("groups", c.Groups), positive("senders", c.Senders),
			positive("messages", c.Messages), positive("readers", c.Readers))
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Run runs a scenario against t and returns its summary.
func Run(ctx context.Context, scenario string, t Target, c Config) (*Result, error) {
	if err := c.Validate(scenario); err != nil {
		return nil, err
	}
	r := &runner{t: t, c: c, p: newProgress(c.Progress), prefix: runPrefix()}
	r.rest = newREST(t, max(c.Senders, c.Readers, 64)+8)
	defer r.rest.close()
	res := &Result{Scenario: scenario}
	var err error
	switch scenario {
	case "fanout":
		err = r.fanout(ctx, res)
	case "direct":
		err = r.direct(ctx, res)
	case "idle":
		err = r.idle(ctx, res)
	case "history":
		err = r.history(ctx, res)
	}
	if err != nil {
		return nil, err
	}
	if n := r.retries.Load(); n > 0 {
		res.set(KeyConnectRetries, float64(n))
	}
	return res, nil
}

// runner holds what a run's phases share.
type runner struct {
	t      Target
	c      Config
	p      *progress
	rest   *rest
	prefix string // names of this run's users and groups: runs against one server don't collide

	retries atomic.Int64 // connections tried again (connect)
}

// runPrefix is a short random name prefix, e.g. "pb3fa2-".
func runPrefix() string {
	b := make([]byte, 3)
	rand.Read(b)
	return "pb" + hex.EncodeToString(b) + "-"
}

// window is a measured span: the server's process and this one's at its
// start and end.
type window struct {
	t          Target
	start      sample
	startSelf  sample
	startClock time.Time
}

func (r *runner) begin() (*window, error) {
	w := &window{t: r.t, startClock: time.Now()}
	var err error
	if w.start, err = r.t.sample(); err != nil {
		return nil, err
	}
	w.startSelf, _ = selfSample()
	return w, nil
}

// end records the server's figures for the window into res and returns
// the server's CPU seconds (0 if unknown).
func (w *window) end(res *Result) (cpu float64, err error) {
	s, err := w.t.sample()
	if err != nil {
		return 0, err
	}
	if self, err := selfSample(); err == nil && w.startSelf.ok {
		res.set(KeyGeneratorCPU, (self.cpu - w.startSelf.cpu).Seconds())
	}
	if !s.ok {
		return 0, nil
	}
	cpu = (s.cpu - w.start.cpu).Seconds()
	res.set(KeyServerRSS, float64(s.rss)/(1<<20))
	res.set(KeyServerRSSAnon, float64(s.rssAnon)/(1<<20))
	res.set(KeyServerCPU, cpu)
	return cpu, nil
}

// selfSample measures this process (the generator).
func selfSample() (sample, error) {
	return Target{PID: os.Getpid()}.sample()
}

// quiesce waits until the server is at rest (under a tenth of a core over
// half a second), at most 30 s: the connect storm's presence writes and
// garbage should not be counted in the window measured next. Without the
// server's PID it waits 2 s.
func (r *runner) quiesce(ctx context.Context) {
	if r.t.PID == 0 {
		settle(ctx, 2*time.Second)
		return
	}
	const every = 500 * time.Millisecond
	deadline := time.Now().Add(30 * time.Second)
	prev, err := r.t.sample()
	for err == nil && ctx.Err() == nil && time.Now().Before(deadline) {
		settle(ctx, every)
		s, e := r.t.sample()
		if e != nil {
			return
		}
		if s.cpu-prev.cpu < every/10 {
			return
		}
		prev, err = s, e
	}
}
