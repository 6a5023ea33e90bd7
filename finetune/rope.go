package finetune

import "math"

// rope holds the rotary position angles: cos and sin [T, RopeDim/2].
type rope struct {
	T, half, hd int
	cos, sin    []float32
	neox        bool
}

// newRope precomputes the angles exactly as model/ does at inference: θ_i(pos) =
// pos·scale·base^(−2i/d)/freqs[i] over the first d = RopeDim dimensions of each head.
func newRope(T int, s Shape, freqs []float32) *rope {
	d := s.ropeDim()
	half := d / 2
	r := &rope{T: T, half: half, hd: s.HeadDim, cos: make([]float32, T*half), sin: make([]float32, T*half), neox: s.RopeNeox}
	step := float32(math.Pow(float64(s.RopeTheta), float64(float32(-2)/float32(d))))
	scale := s.RopeScale
	if scale == 0 {
		scale = 1
	}
	for pos := range T {
		theta := float32(pos)
		for i := range half {
			t := theta
			if freqs != nil {
				t /= freqs[i]
			}
			t *= scale
			r.cos[pos*half+i] = float32(math.Cos(float64(t)))
			r.sin[pos*half+i] = float32(math.Sin(float64(t)))
			theta *= step
		}
	}
	return r
}

// rotate turns every head of x [T, nh·hd] in place by +θ (forward) or −θ (backward: the
// rotation is orthogonal, so its gradient is the inverse rotation). Llama GGUF weights pair
// adjacent elements (2i, 2i+1); NeoX pairs i with i + RopeDim/2.
func (r *rope) rotate(x []float32, T, nh int, inverse bool) {
	hd := r.hd
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
