package bench

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// histogram counts durations in log-linear buckets (1 µs wide below 128 µs,
// then 64 a power of two: within 1.6 %), so thousands of goroutines can
// record into one without locks or per-sample memory.
type histogram struct {
	buckets [histBuckets]atomic.Int64
	max     atomic.Int64 // nanoseconds
}

const (
	histLinear  = 128 // 1 µs buckets below this many µs
	histSub     = 64  // buckets a power of two above it
	histBuckets = histLinear + 40*histSub
)

func histIndex(us uint64) int {
	if us < histLinear {
		return int(us)
	}
	shift := bits.Len64(us) - 7 // us>>shift is in [64, 128)
	i := histLinear + (shift-1)*histSub + int(us>>shift) - histSub
	return min(i, histBuckets-1)
}

// histUpper is the largest number of µs bucket i holds.
func histUpper(i int) uint64 {
	if i < histLinear {
		return uint64(i)
	}
	shift := (i-histLinear)/histSub + 1
	m := uint64((i-histLinear)%histSub + histSub)
	return (m+1)<<shift - 1
}

// add records one duration; a negative one (clocks) counts as zero.
func (h *histogram) add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.buckets[histIndex(uint64(d/time.Microsecond))].Add(1)
	for m := h.max.Load(); int64(d) > m && !h.max.CompareAndSwap(m, int64(d)); m = h.max.Load() {
	}
}

// count is the number of durations recorded.
func (h *histogram) count() int64 {
	var n int64
	for i := range h.buckets {
		n += h.buckets[i].Load()
	}
	return n
}

// quantile returns the duration below which the fraction q of the samples
// fall, in milliseconds (the bucket's upper bound, so never optimistic,
// capped by the exact maximum); 0 with no samples.
func (h *histogram) quantile(q float64) float64 {
	n := h.count()
	if n == 0 {
		return 0
	}
	want := max(int64(float64(n)*q+0.5), 1)
	var seen int64
	for i := range h.buckets {
		if seen += h.buckets[i].Load(); seen >= want {
			return min(float64(histUpper(i)+1)/1000, h.maxMS())
		}
	}
	return h.maxMS()
}

// maxMS is the largest duration recorded, in milliseconds.
func (h *histogram) maxMS() float64 { return float64(h.max.Load()) / 1e6 }
