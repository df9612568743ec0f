// Package ratelimit is the transport edge's rate limiting: token buckets
// (golang.org/x/time/rate) kept per key (a client address, an app, a user)
// in a table of bounded size. The REST API and the WebSocket gateway share
// one Limits, so a client can't escape a limit by changing transport.
package ratelimit

import (
	"container/list"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rate is a token bucket's refill rate and size. The zero Rate is no limit.
type Rate struct {
	PerSecond float64 // tokens added a second; 0 means no limit
	Burst     int     // the bucket's size: how many events may come at once
}

// Off reports whether r limits nothing.
func (r Rate) Off() bool { return r.PerSecond <= 0 }

// String writes r the way ParseRate reads it: "20/s:100", or "off".
func (r Rate) String() string {
	if r.Off() {
		return "off"
	}
	n, unit := r.PerSecond, "s"
	if n < 1 {
		n, unit = n*60, "m"
		if n < 1 {
			n, unit = n*60, "h"
		}
	}
	return strconv.FormatFloat(n, 'f', -1, 64) + "/" + unit + ":" + strconv.Itoa(r.Burst)
}

// ParseRate reads "N/s", "N/m" or "N/h", optionally followed by ":BURST"
// ("20/s:100", "30/m"). Without a burst the bucket holds one unit's worth
// (N, at least 1). "0" and "off" are no limit.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "0" || strings.EqualFold(s, "off") {
		return Rate{}, nil
	}
	spec, burstStr, hasBurst := strings.Cut(s, ":")
	num, unit, ok := strings.Cut(spec, "/")
	if !ok {
		return Rate{}, fmt.Errorf("rate %q: want N/s, N/m or N/h, optionally :BURST (e.g. 20/s:100), or off", s)
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || n <= 0 || math.IsInf(n, 0) || math.IsNaN(n) {
		return Rate{}, fmt.Errorf("rate %q: %q is not a positive number", s, num)
	}
	var per float64
	switch strings.TrimSpace(unit) {
	case "s":
		per = 1
	case "m":
		per = 60
	case "h":
		per = 3600
	default:
		return Rate{}, fmt.Errorf("rate %q: the unit must be s, m or h", s)
	}
	r := Rate{PerSecond: n / per, Burst: int(math.Min(math.Ceil(n), math.MaxInt32))}
	if hasBurst {
		b, err := strconv.Atoi(strings.TrimSpace(burstStr))
		if err != nil || b < 1 {
			return Rate{}, fmt.Errorf("rate %q: the burst must be a whole number of at least 1", s)
		}
		r.Burst = b
	}
	return r, nil
}

// DefaultMaxKeys is how many keys a Limiter tracks when New is given 0.
const DefaultMaxKeys = 50_000

// Limiter keeps one token bucket per key. It is safe for concurrent use; a
// nil Limiter, or one made with a zero Rate, allows everything.
//
// Memory is bounded: at most maxKeys buckets are kept, least recently used
// first out. A bucket untouched for long enough to have refilled is dropped
// as soon as the table changes, since a full bucket and no bucket behave the
// same; so an idle table shrinks without a background goroutine, and a flood
// of new keys (spoofed app ids, many addresses) costs the flooder its own
// buckets, not unbounded memory.
type Limiter struct {
	rate    Rate
	maxKeys int
	refill  time.Duration // how long an empty bucket takes to fill up
	now     func() time.Time

	mu   sync.Mutex
	keys map[string]*list.Element // of *bucket
	lru  list.List                // front: most recently used
}

type bucket struct {
	key  string
	lim  *rate.Limiter
	used time.Time
}

// New returns a Limiter of rate r per key, tracking at most maxKeys keys
// (DefaultMaxKeys when 0).
func New(r Rate, maxKeys int) *Limiter {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	if r.Burst < 1 {
		r.Burst = 1
	}
	l := &Limiter{rate: r, maxKeys: maxKeys, now: time.Now, keys: make(map[string]*list.Element)}
	if !r.Off() {
		l.refill = time.Duration(float64(r.Burst) / r.PerSecond * float64(time.Second))
	}
	return l
}

// Rate is the rate the limiter was made with.
func (l *Limiter) Rate() Rate {
	if l == nil {
		return Rate{}
	}
	return l.rate
}

// Allow takes a token from key's bucket. When the bucket is empty it takes
// nothing and reports false with how long until a token is there.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil || l.rate.Off() {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key, now)
	if b.lim.AllowN(now, 1) {
		return true, 0
	}
	return false, l.wait(b, now)
}

// Blocked reports whether key's bucket is empty, and for how long, without
// taking a token or making a bucket: it lets a caller refuse work before
// doing it and count only the attempts that fail (Allow then).
func (l *Limiter) Blocked(key string) (bool, time.Duration) {
	if l == nil || l.rate.Off() {
		return false, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.keys[key]
	if !ok {
		return false, 0
	}
	b := e.Value.(*bucket)
	if b.lim.TokensAt(now) >= 1 {
		return false, 0
	}
	return true, l.wait(b, now)
}

// Len is how many keys the limiter tracks.
func (l *Limiter) Len() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// bucket finds or makes key's bucket and marks it used. l.mu is held.
func (l *Limiter) bucket(key string, now time.Time) *bucket {
	if e, ok := l.keys[key]; ok {
		b := e.Value.(*bucket)
		b.used = now
		l.lru.MoveToFront(e)
		return b
	}
	// Drop what is idle (refilled, so equal to no bucket), then, if the
	// table is still full, the least recently used.
	for e := l.lru.Back(); e != nil; e = l.lru.Back() {
		b := e.Value.(*bucket)
		if len(l.keys) < l.maxKeys && now.Sub(b.used) < l.refill {
			break
		}
		l.lru.Remove(e)
		delete(l.keys, b.key)
	}
	b := &bucket{key: key, lim: rate.NewLimiter(rate.Limit(l.rate.PerSecond), l.rate.Burst), used: now}
	l.keys[key] = l.lru.PushFront(b)
	return b
}

// wait is how long until b holds a token again. l.mu is held.
func (l *Limiter) wait(b *bucket, now time.Time) time.Duration {
	missing := 1 - b.lim.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	return time.Duration(missing / l.rate.PerSecond * float64(time.Second))
}
