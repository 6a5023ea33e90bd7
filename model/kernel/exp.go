package kernel

import "math"

// Exp32 is e^x in float32, within 3e-7 of math.Exp relatively for x ≥ −87.3 (below that it
// returns 0, where float32 would go subnormal) and +Inf above 88.72. It stays in float32, for softmax in training.
func Exp32(x float32) float32 {
	switch {
	case x < -87.3:
		return 0
	case x > 88.72:
		return float32(math.Inf(1))
	case x != x:
		return x
	}
	// x = n·ln2 + r with |r| ≤ ln2/2; e^x = 2^n·e^r. ln2 is split in two so that n·ln2 is
	// exact enough, and e^r is a degree-7 minimax polynomial (Cephes expf).
	t := x*1.44269504088896341 + 0.5
	n := int32(t)
	if float32(n) > t {
		n--
	}
	fn := float32(n)
	r := x - fn*0.693359375 + fn*2.12194440e-4
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	y := p*r*r + r + 1
	if n > 127 {
		return y * math.Float32frombits(uint32(n-1+127)<<23) * 2
	}
	return y * math.Float32frombits(uint32(n+127)<<23)
}
