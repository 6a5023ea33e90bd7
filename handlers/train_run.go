package handlers

import (
	"net/http"
	"path/filepath"
	"time"

	"github.com/labstack/echo/v4"

	"tutor/finetune"
	"tutor/internal/jobs"
	"tutor/store"
	webjobs "tutor/web/jobs"
	"tutor/web/train"
)

// trainRun is one training run's page: the loss chart (train and validation) with tokens/s
// and ETA, the job's status with cancel, the checkpoints, the adapter once stored, the log.
func (h *Handler) trainRun(c echo.Context) error {
	j, err := h.trainJob(c)
	if err != nil {
		return err
	}
	lines, err := h.Store.JobLog(ctx(c), j.ID, 0, 0)
	if err != nil {
		return err
	}
	p := train.RunPage{Job: h.jobView(c, j), Chart: runChart(h.Store, j), Log: logView(lines),
		Checkpoints: checkpointNames(finetune.RunDir(h.Store, j.ID))}
	for _, a := range mustAdapters(h.Store) {
		if a.JobID == j.ID {
			v := adapterView(a)
			p.Adapter = &v
		}
	}
	return render(c, http.StatusOK, train.Run(p))
}

// trainEvents streams a run over SSE: "chart" events carry the redrawn chart (at most twice a
// second), "status" the job's status, and a final "done".
func (h *Handler) trainEvents(c echo.Context) error {
	j, err := h.trainJob(c)
	if err != nil {
		return err
	}
	rctx := ctx(c)
	sub, err := h.Jobs.Subscribe(rctx, j.ID)
	if err != nil {
		return err
	}
	defer sub.Close()
	s, err := startSSE(c)
	if err != nil {
		return nil
	}
	var last time.Time
	h.pumpJobEvents(rctx, s, sub.C, func(ev jobs.Event) bool {
		job := ev.Job
		if ev.Done || time.Since(last) > 500*time.Millisecond {
			last = time.Now()
			if s.SendHTML("chart", "", train.ChartPart(runChart(h.Store, &job))) != nil {
				return false
			}
		}
		name := "status"
		if ev.Done {
			name = "done"
		}
		return s.SendHTML(name, "", webjobs.Status(h.jobView(c, &job))) == nil && !ev.Done
	})
	return nil
}

// trainJob is the training job named by :id.
func (h *Handler) trainJob(c echo.Context) (*store.Job, error) {
	return h.pathJob(c, finetune.JobKind, "a training run")
}

// runChart draws a run's loss curve from its progress file.
func runChart(s *store.Store, j *store.Job) train.Chart {
	curve, _ := finetune.ReadCurve(filepath.Join(finetune.RunDir(s, j.ID), "progress.jsonl"))
	pts := make([]train.Point, 0, len(curve))
	steps := int(j.Total)
	for _, p := range curve {
		pts = append(pts, train.Point{Step: p.Step, Train: p.TrainLoss, Val: p.ValLoss, TokensSec: p.TokensPerSec, ETA: p.ETA})
		steps = max(steps, p.Steps)
	}
	return train.NewChart(pts, steps)
}

func mustAdapters(s *store.Store) []finetune.AdapterInfo {
	a, _ := finetune.Adapters(s)
	return a
}
