package finetune

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/nlpodyssey/spago/mat"
	"github.com/nlpodyssey/spago/nn"

	"tutor"
)

// LoRAConfig chooses the adapter: ΔW = (Alpha/Rank)·B·A on each target of every block.
type LoRAConfig struct {
	Rank    int      `json:"rank"`
	Alpha   float32  `json:"alpha"`
	Dropout float32  `json:"dropout"` // probability of dropping an input of the LoRA branch
	Targets []Target `json:"targets"`
}

// DefaultLoRAConfig is rank 8, alpha 16, dropout 0.05 on the attention query and value.
func DefaultLoRAConfig() LoRAConfig {
	return LoRAConfig{Rank: 8, Alpha: 16, Dropout: 0.05, Targets: []Target{TargetQ, TargetV}}
}

// Validate reports an unusable adapter configuration.
func (c LoRAConfig) Validate() error {
	if c.Rank <= 0 || c.Rank > 1024 {
		return tutor.Errorf(tutor.EINVALID, "LoRA rank %d must be between 1 and 1024", c.Rank)
	}
	if !(c.Alpha > 0) {
		return tutor.Errorf(tutor.EINVALID, "LoRA alpha must be positive")
	}
	if !(c.Dropout >= 0 && c.Dropout < 1) {
		return tutor.Errorf(tutor.EINVALID, "LoRA dropout %g must be in [0, 1)", c.Dropout)
	}
	if len(c.Targets) == 0 {
		return tutor.Errorf(tutor.EINVALID, "LoRA needs at least one target module")
	}
	for _, t := range c.Targets {
		if _, err := ParseTarget(string(t)); err != nil {
			return err
		}
	}
	return nil
}

// LoRAPair is one adapted weight: W' = W + scale·B·A.
type LoRAPair struct {
	A       *nn.Param // [r, in]
	B       *nn.Param // [out, r]
	In, Out int
}

// LoRA is a trainable adapter: one pair per block and target.
type LoRA struct {
	LoRAConfig
	Layers []map[Target]*LoRAPair
}

// Scale is alpha / rank, the factor on B·A.
func (l *LoRA) Scale() float32 { return l.Alpha / float32(l.Rank) }

// NewLoRA initialises an adapter as PEFT does: A Kaiming-uniform (bound 1/√in), B zero, so the
// adapted model starts equal to the base.
func NewLoRA(s Shape, cfg LoRAConfig, rng *rand.Rand) *LoRA {
	l := &LoRA{LoRAConfig: cfg, Layers: make([]map[Target]*LoRAPair, s.Layers)}
	for i := range l.Layers {
		l.Layers[i] = map[Target]*LoRAPair{}
		for _, t := range AllTargets {
			if !slices.Contains(cfg.Targets, t) {
				continue
			}
			in, out := s.dims(t)
			a := make([]float32, cfg.Rank*in)
			bound := 1 / math.Sqrt(float64(in))
			for j := range a {
				a[j] = float32((2*rng.Float64() - 1) * bound)
			}
			l.Layers[i][t] = &LoRAPair{A: newParam(a, cfg.Rank, in), B: newParam(make([]float32, out*cfg.Rank), out, cfg.Rank), In: in, Out: out}
		}
	}
	return l
}

// shadow returns an adapter that shares l's values but has gradients of its own, for a second
// net working on other examples of the same batch.
func (l *LoRA) shadow() *LoRA {
	s := &LoRA{LoRAConfig: l.LoRAConfig, Layers: make([]map[Target]*LoRAPair, len(l.Layers))}
	for i, m := range l.Layers {
		s.Layers[i] = map[Target]*LoRAPair{}
		for t, p := range m {
			r := p.A.Shape()[0]
			s.Layers[i][t] = &LoRAPair{A: newParam(values(p.A), r, p.In), B: newParam(values(p.B), p.Out, r), In: p.In, Out: p.Out}
		}
	}
	return s
}

// Params lists the trainable parameters with stable names, in block and target order.
func (l *LoRA) Params() []NamedParam {
	var ps []NamedParam
	for i, m := range l.Layers {
		for _, t := range AllTargets {
			if p := m[t]; p != nil {
				ps = append(ps, NamedParam{loraName(i, t, "a"), p.A}, NamedParam{loraName(i, t, "b"), p.B})
			}
		}
	}
	return ps
}

func loraName(layer int, t Target, ab string) string {
	return "blk." + itoa(layer) + "." + string(t) + ".lora_" + ab
}

// NamedParam is a trainable tensor and its name in checkpoints.
type NamedParam struct {
	Name  string
	Param *nn.Param
}

// newParam wraps data (not copied) as a trainable [rows, cols] spago parameter.
func newParam(data []float32, rows, cols int) *nn.Param {
	p := &nn.Param{Matrix: mat.NewDense[float32](mat.WithShape(rows, cols), mat.WithBacking(data))}
	p.SetRequiresGrad(true)
	return p
}

// values is the live float32 storage of a parameter.
func values(p *nn.Param) []float32 { return p.Data().F32() }

// grad is the live float32 gradient of a parameter, allocated zeroed on first use.
func grad(p *nn.Param) []float32 {
	if !p.HasGrad() {
		p.AccGrad(p.ZerosLike())
	}
	return p.Grad().(mat.Matrix).Data().F32()
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
