// Package jobs runs long work (ingestion, training, evaluation) as persisted jobs: bounded
// workers, per-kind limits, cancellation, progress events, and resume after a crash.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"tutor"
	"tutor/store"
)

// Progress is what a running job reports. Every field is optional except Step and Total, which
// are always taken as the current position (Total 0: unknown).
type Progress struct {
	Step, Total int64
	Message     string          // a short status line
	Log         string          // a line to append to the job's log
	Checkpoint  json.RawMessage // saved at once; a resumed run receives it in job.Checkpoint
	Result      json.RawMessage // what the job produced, saved when it succeeds
}

// Handler runs one kind of job.
type Handler struct {
	// Run does the work. It returns when done, on error, or soon after ctx ends (cancelled by
	// a user or by shutdown: then it should report a last Checkpoint if it can resume).
	// progress returns an error when the job should stop; Run should return it.
	Run func(ctx context.Context, job *store.Job, progress func(Progress) error) error
	// Resumable jobs found interrupted at start-up are queued again and get their checkpoint.
	Resumable bool
	// Concurrency is how many jobs of this kind may run at once; 0 means 1.
	Concurrency int
}

// Cancellation causes, to tell a user's cancel from a shutdown.
var (
	errCancelled = errors.New("cancelled")
	errShutdown  = errors.New("shutting down")
)

// Runner schedules and runs jobs. Register kinds, then Start; Shutdown stops it in order.
type Runner struct {
	store      *store.Store
	log        *slog.Logger
	maxWorkers int
	hub        *Hub

	mu       sync.Mutex
	handlers map[string]Handler
	running  map[int64]context.CancelCauseFunc
	perKind  map[string]int
	started  bool
	closed   bool
	wake     chan struct{}
	ctx      context.Context
	stop     context.CancelCauseFunc
	workers  sync.WaitGroup
	dispatch sync.WaitGroup
	lock     *store.Lock
}

// New returns a runner over s running at most maxWorkers jobs at once (0: 4).
func New(s *store.Store, log *slog.Logger, maxWorkers int) *Runner {
	if maxWorkers <= 0 {
		maxWorkers = 4
	}
	if log == nil {
		log = slog.Default()
	}
	return &Runner{store: s, log: log, maxWorkers: maxWorkers, hub: NewHub(),
		handlers: map[string]Handler{}, running: map[int64]context.CancelCauseFunc{},
		perKind: map[string]int{}, wake: make(chan struct{}, 1)}
}

// Register adds a kind of job; call it before Start. Registering a kind twice panics, as two
// packages claiming one kind is a wiring bug.
func (r *Runner) Register(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if h.Run == nil {
		panic(fmt.Sprintf("jobs: kind %q has no Run", kind))
	}
	if _, dup := r.handlers[kind]; dup {
		panic(fmt.Sprintf("jobs: kind %q registered twice", kind))
	}
	if h.Concurrency <= 0 {
		h.Concurrency = 1
	}
	r.handlers[kind] = h
}

// Kinds lists the registered kinds in order.
func (r *Runner) Kinds() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ks []string
	for k := range r.handlers {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Start recovers jobs a crash left running (interrupted; queued again when their kind resumes)
// and starts dispatching queued jobs.
func (r *Runner) Start(ctx context.Context) error {
	r.mu.Lock()
	if r.started {
		r.mu.Unlock()
		return tutor.Errorf(tutor.ECONFLICT, "job runner already started")
	}
	lock, err := r.store.LockRunner()
	if err != nil {
		r.mu.Unlock()
		return err
	}
	r.started, r.lock = true, lock
	r.ctx, r.stop = context.WithCancelCause(context.WithoutCancel(ctx))
	r.mu.Unlock()

	interrupted, err := r.store.RecoverJobs(ctx, func(kind string) bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.handlers[kind].Resumable
	})
	if err != nil {
		return err
	}
	for _, j := range interrupted {
		line := "interrupted: the server stopped while the job ran"
		if r.resumable(j.Kind) {
			line += "; queued to resume"
			if len(j.Checkpoint) > 0 {
				line += " from its last checkpoint"
			}
		}
		r.store.AppendJobLog(ctx, j.ID, line)
		r.log.Warn("job interrupted", "job", j.ID, "kind", j.Kind, "resumable", r.resumable(j.Kind))
	}
	r.dispatch.Add(1)
	go r.loop()
	r.poke()
	return nil
}

func (r *Runner) resumable(kind string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.handlers[kind].Resumable
}

// Submit queues a new job of kind with params (marshalled to JSON) and returns it.
func (r *Runner) Submit(ctx context.Context, kind, title string, params any, createdBy string) (*store.Job, error) {
	r.mu.Lock()
	_, known := r.handlers[kind]
	closed := r.closed
	r.mu.Unlock()
	if !known {
		return nil, tutor.Errorf(tutor.EINVALID, "unknown job kind %q", kind)
	}
	if closed {
		return nil, tutor.Errorf(tutor.EUNAVAILABLE, "the server is shutting down")
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "job parameters")
	}
	if params == nil {
		raw = []byte("{}")
	}
	j := &store.Job{Kind: kind, Title: title, Params: raw, CreatedBy: createdBy}
	if err := r.store.CreateJob(ctx, j); err != nil {
		return nil, err
	}
	r.store.AppendJobLog(ctx, j.ID, "queued")
	r.hub.Publish(j.ID, Event{Job: *j})
	r.poke()
	return j, nil
}

// Cancel stops a queued or running job.
func (r *Runner) Cancel(ctx context.Context, id int64) error {
	if r.cancelRunning(id) {
		return nil
	}
	ok, err := r.store.CancelQueuedJob(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		// The runner may have started the job between the two checks.
		if r.cancelRunning(id) {
			return nil
		}
		j, err := r.store.Job(ctx, id)
		if err != nil {
			return err
		}
		return tutor.Errorf(tutor.ECONFLICT, "job %d already %s", id, j.State)
	}
	r.store.AppendJobLog(ctx, id, "cancelled before it started")
	if j, err := r.store.Job(ctx, id); err == nil {
		r.hub.Publish(id, Event{Job: *j, Done: true})
	}
	return nil
}

// cancelRunning cancels job id if this runner is running it.
func (r *Runner) cancelRunning(id int64) bool {
	r.mu.Lock()
	cancel, running := r.running[id]
	r.mu.Unlock()
	if running {
		cancel(errCancelled)
	}
	return running
}

// Shutdown stops in order: no new jobs are accepted or started, running jobs are cancelled
// (they checkpoint and are marked interrupted, to resume on the next start), then it waits for
// them until ctx ends.
func (r *Runner) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	started := r.started
	r.mu.Unlock()
	if !started {
		return nil
	}
	r.stop(errShutdown)
	r.dispatch.Wait()
	done := make(chan struct{})
	go func() { r.workers.Wait(); close(done) }()
	select {
	case <-done:
		return r.lock.Release()
	case <-ctx.Done():
		return tutor.Wrap(ctx.Err(), tutor.EUNAVAILABLE, "jobs still running at shutdown")
	}
}

func (r *Runner) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// loop starts queued jobs whenever something changes, and every few seconds as a safety net.
func (r *Runner) loop() {
	defer r.dispatch.Done()
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-r.wake:
		case <-tick.C:
		}
		r.startQueued()
	}
}
