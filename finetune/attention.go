package finetune

import (
	"math"
	"runtime"
	"sync"

	"tutor/model/kernel"
)

// attnBlock is the number of query rows whose scores are computed together: scores above the
// diagonal are never computed, so causal attention costs about half of a full T×T product.
const attnBlock = 64

// attentionForward is causal grouped-query attention. For query head h and its key/value
// head g = h/(H/KV): att_h = softmax_row(q_h·k_gᵀ/√hd, masked to u ≤ t) [T,T], out_h = att_h·v_g.
// q [T,H·hd], k and v [T,KV·hd] → out [T,H·hd], att [H,T,T] kept for the backward pass, zero
// above the diagonal. With one, everything runs on the calling goroutine.
func attentionForward(mm gemmFunc, one bool, out, att, q, k, v []float32, T, H, KV, hd int) {
	scale := float32(1 / math.Sqrt(float64(hd)))
	group := H / KV
	forGroups(KV, one, func(_, g int, rows func(int, func(int))) {
		for h := g * group; h < (g+1)*group; h++ {
			P := att[h*T*T : (h+1)*T*T]
			for r0 := 0; r0 < T; r0 += attnBlock {
				r1 := min(r0+attnBlock, T)
				mm(false, true, r1-r0, r1, hd, scale, q[r0*H*hd+h*hd:], H*hd, k[g*hd:], KV*hd, 0, P[r0*T:], T)
			}
			rows(T, func(t int) { softmaxCausal(P[t*T:(t+1)*T], t+1) })
			for r0 := 0; r0 < T; r0 += attnBlock {
				r1 := min(r0+attnBlock, T)
				mm(false, false, r1-r0, hd, r1, 1, P[r0*T:], T, v[g*hd:], KV*hd, 0, out[r0*H*hd+h*hd:], H*hd)
			}
		}
	})
}

// attnWorkers is how many key/value groups attention works on at once: the groups write
// disjoint parts of every output, so they need no locks, each with its own [T,T] scratch.
func attnWorkers(kv int) int { return max(1, min(runtime.GOMAXPROCS(0), kv)) }

// forGroups calls f(worker, g, rows) for every key/value group g, on attnWorkers(KV) cores;
// rows runs a loop over the rows of a matrix, on every core when the groups run one at a time.
// With one, the groups and their rows run on the calling goroutine.
func forGroups(KV int, one bool, f func(worker, g int, rows func(int, func(int)))) {
	serial := func(T int, fn func(int)) {
		for t := range T {
			fn(t)
		}
	}
	if one {
		for g := range KV {
			f(0, g, serial)
		}
		return
	}
	workers := attnWorkers(KV)
	if workers == 1 {
		for g := range KV {
			f(0, g, parallelRows)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for g := w; g < KV; g += workers {
				f(w, g, serial)
			}
		})
	}
	wg.Wait()
}

// parallelRows calls f(t) for t in [0,T) on every core, in interleaved rows so that the
// longer rows at the end of a causal matrix are shared evenly.
func parallelRows(T int, f func(t int)) {
	workers := min(runtime.GOMAXPROCS(0), T/16)
	if workers <= 1 {
		for t := range T {
			f(t)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for t := w; t < T; t += workers {
				f(t)
			}
		})
	}
	wg.Wait()
}

// softmaxCausal replaces row[:n] by its softmax and zeroes the masked rest.
func softmaxCausal(row []float32, n int) {
	mx := row[0]
	for _, s := range row[1:n] {
		mx = max(mx, s)
	}
	var sum float32
	for u := range n {
		e := kernel.Exp32(row[u] - mx)
		row[u] = e
		sum += e
	}
	inv := 1 / sum
	for u := range n {
		row[u] *= inv
	}
	clear(row[n:])
}

// attentionBackward writes dq [T,H·hd] and dk, dv [T,KV·hd] from dout [T,H·hd]:
// dv_g += att_hᵀ·dout_h, dP = dout_h·v_gᵀ, dS = att ⊙ (dP − rowsum(att ⊙ dP)),
// dq_h = dS·k_g/√hd, dk_g += dSᵀ·q_h/√hd. dS [attnWorkers(KV)·T·T] is scratch. Like the forward pass it only
// touches the blocks on and below the diagonal.
func attentionBackward(mm gemmFunc, one bool, dq, dk, dv, dout, att, q, k, v, dS []float32, T, H, KV, hd int) {
	scale := float32(1 / math.Sqrt(float64(hd)))
	group := H / KV
	clear(dk[:T*KV*hd])
	clear(dv[:T*KV*hd])
	forGroups(KV, one, func(w, g int, rows func(int, func(int))) {
		dS := dS[w*T*T : (w+1)*T*T]
		for h := g * group; h < (g+1)*group; h++ {
			P := att[h*T*T : (h+1)*T*T]
			// Key rows [c0,c1) get contributions from query rows t ≥ c0 only.
			for c0 := 0; c0 < T; c0 += attnBlock {
				c1 := min(c0+attnBlock, T)
				mm(true, false, c1-c0, hd, T-c0, 1, P[c0*T+c0:], T, dout[c0*H*hd+h*hd:], H*hd, 1, dv[c0*KV*hd+g*hd:], KV*hd)
			}
			for r0 := 0; r0 < T; r0 += attnBlock {
				r1 := min(r0+attnBlock, T)
				mm(false, true, r1-r0, r1, hd, 1, dout[r0*H*hd+h*hd:], H*hd, v[g*hd:], KV*hd, 0, dS[r0*T:], T)
			}
			rows(T, func(t int) {
				p, d := P[t*T:t*T+t+1], dS[t*T:(t+1)*T]
				var dot float32
				for u, pu := range p {
					dot += pu * d[u]
				}
				for u, pu := range p {
					d[u] = pu * (d[u] - dot)
				}
				clear(d[t+1:])
			})
			for r0 := 0; r0 < T; r0 += attnBlock {
				r1 := min(r0+attnBlock, T)
				mm(false, false, r1-r0, hd, r1, scale, dS[r0*T:], T, k[g*hd:], KV*hd, 0, dq[r0*H*hd+h*hd:], H*hd)
			}
			for c0 := 0; c0 < T; c0 += attnBlock {
				c1 := min(c0+attnBlock, T)
				mm(true, false, c1-c0, hd, T-c0, scale, dS[c0*T+c0:], T, q[c0*H*hd+h*hd:], H*hd, 1, dk[c0*KV*hd+g*hd:], KV*hd)
			}
		}
	})
}
