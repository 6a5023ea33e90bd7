-- Evaluation runs: a suite over variants, each result stored as it finishes (so a run resumes
-- after a crash), and answers cached by (variant key, item key) across runs.
CREATE TABLE eval_runs (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	suite_name TEXT NOT NULL,
	suite_hash TEXT NOT NULL,
	suite TEXT NOT NULL,            -- the suite as JSON, so reports never depend on the file
	variants TEXT NOT NULL,         -- JSON list of variant names, in report order
	params TEXT NOT NULL DEFAULT '{}', -- JSON: how the run was asked for
	job_id INTEGER NOT NULL DEFAULT 0,
	state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running','done','failed')),
	created_at INTEGER NOT NULL,
	finished_at INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE eval_results (
	run_id INTEGER NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
	variant TEXT NOT NULL,
	item TEXT NOT NULL,
	result TEXT NOT NULL,           -- JSON of the result: answer, metrics, error
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (run_id, variant, item)
);

CREATE TABLE eval_answers (
	variant_key TEXT NOT NULL,
	item_key TEXT NOT NULL,
	answer TEXT NOT NULL,           -- JSON of the answer with its timings
	created_at INTEGER NOT NULL,
	PRIMARY KEY (variant_key, item_key)
);
