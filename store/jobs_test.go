package store

import (
	"context"
	"encoding/json"
	"testing"

	"tutor"
)

func mustJob(t *testing.T, s *Store, kind string) *Job {
	t.Helper()
	j := &Job{Kind: kind, Title: kind + " job", Params: json.RawMessage(`{"n":1}`), CreatedBy: "ann"}
	if err := s.CreateJob(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	return j
}

func TestJobLifecycle(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	j := mustJob(t, s, "demo")
	if j.ID == 0 || j.State != JobQueued {
		t.Fatalf("created job %+v", j)
	}
	if _, err := s.StartJob(ctx, 999); tutor.ErrorCode(err) != tutor.ECONFLICT {
		t.Errorf("starting a missing job: %v", err)
	}
	run, err := s.StartJob(ctx, j.ID)
	if err != nil || run.State != JobRunning || run.Attempts != 1 || run.StartedAt.IsZero() {
		t.Fatalf("StartJob = %+v, %v", run, err)
	}
	if _, err := s.StartJob(ctx, j.ID); tutor.ErrorCode(err) != tutor.ECONFLICT {
		t.Errorf("starting a running job again: %v", err)
	}
	if err := s.UpdateJobProgress(ctx, j.ID, JobProgress{Step: 3, Total: 4, Message: "m", Checkpoint: json.RawMessage(`{"step":3}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateJobProgress(ctx, j.ID, JobProgress{Step: 4, Total: 4}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateJobProgress(ctx, j.ID, JobProgress{Checkpoint: json.RawMessage(`{broken`)}); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("invalid checkpoint: %v", err)
	}
	got, _ := s.Job(ctx, j.ID)
	if got.Step != 4 || string(got.Checkpoint) != `{"step":3}` || got.Fraction() != 1 {
		t.Errorf("progress kept %+v: a progress without a checkpoint must keep the saved one", got)
	}
	if err := s.FinishJob(ctx, j.ID, JobRunning, nil, ""); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("finishing in a live state: %v", err)
	}
	if err := s.FinishJob(ctx, j.ID, JobSucceeded, json.RawMessage(`{"ok":true}`), ""); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Job(ctx, j.ID)
	if got.State != JobSucceeded || string(got.Result) != `{"ok":true}` || got.FinishedAt.IsZero() || string(got.Params) != `{"n":1}` {
		t.Errorf("finished job %+v", got)
	}
	if _, err := s.Job(ctx, 12345); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Errorf("missing job: %v", err)
	}
	if err := s.CreateJob(ctx, &Job{Kind: "x", Params: json.RawMessage("{")}); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("invalid params: %v", err)
	}
}

func TestJobsListAndCancel(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	a, b, c := mustJob(t, s, "demo"), mustJob(t, s, "train"), mustJob(t, s, "demo")
	s.StartJob(ctx, b.ID)
	ok, err := s.CancelQueuedJob(ctx, c.ID)
	if !ok || err != nil {
		t.Fatalf("cancel queued: %v %v", ok, err)
	}
	if ok, _ := s.CancelQueuedJob(ctx, b.ID); ok {
		t.Error("cancelled a running job in the store; the runner must do that")
	}
	ids := func(js []*Job) (out []int64) {
		for _, j := range js {
			out = append(out, j.ID)
		}
		return out
	}
	all, _ := s.Jobs(ctx, JobFilter{})
	if got := ids(all); len(got) != 3 || got[0] != c.ID {
		t.Errorf("all jobs %v, want newest first", got)
	}
	demo, _ := s.Jobs(ctx, JobFilter{Kind: "demo"})
	if got := ids(demo); len(got) != 2 {
		t.Errorf("demo jobs %v", got)
	}
	d := mustJob(t, s, "demo")
	queued, _ := s.Jobs(ctx, JobFilter{States: []JobState{JobQueued}})
	if got := ids(queued); len(got) != 2 || got[0] != a.ID || got[1] != d.ID {
		t.Errorf("queued %v, want oldest first [%d %d]", got, a.ID, d.ID)
	}
	live, _ := s.Jobs(ctx, JobFilter{States: []JobState{JobQueued, JobRunning}, Limit: 1})
	if len(live) != 1 {
		t.Errorf("limit 1 gave %d", len(live))
	}
}

// After a crash, running jobs become interrupted; those whose kind resumes are queued again
// with their checkpoint, the others stay interrupted and are not reported twice.
func TestRecoverJobs(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	resumable, fragile, queued := mustJob(t, s, "demo"), mustJob(t, s, "ingest"), mustJob(t, s, "demo")
	s.StartJob(ctx, resumable.ID)
	s.StartJob(ctx, fragile.ID)
	s.UpdateJobProgress(ctx, resumable.ID, JobProgress{Step: 7, Total: 10, Checkpoint: json.RawMessage(`{"step":7}`)})
	canResume := func(kind string) bool { return kind == "demo" }

	got, err := s.RecoverJobs(ctx, canResume)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("recovered %d jobs, want the 2 running", len(got))
	}
	r, _ := s.Job(ctx, resumable.ID)
	if r.State != JobQueued || string(r.Checkpoint) != `{"step":7}` || r.Step != 7 {
		t.Errorf("resumable job after recovery: %+v", r)
	}
	f, _ := s.Job(ctx, fragile.ID)
	if f.State != JobInterrupted || f.FinishedAt.IsZero() {
		t.Errorf("non-resumable job after recovery: %+v", f)
	}
	q, _ := s.Job(ctx, queued.ID)
	if q.State != JobQueued {
		t.Errorf("queued job changed to %s", q.State)
	}
	again, _ := s.RecoverJobs(ctx, canResume)
	if len(again) != 0 {
		t.Errorf("a second recovery reported %d jobs", len(again))
	}
	// A kind that can resume now (say, after an upgrade) picks up interrupted jobs.
	s.RecoverJobs(ctx, func(string) bool { return true })
	if f, _ := s.Job(ctx, fragile.ID); f.State != JobQueued {
		t.Errorf("interrupted job of a now resumable kind: %s", f.State)
	}
}

func TestJobLog(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	a, b := mustJob(t, s, "demo"), mustJob(t, s, "demo")
	for i, line := range []string{"one", "two", "three"} {
		l, err := s.AppendJobLog(ctx, a.ID, line)
		if err != nil || l.Seq != int64(i+1) {
			t.Fatalf("append %q: seq %d, %v", line, l.Seq, err)
		}
	}
	if l, _ := s.AppendJobLog(ctx, b.ID, "other"); l.Seq != 1 {
		t.Errorf("sequence is per job: got %d", l.Seq)
	}
	lines, _ := s.JobLog(ctx, a.ID, 1, 0)
	if len(lines) != 2 || lines[0].Line != "two" || lines[1].Seq != 3 {
		t.Errorf("log after 1: %+v", lines)
	}
	lines, _ = s.JobLog(ctx, a.ID, 0, 1)
	if len(lines) != 1 || lines[0].Line != "one" {
		t.Errorf("log limit 1: %+v", lines)
	}
}

func TestRunnerLockIsExclusive(t *testing.T) {
	s := MustOpen(t)
	l, err := s.LockRunner()
	if err != nil {
		t.Fatal(err)
	}
	other, err := Open(context.Background(), s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.LockRunner(); tutor.ErrorCode(err) != tutor.EUNAVAILABLE {
		t.Errorf("second lock: %v, want unavailable", err)
	}
	l.Release()
	l2, err := other.LockRunner()
	if err != nil {
		t.Errorf("lock after release: %v", err)
	}
	l2.Release()
}
