package finetune

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"tutor/store"
)

// The "train on the demo company" preset (the Train page's one-click button and
// `tutor train -preset demo`) tunes an adapter on preset.Dataset (package demo/preset), 872
// examples in the company's words: 220 answers, each asked three different ways; the
// house-style rules applied to 144 cases (24 each of commit messages, branches, release
// branches, error variables, tables and component files); and 68 of the answers asked again
// with two retrieved passages in the RAG prompt. Its settings, in one place:
//   - rank 16 (alpha 32) on all seven projections: the pairs carry many new names, numbers
//     and formats, more than the default q,v adapter holds;
//   - 20 epochs at a peak learning rate of 2e-3: 4,360 steps of 4 examples. Without the
//     examples with passages it took 8–9 minutes on 2 cores with AVX-512 for the demo base
//     model; they add 45% to its tokens. The base reads the company's text as nearly random,
//     so gentler settings (5 epochs at 3e-4) leave the adapter repeating little of it; with
//     one wording per answer the adapter recites its pairs for those wordings only;
//   - sequences of up to 768 tokens: the examples with passages run to about 560 on the demo
//     base model, and one cut at 512 would lose its answer;
//   - no validation share: every pair is trained on, and the held-out measure is the demo
//     evaluation suite (demo/suite.yaml), whose questions are worded differently.
const (
	DemoPresetName    = "demo"              // the adapter's name; demo-2, demo-3… when taken
	DemoPresetDataset = "demo-preset.jsonl" // its file name under datasets/
)

// DemoPresetConfig is the preset's training configuration and validation share.
func DemoPresetConfig() (TrainConfig, float64) {
	cfg := DefaultTrainConfig()
	cfg.LoRA.Rank, cfg.LoRA.Alpha = 16, 32
	cfg.LoRA.Targets = append([]Target(nil), AllTargets...)
	cfg.Epochs = 20
	cfg.LearningRate = 2e-3
	cfg.MaxSeqLen = 768
	return cfg, 0
}

// StorePresetDataset stores data under datasets/ as name (see [StoreDataset]) unless an
// identical copy is stored already, and returns the stored path.
func StorePresetDataset(s *store.Store, name string, data []byte) (string, error) {
	paths, _ := filepath.Glob(filepath.Join(s.Path("datasets"), "*-"+name))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && bytes.Equal(b, data) {
			return p, nil
		}
	}
	path, _, err := StoreDataset(s, name, bytes.NewReader(data))
	return path, err
}

// FreeAdapterName is name, or name-2, name-3… whichever neither a stored adapter nor a queued
// or running training job has.
func FreeAdapterName(ctx context.Context, s *store.Store, name string) (string, error) {
	js, err := s.Jobs(ctx, store.JobFilter{Kind: JobKind, States: []store.JobState{store.JobQueued, store.JobRunning}})
	if err != nil {
		return "", err
	}
	var busy []string
	for _, j := range js {
		var p JobParams
		if json.Unmarshal(j.Params, &p) == nil {
			busy = append(busy, p.Name)
		}
	}
	try := name
	for i := 2; ; i++ {
		if _, err := Adapter(s, try); err != nil && !slices.Contains(busy, try) {
			return try, nil
		}
		try = name + "-" + strconv.Itoa(i)
	}
}
