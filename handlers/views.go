package handlers

import (
	"github.com/labstack/echo/v4"

	"tutor/store"
	webjobs "tutor/web/jobs"
)

// jobView turns a stored job into its view for the caller.
func (h *Handler) jobView(c echo.Context, j *store.Job) webjobs.Job {
	return webjobs.Job{ID: j.ID, Kind: j.Kind, Title: j.Title, State: string(j.State), Step: j.Step, Total: j.Total,
		Message: j.Message, Error: j.Error, Attempts: j.Attempts, CreatedBy: j.CreatedBy, CreatedAt: j.CreatedAt,
		StartedAt: j.StartedAt, FinishedAt: j.FinishedAt, CanCancel: h.can(c, ActRunJobs)}
}

func (h *Handler) jobViews(c echo.Context, js []*store.Job) []webjobs.Job {
	out := make([]webjobs.Job, 0, len(js))
	for _, j := range js {
		out = append(out, h.jobView(c, j))
	}
	return out
}

func logView(lines []store.JobLogLine) []webjobs.LogLine {
	out := make([]webjobs.LogLine, 0, len(lines))
	for _, l := range lines {
		out = append(out, webjobs.LogLine{Seq: l.Seq, At: l.At, Line: l.Line})
	}
	return out
}
