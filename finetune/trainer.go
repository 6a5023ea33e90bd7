package finetune

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand/v2"
	"time"

	"tutor"
)

// Progress reports a training run after each optimizer step.
type Progress struct {
	Step         int           `json:"step"`  // optimizer steps done
	Steps        int           `json:"steps"` // planned steps
	Epoch        float64       `json:"epoch"`
	TrainLoss    float64       `json:"train_loss"`         // mean loss per learned token in this step
	ValLoss      float64       `json:"val_loss,omitempty"` // validation loss when measured at this step
	BestValLoss  float64       `json:"best_val_loss,omitempty"`
	LR           float64       `json:"lr"`
	GradNorm     float64       `json:"grad_norm"`
	Tokens       int64         `json:"tokens"` // tokens trained on so far
	TokensPerSec float64       `json:"tokens_per_sec"`
	Elapsed      time.Duration `json:"elapsed"`
	ETA          time.Duration `json:"eta"`
	Checkpoint   string        `json:"checkpoint,omitempty"` // saved at this step
	Message      string        `json:"message,omitempty"`
}

// Result is how a run ended.
type Result struct {
	Steps       int     `json:"steps"`
	TrainLoss   float64 `json:"train_loss"`
	BestValLoss float64 `json:"best_val_loss,omitempty"`
	Stopped     string  `json:"stopped"` // done, early_stop
	Resumed     int     `json:"resumed"` // the step the run resumed from (0: fresh)
	History     []Point `json:"history"`
}

// Trainer trains an adapter (or every weight) of a model on tokenized examples, saving
// resumable checkpoints in Dir.
type Trainer struct {
	cfg        TrainConfig
	w          *Weights
	train, val []Example
	dir        string

	LoRA   *LoRA // the adapter being trained; nil for full-parameter training
	full   *Full
	params []NamedParam
	net    *net
	reps   []replica // the nets of a data-parallel step, net first; made on first use
	// confine keeps each net of a data-parallel step to its own goroutine. Off: it was about
	// as fast on two free cores, slower on four and on a busy machine than letting their
	// products use every core (BenchmarkTrainParallel).
	confine bool
	opt     *AdamW
	fp      string
}

// NewTrainer prepares a run; the LoRA starts from the seed, or from Dir's last checkpoint when
// Train resumes.
func NewTrainer(w *Weights, train, val []Example, cfg TrainConfig, dir string) (*Trainer, error) {
	if err := w.Shape.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tr := &Trainer{cfg: cfg, w: w, train: train, val: val, dir: dir, opt: NewAdamW(cfg.WeightDecay)}
	if tr.lossTokens(train) == 0 {
		return nil, tutor.Errorf(tutor.EINVALID, "the training set is empty: no example has a token to learn")
	}
	for _, set := range [][]Example{train, val} {
		for i, e := range set {
			if len(e.Mask) != len(e.Tokens) {
				return nil, tutor.Errorf(tutor.EINVALID, "example %d: %d tokens but %d mask entries", i, len(e.Tokens), len(e.Mask))
			}
			for _, tok := range e.Tokens {
				if tok < 0 || int(tok) >= w.Vocab {
					return nil, tutor.Errorf(tutor.EINVALID, "example %d: token %d is outside the vocabulary of %d", i, tok, w.Vocab)
				}
			}
		}
	}
	maxT := 0
	for _, set := range [][]Example{train, val} {
		for _, e := range set {
			maxT = max(maxT, min(len(e.Tokens), cfg.MaxSeqLen))
		}
	}
	if cfg.Full {
		tr.full = NewFull(w)
		tr.params = tr.full.Params()
		tr.net = newNet(w, tr.full.grads, nil, maxT)
	} else {
		tr.LoRA = NewLoRA(w.Shape, cfg.LoRA, rand.New(rand.NewPCG(cfg.Seed, 0x10ea)))
		tr.params = tr.LoRA.Params()
		tr.net = newNet(w, nil, tr.LoRA, maxT)
	}
	tr.fp = tr.fingerprint()
	return tr, nil
}

