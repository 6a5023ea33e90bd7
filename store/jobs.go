package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"tutor"
)

// JobState is where a job is in its life.
type JobState string

// Job states. Queued and running are live; the others are final, except interrupted, which a
// restart turns back into queued when the job's kind can resume.
const (
	JobQueued      JobState = "queued"
	JobRunning     JobState = "running"
	JobSucceeded   JobState = "succeeded"
	JobFailed      JobState = "failed"
	JobCancelled   JobState = "cancelled"
	JobInterrupted JobState = "interrupted"
)

// Final reports whether no more work will happen in this state without a restart.
func (s JobState) Final() bool {
	return s == JobSucceeded || s == JobFailed || s == JobCancelled || s == JobInterrupted
}

// Job is a persisted piece of long work.
type Job struct {
	ID         int64
	Kind       string
	Title      string
	State      JobState
	Params     json.RawMessage // what the job was asked to do
	Checkpoint json.RawMessage // the last saved state a resumed run continues from; empty when none
	Result     json.RawMessage // what a succeeded job produced; empty when none
	Error      string
	Step       int64
	Total      int64 // 0 when unknown
	Message    string
	Attempts   int // how many times the job has started
	CreatedBy  string
	CreatedAt  time.Time
	StartedAt  time.Time
	FinishedAt time.Time
	UpdatedAt  time.Time
}

// Fraction is the share of the work done, from 0 to 1, or -1 when the total is unknown.
func (j *Job) Fraction() float64 {
	if j.Total <= 0 {
		return -1
	}
	f := float64(j.Step) / float64(j.Total)
	return min(max(f, 0), 1)
}

const jobColumns = `id, kind, title, state, params, checkpoint, result, error, step, total, message,
	attempts, created_by, created_at, started_at, finished_at, updated_at`

func scanJob(row interface{ Scan(...any) error }) (*Job, error) {
	var j Job
	var params, checkpoint, result string
	var created, started, finished, updated int64
	err := row.Scan(&j.ID, &j.Kind, &j.Title, &j.State, &params, &checkpoint, &result, &j.Error,
		&j.Step, &j.Total, &j.Message, &j.Attempts, &j.CreatedBy, &created, &started, &finished, &updated)
	if err != nil {
		return nil, err
	}
	j.Params, j.Checkpoint, j.Result = rawJSON(params), rawJSON(checkpoint), rawJSON(result)
	j.CreatedAt, j.StartedAt = fromMillis(created), fromMillis(started)
	j.FinishedAt, j.UpdatedAt = fromMillis(finished), fromMillis(updated)
	return &j, nil
}

func rawJSON(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// CreateJob stores a new queued job and fills in its ID and times.
func (s *Store) CreateJob(ctx context.Context, j *Job) error {
	if j.Kind == "" {
		return tutor.Errorf(tutor.EINVALID, "job kind is empty")
	}
	params := string(j.Params)
	if params == "" {
		params = "{}"
	} else if !json.Valid(j.Params) {
		return tutor.Errorf(tutor.EINVALID, "job params are not valid JSON")
	}
	now := s.now().UTC()
	j.State, j.CreatedAt, j.UpdatedAt = JobQueued, now, now
	res, err := s.db.ExecContext(ctx, `INSERT INTO jobs(kind, title, state, params, created_by, created_at, updated_at)
		VALUES(?, ?, ?, ?, ?, ?, ?)`, j.Kind, j.Title, j.State, params, j.CreatedBy, millis(now), millis(now))
	if err != nil {
		return dbErr(err, "create job")
	}
	j.ID, err = res.LastInsertId()
	return dbErr(err, "create job")
}

// Job returns the job with id.
func (s *Store) Job(ctx context.Context, id int64) (*Job, error) {
	j, err := scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tutor.Errorf(tutor.ENOTFOUND, "job %d not found", id)
	}
	return j, dbErr(err, "read job %d", id)
}

// JobFilter selects jobs; zero fields match all.
type JobFilter struct {
	Kind   string
	States []JobState
	Limit  int // 0: 100
}

// Jobs lists jobs matching f, newest first (queued ones oldest first when f asks only for queued).
func (s *Store) Jobs(ctx context.Context, f JobFilter) ([]*Job, error) {
	q := `SELECT ` + jobColumns + ` FROM jobs WHERE 1=1`
	var args []any
	if f.Kind != "" {
		q += ` AND kind = ?`
		args = append(args, f.Kind)
	}
	if len(f.States) > 0 {
		q += ` AND state IN (?` + repeat(",?", len(f.States)-1) + `)`
		for _, st := range f.States {
			args = append(args, st)
		}
	}
	if len(f.States) == 1 && f.States[0] == JobQueued {
		q += ` ORDER BY id ASC`
	} else {
		q += ` ORDER BY id DESC`
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q += ` LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, dbErr(err, "list jobs")
	}
	defer rows.Close()
	var out []*Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, dbErr(err, "scan job")
		}
		out = append(out, j)
	}
	return out, dbErr(rows.Err(), "list jobs")
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
