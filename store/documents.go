package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"time"

	"tutor"
)

// Document is an uploaded company document; its bytes live in the workspace at Blob.
type Document struct {
	ID          int64
	Name        string // the file name as uploaded
	ContentType string
	Size        int64
	SHA256      string
	Blob        string // path relative to the workspace folder
	Status      string // new, then whatever ingestion sets (e.g. indexed, failed)
	Error       string
	UploadedBy  string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

const documentColumns = `id, name, content_type, size, sha256, blob, status, error, uploaded_by, created_at, updated_at`

func scanDocument(row interface{ Scan(...any) error }) (*Document, error) {
	var d Document
	var created, updated int64
	err := row.Scan(&d.ID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.Blob, &d.Status, &d.Error,
		&d.UploadedBy, &created, &updated)
	d.CreatedAt, d.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &d, err
}

// CreateDocument writes the document's bytes atomically under docs/ and then records it.
// d.Name is required; size, hash and blob path are filled in.
func (s *Store) CreateDocument(ctx context.Context, d *Document, body io.Reader) error {
	if d.Name == "" {
		return tutor.Errorf(tutor.EINVALID, "document name is empty")
	}
	h := sha256.New()
	tmpName := filepath.Join("docs", "incoming-"+randomHex(8))
	var size int64
	err := WriteAtomic(s.Path(tmpName), 0o644, func(w io.Writer) error {
		n, err := io.Copy(io.MultiWriter(w, h), body)
		size = n
		return err
	})
	if err != nil {
		return err
	}
	d.SHA256 = hex.EncodeToString(h.Sum(nil))
	d.Size = size
	d.Blob = filepath.Join("docs", d.SHA256[:2], d.SHA256)
	if err := os.MkdirAll(filepath.Dir(s.Path(d.Blob)), 0o755); err != nil {
		os.Remove(s.Path(tmpName))
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "create document folder")
	}
	// Content-addressed: the same bytes land on the same path, so the rename is idempotent.
	if err := os.Rename(s.Path(tmpName), s.Path(d.Blob)); err != nil {
		os.Remove(s.Path(tmpName))
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "store document %q", d.Name)
	}
	if d.Status == "" {
		d.Status = "new"
	}
	now := s.now().UTC()
	d.CreatedAt, d.UpdatedAt = now, now
	res, err := s.db.ExecContext(ctx, `INSERT INTO documents(name, content_type, size, sha256, blob, status, error,
		uploaded_by, created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.Name, d.ContentType, d.Size,
		d.SHA256, d.Blob, d.Status, d.Error, d.UploadedBy, millis(now), millis(now))
	if err != nil {
		return dbErr(err, "record document %q", d.Name)
	}
	d.ID, err = res.LastInsertId()
	return dbErr(err, "record document %q", d.Name)
}

// Document returns the document with id.
func (s *Store) Document(ctx context.Context, id int64) (*Document, error) {
	d, err := scanDocument(s.db.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tutor.Errorf(tutor.ENOTFOUND, "document %d not found", id)
	}
	return d, dbErr(err, "read document %d", id)
}

// Documents lists all documents, newest first.
func (s *Store) Documents(ctx context.Context) ([]*Document, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+documentColumns+` FROM documents ORDER BY id DESC`)
	if err != nil {
		return nil, dbErr(err, "list documents")
	}
	defer rows.Close()
	var out []*Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, dbErr(err, "scan document")
		}
		out = append(out, d)
	}
	return out, dbErr(rows.Err(), "list documents")
}

// OpenDocument opens the bytes of a document.
func (s *Store) OpenDocument(d *Document) (*os.File, error) {
	f, err := os.Open(s.Path(d.Blob))
	if err != nil {
		return nil, tutor.Wrap(err, tutor.ENOTFOUND, "bytes of document %q are missing", d.Name)
	}
	return f, nil
}

// SetDocumentStatus records the outcome of processing a document.
func (s *Store) SetDocumentStatus(ctx context.Context, id int64, status, errText string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE documents SET status = ?, error = ?, updated_at = ? WHERE id = ?`,
		status, errText, millis(s.now()), id)
	if err != nil {
		return dbErr(err, "update document %d", id)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return tutor.Errorf(tutor.ENOTFOUND, "document %d not found", id)
	}
	return nil
}

// DeleteDocument removes the record and, when no other record shares its bytes, the blob.
func (s *Store) DeleteDocument(ctx context.Context, id int64) error {
	d, err := s.Document(ctx, id)
	if err != nil {
		return err
	}
	var others int
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents WHERE blob = ?`, d.Blob).Scan(&others)
	})
	if err != nil {
		return dbErr(err, "delete document %d", id)
	}
	if others == 0 {
		os.Remove(s.Path(d.Blob))
	}
	return nil
}
