package finetune

import (
	"math"
	"runtime"
	"sync"
)

// headRows is how many positions share one logits block [headRows, V].
const headRows = 32

// lmHead is the fused output projection and cross-entropy over the positions that carry a
// target (targets[t] ≥ 0); the other positions cost nothing. Per block of rows:
// logits = xn·Woutᵀ [R,V]; loss = Σ logsumexp(logits) − logits[target];
// dlogits = scale·(softmax − onehot); dxn = dlogits·Wout; dWout += dlogitsᵀ·xn.
// xn and dxn [T,C], Wout [V,C]. dxn (zeroed here) and dWout are written only when dxn != nil.
type lmHead struct {
	xr, dxr, logits []float32
	mm              gemmFunc // the matrix product
	workers         int      // goroutines of the softmax (0: every core)
}

func (h *lmHead) run(xn, Wout []float32, targets []int32, T, C, V int, scale float32, dxn, dWout []float32) (loss float64, n int) {
	if len(h.logits) < headRows*V {
		h.xr, h.dxr, h.logits = make([]float32, headRows*C), make([]float32, headRows*C), make([]float32, headRows*V)
	}
	if dxn != nil {
		clear(dxn[:T*C])
	}
	rows := make([]int, 0, headRows)
	flush := func() {
		R := len(rows)
		for i, t := range rows {
			copy(h.xr[i*C:(i+1)*C], xn[t*C:(t+1)*C])
		}
		h.mm(false, true, R, V, C, 1, h.xr, C, Wout, C, 0, h.logits, V)
		loss += softmaxRows(h.logits, rows, targets, V, scale, dxn != nil, h.workers)
		if dxn != nil {
			h.mm(false, false, R, C, V, 1, h.logits, V, Wout, C, 0, h.dxr, C)
			for i, t := range rows {
				copy(dxn[t*C:(t+1)*C], h.dxr[i*C:(i+1)*C])
			}
			if dWout != nil {
				h.mm(true, false, V, C, R, 1, h.logits, V, h.xr, C, 1, dWout, C)
			}
		}
		n += R
		rows = rows[:0]
	}
	for t := range T {
		if targets[t] < 0 {
			continue
		}
		rows = append(rows, t)
		if len(rows) == headRows {
			flush()
		}
	}
	if len(rows) > 0 {
		flush()
	}
	return loss, n
}

// softmaxRows returns the summed cross-entropy of the rows of logits [R,V] and, with grad,
// turns each row into scale·(softmax − onehot(target)). Rows are split among workers
// goroutines (0: one per core).
func softmaxRows(logits []float32, rows []int, targets []int32, V int, scale float32, grad bool, workers int) float64 {
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(rows))
	losses := make([]float64, len(rows))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(rows); i += workers {
				row := logits[i*V : (i+1)*V]
				tgt := targets[rows[i]]
				mx := row[0]
				for _, v := range row {
					mx = max(mx, v)
				}
				var sum float64
				for _, v := range row {
					sum += math.Exp(float64(v - mx))
				}
				losses[i] = math.Log(sum) + float64(mx) - float64(row[tgt])
				if !grad {
					continue
				}
				inv := scale / float32(sum)
				for j, v := range row {
					row[j] = float32(math.Exp(float64(v-mx))) * inv
				}
				row[tgt] -= scale
			}
		})
	}
	wg.Wait()
	var total float64
	for _, l := range losses {
		total += l
	}
	return total
}
