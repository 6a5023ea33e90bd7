package finetune

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tutor"
)

// tinyExamples are random sequences whose second half is learned, like answers after prompts.
func tinyExamples(n, vocab int, seed uint64) []Example {
	rng := rand.New(rand.NewPCG(seed, 9))
	out := make([]Example, n)
	for i := range out {
		T := 6 + rng.IntN(6)
		e := Example{Tokens: make([]int32, T), Mask: make([]bool, T)}
		for t := range T {
			e.Tokens[t] = int32(rng.IntN(vocab))
			e.Mask[t] = t >= T/2
		}
		out[i] = e
	}
	return out
}

func tinyConfig() TrainConfig {
	cfg := DefaultTrainConfig()
	cfg.LoRA = LoRAConfig{Rank: 4, Alpha: 8, Dropout: 0.1, Targets: []Target{TargetQ, TargetV, TargetDown}}
	cfg.Epochs, cfg.BatchSize, cfg.LearningRate, cfg.WarmupSteps = 4, 2, 1e-2, 2
	cfg.EvalEvery, cfg.CheckpointEvery, cfg.Patience = 2, 1, 0
	return cfg
}

func mustTrainer(tb testing.TB, cfg TrainConfig, dir string) *Trainer {
	tb.Helper()
	w := mustRandomWeights(tb, tinyShape(false), false, 1)
	tr, err := NewTrainer(w, tinyExamples(12, 11, 1), tinyExamples(3, 11, 2), cfg, dir)
	if err != nil {
		tb.Fatal(err)
	}
	return tr
}

func TestTrainLowersLoss(t *testing.T) {
	tr := mustTrainer(t, tinyConfig(), t.TempDir())
	before, _ := tr.Evaluate(context.Background(), tr.train)
	res, err := tr.Train(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := tr.Evaluate(context.Background(), tr.train)
	if res.Steps != tr.Steps() || !(after < before-0.1) {
		t.Fatalf("steps %d/%d, training loss %.4f → %.4f: did not learn", res.Steps, tr.Steps(), before, after)
	}
}

func flatValues(ps []NamedParam) []float32 {
	var out []float32
	for _, p := range ps {
		out = append(out, values(p.Param)...)
	}
	return out
}

// TestTrainHelperProcess is the run the resume test kills with SIGKILL; it does nothing unless
// started by that test.
func TestTrainHelperProcess(t *testing.T) {
	dir := os.Getenv("TUTOR_FINETUNE_KILL_DIR")
	if dir == "" {
		t.Skip("helper process only")
	}
	tr := mustTrainer(t, tinyConfig(), dir)
	tr.Train(context.Background(), func(Progress) error { time.Sleep(100 * time.Millisecond); return nil })
}

// TestResumeAfterKill kills a run with SIGKILL mid-way, resumes it and expects the weights of
// an uninterrupted run with the same seed.
func TestResumeAfterKill(t *testing.T) {
	want := mustTrainer(t, tinyConfig(), t.TempDir())
	if _, err := want.Train(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestTrainHelperProcess$")
	cmd.Env = append(os.Environ(), "TUTOR_FINETUNE_KILL_DIR="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m, _ := filepath.Glob(filepath.Join(dir, "checkpoint-00000[4-9].ckpt")); len(m) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the helper run wrote no checkpoint")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()

	got := mustTrainer(t, tinyConfig(), dir)
	res, err := got.Train(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed < 4 || res.Resumed >= got.Steps() {
		t.Fatalf("resumed from step %d of %d, want a mid-way resume", res.Resumed, got.Steps())
	}
	a, b := flatValues(want.Params()), flatValues(got.Params())
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-6 {
			t.Fatalf("weight %d: uninterrupted %v, resumed %v", i, a[i], b[i])
		}
	}
	if len(res.History) != got.Steps() {
		t.Fatalf("history has %d points, want %d", len(res.History), got.Steps())
	}
}

// TestNaNKeepsCheckpoint corrupts a base weight mid-run: the loss turns NaN, the run stops
// with an explanation, and the checkpoints written before stay and resume.
func TestNaNKeepsCheckpoint(t *testing.T) {
	dir := t.TempDir()
	tr := mustTrainer(t, tinyConfig(), dir)
	_, err := tr.Train(context.Background(), func(p Progress) error {
		if p.Step == 3 {
			tr.w.Layers[1].Wv[5] = float32(math.Inf(1))
		}
		return nil
	})
	if tutor.ErrorCode(err) != tutor.EINVALID || !strings.Contains(err.Error(), "step 4") || !strings.Contains(err.Error(), "checkpoint (step 3)") {
		t.Fatalf("err = %v, want a NaN explanation naming steps 4 and 3", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "checkpoint-000003.ckpt")); len(m) != 1 {
		t.Fatal("the last good checkpoint is gone")
	}
	for _, v := range flatValues(tr.Params()) {
		if !finite(float64(v)) {
			t.Fatal("a NaN reached the adapter")
		}
	}
	again := mustTrainer(t, tinyConfig(), dir)
	if res, err := again.Train(context.Background(), nil); err != nil || res.Resumed != 3 {
		t.Fatalf("resume after NaN: resumed %d, err %v", res.Resumed, err)
	}
}

func TestCancelStopsAndKeepsCheckpoint(t *testing.T) {
	dir := t.TempDir()
	tr := mustTrainer(t, tinyConfig(), dir)
	ctx, cancel := context.WithCancel(context.Background())
	res, err := tr.Train(ctx, func(p Progress) error {
		if p.Step == 2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || res.Steps != 2 {
		t.Fatalf("steps %d, err %v; want a cancel after step 2", res.Steps, err)
	}
}

func TestEmptyDataset(t *testing.T) {
	w := mustRandomWeights(t, tinyShape(false), false, 1)
	for _, set := range [][]Example{nil, {{Tokens: []int32{1, 2}, Mask: []bool{false, false}}}} {
		if _, err := NewTrainer(w, set, nil, tinyConfig(), t.TempDir()); tutor.ErrorCode(err) != tutor.EINVALID {
			t.Fatalf("err = %v, want invalid", err)
		}
	}
}

func TestAdamWMatchesPyTorchForm(t *testing.T) {
	p := NamedParam{"w", newParam([]float32{1, -2}, 2, 1)}
	copy(grad(p.Param), []float32{0.5, -0.25})
	opt := NewAdamW(0.1)
	opt.Update([]NamedParam{p}, 0.01)
	// First step: m̂ = g, v̂ = g², so the Adam step is lr·sign(g); decay multiplies by 1 − lr·λ.
	want := []float32{1*(1-0.001) - 0.01, -2*(1-0.001) + 0.01}
	for i, v := range values(p.Param) {
		if math.Abs(float64(v-want[i])) > 1e-6 {
			t.Fatalf("w = %v, want %v", values(p.Param), want)
		}
	}
}
