package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tutor/demo/preset"
	"tutor/finetune"
	"tutor/internal/testenv"
	"tutor/model"
	"tutor/store"
)

// TestTrainPreset: the one-click demo preset is offered to trainers only (a manager gets 403);
// posting it stores preset.Dataset() as a dataset and queues a job with the preset's settings for
// an adapter named demo, which starts training; a second click while it runs reuses the
// stored dataset and names its adapter demo-2. (The whole preset run, 4,360 steps, is
// exercised by `tutor train -preset demo -max-steps` in cmd/tutor, which stores the adapter.)
func TestTrainPreset(t *testing.T) {
	a := newApp(t, Options{}, map[string]store.Role{"tina": store.RoleTrainer, "mo": store.RoleManager})
	src, err := os.ReadFile(testenv.Stories260K(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(a.Store.Path("models"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(a.Store.Path("models", "stories.gguf"), src, 0o644); err != nil {
		t.Fatal(err)
	}

	mo := a.signedIn("mo")
	if r := mo.get("/train"); r.Status != http.StatusOK || strings.Contains(r.Body, `data-testid="train-preset"`) {
		t.Fatalf("manager: %d, preset shown: %v", r.Status, strings.Contains(r.Body, "train-preset"))
	}
	if r := mo.post("/train/preset", url.Values{"base": {"stories.gguf"}}); r.Status != http.StatusForbidden {
		t.Fatalf("manager starting the preset: %d", r.Status)
	}

	b := a.signedIn("tina")
	b.lang = "zh-CN"
	page := b.get("/train")
	for _, want := range []string{`action="/train/preset"`, "用示例公司数据训练", `data-testid="train-preset-base"`} {
		if !strings.Contains(page.Body, want) {
			t.Fatalf("Train page lacks %q", want)
		}
	}
	b.lang = ""
	if r := b.post("/train/preset", url.Values{"base": {"nothing.gguf"}}); r.Status != http.StatusBadRequest {
		t.Fatalf("preset on a missing base: %d %s", r.Status, r.Body)
	}

	start := func() *store.Job {
		t.Helper()
		r := b.post("/train/preset", url.Values{"base": {"stories.gguf"}})
		id, ok := strings.CutPrefix(r.Header.Get("Location"), "/train/")
		n, err := strconv.ParseInt(id, 10, 64)
		if r.Status != http.StatusSeeOther || !ok || err != nil {
			t.Fatalf("preset: %d %s", r.Status, r.Body)
		}
		j, err := a.Store.Job(context.Background(), n)
		if err != nil || j.Kind != finetune.JobKind {
			t.Fatalf("job %d: %v", n, err)
		}
		return j
	}
	j := start()
	var p finetune.JobParams
	if err := json.Unmarshal(j.Params, &p); err != nil {
		t.Fatal(err)
	}
	want, _ := finetune.DemoPresetConfig()
	if p.Name != "demo" || p.BaseName != "stories" || p.Config.LoRA.Rank != 16 || len(p.Config.LoRA.Targets) != len(finetune.AllTargets) || p.Config.Epochs != want.Epochs {
		t.Fatalf("preset job parameters: %+v", p)
	}
	stored, err := os.ReadFile(p.Dataset)
	if err != nil || !bytes.Equal(stored, preset.Dataset()) || filepath.Dir(p.Dataset) != a.Store.Path("datasets") {
		t.Fatalf("preset dataset %s: %v", p.Dataset, err)
	}

	deadline := time.Now().Add(time.Minute)
	for j.State != store.JobRunning || j.Step == 0 {
		if j.State.Final() || time.Now().After(deadline) {
			t.Fatalf("preset job %s at step %d: %s", j.State, j.Step, j.Error)
		}
		time.Sleep(100 * time.Millisecond)
		if j, err = a.Store.Job(context.Background(), j.ID); err != nil {
			t.Fatal(err)
		}
	}
	// The total counts the examples with something to learn within the preset's sequence
	// length: stories260K cuts Chinese into bytes, and with it the preset's examples with
	// passages lose their answers to the cut and are skipped.
	cfg, _ := finetune.DemoPresetConfig()
	m, err := model.Load(a.Store.Path("models", "stories.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := finetune.ParseJSONL(bytes.NewReader(preset.Dataset()), "preset")
	if err != nil {
		t.Fatal(err)
	}
	_, st, err := finetune.NewFormatter(m, cfg.MaxSeqLen).Build(recs)
	if err != nil || st.Records != 872 || st.Examples < 804 {
		t.Fatalf("the preset on stories260K: %+v, %v", st, err)
	}
	if j.Total != int64(cfg.Epochs*((st.Examples+cfg.BatchSize-1)/cfg.BatchSize)) {
		t.Fatalf("preset job's total: %d steps for %d examples", j.Total, st.Examples)
	}

	j2 := start()
	if err := json.Unmarshal(j2.Params, &p); err != nil || p.Name != "demo-2" {
		t.Fatalf("second preset run: %+v, %v", p, err)
	}
	for _, id := range []int64{j.ID, j2.ID} {
		if err := a.Jobs.Cancel(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	if ds, _ := filepath.Glob(filepath.Join(a.Store.Path("datasets"), "*")); len(ds) != 1 {
		t.Fatalf("datasets after two preset runs: %v", ds)
	}
}
