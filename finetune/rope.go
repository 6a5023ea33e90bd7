package finetune

import "math"

// rope holds the rotary position angles of one head width: cos and sin [T, hd/2].
type rope struct {
	T, half  int
	cos, sin []float32
	neox     bool
}

// newRope precomputes θ_i(pos) = pos · base^(−2i/hd) for positions 0..T−1.
func newRope(T, hd int, base float32, neox bool) *rope {
	half := hd / 2
	r := &rope{T: T, half: half, cos: make([]float32, T*half), sin: make([]float32, T*half), neox: neox}
	for pos := range T {
		for i := range half {
			theta := float64(pos) * math.Pow(float64(base), -2*float64(i)/float64(hd))
			r.cos[pos*half+i] = float32(math.Cos(theta))
			r.sin[pos*half+i] = float32(math.Sin(theta))
		}
	}
	return r
}

// rotate turns every head of x [T, nh·hd] in place by +θ (forward) or −θ (backward: the
// rotation is orthogonal, so its gradient is the inverse rotation). Llama GGUF weights pair
// adjacent elements (2i, 2i+1); NeoX pairs i with i + hd/2.
func (r *rope) rotate(x []float32, T, nh int, inverse bool) {
	hd := 2 * r.half
	sign := float32(1)
	if inverse {
		sign = -1
	}
	for t := range T {
		cs, sn := r.cos[t*r.half:(t+1)*r.half], r.sin[t*r.half:(t+1)*r.half]
		for h := range nh {
			v := x[(t*nh+h)*hd : (t*nh+h+1)*hd]
			for i := range r.half {
				a, b := 2*i, 2*i+1
				if r.neox {
					a, b = i, i+r.half
				}
				c, s := cs[i], sign*sn[i]
				x0, x1 := v[a], v[b]
				v[a] = x0*c - x1*s
				v[b] = x0*s + x1*c
			}
		}
	}
}
