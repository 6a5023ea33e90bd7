package finetune

import (
	"tutor"
)

// TrainConfig holds the settings of a training run. The zero value of a field means its default.
type TrainConfig struct {
	LoRA            LoRAConfig `json:"lora"`
	Full            bool       `json:"full"`             // train every weight instead of an adapter (small models)
	Epochs          int        `json:"epochs"`           // passes over the training set
	MaxSteps        int        `json:"max_steps"`        // stop after this many optimizer steps (0: epochs decide)
	LearningRate    float64    `json:"learning_rate"`    // peak learning rate
	WarmupSteps     int        `json:"warmup_steps"`     // linear warm-up before the cosine decay
	MinLRRatio      float64    `json:"min_lr_ratio"`     // the cosine ends at this fraction of the peak
	BatchSize       int        `json:"batch_size"`       // sequences per optimizer step (gradient accumulation)
	MaxSeqLen       int        `json:"max_seq_len"`      // longer sequences are truncated
	WeightDecay     float64    `json:"weight_decay"`     // AdamW decoupled weight decay
	ClipNorm        float64    `json:"clip_norm"`        // global gradient-norm limit (0: none)
	Seed            uint64     `json:"seed"`             // same seed, data and settings: same weights
	EvalEvery       int        `json:"eval_every"`       // validation loss every N steps (0: at the end only)
	Patience        int        `json:"patience"`         // stop after N evaluations without improvement (0: never)
	CheckpointEvery int        `json:"checkpoint_every"` // save a resumable checkpoint every N steps

	// Workers is how many examples of a batch train at once, each on its own copy of the
	// activations and gradients (0: one per core; 1: one after another, faster when other
	// programs keep the cores busy). Not part of a run's identity: a checkpoint resumes with
	// any count, and a count repeats its run exactly.
	Workers int `json:"-"`
}

// DefaultTrainConfig returns settings that suit a LoRA on a few hundred examples.
func DefaultTrainConfig() TrainConfig {
	return TrainConfig{
		LoRA:            DefaultLoRAConfig(),
		Epochs:          3,
		LearningRate:    2e-4,
		WarmupSteps:     10,
		BatchSize:       4,
		MaxSeqLen:       512,
		ClipNorm:        1,
		Seed:            42,
		EvalEvery:       20,
		Patience:        3,
		CheckpointEvery: 20,
	}
}

// ParamHelp explains each setting in one line, for the Train page and the CLI.
var ParamHelp = map[string]string{
	"rank":             "Size of the adapter: higher learns more and costs more (8–16 is usual).",
	"alpha":            "Strength of the adapter; its update is scaled by alpha/rank (often 2×rank).",
	"dropout":          "Share of the adapter's inputs dropped while training, against overfitting.",
	"targets":          "Which projections get an adapter: q, k, v, o (attention), gate, up, down (feed-forward).",
	"epochs":           "How many times the whole training set is seen.",
	"max_steps":        "Stop after this many optimizer steps (0: the epochs decide).",
	"learning_rate":    "Peak step size; too high makes the loss jump or become NaN.",
	"warmup_steps":     "Steps over which the learning rate rises from zero before decaying.",
	"batch_size":       "Sequences averaged per step; larger is smoother and slower per step.",
	"max_seq_len":      "Longest sequence in tokens; longer examples are cut and reported.",
	"weight_decay":     "Pulls weights towards zero each step; 0 is usual for LoRA.",
	"clip_norm":        "Largest allowed gradient norm; protects against sudden spikes.",
	"seed":             "Fixes the random choices; the same seed repeats the run exactly.",
	"eval_every":       "Steps between validation-loss measurements.",
	"patience":         "Stop early after this many validations without improvement (0: never).",
	"checkpoint_every": "Steps between saved checkpoints that a stopped run resumes from.",
}

// Validate reports settings a run cannot use.
func (c TrainConfig) Validate() error {
	if !c.Full {
		if err := c.LoRA.Validate(); err != nil {
			return err
		}
	}
	switch {
	case c.Epochs <= 0 && c.MaxSteps <= 0:
		return tutor.Errorf(tutor.EINVALID, "epochs or max_steps must be positive")
	case !(c.LearningRate > 0 && c.LearningRate < 1):
		return tutor.Errorf(tutor.EINVALID, "learning_rate %g must be between 0 and 1", c.LearningRate)
	case c.BatchSize <= 0:
		return tutor.Errorf(tutor.EINVALID, "batch_size must be positive")
	case c.MaxSeqLen < 2:
		return tutor.Errorf(tutor.EINVALID, "max_seq_len must be at least 2")
	case c.WarmupSteps < 0 || c.EvalEvery < 0 || c.Patience < 0 || c.CheckpointEvery < 0 || c.MaxSteps < 0:
		return tutor.Errorf(tutor.EINVALID, "step counts must not be negative")
	case c.Workers < 0:
		return tutor.Errorf(tutor.EINVALID, "workers must not be negative")
	case c.WeightDecay < 0 || c.ClipNorm < 0 || c.MinLRRatio < 0 || c.MinLRRatio > 1:
		return tutor.Errorf(tutor.EINVALID, "weight_decay, clip_norm and min_lr_ratio must be in range")
	}
	return nil
}
