package finetune

import (
	"cmp"
	"context"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// replica is one of the nets a batch's examples are split over: its own activations and its
// own gradient buffers, listed in the order of the trainer's parameters.
type replica struct {
	net    *net
	params []NamedParam
}

// maxReplicaBytes bounds the memory the extra nets of a step take when the count is automatic.
const maxReplicaBytes = 1 << 30

// workers is how many nets share a batch of n examples: the configured count, or with 0 as
// many as there are cores and examples while the extra nets fit in maxReplicaBytes; 1 runs the
// examples one after another.
func (tr *Trainer) workers(n int) int {
	w := tr.cfg.Workers
	if w == 0 {
		w = min(runtime.GOMAXPROCS(0), 1+maxReplicaBytes/tr.replicaBytes())
	}
	return max(1, min(w, n))
}

// replicaBytes is the memory of one more net with its gradients.
func (tr *Trainer) replicaBytes() int {
	n := netFloats(tr.w.Shape, tr.net.maxT, tr.LoRA)
	for _, p := range tr.params {
		n += len(values(p.Param))
	}
	return 4 * n
}

// netFloats counts the float32 in the buffers of a net for sequences of T tokens (newNet), with
// those of the adapter's branches (linear.ensure) when lora is not nil.
func netFloats(s Shape, T int, lora *LoRA) int {
	C, F, Q, KV := s.Dim, s.FFN, s.QDim(), s.KVDim()
	layer := 4*T*C + 2*T + 2*T*Q + 2*T*KV + s.Heads*T*T + 3*T*F
	if lora != nil {
		for _, t := range lora.Targets {
			in, _ := s.dims(t)
			layer += 2 * T * lora.Rank
			if lora.Dropout > 0 {
				layer += 2 * T * in
			}
		}
	}
	rest := 4*T*C + T + 2*T*Q + 2*T*KV + attnWorkers(s.KVHeads)*T*T + 3*T*F
	return s.Layers*layer + rest + T*s.ropeDim() + headRows*(2*C+s.Vocab)
}

// replicas returns w nets: the trainer's own first, the others made on first use, each with
// gradients of its own that sumGrads adds to the trainer's.
func (tr *Trainer) replicas(w int) []replica {
	if len(tr.reps) == 0 {
		tr.reps = []replica{{net: tr.net, params: tr.params}}
	}
	for len(tr.reps) < w {
		var r replica
		if tr.full != nil {
			f := NewFull(tr.w)
			r = replica{net: newNet(tr.w, f.grads, nil, tr.net.maxT), params: f.params}
		} else {
			l := tr.LoRA.shadow()
			r = replica{net: newNet(tr.w, nil, l, tr.net.maxT), params: l.Params()}
		}
		tr.reps = append(tr.reps, r)
	}
	return tr.reps[:w]
}

// exampleRNG is the dropout randomness of example j of a step: it depends only on (seed,
// step, j), never on which net runs the example or when.
func (tr *Trainer) exampleRNG(step, j int) *rand.Rand {
	return rand.New(rand.NewPCG(tr.cfg.Seed^0xd509+uint64(j)*0x9e3779b97f4a7c15, uint64(step)))
}

// parallelStep runs forward and backward over batch on len(reps) nets at once and adds their
// gradients to the trainer's in replica order, so a run is the same whatever the scheduling.
// losses[j] and tokens[j] receive example j's summed loss and token count.
func (tr *Trainer) parallelStep(ctx context.Context, step int, batch []Example, reps []replica, scale float32, losses []float64, tokens []int) error {
	if tr.confine {
		for _, r := range reps {
			r.net.confine(true)
		}
		defer tr.net.confine(false)
	}
	var wg sync.WaitGroup
	for r, ex := range assign(batch, len(reps), tr.cfg.MaxSeqLen) {
		wg.Go(func() {
			for _, j := range ex {
				if ctx.Err() != nil {
					return
				}
				losses[j], tokens[j] = tr.example(reps[r].net, step, j, batch[j], scale)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		for _, r := range reps[1:] {
			zeroGrads(r.params)
		}
		return err
	}
	sumGrads(tr.params, reps[1:])
	return nil
}

// example runs forward and backward of example j of a step on n, adding scale·∂loss/∂θ to
// n's gradients, and returns its summed loss and token count.
func (tr *Trainer) example(n *net, step, j int, e Example, scale float32) (float64, int) {
	toks, tgts := e.targets(tr.cfg.MaxSeqLen)
	n.forward(toks, tr.exampleRNG(step, j), true)
	l, _ := n.backward(toks, tgts, scale)
	return l, len(toks)
}

// assign splits the examples of a batch over w nets, longest first to the least loaded one
// (ties to the lower net), so the split depends only on the data; each list is in batch order.
func assign(batch []Example, w, maxLen int) [][]int {
	order := make([]int, len(batch))
	for j := range order {
		order[j] = j
	}
	size := func(j int) int { return min(len(batch[j].Tokens), maxLen) }
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(size(b), size(a)) })
	load := make([]int, w)
	out := make([][]int, w)
	for _, j := range order {
		r := 0
		for k := range w {
			if load[k] < load[r] {
				r = k
			}
		}
		load[r] += size(j)
		out[r] = append(out[r], j)
	}
	for _, ex := range out {
		slices.Sort(ex)
	}
	return out
}

// sumGrads adds the gradients of reps, in order, to params' and clears them.
func sumGrads(params []NamedParam, reps []replica) {
	for i, p := range params {
		g := grad(p.Param)
		for _, r := range reps {
			rg := grad(r.params[i].Param)
			addInPlace(g, rg)
			clear(rg)
		}
	}
}
