package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tutor"
	"tutor/store"
)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newRunner starts a runner over s with the demo kind and kinds, shut down when the test ends.
func newRunner(t *testing.T, s *store.Store, workers int, kinds map[string]Handler) *Runner {
	t.Helper()
	r := New(s, slog.New(slog.NewTextHandler(io.Discard, nil)), workers)
	r.Register(DemoKind, Demo())
	for k, h := range kinds {
		r.Register(k, h)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.Shutdown(ctx)
	})
	return r
}

func follow(t *testing.T, r *Runner, id int64) (*store.Job, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	j, err := r.Follow(ctx, id, &out)
	if ctx.Err() != nil {
		t.Fatalf("job %d did not end in time: %v", id, j)
	}
	return j, out.String(), err
}

// waitFor polls until cond holds or fails the test after a while.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func logText(t *testing.T, s *store.Store, id int64) string {
	t.Helper()
	lines, err := s.JobLog(context.Background(), id, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.Line + "\n")
	}
	return b.String()
}

func TestDemoJobRunsToTheEndWithProgressBar(t *testing.T) {
	s := newStore(t)
	r := newRunner(t, s, 0, nil)
	j, err := r.Submit(context.Background(), DemoKind, "Self-test", DemoParams{Steps: 12, StepMS: 2, LogEvery: 5}, "ann")
	if err != nil {
		t.Fatal(err)
	}
	final, out, err := follow(t, r, j.ID)
	if err != nil {
		t.Fatalf("follow: %v\n%s", err, out)
	}
	if final.State != store.JobSucceeded || final.Step != 12 || final.Total != 12 || final.CreatedBy != "ann" {
		t.Errorf("final job %+v", final)
	}
	var res DemoResult
	if err := json.Unmarshal(final.Result, &res); err != nil || res.Steps != 12 || res.RunSteps != 12 || res.ResumedFrom != 0 {
		t.Errorf("result %s: %+v %v", final.Result, res, err)
	}
	for _, want := range []string{"100% 12/12", "reached step 5", "reached step 10", "succeeded"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress output lacks %q:\n%q", want, out)
		}
	}
	log := logText(t, s, j.ID)
	for _, want := range []string{"queued\nstarted\n", "reached step 12\nsucceeded\n"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

func TestFailedAndPanickingJobs(t *testing.T) {
	s := newStore(t)
	r := newRunner(t, s, 0, map[string]Handler{
		"panics": {Run: func(ctx context.Context, j *store.Job, p func(Progress) error) error { panic("boom") }},
	})
	ctx := context.Background()
	failing, _ := r.Submit(ctx, DemoKind, "", DemoParams{Steps: 5, StepMS: 1, FailAt: 3}, "")
	j, _, err := follow(t, r, failing.ID)
	if err == nil || j.State != store.JobFailed || !strings.Contains(j.Error, "fail at step 3") || j.Step != 2 || len(j.Result) != 0 {
		t.Errorf("failing demo: %+v, %v", j, err)
	}
	panicking, _ := r.Submit(ctx, "panics", "", nil, "")
	j, _, err = follow(t, r, panicking.ID)
	if err == nil || j.State != store.JobFailed || !strings.Contains(j.Error, "job panicked: boom") {
		t.Errorf("panicking job: %+v, %v", j, err)
	}
	bad, _ := r.Submit(ctx, DemoKind, "", DemoParams{Steps: 0}, "")
	if j, _, _ = follow(t, r, bad.ID); j.State != store.JobFailed || !strings.Contains(j.Error, "steps must be") {
		t.Errorf("demo with invalid params: %+v", j)
	}
	if _, err := r.Submit(ctx, "nonsense", "", nil, ""); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
}

// blocking is a kind whose jobs run until released or cancelled, counting how many run at once.
type blocking struct {
	release chan struct{}
	now     atomic.Int32
	most    atomic.Int32
}

func (b *blocking) handler(concurrency int) Handler {
	return Handler{Concurrency: concurrency, Run: func(ctx context.Context, j *store.Job, p func(Progress) error) error {
		n := b.now.Add(1)
		defer b.now.Add(-1)
		for {
			m := b.most.Load()
			if n <= m || b.most.CompareAndSwap(m, n) {
				break
			}
		}
		p(Progress{Step: 1, Total: 2, Message: "waiting"})
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-b.release:
			return p(Progress{Step: 2, Total: 2})
		}
	}}
}

