package jobs

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"tutor"
	"tutor/store"
)

// persistEvery bounds how often plain progress (no log line, no checkpoint) is written to the store.
const persistEvery = 500 * time.Millisecond

// startQueued starts every queued job that fits within the worker and per-kind limits, oldest first.
func (r *Runner) startQueued() {
	queued, err := r.store.Jobs(r.ctx, store.JobFilter{States: []store.JobState{store.JobQueued}, Limit: 1000})
	if err != nil {
		if r.ctx.Err() == nil { // a runner that is stopping has nothing more to start
			r.log.Error("list queued jobs", "err", err)
		}
		return
	}
	for _, j := range queued {
		r.mu.Lock()
		h, known := r.handlers[j.Kind]
		full := len(r.running) >= r.maxWorkers
		busy := r.perKind[j.Kind] >= h.Concurrency
		closed := r.closed
		r.mu.Unlock()
		if closed || full {
			return
		}
		if !known {
			r.store.AppendJobLog(r.ctx, j.ID, fmt.Sprintf("no handler for job kind %q", j.Kind))
			r.store.FinishJob(r.ctx, j.ID, store.JobFailed, nil, fmt.Sprintf("unknown job kind %q", j.Kind))
			continue
		}
		if busy {
			continue
		}
		// The job is marked running and its cancel registered under one lock, so Cancel never
		// sees a running job it cannot reach.
		r.mu.Lock()
		started, err := r.store.StartJob(r.ctx, j.ID)
		if err != nil {
			r.mu.Unlock()
			continue // cancelled meanwhile
		}
		ctx, cancel := context.WithCancelCause(r.ctx)
		r.running[j.ID] = cancel
		r.perKind[j.Kind]++
		r.workers.Add(1)
		r.mu.Unlock()
		go r.run(ctx, cancel, started, h)
	}
}

// run executes one job and records how it ended.
func (r *Runner) run(ctx context.Context, cancel context.CancelCauseFunc, job *store.Job, h Handler) {
	defer r.workers.Done()
	// stop makes the job unreachable for Cancel; it runs before the job's end is published, so
	// a client that saw the end cannot cancel it any more.
	stop := sync.OnceFunc(func() {
		r.mu.Lock()
		delete(r.running, job.ID)
		r.mu.Unlock()
	})
	defer func() {
		cancel(nil)
		stop()
		r.mu.Lock()
		r.perKind[job.Kind]--
		r.mu.Unlock()
		r.poke()
	}()
	// Bookkeeping must outlive the job's own cancellation.
	bg := context.WithoutCancel(ctx)
	start := "started"
	if job.Attempts > 1 {
		start = fmt.Sprintf("started again (attempt %d)", job.Attempts)
		if len(job.Checkpoint) > 0 {
			start += fmt.Sprintf(", resuming from step %d", job.Step)
		}
	}
	r.logLine(bg, job, start)
	r.log.Info("job started", "job", job.ID, "kind", job.Kind, "attempt", job.Attempts)

	snap := *job
	var result []byte
	var lastSave time.Time
	progress := func(p Progress) error {
		if err := context.Cause(ctx); err != nil && ctx.Err() != nil {
			return err
		}
		snap.Step, snap.Total, snap.UpdatedAt = p.Step, p.Total, time.Now().UTC()
		if p.Message != "" {
			snap.Message = p.Message
		}
		if p.Result != nil {
			result = p.Result
		}
		var lines []store.JobLogLine
		if p.Log != "" {
			if l, err := r.store.AppendJobLog(bg, job.ID, p.Log); err == nil {
				lines = append(lines, l)
			}
		}
		if p.Checkpoint != nil || p.Log != "" || time.Since(lastSave) >= persistEvery || (p.Total > 0 && p.Step >= p.Total) {
			lastSave = time.Now()
			err := r.store.UpdateJobProgress(bg, job.ID, store.JobProgress{Step: p.Step, Total: p.Total,
				Message: snap.Message, Checkpoint: p.Checkpoint})
			if err != nil {
				return err
			}
			if p.Checkpoint != nil {
				snap.Checkpoint = p.Checkpoint
			}
		}
		r.hub.Publish(job.ID, Event{Job: snap, Log: lines})
		return nil
	}
	err := safeRun(ctx, h, job, progress)

	// Save the last position even when it fell between throttled writes.
	r.store.UpdateJobProgress(bg, job.ID, store.JobProgress{Step: snap.Step, Total: snap.Total, Message: snap.Message})
	state, errText, line := store.JobSucceeded, "", "succeeded"
	switch cause := context.Cause(ctx); {
	case err == nil:
	case errors.Is(cause, errCancelled) && ctx.Err() != nil:
		state, errText, line = store.JobCancelled, "cancelled", "cancelled"
	case errors.Is(cause, errShutdown) && ctx.Err() != nil:
		state, errText, line = store.JobInterrupted, "interrupted by shutdown", "interrupted by shutdown"
	default:
		state, errText, line = store.JobFailed, errorText(err), "failed: "+errorText(err)
	}
	if state != store.JobSucceeded {
		result = nil
	}
	if err := r.store.FinishJob(bg, job.ID, state, result, errText); err != nil {
		r.log.Error("record job end", "job", job.ID, "err", err)
	}
	stop()
	r.logLine(bg, job, line)
	r.log.Info("job ended", "job", job.ID, "kind", job.Kind, "state", state, "err", errText)
	if final, err := r.store.Job(bg, job.ID); err == nil {
		r.hub.Publish(job.ID, Event{Job: *final, Done: true})
	} else {
		snap.State = state
		r.hub.Publish(job.ID, Event{Job: snap, Done: true})
	}
}

// errorText is what the job's page shows: the coded message, with the cause for internal errors,
// since the people reading a job's log run the server.
func errorText(err error) string {
	if tutor.ErrorCode(err) == tutor.EINTERNAL {
		return err.Error()
	}
	return tutor.ErrorMessage(err)
}

// safeRun turns a panic in a handler into a failed job instead of a dead server.
func safeRun(ctx context.Context, h Handler, job *store.Job, progress func(Progress) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = tutor.Errorf(tutor.EINTERNAL, "job panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return h.Run(ctx, job, progress)
}

func (r *Runner) logLine(ctx context.Context, job *store.Job, line string) {
	if l, err := r.store.AppendJobLog(ctx, job.ID, line); err == nil {
		if j, err := r.store.Job(ctx, job.ID); err == nil {
			r.hub.Publish(job.ID, Event{Job: *j, Log: []store.JobLogLine{l}})
		}
	}
}

// Subscribe follows job id: the first event is its current snapshot, the last has Done set.
// A job already finished yields one Done event.
func (r *Runner) Subscribe(ctx context.Context, id int64) (*Subscription, error) {
	j, err := r.store.Job(ctx, id)
	if err != nil {
		return nil, err
	}
	if j.State.Final() {
		return doneSubscription(r.hub, j), nil
	}
	sub := r.hub.Subscribe(id, &Event{Job: *j})
	// The job may have finished between the read and the subscription; the store is written
	// before the Done event is published, so a second read tells.
	if j, err = r.store.Job(ctx, id); err == nil && j.State.Final() {
		sub.Close()
		return doneSubscription(r.hub, j), nil
	}
	return sub, nil
}

func doneSubscription(h *Hub, j *store.Job) *Subscription {
	c := make(chan Event, 1)
	c <- Event{Job: *j, Done: true}
	close(c)
	return &Subscription{C: c, c: c, hub: h, id: -1}
}

// Job returns the stored job.
func (r *Runner) Job(ctx context.Context, id int64) (*store.Job, error) { return r.store.Job(ctx, id) }
