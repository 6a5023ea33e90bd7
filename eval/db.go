package eval

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"tutor"
)

// DB keeps evaluation runs, their results and the answer cache in the workspace database
// (the eval_* tables of the store's migrations).
type DB struct {
	db  *sql.DB
	now func() time.Time
}

// NewDB returns a DB over the workspace database.
func NewDB(db *sql.DB) *DB { return &DB{db: db, now: time.Now} }

// Run states.
const (
	RunRunning = "running"
	RunDone    = "done"
	RunFailed  = "failed"
)

// RunInfo is a stored run: its suite, variants and state.
type RunInfo struct {
	ID       int64           `json:"id"`
	Suite    *Suite          `json:"suite"`
	Variants []string        `json:"variants"`
	Params   json.RawMessage `json:"params,omitempty"`
	JobID    int64           `json:"job_id,omitempty"`
	State    string          `json:"state"`
	Created  time.Time       `json:"created"`
	Finished time.Time       `json:"finished,omitzero"`
}

// CreateRun stores a new running run and sets r.ID and r.Created.
func (d *DB) CreateRun(ctx context.Context, r *RunInfo) error {
	suite, err := json.Marshal(r.Suite)
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "encode suite")
	}
	vs, _ := json.Marshal(r.Variants)
	if len(r.Params) == 0 {
		r.Params = json.RawMessage("{}")
	}
	r.Created, r.State = d.now().UTC().Truncate(time.Millisecond), RunRunning
	res, err := d.db.ExecContext(ctx, `INSERT INTO eval_runs (suite_name, suite_hash, suite, variants, params, job_id, state, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.Suite.Name, r.Suite.Hash(), suite, vs, string(r.Params), r.JobID, r.State, r.Created.UnixMilli())
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "create evaluation run")
	}
	r.ID, err = res.LastInsertId()
	return err
}

// FinishRun marks run id done or failed.
func (d *DB) FinishRun(ctx context.Context, id int64, state string) error {
	_, err := d.db.ExecContext(ctx, `UPDATE eval_runs SET state = ?, finished_at = ? WHERE id = ?`, state, d.now().UnixMilli(), id)
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "finish evaluation run %d", id)
	}
	return nil
}

const runColumns = `id, suite, variants, params, job_id, state, created_at, finished_at`

// Run returns run id, or ENOTFOUND.
func (d *DB) Run(ctx context.Context, id int64) (*RunInfo, error) {
	runs, err := d.runs(ctx, `SELECT `+runColumns+` FROM eval_runs WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, tutor.Errorf(tutor.ENOTFOUND, "evaluation run %d not found", id)
	}
	return runs[0], nil
}

// Runs returns the latest runs, newest first.
func (d *DB) Runs(ctx context.Context, limit int) ([]*RunInfo, error) {
	return d.runs(ctx, `SELECT `+runColumns+` FROM eval_runs ORDER BY id DESC LIMIT ?`, limit)
}

func (d *DB) runs(ctx context.Context, query string, args ...any) ([]*RunInfo, error) {
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "read evaluation runs")
	}
	defer rows.Close()
	var out []*RunInfo
	for rows.Next() {
		var (
			r                 RunInfo
			suite, vs, params string
			created, finished int64
		)
		if err := rows.Scan(&r.ID, &suite, &vs, &params, &r.JobID, &r.State, &created, &finished); err != nil {
			return nil, tutor.Wrap(err, tutor.EINTERNAL, "read evaluation run")
		}
		if err := errors.Join(json.Unmarshal([]byte(suite), &r.Suite), json.Unmarshal([]byte(vs), &r.Variants)); err != nil {
			return nil, tutor.Wrap(err, tutor.EINTERNAL, "decode evaluation run %d", r.ID)
		}
		r.Params = json.RawMessage(params)
		r.Created = time.UnixMilli(created).UTC()
		if finished > 0 {
			r.Finished = time.UnixMilli(finished).UTC()
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// RunResults is the [Results] store of one run.
func (d *DB) RunResults(id int64) Results { return runResults{d, id} }

type runResults struct {
	d  *DB
	id int64
}

func (s runResults) Results(ctx context.Context) ([]Result, error) {
	rows, err := s.d.db.QueryContext(ctx, `SELECT result FROM eval_results WHERE run_id = ? ORDER BY rowid`, s.id)
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "read results of run %d", s.id)
	}
	defer rows.Close()
	var out []Result
	for rows.Next() {
		var raw string
		var r Result
		if err := rows.Scan(&raw); err != nil {
			return nil, tutor.Wrap(err, tutor.EINTERNAL, "read result")
		}
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			return nil, tutor.Wrap(err, tutor.EINTERNAL, "decode result of run %d", s.id)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s runResults) SaveResult(ctx context.Context, r Result) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "encode result")
	}
	_, err = s.d.db.ExecContext(ctx, `INSERT INTO eval_results (run_id, variant, item, result, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (run_id, variant, item) DO UPDATE SET result = excluded.result, updated_at = excluded.updated_at`,
		s.id, r.Variant, r.Item, raw, s.d.now().UnixMilli())
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "save result of run %d", s.id)
	}
	return nil
}

// CachedAnswer returns the cached answer of a variant to an item, if any.
func (d *DB) CachedAnswer(ctx context.Context, variantKey, itemKey string) (Answer, bool, error) {
	var raw string
	err := d.db.QueryRowContext(ctx, `SELECT answer FROM eval_answers WHERE variant_key = ? AND item_key = ?`, variantKey, itemKey).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return Answer{}, false, nil
	} else if err != nil {
		return Answer{}, false, tutor.Wrap(err, tutor.EINTERNAL, "read answer cache")
	}
	var a Answer
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		return Answer{}, false, nil // an unreadable entry is a miss; it is overwritten
	}
	return a, true, nil
}

// CacheAnswer stores a variant's answer to an item.
func (d *DB) CacheAnswer(ctx context.Context, variantKey, itemKey string, a Answer) error {
	raw, err := json.Marshal(a)
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "encode answer")
	}
	_, err = d.db.ExecContext(ctx, `INSERT INTO eval_answers (variant_key, item_key, answer, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (variant_key, item_key) DO UPDATE SET answer = excluded.answer, created_at = excluded.created_at`,
		variantKey, itemKey, raw, d.now().UnixMilli())
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "write answer cache")
	}
	return nil
}

// RunOfJob returns the run a job started, or ENOTFOUND while it has started none.
func (d *DB) RunOfJob(ctx context.Context, jobID int64) (*RunInfo, error) {
	runs, err := d.runs(ctx, `SELECT `+runColumns+` FROM eval_runs WHERE job_id = ? ORDER BY id DESC LIMIT 1`, jobID)
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, tutor.Errorf(tutor.ENOTFOUND, "job %d has not started an evaluation run yet", jobID)
	}
	return runs[0], nil
}
