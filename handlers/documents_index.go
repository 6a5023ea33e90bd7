package handlers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/internal/jobs"
	"tutor/rag"
	"tutor/store"
)

// IndexJobKind is the job that chunks and embeds the documents waiting to be indexed.
const IndexJobKind = "documents.index"

// IndexParams are the parameters of an indexing job.
type IndexParams struct {
	All bool `json:"all"` // index every document again, not only the pending ones
}

// IndexJob is the job handler of [IndexJobKind]: it indexes the pending documents of ix (or,
// with All, every document again), logging its progress. One runs at a time; an interrupted
// one is queued again and carries on with the documents still pending.
func IndexJob(ix *rag.Index) jobs.Handler {
	return jobs.Handler{Resumable: true, Concurrency: 1, Run: func(ctx context.Context, j *store.Job, progress func(jobs.Progress) error) error {
		var p IndexParams
		if len(j.Params) > 0 {
			if err := json.Unmarshal(j.Params, &p); err != nil {
				return tutor.Wrap(err, tutor.EINVALID, "indexing job parameters")
			}
		}
		var last jobs.Progress
		report := func(pr rag.Progress) error {
			last = jobs.Progress{Step: int64(pr.Done), Total: int64(pr.Total), Message: pr.Message}
			return progress(jobs.Progress{Step: last.Step, Total: last.Total, Message: pr.Message, Log: pr.Message})
		}
		run := ix.IndexPending
		if p.All && j.Attempts <= 1 {
			run = ix.Reindex
		}
		n, err := run(ctx, report)
		if err == nil {
			last.Log = fmt.Sprintf("%d documents indexed", n)
			err = progress(last)
		}
		return err
	}}
}

// documentsReindex queues a job that indexes every document again, and follows it.
func (h *Handler) documentsReindex(c echo.Context) error {
	if _, err := h.index(); err != nil {
		return err
	}
	j, err := h.Jobs.Submit(ctx(c), IndexJobKind, "Re-index documents", IndexParams{All: true}, callerName(c))
	if err != nil {
		return err
	}
	return redirect(c, fmt.Sprintf("/jobs/%d", j.ID))
}

// queueIndexing queues the indexing job unless one is already waiting to start; a running
// one may have passed the documents just added, so another is queued behind it.
func (h *Handler) queueIndexing(c echo.Context) error {
	queued, err := h.Store.Jobs(ctx(c), store.JobFilter{Kind: IndexJobKind, States: []store.JobState{store.JobQueued}, Limit: 1})
	if err != nil || len(queued) > 0 {
		return err
	}
	_, err = h.Jobs.Submit(ctx(c), IndexJobKind, "Index documents", IndexParams{}, callerName(c))
	return err
}
