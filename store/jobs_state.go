package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"tutor"
)

// StartJob moves a queued job to running and counts the attempt.
func (s *Store) StartJob(ctx context.Context, id int64) (*Job, error) {
	now := millis(s.now())
	res, err := s.db.ExecContext(ctx, `UPDATE jobs SET state = 'running', attempts = attempts + 1,
		started_at = ?, updated_at = ?, error = '' WHERE id = ? AND state = 'queued'`, now, now, id)
	if err != nil {
		return nil, dbErr(err, "start job %d", id)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, tutor.Errorf(tutor.ECONFLICT, "job %d is not queued", id)
	}
	return s.Job(ctx, id)
}

// JobProgress is what a running job reports; a nil Checkpoint keeps the saved one.
type JobProgress struct {
	Step, Total int64
	Message     string
	Checkpoint  json.RawMessage
}

// UpdateJobProgress saves a running job's progress and, when given, its checkpoint.
func (s *Store) UpdateJobProgress(ctx context.Context, id int64, p JobProgress) error {
	q := `UPDATE jobs SET step = ?, total = ?, message = ?, updated_at = ?`
	args := []any{p.Step, p.Total, p.Message, millis(s.now())}
	if p.Checkpoint != nil {
		if !json.Valid(p.Checkpoint) {
			return tutor.Errorf(tutor.EINVALID, "job %d: checkpoint is not valid JSON", id)
		}
		q += `, checkpoint = ?`
		args = append(args, string(p.Checkpoint))
	}
	_, err := s.db.ExecContext(ctx, q+` WHERE id = ?`, append(args, id)...)
	return dbErr(err, "update job %d", id)
}

// FinishJob records a job's final state with its result (may be nil) and error text.
func (s *Store) FinishJob(ctx context.Context, id int64, state JobState, result json.RawMessage, errText string) error {
	if !state.Final() {
		return tutor.Errorf(tutor.EINVALID, "job state %q is not final", state)
	}
	if result != nil && !json.Valid(result) {
		return tutor.Errorf(tutor.EINVALID, "job %d: result is not valid JSON", id)
	}
	now := millis(s.now())
	_, err := s.db.ExecContext(ctx, `UPDATE jobs SET state = ?, result = ?, error = ?, finished_at = ?, updated_at = ?
		WHERE id = ?`, state, string(result), errText, now, now, id)
	return dbErr(err, "finish job %d", id)
}

// CancelQueuedJob marks a job that has not started as cancelled; it reports false when the job
// was not queued (it may be running: then the runner cancels it).
func (s *Store) CancelQueuedJob(ctx context.Context, id int64) (bool, error) {
	now := millis(s.now())
	res, err := s.db.ExecContext(ctx, `UPDATE jobs SET state = 'cancelled', finished_at = ?, updated_at = ?
		WHERE id = ? AND state = 'queued'`, now, now, id)
	if err != nil {
		return false, dbErr(err, "cancel job %d", id)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RecoverJobs is run once at start-up, before any job runs: jobs left running by a crash become
// interrupted, and interrupted jobs whose kind resume accepts go back to the queue.
// It returns the jobs it marked interrupted.
func (s *Store) RecoverJobs(ctx context.Context, resume func(kind string) bool) ([]*Job, error) {
	var interrupted []*Job
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE state IN ('running','interrupted') ORDER BY id`)
		if err != nil {
			return err
		}
		var all []*Job
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				rows.Close()
				return err
			}
			all = append(all, j)
		}
		rows.Close()
		now := millis(s.now())
		for _, j := range all {
			state := JobInterrupted
			if resume(j.Kind) {
				state = JobQueued
			}
			if j.State == JobRunning {
				interrupted = append(interrupted, j)
			} else if state == JobInterrupted {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = ?, updated_at = ?, finished_at = CASE WHEN ? = 'interrupted' THEN ? ELSE 0 END
				WHERE id = ?`, state, now, state, now, j.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return interrupted, dbErr(err, "recover jobs")
}

// JobLogLine is one line of a job's log.
type JobLogLine struct {
	Seq  int64
	At   time.Time
	Line string
}

// AppendJobLog adds a line to a job's log.
func (s *Store) AppendJobLog(ctx context.Context, id int64, line string) (JobLogLine, error) {
	at := s.now().UTC()
	var seq int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO job_logs(job_id, seq, at, line)
		VALUES(?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM job_logs WHERE job_id = ?), ?, ?) RETURNING seq`,
		id, id, millis(at), line).Scan(&seq)
	if err != nil {
		return JobLogLine{}, dbErr(err, "append log of job %d", id)
	}
	return JobLogLine{Seq: seq, At: at, Line: line}, nil
}

// JobLog returns up to limit log lines of a job after seq, oldest first (limit 0: 1000).
func (s *Store) JobLog(ctx context.Context, id, after int64, limit int) ([]JobLogLine, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, line FROM job_logs WHERE job_id = ? AND seq > ?
		ORDER BY seq LIMIT ?`, id, after, limit)
	if err != nil {
		return nil, dbErr(err, "read log of job %d", id)
	}
	defer rows.Close()
	var out []JobLogLine
	for rows.Next() {
		var l JobLogLine
		var at int64
		if err := rows.Scan(&l.Seq, &at, &l.Line); err != nil {
			return nil, dbErr(err, "scan log line")
		}
		l.At = fromMillis(at)
		out = append(out, l)
	}
	return out, dbErr(rows.Err(), "read log of job %d", id)
}
