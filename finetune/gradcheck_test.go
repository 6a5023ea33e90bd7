package finetune

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Finite differences: central, step gradEps, on a model with float32 activations and a float64
// loss sum. The check is norm-wise per tensor, ‖g − g_fd‖ / max(‖g‖, ‖g_fd‖) ≤ gradTol, which
// absorbs float32 rounding (≈1e−7 relative on the loss) while catching any wrong term.
const (
	gradEps = 1e-2
	gradTol = 5e-3
)

// gradCase is one sequence with a partial loss mask, as a chat example has.
var (
	gradTokens  = []int32{1, 5, 9, 3, 3, 7, 10, 0, 4}
	gradTargets = []int32{-1, -1, 3, 3, 7, 10, 0, 4, -1}
)

func meanLoss(n *net, seed uint64, train bool) float64 {
	n.forward(gradTokens, rand.New(rand.NewPCG(seed, 2)), train)
	l, c := n.loss(gradTargets)
	return l / float64(c)
}

func backprop(n *net, seed uint64, train bool) {
	n.forward(gradTokens, rand.New(rand.NewPCG(seed, 2)), train)
	_, c := n.loss(gradTargets)
	n.backward(gradTokens, gradTargets, 1/float32(c))
}

// checkGrad compares analytic gradients g of vals with finite differences of loss.
func checkGrad(t *testing.T, name string, vals, g []float32, loss func() float64) {
	t.Helper()
	idx := make([]int, len(vals))
	for i := range idx {
		idx[i] = i
	}
	if len(idx) > 48 {
		rand.New(rand.NewPCG(7, uint64(len(vals)))).Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		idx = idx[:48]
	}
	var diff, na, nn float64
	for _, i := range idx {
		orig := vals[i]
		vals[i] = orig + gradEps
		lp := loss()
		vals[i] = orig - gradEps
		lm := loss()
		vals[i] = orig
		num := (lp - lm) / (2 * gradEps)
		a := float64(g[i])
		diff += (a - num) * (a - num)
		na += a * a
		nn += num * num
	}
	rel := math.Sqrt(diff) / math.Max(math.Max(math.Sqrt(na), math.Sqrt(nn)), 1e-6)
	if rel > gradTol || math.IsNaN(rel) {
		t.Errorf("%s: relative gradient error %.2e > %.0e (|g| %.3e, |fd| %.3e)", name, rel, gradTol, math.Sqrt(na), math.Sqrt(nn))
	} else if testing.Verbose() {
		t.Logf("%s: relative error %.2e", name, rel)
	}
	if na == 0 {
		t.Errorf("%s: gradient is zero, the check proves nothing", name)
	}
}

// TestLoRAGradients checks the gradient of every LoRA target's A and B, with and without
// dropout (a fixed seed gives the same mask to every evaluation).
func TestLoRAGradients(t *testing.T) {
	for _, neox := range []bool{false, true} {
		for _, dropout := range []float32{0, 0.3} {
			t.Run(fmt.Sprintf("neox=%v/dropout=%g", neox, dropout), func(t *testing.T) {
				s := tinyShape(neox)
				w := mustRandomWeights(t, s, false, 1)
				cfg := LoRAConfig{Rank: 3, Alpha: 6, Dropout: dropout, Targets: AllTargets}
				rng := rand.New(rand.NewPCG(3, 4))
				lora := NewLoRA(s, cfg, rng)
				for _, p := range lora.Params() {
					// B starts at zero; a random B makes A's gradient non-zero.
					for i, v := range values(p.Param) {
						if v == 0 {
							values(p.Param)[i] = float32(rng.Float64() - 0.5)
						}
					}
				}
				n := newNet(w, nil, lora, 16)
				backprop(n, 5, true)
				loss := func() float64 { return meanLoss(n, 5, true) }
				for _, p := range lora.Params() {
					checkGrad(t, p.Name, values(p.Param), grad(p.Param), loss)
				}
			})
		}
	}
}

// TestFullGradients checks every base weight's gradient, which runs through every operation:
// embedding, RMSNorm, the projections, RoPE, GQA attention, SwiGLU and the fused LM head.
func TestFullGradients(t *testing.T) {
	for _, tc := range []struct {
		neox, tied bool
	}{{false, false}, {true, true}} {
		t.Run(fmt.Sprintf("neox=%v/tied=%v", tc.neox, tc.tied), func(t *testing.T) {
			s := tinyShape(tc.neox)
			w := mustRandomWeights(t, s, tc.tied, 2)
			full := NewFull(w)
			n := newNet(w, full.grads, nil, 16)
			backprop(n, 5, true)
			loss := func() float64 { return meanLoss(n, 5, true) }
			for _, p := range full.Params() {
				checkGrad(t, p.Name, values(p.Param), grad(p.Param), loss)
			}
		})
	}
}

// TestFullGradientsLongSequence checks every base weight's gradient on a sequence of more than
// two attention blocks (attnBlock), so that the blocks below the diagonal, which the short
// sequence above never reaches, are checked too.
func TestFullGradientsLongSequence(t *testing.T) {
	s := tinyShape(false)
	T := 2*attnBlock + 22
	s.Context = T
	w := mustRandomWeights(t, s, false, 2)
	full := NewFull(w)
	rng := rand.New(rand.NewPCG(1, 1))
	tokens, targets := make([]int32, T), make([]int32, T)
	for i := range tokens {
		tokens[i] = int32(rng.IntN(s.Vocab))
	}
	for i := range targets {
		targets[i] = -1
		if i > T/3 && i+1 < T { // the loss starts late, so early keys get gradient only through attention
			targets[i] = tokens[i+1]
		}
	}
	n := newNet(w, full.grads, nil, T)
	n.forward(tokens, nil, true)
	_, c := n.loss(targets)
	n.backward(tokens, targets, 1/float32(c))
	loss := func() float64 {
		n.forward(tokens, nil, true)
		l, c := n.loss(targets)
		return l / float64(c)
	}
	for _, p := range full.Params() {
		checkGrad(t, p.Name, values(p.Param), grad(p.Param), loss)
	}
}
