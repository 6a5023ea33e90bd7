// Package pretrain makes the demo base model from nothing: it generates the corpus
// (demo/corpus), learns a byte-level BPE tokenizer that covers Chinese on it, trains every
// weight of a small Llama-architecture model with the trainer of package finetune, and writes
// a GGUF file that the built-in engine and Ollama load, with its recipe in the metadata.
package pretrain

import (
	"encoding/json"

	"tutor"
	"tutor/demo/corpus"
	"tutor/finetune"
)

// Recipe is everything that determines the model: the same recipe gives the same file.
type Recipe struct {
	Seed    uint64 `json:"seed"`
	Corpus  string `json:"corpus"`   // corpus.Version the data was generated with
	Vocab   int    `json:"vocab"`    // tokenizer size
	TokDocs int    `json:"tok_docs"` // corpus documents the tokenizer learns from
	// WholeHan keeps the common Chinese characters (corpus.CommonHan) whole tokens.
	WholeHan bool `json:"whole_han"`
	// MaxHan is the most Chinese characters one token may hold (0: no limit). The corpus
	// repeats its sentences, and without a limit BPE learns whole clauses as tokens.
	MaxHan int `json:"max_han,omitempty"`

	Dim     int     `json:"dim"`
	Layers  int     `json:"layers"`
	Heads   int     `json:"heads"`
	KVHeads int     `json:"kv_heads"`
	FFN     int     `json:"ffn"`
	Context int     `json:"context"`
	Theta   float32 `json:"rope_theta"`

	SeqLen    int     `json:"seq_len"`    // tokens per training sequence (documents are packed)
	Tokens    int64   `json:"tokens"`     // training tokens generated (one epoch)
	ValTokens int64   `json:"val_tokens"` // validation tokens, from documents after the training ones
	Batch     int     `json:"batch"`      // sequences per optimizer step
	LR        float64 `json:"lr"`
	Warmup    int     `json:"warmup"`
	MinLR     float64 `json:"min_lr_ratio"`
	Decay     float64 `json:"weight_decay"`
	// Mix is the share of each kind of document in the first training (handbook, knowledge,
	// reading, chat, lookup); zero: the corpus's default.
	Mix [5]float64 `json:"mix"`
	// AnswersOnly learns only the answer of a reading or lookup example, not its passages and
	// question, so that the few answer tokens are not drowned by the prompt's many.
	AnswersOnly bool `json:"answers_only"`
	// Drill is the number of copy drills (see drills) mixed into the first training. On their
	// own they teach a model nothing (a drill's few learned tokens weigh little in a step's mean
	// loss, and no run formed the heads that copy); with CopyHeads they keep rewarding the
	// wired heads, which text alone lets fade.
	Drill int `json:"drill,omitempty"`
	// CopyHeads starts the first two layers with a previous-token head and an induction head
	// built by hand (see copyheads.go), so that the model copies from its context from the
	// first step instead of having to discover how.
	CopyHeads bool `json:"copy_heads,omitempty"`
	// CopyBigram (with CopyHeads) makes the induction head match the two tokens before a place
	// instead of one (see wireBigram), with a 2-back head in the first layer.
	CopyBigram bool `json:"copy_bigram,omitempty"`
	// CopyTrigram (with CopyBigram) makes it match the three tokens before a place, with a
	// 3-back head in the first layer (see wireBigram).
	CopyTrigram bool `json:"copy_trigram,omitempty"`

	// Then continues training, phase after phase, from the weights the phase before left.
	Then []Phase `json:"then,omitempty"`
}

