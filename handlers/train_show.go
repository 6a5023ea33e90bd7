package handlers

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/labstack/echo/v4"

	"tutor/finetune"
	"tutor/store"
	"tutor/web/train"
)

// trainShow is the Train page: the form that starts a run (trainers), the runs so far, and the
// trained adapters with downloads and publishing.
func (h *Handler) trainShow(c echo.Context) error {
	js, err := h.Store.Jobs(ctx(c), store.JobFilter{Kind: finetune.JobKind})
	if err != nil {
		return err
	}
	p := train.Page{Jobs: h.jobViews(c, js), CanTrain: h.can(c, ActTrain), OllamaURL: h.Opts.OllamaURL,
		Published: c.QueryParam("published"), Params: trainParams(finetune.DefaultTrainConfig())}
	bases, _ := filepath.Glob(filepath.Join(h.Store.Path("models"), "*.gguf"))
	for _, b := range bases {
		p.Bases = append(p.Bases, filepath.Base(b))
	}
	ads, err := finetune.Adapters(h.Store)
	if err != nil {
		return err
	}
	for _, a := range ads {
		p.Adapters = append(p.Adapters, adapterView(a))
	}
	return render(c, http.StatusOK, train.View(p))
}

func adapterView(a finetune.AdapterInfo) train.Adapter {
	v := train.Adapter{Name: a.Name, Base: a.BaseName, Steps: a.Steps, TrainLoss: fmt.Sprintf("%.4f", a.TrainLoss),
		Created: a.Created, JobID: a.JobID}
	if a.BestValLoss > 0 {
		v.BestValLoss = fmt.Sprintf("%.4f", a.BestValLoss)
	}
	return v
}

// trainParams lists the form's settings with their defaults from cfg.
func trainParams(cfg finetune.TrainConfig) []train.Param {
	var targets []string
	for _, t := range cfg.LoRA.Targets {
		targets = append(targets, string(t))
	}
	num := func(name string, v any, step string) train.Param {
		return train.Param{Name: name, Value: fmt.Sprint(v), Step: step, HelpKey: "train.help." + name}
	}
	return []train.Param{
		num("rank", cfg.LoRA.Rank, "1"),
		num("alpha", cfg.LoRA.Alpha, "any"),
		num("dropout", cfg.LoRA.Dropout, "any"),
		{Name: "targets", Value: strings.Join(targets, ","), HelpKey: "train.help.targets"},
		num("epochs", cfg.Epochs, "1"),
		num("max_steps", cfg.MaxSteps, "1"),
		num("learning_rate", cfg.LearningRate, "any"),
		num("warmup_steps", cfg.WarmupSteps, "1"),
		num("batch_size", cfg.BatchSize, "1"),
		num("max_seq_len", cfg.MaxSeqLen, "1"),
		num("weight_decay", cfg.WeightDecay, "any"),
		num("clip_norm", cfg.ClipNorm, "any"),
		num("seed", cfg.Seed, "1"),
		num("eval_every", cfg.EvalEvery, "1"),
		num("patience", cfg.Patience, "1"),
		num("checkpoint_every", cfg.CheckpointEvery, "1"),
		num("val_fraction", 0.1, "any"),
	}
}

// checkpointNames lists a run's checkpoint files, newest first.
func checkpointNames(dir string) []string {
	paths, _ := filepath.Glob(filepath.Join(dir, "*.ckpt"))
	var out []string
	for i := len(paths) - 1; i >= 0; i-- {
		if st, err := os.Stat(paths[i]); err == nil {
			out = append(out, fmt.Sprintf("%s (%s)", filepath.Base(paths[i]), st.ModTime().UTC().Format("2006-01-02 15:04:05")))
		}
	}
	return out
}
