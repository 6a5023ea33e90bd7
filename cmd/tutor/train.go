package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tutor"
	demopreset "tutor/demo/preset"
	"tutor/finetune"
	"tutor/llm"
	"tutor/llm/builtin"
	"tutor/llm/ollama"
	"tutor/store"
)

func trainCommand() command {
	return command{Name: "train", Summary: "train a LoRA adapter on a dataset (chat JSONL, CSV or text) with a progress bar", Run: trainRun}
}

// trainFlags registers the training settings on fs with their one-line explanations.
func trainFlags(fs *flag.FlagSet, cfg *finetune.TrainConfig) (targets *string) {
	h := finetune.ParamHelp
	fs.IntVar(&cfg.LoRA.Rank, "rank", cfg.LoRA.Rank, h["rank"])
	alpha := float64(cfg.LoRA.Alpha)
	fs.Func("alpha", fmt.Sprintf("%s (default %g)", h["alpha"], alpha), func(v string) error {
		var a float64
		_, err := fmt.Sscan(v, &a)
		cfg.LoRA.Alpha = float32(a)
		return err
	})
	fs.Func("dropout", fmt.Sprintf("%s (default %g)", h["dropout"], cfg.LoRA.Dropout), func(v string) error {
		var d float64
		_, err := fmt.Sscan(v, &d)
		cfg.LoRA.Dropout = float32(d)
		return err
	})
	var names []string
	for _, t := range cfg.LoRA.Targets {
		names = append(names, string(t))
	}
	targets = fs.String("targets", strings.Join(names, ","), h["targets"]+" Comma-separated.")
	fs.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, h["epochs"])
	fs.IntVar(&cfg.MaxSteps, "max-steps", cfg.MaxSteps, h["max_steps"])
	fs.Float64Var(&cfg.LearningRate, "lr", cfg.LearningRate, h["learning_rate"])
	fs.IntVar(&cfg.WarmupSteps, "warmup", cfg.WarmupSteps, h["warmup_steps"])
	fs.IntVar(&cfg.BatchSize, "batch", cfg.BatchSize, h["batch_size"])
	fs.IntVar(&cfg.MaxSeqLen, "max-seq", cfg.MaxSeqLen, h["max_seq_len"])
	fs.Float64Var(&cfg.WeightDecay, "weight-decay", cfg.WeightDecay, h["weight_decay"])
	fs.Float64Var(&cfg.ClipNorm, "clip", cfg.ClipNorm, h["clip_norm"])
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, h["seed"])
	fs.IntVar(&cfg.EvalEvery, "eval-every", cfg.EvalEvery, h["eval_every"])
	fs.IntVar(&cfg.Patience, "patience", cfg.Patience, h["patience"])
	fs.IntVar(&cfg.CheckpointEvery, "checkpoint-every", cfg.CheckpointEvery, h["checkpoint_every"])
	return targets
}