// Phase is a continuation of training on another mix of the corpus's kinds of documents.
type Phase struct {
	Tokens int64      `json:"tokens"`
	Mix    [5]float64 `json:"mix"` // handbook, knowledge, reading, chat, lookup
	LR     float64    `json:"lr"`
	Warmup int        `json:"warmup"`
	// Quote: the answers of its reading and lookup examples quote the passage that holds the
	// answer whole, number and source first, as corpus.Options.Quote says.
	Quote bool `json:"quote,omitempty"`
	// Scramble is the share of those quote examples whose passages are shuffled words under
	// coined document names (corpus.Options.Scramble), so that only copying predicts them.
	Scramble float64 `json:"scramble,omitempty"`
	// Drill is the number of copy drills mixed into the phase, as Recipe.Drill is into the
	// first training: without them a quote phase lets copying fade (held-out drill spans
	// copied whole fell from 51 of 60 to 16–36).
	Drill int `json:"drill,omitempty"`
	// Uncovered is the share of the phase's reading and lookup examples whose passages do not
	// hold the answer (corpus.Options.Uncovered; zero: a quarter), which teach the "not
	// covered" reply. A quote phase makes "[" the likeliest first answer token; 0.4 in one
	// run did not bring the reply back (0 of 15 uncovered probe examples).
	Uncovered float64 `json:"uncovered,omitempty"`
}

// DefaultRecipe is the demo model: about 7M parameters, sized so that its token budget trains
// in about an hour on two cores. The vocabulary holds the 3,755 common Chinese characters whole
// and about 4,000 learned merges. Sequences are long enough for a prompt of five retrieved
// passages, and the context leaves room beyond that for the answer. Most documents are reading
// and lookup examples, of which only the answers are learned (which also skips most of the
// output layer's work on them).
func DefaultRecipe() Recipe {
	return Recipe{
		Seed: 20261129, Corpus: corpus.Version, Vocab: 8192, TokDocs: 20000, WholeHan: true, MaxHan: 2,
		Dim: 256, Layers: 6, Heads: 4, KVHeads: 2, FFN: 768, Context: 2048, Theta: 1e6, CopyHeads: true, Drill: 4000,
		SeqLen: 1024, Tokens: 6_000_000, ValTokens: 30_000, Batch: 8,
		LR: 1e-3, Warmup: 150, MinLR: 0.1, Decay: 0.01, AnswersOnly: true,
		Mix: [5]float64{0.15, 0.05, 0.15, 0.10, 0.55},
	}
}

// Validate reports a recipe that cannot be run.
func (r Recipe) Validate() error {
	switch {
	case r.Corpus != corpus.Version:
		return tutor.Errorf(tutor.EINVALID, "the recipe needs corpus %q but this build generates %q", r.Corpus, corpus.Version)
	case r.Vocab < 300 || r.TokDocs <= 0 || r.MaxHan < 0:
		return tutor.Errorf(tutor.EINVALID, "vocab must be at least 300, tok_docs positive and max_han not negative")
	case r.Heads <= 0 || r.Dim%r.Heads != 0:
		return tutor.Errorf(tutor.EINVALID, "dim %d is not divisible into %d heads", r.Dim, r.Heads)
	case r.SeqLen < 8 || r.SeqLen > r.Context:
		return tutor.Errorf(tutor.EINVALID, "seq_len %d must be between 8 and the context %d", r.SeqLen, r.Context)
	case r.Drill > 0 && r.SeqLen < drillMinSeq:
		return tutor.Errorf(tutor.EINVALID, "seq_len %d is too short for copy drills (at least %d)", r.SeqLen, drillMinSeq)
	case r.Tokens < int64(r.SeqLen) || r.ValTokens < 0 || r.Batch <= 0 || r.Drill < 0:
		return tutor.Errorf(tutor.EINVALID, "tokens must cover at least one sequence, batch must be positive and drill not negative")
	}
	for _, m := range r.Mix {
		if m < 0 {
			return tutor.Errorf(tutor.EINVALID, "a negative share in the mix")
		}
	}
	for i, p := range r.Then {
		var sum float64
		for _, m := range p.Mix {
			if m < 0 {
				return tutor.Errorf(tutor.EINVALID, "then[%d]: a negative share in the mix", i)
			}
			sum += m
		}
		if p.Tokens < int64(r.SeqLen) || sum == 0 || p.LR <= 0 || p.Warmup < 0 {
			return tutor.Errorf(tutor.EINVALID, "then[%d]: tokens must cover a sequence, the mix must not be empty and lr must be positive", i)
		}
		if p.Drill < 0 || (p.Drill > 0 && r.SeqLen < drillMinSeq) {
			return tutor.Errorf(tutor.EINVALID, "then[%d]: drill must not be negative, and drills need seq_len of at least %d", i, drillMinSeq)
		}
		if p.Uncovered < 0 || p.Uncovered >= 1 {
			return tutor.Errorf(tutor.EINVALID, "then[%d]: uncovered is a share from 0 to below 1", i)
		}
		if p.Scramble < 0 || p.Scramble > 1 || (p.Scramble > 0 && !p.Quote) {
			return tutor.Errorf(tutor.EINVALID, "then[%d]: scramble is a share from 0 to 1 of quote examples, and needs quote", i)
		}
	}
	if r.CopyBigram && !r.CopyHeads {
		return tutor.Errorf(tutor.EINVALID, "copy_bigram needs copy_heads")
	}
	if r.CopyTrigram && !r.CopyBigram {
		return tutor.Errorf(tutor.EINVALID, "copy_trigram needs copy_bigram")
	}
	if r.CopyHeads {
		if err := copyHeadsFit(r.Shape(), r.CopyBigram, r.CopyTrigram); err != nil {
			return err
		}
	}
	return r.Shape().Validate()
}

