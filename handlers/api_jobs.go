package handlers

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"tutor/store"
)

// apiJob is the JSON form of a job.
type apiJob struct {
	ID         int64           `json:"id"`
	Kind       string          `json:"kind"`
	Title      string          `json:"title"`
	State      string          `json:"state"`
	Step       int64           `json:"step"`
	Total      int64           `json:"total"`
	Message    string          `json:"message"`
	Error      string          `json:"error,omitempty"`
	Attempts   int             `json:"attempts"`
	Params     json.RawMessage `json:"params,omitempty"`
	Result     json.RawMessage `json:"result,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
	StartedAt  *time.Time      `json:"started_at,omitempty"`
	FinishedAt *time.Time      `json:"finished_at,omitempty"`
}

func toAPIJob(j *store.Job) apiJob {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	return apiJob{ID: j.ID, Kind: j.Kind, Title: j.Title, State: string(j.State), Step: j.Step, Total: j.Total,
		Message: j.Message, Error: j.Error, Attempts: j.Attempts, Params: j.Params, Result: j.Result,
		CreatedAt: j.CreatedAt, StartedAt: opt(j.StartedAt), FinishedAt: opt(j.FinishedAt)}
}

// apiJobShow returns one job as JSON.
func (h *Handler) apiJobShow(c echo.Context) error {
	j, err := h.pathJob(c, "", "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPIJob(j))
}

// apiJobsList returns the latest jobs as JSON, optionally of one kind (?kind=).
func (h *Handler) apiJobsList(c echo.Context) error {
	js, err := h.Store.Jobs(ctx(c), store.JobFilter{Kind: c.QueryParam("kind")})
	if err != nil {
		return err
	}
	out := make([]apiJob, 0, len(js))
	for _, j := range js {
		out = append(out, toAPIJob(j))
	}
	return c.JSON(http.StatusOK, map[string]any{"jobs": out})
}