// Steps is the number of optimizer steps the run plans.
func (tr *Trainer) Steps() int {
	per := (len(tr.train) + tr.cfg.BatchSize - 1) / tr.cfg.BatchSize
	steps := per * tr.cfg.Epochs
	if tr.cfg.MaxSteps > 0 && (steps == 0 || tr.cfg.MaxSteps < steps) {
		steps = tr.cfg.MaxSteps
	}
	return steps
}

// Params lists what the run trains.
func (tr *Trainer) Params() []NamedParam { return tr.params }

// batch returns the examples of a step: the seed shuffles each epoch, so the order depends
// only on (seed, step) and a resumed run sees exactly the batches it would have seen.
func (tr *Trainer) batch(step int) []Example {
	n := len(tr.train)
	out := make([]Example, 0, tr.cfg.BatchSize)
	var perm []int
	permEpoch := -1
	for j := range tr.cfg.BatchSize {
		i := step*tr.cfg.BatchSize + j
		epoch := i / n
		if epoch != permEpoch {
			perm = rand.New(rand.NewPCG(tr.cfg.Seed, uint64(epoch)+1)).Perm(n)
			permEpoch = epoch
		}
		out = append(out, tr.train[perm[i%n]])
	}
	return out
}

func (tr *Trainer) lossTokens(set []Example) int {
	n := 0
	for _, e := range set {
		n += e.lossTokens(tr.cfg.MaxSeqLen)
	}
	return n
}

// step runs forward and backward over a batch, the gradients averaged over its learned tokens.
// With several workers the examples run on as many nets at once (see parallelStep); the loss
// is summed in batch order either way.
func (tr *Trainer) step(ctx context.Context, step int, batch []Example) (loss float64, tokens int, err error) {
	total := tr.lossTokens(batch)
	if total == 0 {
		return 0, 0, nil
	}
	scale := 1 / float32(total)
	losses, toks := make([]float64, len(batch)), make([]int, len(batch))
	if w := tr.workers(len(batch)); w > 1 {
		if err := tr.parallelStep(ctx, step, batch, tr.replicas(w), scale, losses, toks); err != nil {
			return 0, 0, err
		}
	} else {
		for j, e := range batch {
			if err := ctx.Err(); err != nil {
				return 0, 0, err
			}
			losses[j], toks[j] = tr.example(tr.net, step, j, e, scale)
		}
	}
	var sum float64
	for j := range batch {
		sum += losses[j]
		tokens += toks[j]
	}
	return sum / float64(total), tokens, nil
}

// Evaluate returns the mean loss per learned token over set, without dropout.
func (tr *Trainer) Evaluate(ctx context.Context, set []Example) (float64, error) {
	var sum float64
	var n int
	for _, e := range set {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		toks, tgts := e.targets(tr.cfg.MaxSeqLen)
		tr.net.forward(toks, nil, false)
		l, c := tr.net.loss(tgts)
		sum += l
		n += c
	}
	if n == 0 {
		return 0, nil
	}
	return sum / float64(n), nil
}

// fingerprint identifies the run: configuration, model shape and data. A checkpoint of another
// run is never resumed.
func (tr *Trainer) fingerprint() string {
	h := sha256.New()
	cfg := tr.cfg
	cfg.EvalEvery, cfg.CheckpointEvery, cfg.Patience = 0, 0, 0
	b, _ := json.Marshal(struct {
		C TrainConfig
		S Shape
	}{cfg, tr.w.Shape})
	h.Write(b)
	for _, set := range [][]Example{tr.train, tr.val} {
		binary.Write(h, binary.LittleEndian, int64(len(set)))
		for _, e := range set {
			binary.Write(h, binary.LittleEndian, e.Tokens)
			binary.Write(h, binary.LittleEndian, e.Mask)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
