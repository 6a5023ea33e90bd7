-- Uploaded company documents; the bytes live in the workspace under docs/.
CREATE TABLE documents (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name TEXT NOT NULL,
	content_type TEXT NOT NULL DEFAULT '',
	size INTEGER NOT NULL DEFAULT 0,
	sha256 TEXT NOT NULL,
	blob TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'new',
	error TEXT NOT NULL DEFAULT '',
	uploaded_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX documents_sha256 ON documents(sha256);
