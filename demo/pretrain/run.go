package pretrain

import (
	"context"
	"fmt"
	"path/filepath"

	"tutor"
	"tutor/demo/corpus"
	"tutor/finetune"
	"tutor/model/tokenizer"
)

// Stage names what Run is doing, for progress reports.
type Stage string

// The stages of Run.
const (
	StageTokenizer Stage = "tokenizer"
	StageData      Stage = "data"
	StageTrain     Stage = "train"
	StageWrite     Stage = "write"
)

// Progress is a report of Run: the stage, and the trainer's progress while training.
type Progress struct {
	Stage Stage
	Phase int // 0: the first training, i: r.Then[i-1]
	Train finetune.Progress
	Data  *Data // set once the data is ready
}

// Result is what Run made.
type Result struct {
	Path   string          // the GGUF model
	Train  finetune.Result // of the last phase
	Params int64
	Data   Data
}

// phasePlan is one training of Run: its documents, their token budget, the trainer's
// configuration and the checkpoint folder under Run's dir.
type phasePlan struct {
	gen         *corpus.Generator
	tokens      int64
	drill       int // copy drills mixed in
	cfg         finetune.TrainConfig
	checkpoints string
}

// plan is the recipe's trainings in order: the first on the default mix, then r.Then.
func (r Recipe) plan() []phasePlan {
	out := []phasePlan{{generator(r, 1, Phase{Mix: r.Mix}), r.Tokens, r.Drill, r.TrainConfig(), "checkpoints"}}
	for i, ph := range r.Then {
		out = append(out, phasePlan{generator(r, uint64(2+i), ph), ph.Tokens, ph.Drill, r.phaseConfig(i), fmt.Sprintf("checkpoints-%d", i+1)})
	}
	return out
}

// Run makes the model of the recipe in dir: the tokenizer and data are regenerated (they are
// deterministic), training checkpoints in dir/checkpoints and resumes from there after a stop
// or crash, and the model is written to dir/model.gguf (F16 matrices; F32 with f32). progress
// may be nil; an error from it, or ctx ending, stops the run, keeping the last checkpoint.
func Run(ctx context.Context, r Recipe, dir string, f32 bool, progress func(Progress) error) (Result, error) {
	report := func(p Progress) error {
		if progress == nil {
			return nil
		}
		return progress(p)
	}
	var res Result
	if err := r.Validate(); err != nil {
		return res, err
	}
	if err := report(Progress{Stage: StageTokenizer}); err != nil {
		return res, err
	}
	v, tok, err := Tokenizer(ctx, r)
	if err != nil {
		return res, err
	}
	w := Init(r, controlTokens(v)...)
	for i, ph := range r.plan() {
		if err := report(Progress{Stage: StageData, Phase: i}); err != nil {
			return res, err
		}
		data, err := dataset(ctx, ph.gen, r.SeqLen, ph.tokens, r.ValTokens, r.AnswersOnly, v, tok)
		if err != nil {
			return res, err
		}
		if ph.drill > 0 {
			data.Train = append(data.Train, drills(ph.drill, r.SeqLen, r.Seed+uint64(i), v, newline(tok))...)
		}
		if err := report(Progress{Stage: StageData, Phase: i, Data: &data}); err != nil {
			return res, err
		}
		tr, err := finetune.NewTrainer(w, data.Train, data.Val, ph.cfg, filepath.Join(dir, ph.checkpoints))
		if err != nil {
			return res, err
		}
		if i == 0 {
			res.Data = data
			for _, p := range tr.Params() {
				res.Params += int64(p.Param.Value().Size())
			}
		}
		res.Train, err = tr.Train(ctx, func(p finetune.Progress) error {
			return report(Progress{Stage: StageTrain, Phase: i, Train: p})
		})
		if err != nil {
			return res, err
		}
	}
	if err := report(Progress{Stage: StageWrite}); err != nil {
		return res, err
	}
	res.Path = filepath.Join(dir, "model.gguf")
	return res, WriteGGUF(res.Path, w, v, r, f32)
}

// Snapshot writes the model of a run in dir as it stands, from the newest checkpoint of its
// latest phase, to dir/snapshot.gguf, while the run goes on or after it stopped: a model to try
// before training ends. It returns the file, the phase (0: the first training) and the step.
func Snapshot(ctx context.Context, r Recipe, dir string, f32 bool) (path string, phase, step int, err error) {
	if err := r.Validate(); err != nil {
		return "", 0, 0, err
	}
	plan := r.plan()
	w := Init(r)
	found := false
	for phase = len(plan) - 1; phase >= 0; phase-- {
		if step, found, err = finetune.LoadCheckpoint(w, filepath.Join(dir, plan[phase].checkpoints)); err != nil {
			return "", 0, 0, err
		} else if found {
			break
		}
	}
	if !found {
		return "", 0, 0, tutor.Errorf(tutor.ENOTFOUND, "%s holds no checkpoint of this recipe's training", dir)
	}
	v, _, err := Tokenizer(ctx, r)
	if err != nil {
		return "", 0, 0, err
	}
	path = filepath.Join(dir, "snapshot.gguf")
	return path, phase, step, WriteGGUF(path, w, v, r, f32)
}

// controlTokens is the ids of v's control tokens (end of text, start and end of a turn).
func controlTokens(v tokenizer.Vocab) []int {
	var ids []int
	for id, t := range v.Types {
		if t == tokenizer.TypeControl {
			ids = append(ids, id)
		}
	}
	return ids
}