// ParseTargets reads a comma-separated list of LoRA targets.
func parseTargets(s string) ([]finetune.Target, error) {
	var out []finetune.Target
	for _, name := range strings.Split(s, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		t, err := finetune.ParseTarget(name)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// trainRun handles `tutor train -base MODEL.gguf -dataset FILE [-name NAME] [settings]`.
func trainRun(ctx context.Context, env *Env, args []string) error {
	fs := env.FlagSet("train")
	base := fs.String("base", "", "base model: a GGUF file or a safetensors folder (default: the workspace's demo model)")
	dataset := fs.String("dataset", "", "dataset: chat JSONL, CSV of question,answer, or plain text (required)")
	name := fs.String("name", "", "name of the new adapter (default: the base's name and the time)")
	val := fs.Float64("val", 0.1, "share of the records held out to measure validation loss")
	genFrom := fs.String("generate-from", "", "instead of training: ask -teacher for question/answer pairs about this text file and write them to -o for review")
	teacher := fs.String("teacher", "", "with -generate-from: a GGUF file (built-in engine) or, with -ollama, an Ollama model")
	genOut := fs.String("o", "qa.jsonl", "with -generate-from: the JSONL file to write")
	perChunk := fs.Int("pairs", 3, "with -generate-from: pairs asked per passage")
	preset := fs.String("preset", "", "demo: train on the demo company's question/answer pairs with the preset's settings (no -dataset; -max-steps stops it early)")
	cfg := finetune.DefaultTrainConfig()
	targets := trainFlags(fs, &cfg)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: tutor train [-base MODEL] -dataset FILE [flags], or tutor train -preset demo [-base MODEL] [-max-steps N]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *genFrom != "" {
		return generateRun(ctx, env, *genFrom, *teacher, *genOut, *perChunk)
	}
	if *preset != "" {
		if err := usePreset(fs, *preset, &cfg, targets, val); err != nil {
			return err
		}
	} else if *dataset == "" {
		return tutor.Errorf(tutor.EINVALID, "-dataset is required")
	}
	if *base == "" {
		path, ok, err := defaultBase(ctx, env.Config)
		if err != nil {
			return err
		}
		if !ok {
			return tutor.Errorf(tutor.EINVALID, "-base is required: the workspace has no demo model")
		}
		*base = path
	}
	var err error
	if cfg.LoRA.Targets, err = parseTargets(*targets); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if *val < 0 || *val >= 1 {
		return tutor.Errorf(tutor.EINVALID, "-val %g must be in [0, 1)", *val)
	}
	absBase, err := filepath.Abs(*base)
	if err != nil {
		return tutor.Wrap(err, tutor.EINVALID, "base %s", *base)
	}
	if _, err := os.Stat(absBase); err != nil {
		return tutor.Wrap(err, tutor.ENOTFOUND, "base model %s", *base)
	}
	baseName := strings.TrimSuffix(filepath.Base(absBase), filepath.Ext(absBase))
	s, err := store.Open(ctx, env.Config.Data)
	if err != nil {
		return err
	}
	path, err := trainDataset(ctx, env, s, *preset, *dataset, name, baseName)
	s.Close()
	if err != nil {
		return err
	}
	j, err := runJob(ctx, env, finetune.JobKind, "Train "+*name, finetune.JobParams{
		Base: absBase, BaseName: baseName, Dataset: path, Name: *name, ValFraction: *val, Config: cfg})
	if err != nil {
		return err
	}
	if j.State != store.JobSucceeded {
		return tutor.Errorf(tutor.EINVALID, "training job %d %s: %s", j.ID, j.State, j.Error)
	}
	fmt.Fprintf(env.Stdout, "adapter %s: %s\n", *name, filepath.Join(env.Config.Data, "adapters", *name))
	return nil
}

// usePreset replaces cfg, targets and val by the named preset's settings; the dataset is the
// preset's own, so neither -dataset nor a training setting may be given with it, except
// -max-steps, which stops the preset's run early for a quick trial.
func usePreset(fs *flag.FlagSet, preset string, cfg *finetune.TrainConfig, targets *string, val *float64) error {
	if preset != finetune.DemoPresetName {
		return tutor.Errorf(tutor.EINVALID, "-preset %q: the only preset is %s", preset, finetune.DemoPresetName)
	}
	settings := flag.NewFlagSet("settings", flag.ContinueOnError)
	trainFlags(settings, &finetune.TrainConfig{})
	var err error
	fs.Visit(func(f *flag.Flag) {
		if (settings.Lookup(f.Name) != nil && f.Name != "max-steps") || f.Name == "val" || f.Name == "dataset" {
			if err == nil {
				err = tutor.Errorf(tutor.EINVALID, "-%s cannot be combined with -preset, which sets the dataset and the training settings", f.Name)
			}
		}
	})
	var names []string
	maxSteps := cfg.MaxSteps
	*cfg, *val = finetune.DemoPresetConfig()
	cfg.MaxSteps = maxSteps
	for _, t := range cfg.LoRA.Targets {
		names = append(names, string(t))
	}
	*targets = strings.Join(names, ",")
	return err
}

// trainDataset checks the adapter's name (choosing one when *name is empty) and stores the
// dataset in the workspace s: the preset's, or the file dataset.
func trainDataset(ctx context.Context, env *Env, s *store.Store, preset, dataset string, name *string, baseName string) (string, error) {
	if preset != "" {
		if *name == "" {
			n, err := finetune.FreeAdapterName(ctx, s, finetune.DemoPresetName)
			if err != nil {
				return "", err
			}
			*name = n
		}
		if _, err := finetune.Adapter(s, *name); err == nil {
			return "", tutor.Errorf(tutor.ECONFLICT, "an adapter called %s exists already", *name)
		}
		fmt.Fprintf(env.Stdout, "the %s preset: the demo company's question/answer pairs\n", preset)
		return finetune.StorePresetDataset(s, finetune.DemoPresetDataset, demopreset.Dataset())
	}
	if *name == "" {
		*name = baseName + "-" + time.Now().UTC().Format("20060102-150405")
	}
	if err := finetune.CheckAdapterName(*name); err != nil {
		return "", err
	}
	if _, err := finetune.Adapter(s, *name); err == nil {
		return "", tutor.Errorf(tutor.ECONFLICT, "an adapter called %s exists already", *name)
	}
	f, err := os.Open(dataset)
	if err != nil {
		return "", tutor.Wrap(err, tutor.ENOTFOUND, "dataset %s", dataset)
	}
	defer f.Close()
	path, recs, err := finetune.StoreDataset(s, dataset, f)
	if err == nil {
		fmt.Fprintf(env.Stdout, "%d records from %s\n", len(recs), dataset)
	}
	return path, err
}

// generateRun writes question/answer pairs about a document, asked of a teacher model, as chat
// JSONL to review and edit before training on it.
func generateRun(ctx context.Context, env *Env, from, teacher, out string, perChunk int) error {
	if teacher == "" {
		return tutor.Errorf(tutor.EINVALID, "-generate-from needs -teacher")
	}
	text, err := os.ReadFile(from)
	if err != nil {
		return tutor.Wrap(err, tutor.ENOTFOUND, "document %s", from)
	}
	passages := finetune.TextRecords(string(text), filepath.Base(from), 1500)
	var gen llm.Generator
	model := teacher
	if _, err := os.Stat(teacher); err == nil {
		b := builtin.New(builtin.Options{})
		if err := b.AddModel("teacher", teacher); err != nil {
			return err
		}
		gen, model = b, "teacher"
	} else if env.Config.OllamaURL != "" {
		if gen, err = ollama.New(env.Config.OllamaURL, nil); err != nil {
			return err
		}
	} else {
		return tutor.Errorf(tutor.ENOTFOUND, "teacher %s is not a file, and no Ollama server is set (-ollama)", teacher)
	}
	zero := 0.0
	recs, problems, err := finetune.GenerateQA(ctx, gen, passages, finetune.QAOptions{Model: model, PerChunk: perChunk,
		Options: llm.Options{Temperature: &zero}}, func(done, total int) {
		fmt.Fprintf(env.Stdout, "\rpassage %d of %d", done, total)
	})
	fmt.Fprintln(env.Stdout)
	for _, p := range problems {
		fmt.Fprintln(env.Stderr, p)
	}
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return tutor.Errorf(tutor.EINVALID, "the teacher wrote no question/answer pair; try a larger instruction-following model")
	}
	if err := store.WriteAtomic(out, 0o644, func(w io.Writer) error { return finetune.WriteJSONL(w, recs) }); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %d pairs to %s; review and edit them, then: tutor train -dataset %s -base MODEL\n", len(recs), out, out)
	return nil
}
