package finetune

import "math"

// AdamW is the optimizer in PyTorch's decoupled form: p ← p − lr·λ·p, then the Adam step
// p ← p − lr·m̂/(√v̂ + ε). (spago's own AdamW scales the decay by the bias-corrected step size,
// and its Optimize returns before the updates finish, so this one updates in place, in order.)
type AdamW struct {
	Beta1, Beta2, Eps, WeightDecay float64
	Step                           int // number of updates done
}

// adamState is the per-parameter moment estimates kept in spago's Param.State.
type adamState struct {
	m, v  []float32
	decay bool
}

// NewAdamW returns the optimizer with β = (0.9, 0.999), ε = 1e−8.
func NewAdamW(weightDecay float64) *AdamW {
	return &AdamW{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: weightDecay}
}

// state returns (creating) a parameter's moments; vectors (norm scales) are never decayed.
func (o *AdamW) state(p NamedParam) *adamState {
	if s, ok := p.Param.State.(*adamState); ok {
		return s
	}
	n := len(values(p.Param))
	s := &adamState{m: make([]float32, n), v: make([]float32, n), decay: p.Param.Shape()[0] > 1}
	p.Param.State = s
	return s
}

// Update applies one step with learning rate lr to every parameter and zeroes the gradients.
func (o *AdamW) Update(params []NamedParam, lr float64) {
	o.Step++
	bc1 := 1 - math.Pow(o.Beta1, float64(o.Step))
	bc2 := 1 - math.Pow(o.Beta2, float64(o.Step))
	b1, b2 := float32(o.Beta1), float32(o.Beta2)
	for _, p := range params {
		s := o.state(p)
		w, g := values(p.Param), grad(p.Param)
		decay := float32(1)
		if s.decay {
			decay = float32(1 - lr*o.WeightDecay)
		}
		stepSize := float32(lr / bc1)
		sqrtBC2 := float32(math.Sqrt(bc2))
		eps := float32(o.Eps)
		for i, gi := range g {
			s.m[i] = b1*s.m[i] + (1-b1)*gi
			s.v[i] = b2*s.v[i] + (1-b2)*gi*gi
			w[i] = w[i]*decay - stepSize*s.m[i]/(float32(math.Sqrt(float64(s.v[i])))/sqrtBC2+eps)
		}
		clear(g)
	}
}

// gradNorm is the global L2 norm of all gradients.
func gradNorm(params []NamedParam) float64 {
	var ss float64
	for _, p := range params {
		for _, g := range grad(p.Param) {
			ss += float64(g) * float64(g)
		}
	}
	return math.Sqrt(ss)
}

// clipGrads scales all gradients so their global norm is at most maxNorm; it returns the
// norm before clipping.
func clipGrads(params []NamedParam, maxNorm float64) float64 {
	norm := gradNorm(params)
	if maxNorm > 0 && norm > maxNorm {
		c := float32(maxNorm / (norm + 1e-6))
		for _, p := range params {
			g := grad(p.Param)
			for i := range g {
				g[i] *= c
			}
		}
	}
	return norm
}

// zeroGrads clears every gradient.
func zeroGrads(params []NamedParam) {
	for _, p := range params {
		clear(grad(p.Param))
	}
}

// LearningRate is the schedule: linear warm-up over warmup steps to peak, then a cosine decay
// to minRatio·peak at total steps. step counts from 0.
func LearningRate(step, warmup, total int, peak, minRatio float64) float64 {
	if step < warmup {
		return peak * float64(step+1) / float64(warmup)
	}
	if total <= warmup {
		return peak
	}
	progress := math.Min(1, float64(step-warmup)/float64(total-warmup))
	return peak * (minRatio + (1-minRatio)*0.5*(1+math.Cos(math.Pi*progress)))
}
