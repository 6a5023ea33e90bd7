-- Workspace settings as key/value, and managers' votes between two answers.
CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE votes (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	question TEXT NOT NULL,
	left_variant TEXT NOT NULL,
	right_variant TEXT NOT NULL,
	left_answer TEXT NOT NULL DEFAULT '',
	right_answer TEXT NOT NULL DEFAULT '',
	choice TEXT NOT NULL CHECK (choice IN ('left','right','tie','neither')),
	comment TEXT NOT NULL DEFAULT '',
	voter TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX votes_created ON votes(created_at);