// Shape is the model's geometry for the trainer.
func (r Recipe) Shape() finetune.Shape {
	return finetune.Shape{
		Vocab: r.Vocab, Dim: r.Dim, Layers: r.Layers, Heads: r.Heads, KVHeads: r.KVHeads,
		HeadDim: r.Dim / max(1, r.Heads), FFN: r.FFN, NormEps: 1e-5, RopeTheta: r.Theta, Context: r.Context,
	}
}

// Steps is about the number of optimizer steps of one epoch over the training tokens (whole
// documents are packed, so sequences are a little shorter than SeqLen).
func (r Recipe) Steps() int {
	seqs := int(r.Tokens / int64(r.SeqLen))
	return max(1, seqs/r.Batch)
}

// TrainConfig is the trainer's configuration for the recipe.
func (r Recipe) TrainConfig() finetune.TrainConfig {
	return finetune.TrainConfig{
		Full: true, Epochs: 1, LearningRate: r.LR, WarmupSteps: r.Warmup, MinLRRatio: r.MinLR,
		BatchSize: r.Batch, MaxSeqLen: r.SeqLen, WeightDecay: r.Decay, ClipNorm: 1, Seed: r.Seed,
		// Two examples at a time on every machine, however many cores it has: the order in
		// which gradients are summed, so the file, does not depend on the machine.
		Workers:   2,
		EvalEvery: max(1, r.Steps()/20), CheckpointEvery: max(1, r.Steps()/40),
	}
}

// phaseConfig is the trainer's configuration for phase i of r.Then.
func (r Recipe) phaseConfig(i int) finetune.TrainConfig {
	p := r.Then[i]
	cfg := r.TrainConfig()
	steps := max(1, int(p.Tokens/int64(r.SeqLen))/r.Batch)
	cfg.LearningRate, cfg.WarmupSteps, cfg.Seed = p.LR, p.Warmup, r.Seed+uint64(i)+1
	cfg.EvalEvery, cfg.CheckpointEvery = max(1, steps/10), max(1, steps/20)
	return cfg
}

// quotes reports whether the model's last training taught answers that quote their passage.
func (r Recipe) quotes() bool { return len(r.Then) > 0 && r.Then[len(r.Then)-1].Quote }

// JSON is the recipe as recorded in the model's metadata.
func (r Recipe) JSON() string {
	b, _ := json.Marshal(r)
	return string(b)
}
