package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tutor/finetune"
	"tutor/internal/testenv"
)

// TestTrainExportAndServe trains with `tutor train` on stories260K, exports with `tutor
// export` as GGUF and PEFT, and finds the adapter served next to its base as "stories:tuned-qa".
func TestTrainExportAndServe(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(testenv.Stories260K(t))
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, modelsFolder, "stories.gguf")
	os.MkdirAll(filepath.Dir(base), 0o755)
	if err := os.WriteFile(base, src, 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TUTOR_DATA": dir}
	code, out, errOut := runCLI(t, env, "train", "-base", base, "-dataset", "../../finetune/testdata/stories_qa.jsonl",
		"-name", "qa", "-max-steps", "6", "-eval-every", "3", "-val", "0.2")
	if code != 0 || !strings.Contains(out, "adapter qa:") || !strings.Contains(out, "100%") {
		t.Fatalf("train: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, env, "train", "-base", base, "-dataset", "../../finetune/testdata/stories_qa.jsonl", "-name", "qa"); code == 0 || !strings.Contains(errOut, "exists already") {
		t.Fatalf("a second adapter named qa: exit %d %s", code, errOut)
	}
	gguf, peft := filepath.Join(t.TempDir(), "qa.gguf"), filepath.Join(t.TempDir(), "peft")
	if code, _, errOut := runCLI(t, env, "export", "-o", gguf, "qa"); code != 0 {
		t.Fatalf("export gguf: %s", errOut)
	}
	if code, _, errOut := runCLI(t, env, "export", "-format", "peft", "-o", peft, "qa"); code != 0 {
		t.Fatalf("export peft: %s", errOut)
	}
	for _, p := range []string{gguf, filepath.Join(peft, "adapter_config.json"), filepath.Join(peft, "adapter_model.safetensors")} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Fatalf("%s: %v", p, err)
		}
	}
	m := startTutor(t, dir, nil)
	if got := tagNames(t, m.URL()); !slices.Contains(got, "stories:tuned-qa") {
		t.Fatalf("/api/tags = %v, want stories:tuned-qa among them", got)
	}
}

// TestTrainPreset trains with `tutor train -preset demo -max-steps 6` on stories260K: the
// adapter is named demo and trained with the preset's settings on its 872 examples, stopped after
// 6 steps; any other training setting given with the preset, and an unknown preset, are
// refused.
func TestTrainPreset(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(testenv.Stories260K(t))
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, modelsFolder, "stories.gguf")
	os.MkdirAll(filepath.Dir(base), 0o755)
	if err := os.WriteFile(base, src, 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TUTOR_DATA": dir}
	if code, _, errOut := runCLI(t, env, "train", "-preset", "demo", "-base", base, "-rank", "4"); code == 0 || !strings.Contains(errOut, "-rank cannot be combined with -preset") {
		t.Fatalf("-rank with -preset: exit %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, env, "train", "-preset", "other", "-base", base); code == 0 || !strings.Contains(errOut, "the only preset is demo") {
		t.Fatalf("unknown preset: exit %d %s", code, errOut)
	}
	code, out, errOut := runCLI(t, env, "train", "-preset", "demo", "-base", base, "-max-steps", "6")
	if code != 0 || !strings.Contains(out, "adapter demo:") {
		t.Fatalf("train -preset demo: exit %d\n%s\n%s", code, out, errOut)
	}
	b, err := os.ReadFile(filepath.Join(dir, "adapters", "demo", "adapter.json"))
	var ad finetune.AdapterInfo
	if err == nil {
		err = json.Unmarshal(b, &ad)
	}
	want, _ := finetune.DemoPresetConfig()
	if err != nil || ad.Config.LoRA.Rank != 16 || len(ad.Config.LoRA.Targets) != len(finetune.AllTargets) || ad.Stats.Records != 872 ||
		ad.Config.Epochs != want.Epochs || ad.Config.LearningRate != want.LearningRate || ad.Config.MaxSteps != 6 || ad.Steps != 6 {
		t.Fatalf("demo adapter: %s %v", b, err)
	}
}
