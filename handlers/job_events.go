package handlers

import (
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
	beat := time.NewTicker(sseHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-rctx.Done():
			return nil
		case <-h.stopping:
			return nil
		case <-beat.C:
			if s.Comment("keep-alive") != nil {
				return nil
			}
		case ev, ok := <-sub.C:
			if !ok {
				return nil // dropped for falling behind: the browser reconnects for a fresh snapshot
			}
			if err := h.sendJobEvent(c, s, ev, &after); err != nil || ev.Done {
				return nil
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
