package finetune

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"tutor"
)

// keepCheckpoints is how many step checkpoints stay on disk besides the best one.
const keepCheckpoints = 2

// Train runs the optimisation to the end, resuming from the newest valid checkpoint of this
// same run in Dir. progress is called after every step; an error from it, or ctx ending, stops
// the run with the last checkpoint kept. A loss or gradient that is NaN or infinite stops the
// run before the update, keeping the last good checkpoint.
func (tr *Trainer) Train(ctx context.Context, progress func(Progress) error) (Result, error) {
	cfg := tr.cfg
	steps := tr.Steps()
	meta := checkpointMeta{Fingerprint: tr.fp, BestVal: math.Inf(1)}
	res := Result{Stopped: "done"}
	if m, ok, err := tr.resume(); err != nil {
		return res, err
	} else if ok {
		meta, res.Resumed = m, m.Step
	}
	start, began := meta.Step, time.Now()
	var tokensThisRun int64
	last := Progress{Steps: steps}
	for step := meta.Step; step < steps; step++ {
		if err := ctx.Err(); err != nil {
			return tr.stopped(res, meta), err
		}
		loss, ntok, err := tr.step(ctx, step, tr.batch(step))
		if err != nil {
			zeroGrads(tr.params)
			return tr.stopped(res, meta), err
		}
		norm := clipGrads(tr.params, cfg.ClipNorm)
		if !finite(loss) || !finite(norm) {
			zeroGrads(tr.params)
			return tr.stopped(res, meta), tutor.Errorf(tutor.EINVALID,
				"the loss became %v at step %d (gradient norm %v): the learning rate %g is probably too high, or the data has a broken example; training stopped before the update and the last good checkpoint (step %d) is kept",
				loss, step+1, norm, cfg.LearningRate, meta.Step)
		}
		lr := LearningRate(step, cfg.WarmupSteps, steps, cfg.LearningRate, cfg.MinLRRatio)
		tr.opt.Update(tr.params, lr)
		meta.Step = step + 1
		meta.Tokens += int64(ntok)
		tokensThisRun += int64(ntok)
		pt := Point{Step: step + 1, TrainLoss: loss, LR: lr}
		p := Progress{Step: step + 1, Steps: steps, TrainLoss: loss, LR: lr, GradNorm: norm, Tokens: meta.Tokens,
			Epoch: float64((step+1)*cfg.BatchSize) / float64(len(tr.train))}
		stop := false
		if len(tr.val) > 0 && (cfg.EvalEvery > 0 && (step+1)%cfg.EvalEvery == 0 || step+1 == steps) {
			val, err := tr.Evaluate(ctx, tr.val)
			if err != nil {
				return tr.stopped(res, meta), err
			}
			pt.ValLoss, p.ValLoss = val, val
			if val < meta.BestVal-1e-6 {
				meta.BestVal, meta.BadEvals = val, 0
				if err := writeCheckpoint(tr.bestPath(), meta, tr.params, false); err != nil {
					return tr.stopped(res, meta), err
				}
			} else if meta.BadEvals++; cfg.Patience > 0 && meta.BadEvals >= cfg.Patience {
				stop = true
				res.Stopped = "early_stop"
				p.Message = fmt.Sprintf("validation loss has not improved for %d evaluations; stopping early and keeping the best adapter (validation loss %.4f)", meta.BadEvals, meta.BestVal)
			}
		}
		meta.History = append(meta.History, pt)
		if stop || step+1 == steps || cfg.CheckpointEvery > 0 && (step+1)%cfg.CheckpointEvery == 0 {
			path, err := tr.saveCheckpoint(meta)
			if err != nil {
				return tr.stopped(res, meta), err
			}
			p.Checkpoint = path
		}
		if finite(meta.BestVal) {
			p.BestValLoss = meta.BestVal
		}
		p.Elapsed = time.Since(began)
		if s := p.Elapsed.Seconds(); s > 0 {
			p.TokensPerSec = float64(tokensThisRun) / s
			p.ETA = time.Duration(float64(p.Elapsed) / float64(step+1-start) * float64(steps-step-1))
		}
		last = p
		if progress != nil {
			if err := progress(p); err != nil {
				return tr.stopped(res, meta), err
			}
		}
		if stop {
			if _, err := readCheckpoint(tr.bestPath(), tr.params, nil); err != nil {
				return tr.stopped(res, meta), err
			}
			break
		}
	}
	res = tr.stopped(res, meta)
	res.TrainLoss = last.TrainLoss
	return res, nil
}

func (tr *Trainer) stopped(res Result, meta checkpointMeta) Result {
	res.Steps = meta.Step
	res.History = meta.History
	if finite(meta.BestVal) {
		res.BestValLoss = meta.BestVal
	}
	return res
}

func (tr *Trainer) bestPath() string { return filepath.Join(tr.dir, "best.ckpt") }

// saveCheckpoint writes checkpoint-<step>.ckpt and removes all but the newest few.
func (tr *Trainer) saveCheckpoint(meta checkpointMeta) (string, error) {
	path := filepath.Join(tr.dir, fmt.Sprintf("checkpoint-%06d.ckpt", meta.Step))
	if err := writeCheckpoint(path, meta, tr.params, true); err != nil {
		return "", err
	}
	old := tr.checkpoints()
	for i := keepCheckpoints; i < len(old); i++ {
		os.Remove(old[i])
	}
	return path, nil
}

// checkpoints lists Dir's step checkpoints, newest first.
func (tr *Trainer) checkpoints() []string { return checkpointFiles(tr.dir) }

// checkpointFiles lists dir's step checkpoints, newest first.
func checkpointFiles(dir string) []string {
	paths, _ := filepath.Glob(filepath.Join(dir, "checkpoint-*.ckpt"))
	slices.SortFunc(paths, func(a, b string) int { return strings.Compare(b, a) })
	return paths
}

// resume loads the newest checkpoint of this run that reads whole; a torn or foreign file is
// skipped, never deleted.
func (tr *Trainer) resume() (checkpointMeta, bool, error) {
	for _, path := range tr.checkpoints() {
		meta, err := peekFingerprint(path)
		if err != nil || meta != tr.fp {
			continue
		}
		m, err := readCheckpoint(path, tr.params, tr.opt)
		if err != nil {
			continue
		}
		return m, true, nil
	}
	return checkpointMeta{}, false, nil
}
