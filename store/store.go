// Package store owns the workspace on disk and its SQLite metadata: documents, datasets, runs,
// jobs and votes, with versioned migrations and atomic writes.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"

	"tutor"
)

// DBName is the file name of the metadata database inside the workspace.
const DBName = "tutor.db"

// Store is an open workspace: a folder of blobs and the SQLite database describing them.
type Store struct {
	dir string
	db  *sql.DB
	now func() time.Time

	bcryptCost int
}

// Open opens (creating when missing) the workspace at dir and applies pending migrations.
func Open(ctx context.Context, dir string) (*Store, error) {
	if dir == "" {
		return nil, tutor.Errorf(tutor.EINVALID, "workspace folder is empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "workspace folder %q", dir)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, tutor.Wrap(err, tutor.EUNAVAILABLE, "cannot create workspace folder %q", abs)
	}
	db, err := sql.Open("sqlite", dsn(filepath.Join(abs, DBName)))
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "open database")
	}
	// One writer at a time is SQLite's rule anyway; a small pool keeps readers concurrent under WAL.
	db.SetMaxOpenConns(8)
	s := &Store{dir: abs, db: db, now: time.Now}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, tutor.Wrap(err, tutor.EUNAVAILABLE, "open database in %q", abs)
	}
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// dsn builds the connection string: WAL, a busy timeout, foreign keys and immediate write transactions.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Close closes the database.
func (s *Store) Close() error {
	if s == nil || s.db == nil {
		return nil
	}
	return s.db.Close()
}

// Dir is the absolute path of the workspace folder.
func (s *Store) Dir() string { return s.dir }

// Path joins elem under the workspace folder.
func (s *Store) Path(elem ...string) string {
	return filepath.Join(append([]string{s.dir}, elem...)...)
}

// DB gives packages that own their tables (added as migrations) direct access to the database.
func (s *Store) DB() *sql.DB { return s.db }

// Tx runs fn in one transaction, committing when fn returns nil and rolling back otherwise.
func (s *Store) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "begin transaction")
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "commit")
	}
	return nil
}

// millis converts a time to the stored form: Unix milliseconds, 0 for the zero time.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis is the inverse of millis.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// dbErr wraps a database error with what was being done.
func dbErr(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return tutor.Wrap(err, tutor.EINTERNAL, "%s", fmt.Sprintf(format, args...))
}
