package handlers

import (
	"context"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"tutor/internal/jobs"
	"tutor/store"
	webjobs "tutor/web/jobs"
)

// jobEvents streams a job over SSE: "status" events carry the status fragment, "log" events
// new log lines, and a final "done" event the finished status. The stream continues after the
// log line in ?after= or Last-Event-ID, so a reconnect neither repeats nor loses lines.
func (h *Handler) jobEvents(c echo.Context) error {
	id, err := jobID(c)
	if err != nil {
		return err
	}
	after, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	if last, err := strconv.ParseInt(c.Request().Header.Get("Last-Event-ID"), 10, 64); err == nil && last > after {
		after = last
	}
	rctx := ctx(c)
	sub, err := h.Jobs.Subscribe(rctx, id)
	if err != nil {
		return err
	}
	defer sub.Close()
	backlog, err := h.Store.JobLog(rctx, id, after, 0)
	if err != nil {
		return err
	}
	s, err := startSSE(c)
	if err != nil {
		return nil // the client left
	}
	if len(backlog) > 0 {
		after = backlog[len(backlog)-1].Seq
		if err := s.SendHTML("log", strconv.FormatInt(after, 10), webjobs.LogLines(logView(backlog))); err != nil {
			return nil
		}
	}
	h.pumpJobEvents(rctx, s, sub.C, func(ev jobs.Event) bool {
		return h.sendJobEvent(c, s, ev, &after) == nil && !ev.Done
	})
	return nil
}

// pumpJobEvents hands each of a job's events to send, with keep-alive comments in between,
// until send returns false, the subscription ends (a subscriber dropped for falling behind:
// the browser reconnects for a fresh snapshot), the client leaves or the server stops.
func (h *Handler) pumpJobEvents(rctx context.Context, s *sseStream, events <-chan jobs.Event, send func(jobs.Event) bool) {
	beat := time.NewTicker(sseHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-rctx.Done():
			return
		case <-h.stopping:
			return
		case <-beat.C:
			if s.Comment("keep-alive") != nil {
				return
			}
		case ev, ok := <-events:
			if !ok || !send(ev) {
				return
			}
		}
	}
}

func (h *Handler) sendJobEvent(c echo.Context, s *sseStream, ev jobs.Event, after *int64) error {
	var fresh []store.JobLogLine
	for _, l := range ev.Log {
		if l.Seq > *after {
			fresh = append(fresh, l)
		}
	}
	if len(fresh) > 0 {
		*after = fresh[len(fresh)-1].Seq
	}
	pos := strconv.FormatInt(*after, 10)
	if len(fresh) > 0 {
		if err := s.SendHTML("log", pos, webjobs.LogLines(logView(fresh))); err != nil {
			return err
		}
	}
	j := ev.Job
	name := "status"
	if ev.Done {
		name = "done"
	}
	return s.SendHTML(name, pos, webjobs.Status(h.jobView(c, &j)))
}
