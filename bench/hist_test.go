package bench

import (
	"testing"
	"time"
)

// TestHistogramQuantiles: quantiles are within the histogram's precision
// and never below the true value.
func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	for i := 1; i <= 10000; i++ { // 1 µs … 100 ms
		h.add(time.Duration(i) * 10 * time.Microsecond)
	}
	for _, c := range []struct {
		q    float64
		want float64 // ms
	}{{0.5, 50}, {0.99, 99}, {1, 100}} {
		got := h.quantile(c.q)
		if got < c.want || got > c.want*1.02 {
			t.Errorf("quantile(%v) = %v ms, want %v ms within 2 %%", c.q, got, c.want)
		}
	}
	if got := h.maxMS(); got != 100 {
		t.Errorf("max = %v ms, want 100", got)
	}
	if got := h.count(); got != 10000 {
		t.Errorf("count = %d, want 10000", got)
	}
	var empty histogram
	if got := empty.quantile(0.99); got != 0 {
		t.Errorf("empty quantile = %v, want 0", got)
	}
}

// TestHistogramBuckets: every bucket's range starts right after the one
// before, so no duration falls between buckets.
func TestHistogramBuckets(t *testing.T) {
	for i := 1; i < histBuckets-1; i++ {
		lo := histUpper(i-1) + 1
		if got := histIndex(lo); got != i {
			t.Fatalf("histIndex(%d) = %d, want %d", lo, got, i)
		}
		if got := histIndex(histUpper(i)); got != i {
			t.Fatalf("histIndex(histUpper(%d)) = %d", i, got)
		}
	}
}
