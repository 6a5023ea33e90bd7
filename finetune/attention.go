package finetune

import (
	"math"
)

// attentionForward is causal grouped-query attention. For query head h and its key/value
// head g = h/(H/KV): att_h = softmax_row(q_h·k_gᵀ/√hd, masked to u ≤ t) [T,T], out_h = att_h·v_g.
// q [T,H·hd], k and v [T,KV·hd] → out [T,H·hd], att [H,T,T] kept for the backward pass.
func attentionForward(out, att, q, k, v []float32, T, H, KV, hd int) {
	scale := float32(1 / math.Sqrt(float64(hd)))
	group := H / KV
	for h := range H {
		g := h / group
		P := att[h*T*T : (h+1)*T*T]
		gemm(false, true, T, T, hd, scale, q[h*hd:], H*hd, k[g*hd:], KV*hd, 0, P, T)
		for t := range T {
			row := P[t*T : (t+1)*T]
			softmaxCausal(row, t+1)
		}
		gemm(false, false, T, hd, T, 1, P, T, v[g*hd:], KV*hd, 0, out[h*hd:], H*hd)
	}
}

// softmaxCausal replaces row[:n] by its softmax and zeroes the masked rest.
func softmaxCausal(row []float32, n int) {
	mx := row[0]
	for _, s := range row[1:n] {
		mx = max(mx, s)
	}
	var sum float64
	for u := range n {
		e := math.Exp(float64(row[u] - mx))
		row[u] = float32(e)
		sum += e
	}
	inv := float32(1 / sum)
	for u := range n {
		row[u] *= inv
	}
	clear(row[n:])
}

// attentionBackward writes dq [T,H·hd] and dk, dv [T,KV·hd] from dout [T,H·hd]:
// dv_g += att_hᵀ·dout_h, dP = dout_h·v_gᵀ, dS = att ⊙ (dP − rowsum(att ⊙ dP)),
// dq_h = dS·k_g/√hd, dk_g += dSᵀ·q_h/√hd. dS [T,T] is scratch.
func attentionBackward(dq, dk, dv, dout, att, q, k, v, dS []float32, T, H, KV, hd int) {
	scale := float32(1 / math.Sqrt(float64(hd)))
	group := H / KV
	clear(dk[:T*KV*hd])
	clear(dv[:T*KV*hd])
	for h := range H {
		g := h / group
		P := att[h*T*T : (h+1)*T*T]
		gemm(true, false, T, hd, T, 1, P, T, dout[h*hd:], H*hd, 1, dv[g*hd:], KV*hd)
		gemm(false, true, T, T, hd, 1, dout[h*hd:], H*hd, v[g*hd:], KV*hd, 0, dS, T)
		for t := range T {
			p, d := P[t*T:t*T+t+1], dS[t*T:(t+1)*T]
			var dot float32
			for u, pu := range p {
				dot += pu * d[u]
			}
			for u, pu := range p {
				d[u] = pu * (d[u] - dot)
			}
			clear(d[t+1:])
		}
		gemm(false, false, T, hd, T, scale, dS, T, k[g*hd:], KV*hd, 0, dq[h*hd:], H*hd)
		gemm(true, false, T, hd, T, scale, dS, T, q[h*hd:], H*hd, 1, dk[g*hd:], KV*hd)
	}
}