func state(t *testing.T, s *store.Store, id int64) store.JobState {
	t.Helper()
	j, err := s.Job(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j.State
}

// Training-like kinds run one at a time: the second job waits in the queue for the first.
func TestPerKindLimitQueues(t *testing.T) {
	s := newStore(t)
	train := &blocking{release: make(chan struct{})}
	r := newRunner(t, s, 4, map[string]Handler{"train": train.handler(1)})
	ctx := context.Background()
	a, _ := r.Submit(ctx, "train", "a", nil, "")
	b, _ := r.Submit(ctx, "train", "b", nil, "")
	demo, _ := r.Submit(ctx, DemoKind, "", DemoParams{Steps: 2, StepMS: 1}, "")
	waitFor(t, "first training job running", func() bool { return state(t, s, a.ID) == store.JobRunning })
	if j, _, err := follow(t, r, demo.ID); err != nil {
		t.Errorf("another kind must not wait for training: %+v %v", j, err)
	}
	if st := state(t, s, b.ID); st != store.JobQueued {
		t.Errorf("second training job is %s while the first runs, want queued", st)
	}
	close(train.release)
	for _, id := range []int64{a.ID, b.ID} {
		if j, _, err := follow(t, r, id); err != nil || j.State != store.JobSucceeded {
			t.Errorf("job %d: %+v %v", id, j, err)
		}
	}
	if m := train.most.Load(); m != 1 {
		t.Errorf("%d training jobs ran at once, want 1", m)
	}
}

func TestWorkerLimit(t *testing.T) {
	s := newStore(t)
	k := &blocking{release: make(chan struct{})}
	r := newRunner(t, s, 2, map[string]Handler{"wide": k.handler(10)})
	ctx := context.Background()
	var ids []int64
	for range 4 {
		j, _ := r.Submit(ctx, "wide", "", nil, "")
		ids = append(ids, j.ID)
	}
	waitFor(t, "two jobs running", func() bool { return k.now.Load() == 2 })
	time.Sleep(50 * time.Millisecond)
	if n := k.now.Load(); n != 2 {
		t.Errorf("%d jobs running with 2 workers", n)
	}
	close(k.release)
	for _, id := range ids {
		if j, _, err := follow(t, r, id); err != nil {
			t.Errorf("job %d: %+v %v", id, j, err)
		}
	}
	if m := k.most.Load(); m != 2 {
		t.Errorf("at most %d ran at once, want 2", m)
	}
}

func TestCancel(t *testing.T) {
	s := newStore(t)
	k := &blocking{release: make(chan struct{})}
	r := newRunner(t, s, 4, map[string]Handler{"block": k.handler(1)})
	ctx := context.Background()
	running, _ := r.Submit(ctx, "block", "", nil, "")
	queued, _ := r.Submit(ctx, "block", "", nil, "")
	waitFor(t, "job running", func() bool { return state(t, s, running.ID) == store.JobRunning })

	if err := r.Cancel(ctx, queued.ID); err != nil {
		t.Fatal(err)
	}
	if st := state(t, s, queued.ID); st != store.JobCancelled {
		t.Errorf("queued job after cancel: %s", st)
	}
	if err := r.Cancel(ctx, running.ID); err != nil {
		t.Fatal(err)
	}
	j, _, err := follow(t, r, running.ID)
	if err == nil || j.State != store.JobCancelled {
		t.Errorf("running job after cancel: %+v, %v", j, err)
	}
	if err := r.Cancel(ctx, running.ID); tutor.ErrorCode(err) != tutor.ECONFLICT {
		t.Errorf("cancelling a finished job: %v", err)
	}
	if err := r.Cancel(ctx, 999); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Errorf("cancelling a missing job: %v", err)
	}
}

// A shutdown interrupts a running job after its last checkpoint; the next runner on the same
// workspace resumes it from there and finishes it.
func TestShutdownCheckpointsAndNextStartResumes(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	r1 := New(s, nil, 0)
	r1.Register(DemoKind, Demo())
	if err := r1.Start(ctx); err != nil {
		t.Fatal(err)
	}
	j, _ := r1.Submit(ctx, DemoKind, "", DemoParams{Steps: 100, StepMS: 10}, "")
	waitFor(t, "five steps", func() bool { got, _ := s.Job(ctx, j.ID); return got.Step >= 5 })
	if err := r1.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	stopped, _ := s.Job(ctx, j.ID)
	if stopped.State != store.JobInterrupted || stopped.Step < 5 || len(stopped.Checkpoint) == 0 {
		t.Fatalf("after shutdown: %+v", stopped)
	}
	if _, err := r1.Submit(ctx, DemoKind, "", DemoParams{Steps: 1}, ""); tutor.ErrorCode(err) != tutor.EUNAVAILABLE {
		t.Errorf("submit after shutdown: %v", err)
	}

	r2 := newRunner(t, s, 0, nil)
	final, _, err := follow(t, r2, j.ID)
	if err != nil {
		t.Fatalf("resumed job: %+v %v", final, err)
	}
	var res DemoResult
	json.Unmarshal(final.Result, &res)
	if res.ResumedFrom != int(stopped.Step) || res.ResumedFrom+res.RunSteps != 100 || final.Attempts != 2 {
		t.Errorf("resumed from %d (stopped at %d), ran %d steps, attempts %d", res.ResumedFrom, stopped.Step, res.RunSteps, final.Attempts)
	}
	if log := logText(t, s, j.ID); !strings.Contains(log, "interrupted by shutdown") || !strings.Contains(log, "resuming from step") {
		t.Errorf("log does not tell the story:\n%s", log)
	}
}

func TestSecondRunnerOnWorkspaceRefused(t *testing.T) {
	s := newStore(t)
	newRunner(t, s, 0, nil)
	other := New(s, nil, 0)
	if err := other.Start(context.Background()); tutor.ErrorCode(err) != tutor.EUNAVAILABLE {
		t.Errorf("second runner: %v, want unavailable", err)
	}
}
