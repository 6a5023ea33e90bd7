package kernel

import (
	"sync"
	"sync/atomic"
)

// A batch is one parallel call: tasks [0, n) handed out one at a time to the
// caller and to helpers from the pool, so a core slowed by other work on a
// shared machine takes fewer tasks instead of holding everyone up. The call
// returns once every task has finished, without waiting for helpers that
// had no task: on a busy machine a helper may wake long after the caller
// has done all the work, and then finds nothing left.
type batch struct {
	n        int64
	next     atomic.Int64
	done     atomic.Int64
	fn       func(worker, task int)
	finished chan struct{} // closed by whoever finishes the last task
}

func (b *batch) work(worker int) {
	for {
		t := b.next.Add(1) - 1
		if t >= b.n {
			return
		}
		b.fn(worker, int(t))
		if b.done.Add(1) == b.n {
			close(b.finished)
		}
	}
}

type helperReq struct {
	b      *batch
	worker int
}

var (
	poolOnce sync.Once
	poolReqs chan helperReq
)

// startPool starts the persistent helper goroutines; they live for the
// process, parked on a channel, so a parallel call costs no goroutine start.
func startPool() {
	poolReqs = make(chan helperReq, maxWorkers)
	for i := 0; i < maxWorkers-1; i++ {
		go func() {
			for r := range poolReqs {
				r.b.work(r.worker)
			}
		}()
	}
}

// parallelFor runs fn(worker, task) for every task in [0, n) on up to
// workers() goroutines, the caller included. worker is in [0, workers()) and
// unique among the goroutines running fn for this call at once, so fn may
// index per-worker scratch space with it.
func parallelFor(n int, fn func(worker, task int)) {
	w := workers()
	if w > n {
		w = n
	}
	if w <= 1 {
		for t := 0; t < n; t++ {
			fn(0, t)
		}
		return
	}
	poolOnce.Do(startPool)
	b := &batch{n: int64(n), fn: fn, finished: make(chan struct{})}
	for i := 1; i < w; i++ {
		select {
		case poolReqs <- helperReq{b: b, worker: i}:
		default: // every helper is busy: the caller does the rest
		}
	}
	b.work(0)
	<-b.finished
}

// Parallel splits [0, n) into chunks of at least grain indices and runs
// fn(lo, hi) on them on all cores, on the persistent helpers of the
// package's pool: a call costs no goroutine start. It returns when every
// chunk is done.
func Parallel(n, grain int, fn func(lo, hi int)) {
	grain = max(grain, 1)
	// Twice as many chunks as workers, so a core slowed by other work on a
	// shared machine takes fewer of them.
	chunk := max(grain, ceilDiv(n, 2*workers()))
	tasks := ceilDiv(n, chunk)
	if tasks <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	parallelFor(tasks, func(_, t int) {
		fn(t*chunk, min((t+1)*chunk, n))
	})
}
