package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"tutor"
	"tutor/store"
)

// DemoKind is the kind of the self-test job: it counts through a number of steps, saving a
// checkpoint at each, so the live view, cancellation and resume can be seen and tested without
// a model.
const DemoKind = "demo"

// DemoParams configure a demo job.
type DemoParams struct {
	Steps    int `json:"steps"`     // 1 to 10000
	StepMS   int `json:"step_ms"`   // pause per step, 0 to 10000 milliseconds
	FailAt   int `json:"fail_at"`   // when > 0, fail at this step (to see a failure)
	LogEvery int `json:"log_every"` // a log line every this many steps; 0: 10
}

// DemoResult is what a finished demo job reports.
type DemoResult struct {
	Steps       int `json:"steps"`
	ResumedFrom int `json:"resumed_from"` // the step a resumed run continued from; 0 when never resumed
	RunSteps    int `json:"run_steps"`    // steps done by the last run
}

type demoCheckpoint struct {
	Step int `json:"step"`
}

// Demo returns the handler of the self-test job. It resumes from its checkpoint.
func Demo() Handler {
	return Handler{Resumable: true, Concurrency: 2, Run: runDemo}
}

func runDemo(ctx context.Context, job *store.Job, progress func(Progress) error) error {
	var p DemoParams
	if err := json.Unmarshal(job.Params, &p); err != nil {
		return tutor.Wrap(err, tutor.EINVALID, "demo job parameters")
	}
	if p.Steps < 1 || p.Steps > 10000 || p.StepMS < 0 || p.StepMS > 10000 {
		return tutor.Errorf(tutor.EINVALID, "demo job: steps must be 1 to 10000 and step_ms 0 to 10000")
	}
	if p.LogEvery <= 0 {
		p.LogEvery = 10
	}
	var cp demoCheckpoint
	if len(job.Checkpoint) > 0 {
		if err := json.Unmarshal(job.Checkpoint, &cp); err != nil {
			return tutor.Wrap(err, tutor.EINVALID, "demo job checkpoint")
		}
	}
	res := DemoResult{Steps: p.Steps, ResumedFrom: cp.Step}
	tick := time.NewTicker(time.Duration(max(p.StepMS, 1)) * time.Millisecond)
	defer tick.Stop()
	for step := cp.Step + 1; step <= p.Steps; step++ {
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-tick.C:
		}
		if p.FailAt > 0 && step == p.FailAt {
			return tutor.Errorf(tutor.EINVALID, "demo job: asked to fail at step %d", step)
		}
		res.RunSteps++
		pr := Progress{Step: int64(step), Total: int64(p.Steps), Message: fmt.Sprintf("step %d of %d", step, p.Steps)}
		pr.Checkpoint, _ = json.Marshal(demoCheckpoint{Step: step})
		if step%p.LogEvery == 0 || step == p.Steps {
			pr.Log = fmt.Sprintf("reached step %d", step)
		}
		if step == p.Steps {
			pr.Result, _ = json.Marshal(res)
		}
		if err := progress(pr); err != nil {
			return err
		}
	}
	return nil
}
