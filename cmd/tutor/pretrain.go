package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"tutor"
	"tutor/demo/pretrain"
	"tutor/model"
)

func pretrainCommand() command {
	return command{Name: "pretrain", Summary: "make the demo base model from scratch: corpus, tokenizer, full training, GGUF", Run: pretrainRun}
}

// pretrainRun trains the demo base model of a recipe in a folder, resuming from the folder's
// checkpoints, and prints one progress line per report interval.
func pretrainRun(ctx context.Context, env *Env, args []string) error {
	fs := env.FlagSet("pretrain")
	dir := fs.String("out", filepath.Join(env.Config.Data, "pretrain"), "folder for checkpoints and model.gguf (a stopped run resumes from it)")
	recipeFile := fs.String("recipe", "", "JSON file overriding fields of the default recipe")
	tokens := fs.Int64("tokens", 0, "training tokens (0: the recipe's)")
	f32 := fs.Bool("f32", false, "write F32 matrices instead of F16")
	every := fs.Duration("every", 10*time.Second, "how often to print progress")
	show := fs.Bool("show", false, "print the recipe as JSON and exit")
	probe := fs.Int("probe", 60, "afterwards, ask the model this many held-out reading and lookup examples of its corpus and print how it answers (0: none)")
	snapshot := fs.Bool("snapshot", false, "write the model as it stands, from the newest checkpoint in -out, to snapshot.gguf there and exit (the run may go on meanwhile)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: tutor pretrain [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	r := pretrain.DefaultRecipe()
	if *recipeFile != "" {
		b, err := os.ReadFile(*recipeFile)
		if err != nil {
			return tutor.Wrap(err, tutor.ENOTFOUND, "read recipe")
		}
		if err := json.Unmarshal(b, &r); err != nil {
			return tutor.Wrap(err, tutor.EINVALID, "recipe %s", *recipeFile)
		}
	}
	if *tokens > 0 {
		r.Tokens = *tokens
	}
	if *show {
		fmt.Fprintln(env.Stdout, r.JSON())
		return nil
	}
	if *snapshot {
		path, phase, step, err := pretrain.Snapshot(ctx, r, *dir, *f32)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "wrote %s: phase %d, step %d\n", path, phase, step)
		return probeModel(ctx, env, r, path, *probe)
	}
	var last time.Time
	res, err := pretrain.Run(ctx, r, *dir, *f32, func(p pretrain.Progress) error {
		switch {
		case p.Stage != pretrain.StageTrain && p.Data == nil:
			fmt.Fprintf(env.Stdout, "%s...\n", p.Stage)
		case p.Data != nil:
			fmt.Fprintf(env.Stdout, "data: %d documents, %d training and %d validation sequences of %d tokens\n", p.Data.Docs, len(p.Data.Train), len(p.Data.Val), r.SeqLen)
		case time.Since(last) >= *every || p.Train.Step == p.Train.Steps || p.Train.ValLoss > 0:
			last = time.Now()
			t := p.Train
			line := fmt.Sprintf("step %d/%d  loss %.4f", t.Step, t.Steps, t.TrainLoss)
			if p.Phase > 0 {
				line = fmt.Sprintf("phase %d  %s", p.Phase, line)
			}
			if t.ValLoss > 0 {
				line += fmt.Sprintf("  val %.4f", t.ValLoss)
			}
			fmt.Fprintf(env.Stdout, "%s  lr %.2e  %.0f tok/s  eta %s\n", line, t.LR, t.TokensPerSec, t.ETA.Round(time.Second))
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %d parameters, %d steps (resumed at %d), final loss %.4f, best validation loss %.4f\n",
		res.Path, res.Params, res.Train.Steps, res.Train.Resumed, res.Train.TrainLoss, res.Train.BestValLoss)
	return probeModel(ctx, env, r, res.Path, *probe)
}

// probeModel prints how the model at path answers n held-out reading and lookup examples.
func probeModel(ctx context.Context, env *Env, r pretrain.Recipe, path string, n int) error {
	if n <= 0 {
		return nil
	}
	m, err := model.Load(path)
	if err != nil {
		return err
	}
	p, err := pretrain.Probe(ctx, r, m, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "reading and lookup, held out: %s\n", p)
	return nil
}
