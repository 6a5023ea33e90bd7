package finetune

import "math"

// rmsnormForward normalises each row of x [T,C] by its root mean square and scales by w [C]:
// y[t] = x[t] · rstd[t] ⊙ w, rstd[t] = 1/√(mean(x[t]²) + eps).
func rmsnormForward(y, rstd, x, w []float32, T, C int, eps float32) {
	for t := range T {
		xt := x[t*C : t*C+C]
		var ss float64
		for _, v := range xt {
			ss += float64(v) * float64(v)
		}
		r := float32(1 / math.Sqrt(ss/float64(C)+float64(eps)))
		rstd[t] = r
		yt := y[t*C : t*C+C]
		for i, v := range xt {
			yt[i] = v * r * w[i]
		}
	}
}

// rmsnormBackward adds to dx [T,C] the gradient through the norm, and to dw [C] (when not nil)
// the gradient of the scale: with g = dy ⊙ w, dx = rstd·g − rstd³/C · x · Σ(g ⊙ x).
func rmsnormBackward(dx, dw, dy, x, w, rstd []float32, T, C int) {
	for t := range T {
		xt, dyt, dxt := x[t*C:t*C+C], dy[t*C:t*C+C], dx[t*C:t*C+C]
		r := rstd[t]
		var dot float64
		for i, v := range xt {
			dot += float64(dyt[i]*w[i]) * float64(v)
		}
		c := float32(dot) * r * r * r / float32(C)
		for i, v := range xt {
			dxt[i] += r*dyt[i]*w[i] - c*v
		}
		if dw != nil {
			for i, v := range xt {
				dw[i] += dyt[i] * v * r
			}
		}
	}
}
