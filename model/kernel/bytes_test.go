package kernel

import (
	"math"
	"sync/atomic"
	"testing"
)

func TestViews(t *testing.T) {
	buf := make([]byte, 13)
	for _, off := range []int{0, 1} { // aligned (in place) and misaligned (copied)
		b := buf[off : off+12]
		h := F32ToF16(-2.5)
		b[0], b[1] = byte(h), byte(h>>8)
		if got := F16View(b); len(got) != 6 || got[0] != h {
			t.Fatalf("offset %d: F16View = %v", off, got)
		}
		u := math.Float32bits(3.25)
		b[4], b[5], b[6], b[7] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
		if got := F32View(b); len(got) != 3 || got[1] != 3.25 {
			t.Fatalf("offset %d: F32View = %v", off, got)
		}
	}
	if F16View(nil) != nil || F32View(buf[:3]) != nil {
		t.Fatal("views of too few bytes must be empty")
	}
}

func TestParallelCoversEachIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 5, 16, 17, 1000} {
		for _, grain := range []int{0, 1, 4, 64} {
			seen := make([]atomic.Int32, n)
			Parallel(n, grain, func(lo, hi int) {
				if hi-lo < max(grain, 1) && hi != n {
					t.Errorf("n=%d grain=%d: chunk [%d,%d) below the grain", n, grain, lo, hi)
				}
				for i := lo; i < hi; i++ {
					seen[i].Add(1)
				}
			})
			for i := range seen {
				if seen[i].Load() != 1 {
					t.Fatalf("n=%d grain=%d: index %d ran %d times", n, grain, i, seen[i].Load())
				}
			}
		}
	}
}
