// Package jobs renders the Jobs pages: the list, one job followed live over SSE, and the
// fragments the SSE stream sends.
package jobs

import (
	"fmt"
	"time"
)

// Job is the view of one job.
type Job struct {
	ID         int64
	Kind       string
	Title      string
	State      string
	Step       int64
	Total      int64
	Message    string
	Error      string
	Attempts   int
	CreatedBy  string
	CreatedAt  time.Time
	StartedAt  time.Time
	FinishedAt time.Time
	CanCancel  bool // live and the viewer may cancel it
}

// Live reports whether the job may still change.
func (j Job) Live() bool { return j.State == "queued" || j.State == "running" }

// Name is the title, or the kind and number when untitled.
func (j Job) Name() string {
	if j.Title != "" {
		return j.Title
	}
	return fmt.Sprintf("%s #%d", j.Kind, j.ID)
}

// URL is the job's page.
func (j Job) URL() string { return fmt.Sprintf("/jobs/%d", j.ID) }

// EventsURL is the job's SSE stream, continuing after log line seq.
func (j Job) EventsURL(after int64) string {
	return fmt.Sprintf("/jobs/%d/events?after=%d", j.ID, after)
}

// CancelURL is where the cancel form posts.
func (j Job) CancelURL() string { return fmt.Sprintf("/jobs/%d/cancel", j.ID) }

// Percent is the share done as text ("42%"), or "" when the total is unknown.
func (j Job) Percent() string {
	if j.Total <= 0 {
		return ""
	}
	return fmt.Sprintf("%.0f%%", 100*float64(min(j.Step, j.Total))/float64(j.Total))
}

// LogLine is one line of a job's log.
type LogLine struct {
	Seq  int64
	At   time.Time
	Line string
}

// ListPage is the Jobs list.
type ListPage struct {
	Jobs     []Job
	CanStart bool // the viewer may start the self-test job
}

// DetailPage is one job with its log so far.
type DetailPage struct {
	Job Job
	Log []LogLine
}

// LastSeq is the sequence number of the last log line shown, so the stream continues after it.
func (p DetailPage) LastSeq() int64 {
	if len(p.Log) == 0 {
		return 0
	}
	return p.Log[len(p.Log)-1].Seq
}
