package finetune

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tutor/internal/jobs"
	"tutor/internal/testenv"
	"tutor/model"
	"tutor/store"
)

// runTrainJob runs one training job to its end in a fresh runner over s.
func runTrainJob(t *testing.T, s *store.Store, p JobParams) *store.Job {
	t.Helper()
	ctx := context.Background()
	r := jobs.New(s, nil, 1)
	r.Register(JobKind, Job(s))
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Shutdown(ctx)
	j, err := r.Submit(ctx, JobKind, "train "+p.Name, p, "test")
	if err != nil {
		t.Fatal(err)
	}
	r.Follow(ctx, j.ID, io.Discard) // a failed job is an error; the caller checks the state
	j, err = s.Job(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// TestTrainJob trains through the job runner: the dataset is copied into the workspace, the
// adapter is stored as GGUF (loadable by model/) and PEFT with its description and loss curve,
// and a second job with the same name fails without touching the first adapter.
func TestTrainJob(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, err := os.Open("testdata/stories_qa.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, recs, err := StoreDataset(s, "stories_qa.jsonl", f)
	if err != nil || len(recs) != 20 || !strings.HasPrefix(data, s.Dir()) {
		t.Fatalf("StoreDataset: %s, %d records, %v", data, len(recs), err)
	}
	cfg := DefaultTrainConfig()
	cfg.MaxSteps, cfg.EvalEvery, cfg.CheckpointEvery = 6, 3, 3
	p := JobParams{Base: testenv.Stories260K(t), Dataset: data, Name: "qa", ValFraction: 0.2, Config: cfg}
	j := runTrainJob(t, s, p)
	if j.State != store.JobSucceeded {
		t.Fatalf("job %s: %s", j.State, j.Error)
	}
	info, err := Adapter(s, "qa")
	if err != nil || info.Steps != 6 || info.Arch != "llama" || info.Stats.Examples != 16 {
		t.Fatalf("adapter %+v, %v", info, err)
	}
	if _, err := model.ReadAdapter(info.GGUF); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(info.PEFT, "adapter_model.safetensors")); err != nil {
		t.Fatal(err)
	}
	curve, err := ReadCurve(filepath.Join(RunDir(s, j.ID), "progress.jsonl"))
	if err != nil || len(curve) != 6 || curve[2].ValLoss == 0 {
		t.Fatalf("loss curve %+v, %v", curve, err)
	}
	before, _ := os.ReadFile(info.GGUF)

	again := runTrainJob(t, s, p)
	if again.State != store.JobFailed || !strings.Contains(again.Error, "exists already") {
		t.Fatalf("second job with the same name: %s %q", again.State, again.Error)
	}
	if after, _ := os.ReadFile(info.GGUF); string(after) != string(before) {
		t.Fatal("the first adapter changed")
	}
	if list, _ := Adapters(s); len(list) != 1 || list[0].Name != "qa" {
		t.Fatalf("adapters: %+v", list)
	}
}

func TestStoreDatasetRejects(t *testing.T) {
	s, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for name, body := range map[string]string{
		"empty.jsonl": "\n\n",
		"bad.jsonl":   `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}` + "\n{oops\n",
		"data.pdf":    "%PDF",
	} {
		if _, _, err := StoreDataset(s, name, strings.NewReader(body)); err == nil {
			t.Errorf("%s: stored", name)
		} else if name == "bad.jsonl" && !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%s: %v, want line 2 named", name, err)
		}
	}
	if m, _ := filepath.Glob(s.Path("datasets", "*")); len(m) != 0 {
		t.Fatalf("rejected datasets were stored: %v", m)
	}
}

func TestTextRecords(t *testing.T) {
	text := "First paragraph.\n\nSecond one\nhas two lines.\n\n\n" + strings.Repeat("word ", 30)
	recs := TextRecords(text, "doc.txt", 40)
	if len(recs) < 3 || recs[0].Text != "First paragraph." || recs[0].Source != "doc.txt:1" {
		t.Fatalf("%+v", recs)
	}
	for _, r := range recs {
		if len(r.Text) > 40 {
			t.Fatalf("record of %d characters: %q", len(r.Text), r.Text)
		}
	}
}

// TestTrainJobResumesAfterShutdown stops the server's job runner mid-run; the next start
// resumes the job from its last checkpoint, and the adapter equals that of a run never stopped.
func TestTrainJobResumesAfterShutdown(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, _ := os.Open("testdata/stories_qa.jsonl")
	data, _, err := StoreDataset(s, "qa.jsonl", f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultTrainConfig()
	cfg.Epochs, cfg.MaxSteps, cfg.EvalEvery, cfg.CheckpointEvery, cfg.LearningRate = 100, 40, 10, 5, 1e-2
	p := JobParams{Base: testenv.Stories260K(t), Dataset: data, Name: "stopped", ValFraction: 0.2, Config: cfg}

	r := jobs.New(s, nil, 1)
	r.Register(JobKind, Job(s))
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	j, err := r.Submit(ctx, JobKind, "train", p, "test")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if m, _ := filepath.Glob(filepath.Join(RunDir(s, j.ID), "checkpoint-0000[1-3]*.ckpt")); len(m) > 0 {
			break
		}
		if cur, _ := s.Job(ctx, j.ID); cur.State.Final() {
			t.Fatalf("the job ended (%s) before it could be stopped", cur.State)
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.Shutdown(ctx)
	if cur, _ := s.Job(ctx, j.ID); cur.State != store.JobInterrupted {
		t.Fatalf("after shutdown the job is %s", cur.State)
	}
	j2 := func() *store.Job {
		r := jobs.New(s, nil, 1)
		r.Register(JobKind, Job(s))
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer r.Shutdown(ctx)
		r.Follow(ctx, j.ID, io.Discard)
		j, _ := s.Job(ctx, j.ID)
		return j
	}()
	if j2.State != store.JobSucceeded {
		t.Fatalf("resumed job: %s %s", j2.State, j2.Error)
	}
	lines, _ := s.JobLog(ctx, j.ID, 0, 0)
	resumed := false
	for _, l := range lines {
		resumed = resumed || strings.HasPrefix(l.Line, "resumed from step")
	}
	if !resumed {
		t.Error("the log does not say the run resumed")
	}
	p.Name = "whole"
	if w := runTrainJob(t, s, p); w.State != store.JobSucceeded {
		t.Fatalf("uninterrupted job: %s", w.Error)
	}
	a, _ := Adapter(s, "stopped")
	b, _ := Adapter(s, "whole")
	ra, err1 := model.ReadAdapter(a.GGUF)
	rb, err2 := model.ReadAdapter(b.GGUF)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	for name, lo := range rb.Tensors {
		if !equalF32(ra.Tensors[name].A, lo.A, 1e-5) || !equalF32(ra.Tensors[name].B, lo.B, 1e-5) {
			t.Fatalf("%s: the resumed run's adapter differs from the uninterrupted one", name)
		}
	}
	if curve, _ := ReadCurve(filepath.Join(RunDir(s, j.ID), "progress.jsonl")); len(curve) != 40 || curve[39].Step != 40 {
		steps := []int{}
		for _, c := range curve {
			steps = append(steps, c.Step)
		}
		t.Fatalf("the resumed run's curve has %d points: %v", len(curve), steps)
	}
}
