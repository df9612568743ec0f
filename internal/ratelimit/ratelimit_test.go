package ratelimit

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// clock is a hand-moved time for a Limiter.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newAt(r Rate, keys int) (*Limiter, *clock) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	l := New(r, keys)
	l.now = c.now
	return l, c
}

func TestLimiterAllow(t *testing.T) {
	l, c := newAt(Rate{PerSecond: 2, Burst: 3}, 0)
	for i := range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("past the burst: %v, wait %v; want refused, 500ms", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another key shares the first key's bucket")
	}
	c.add(499 * time.Millisecond)
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("allowed before a token was back")
	}
	c.add(time.Millisecond)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refused after the wait it announced")
	}
}

func TestLimiterBlockedTakesNothing(t *testing.T) {
	l, c := newAt(Rate{PerSecond: 1, Burst: 2}, 0)
	if blocked, _ := l.Blocked("a"); blocked || l.Len() != 0 {
		t.Fatalf("an unknown key: blocked %v, %d keys; want free and no bucket made", blocked, l.Len())
	}
	l.Allow("a")
	for range 5 {
		if blocked, _ := l.Blocked("a"); blocked {
			t.Fatal("Blocked took a token")
		}
	}
	l.Allow("a")
	blocked, wait := l.Blocked("a")
	if !blocked || wait != time.Second {
		t.Fatalf("emptied: blocked %v, wait %v; want true, 1s", blocked, wait)
	}
	c.add(time.Second)
	if blocked, _ := l.Blocked("a"); blocked {
		t.Fatal("still blocked after the refill")
	}
}

func TestLimiterOff(t *testing.T) {
	var nilLimiter *Limiter
	for name, l := range map[string]*Limiter{"nil": nilLimiter, "zero rate": New(Rate{}, 0)} {
		for range 1000 {
			if ok, _ := l.Allow("a"); !ok {
				t.Fatalf("%s: refused", name)
			}
		}
		if blocked, _ := l.Blocked("a"); blocked || l.Len() != 0 {
			t.Fatalf("%s: blocked %v, %d keys", name, blocked, l.Len())
		}
	}
	var nilLimits *Limits
	if ok, _ := nilLimits.Request("app", "u"); !ok {
		t.Fatal("nil Limits refused a request")
	}
}

// TestLimiterBoundedKeys: a flood of new keys can't grow the table past its
// bound, and the keys in use keep their state (an emptied bucket stays empty).
func TestLimiterBoundedKeys(t *testing.T) {
	l, _ := newAt(Rate{PerSecond: 1, Burst: 1}, 100)
	l.Allow("victim") // empties it
	for i := range 10_000 {
		l.Allow(fmt.Sprintf("flood-%d", i))
		if i%10 == 0 {
			l.Allow("victim") // in use: stays near the front
		}
		if n := l.Len(); n > 100 {
			t.Fatalf("%d keys tracked, bound 100", n)
		}
	}
	if ok, _ := l.Allow("victim"); ok {
		t.Fatal("the flood reset a bucket in use")
	}
}

// TestLimiterDropsIdle: buckets idle long enough to have refilled go away
// when the table next changes, so memory follows the traffic.
func TestLimiterDropsIdle(t *testing.T) {
	l, c := newAt(Rate{PerSecond: 10, Burst: 10}, 0) // refills in 1s
	for i := range 500 {
		l.Allow(fmt.Sprintf("k%d", i))
	}
	c.add(time.Second)
	l.Allow("late")
	if n := l.Len(); n != 1 {
		t.Fatalf("%d keys after the others idled a full refill, want 1", n)
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := New(Rate{PerSecond: 1, Burst: 100}, 50)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				key := "shared"
				if i%2 == 0 {
					key = fmt.Sprintf("k%d-%d", g, i)
				}
				if ok, _ := l.Allow(key); ok && key == "shared" {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
				l.Blocked(key)
			}
		})
	}
	wg.Wait()
	// Every writer touches the shared key every other call, so it never
	// falls to the back of the 50 keys: it hands out its burst, no more.
	if allowed < 100 || allowed > 102 {
		t.Errorf("shared key allowed %d times, want its burst of 100 (+ refill)", allowed)
	}
}

func TestParseRate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Rate
	}{
		{"20/s:100", Rate{20, 100}},
		{"20/s", Rate{20, 20}},
		{"30/m", Rate{0.5, 30}},
		{"60/m:5", Rate{1, 5}},
		{"3600/h", Rate{1, 3600}},
		{"0.5/s", Rate{0.5, 1}},
		{" 10 / s : 7 ", Rate{10, 7}},
		{"0", Rate{}},
		{"off", Rate{}},
	} {
		got, err := ParseRate(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseRate(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
		if back, err := ParseRate(got.String()); err != nil || back.PerSecond != got.PerSecond || (!got.Off() && back.Burst != got.Burst) {
			t.Errorf("ParseRate(%q.String() = %q) = %+v, %v", c.in, got.String(), back, err)
		}
	}
	for _, bad := range []string{"", "10", "10/d", "-1/s", "x/s", "10/s:0", "10/s:x", "NaN/s", "Inf/s", "10/s:-3"} {
		if r, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) = %+v, want an error", bad, r)
		}
	}
}

// BenchmarkRequest: what the limits add to a request (an app's and a
// user's bucket), from all cores at once.
func BenchmarkRequest(b *testing.B) {
	l := NewLimits(DefaultRates())
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			l.Request("app", fmt.Sprintf("u%d", i%1000))
		}
	})
}
