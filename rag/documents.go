package rag

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"os"

	"tutor"
	"tutor/store"
)

// contentTypes are the media types recorded for each format.
var contentTypes = map[string]string{
	"txt": "text/plain; charset=utf-8", "md": "text/markdown; charset=utf-8", "html": "text/html",
	"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

// Add stores the upload name (size bytes read from r; -1 when unknown) and its extracted
// text, with status pending until [Index.IndexPending] indexes it. A zip archive adds one
// document per member. Bytes already stored are not stored twice: the existing document is
// returned with Duplicate set. A new document named like an existing one (from the same
// archive, or none) replaces it. Bad input fails with a coded error before anything is stored.
func (ix *Index) Add(ctx context.Context, name string, r io.Reader, size int64, uploadedBy string) ([]Document, error) {
	if size > ix.lim.MaxFileBytes {
		return nil, tutor.Errorf(tutor.ETOOLARGE, "%q is %s; the limit is %s", name, humanBytes(size), humanBytes(ix.lim.MaxFileBytes))
	}
	data, err := io.ReadAll(io.LimitReader(r, ix.lim.MaxFileBytes+1))
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "read upload %q", name)
	}
	parsed, err := Parse(name, data, ix.lim)
	if err != nil {
		return nil, err
	}
	ix.write.Lock()
	defer ix.write.Unlock()
	var out []Document
	for _, p := range parsed {
		d, err := ix.addParsed(ctx, p, uploadedBy)
		if err != nil {
			return out, err
		}
		out = append(out, d)
	}
	return out, nil
}

func (ix *Index) addParsed(ctx context.Context, p Parsed, uploadedBy string) (Document, error) {
	sum := sha256.Sum256(p.Data)
	hash := hex.EncodeToString(sum[:])
	if d, err := ix.find(ctx, `d.sha256 = ?`, hash); err == nil {
		d.Duplicate = true
		return d, nil
	} else if tutor.ErrorCode(err) != tutor.ENOTFOUND {
		return Document{}, err
	}
	old, err := ix.find(ctx, `d.name = ? AND t.source = ?`, p.Name, p.Source)
	if err != nil && tutor.ErrorCode(err) != tutor.ENOTFOUND {
		return Document{}, err
	}
	sd := &store.Document{Name: p.Name, ContentType: contentTypes[p.Format], Status: StatusPending, UploadedBy: uploadedBy}
	if err := ix.st.CreateDocument(ctx, sd, bytes.NewReader(p.Data)); err != nil {
		return Document{}, err
	}
	_, err = ix.st.DB().ExecContext(ctx, `INSERT INTO rag_texts(document_id, format, encoding, source, text) VALUES(?, ?, ?, ?, ?)`,
		sd.ID, p.Format, p.Encoding, p.Source, p.Text)
	if err != nil {
		ix.st.DeleteDocument(ctx, sd.ID)
		return Document{}, tutor.Wrap(err, tutor.EINTERNAL, "store the text of %q", p.Name)
	}
	if old.ID != 0 {
		if err := ix.deleteLocked(ctx, old.ID); err != nil {
			return Document{}, err
		}
	}
	return ix.find(ctx, `d.id = ?`, sd.ID)
}

const documentQuery = `SELECT d.id, d.name, d.content_type, d.size, d.sha256, d.status, d.error, d.uploaded_by,
	d.created_at, d.updated_at, COALESCE(t.format, ''), COALESCE(t.encoding, ''), COALESCE(t.source, ''),
	COALESCE(length(t.text), 0), (SELECT COUNT(*) FROM rag_chunks c WHERE c.document_id = d.id)
	FROM documents d LEFT JOIN rag_texts t ON t.document_id = d.id`

func scanDoc(row interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var created, updated int64
	err := row.Scan(&d.ID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.Status, &d.Error, &d.UploadedBy,
		&created, &updated, &d.Format, &d.Encoding, &d.Source, &d.Chars, &d.Chunks)
	d.CreatedAt, d.UpdatedAt = fromMillis(created), fromMillis(updated)
	return d, err
}

// find returns the first document matching the SQL condition on d (documents) and t (rag_texts).
func (ix *Index) find(ctx context.Context, where string, args ...any) (Document, error) {
	d, err := scanDoc(ix.st.DB().QueryRowContext(ctx, documentQuery+` WHERE `+where+` ORDER BY d.id LIMIT 1`, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, tutor.Errorf(tutor.ENOTFOUND, "document not found")
	}
	if err != nil {
		return Document{}, tutor.Wrap(err, tutor.EINTERNAL, "read document")
	}
	return d, nil
}

// Get returns document id.
func (ix *Index) Get(ctx context.Context, id int64) (Document, error) {
	d, err := ix.find(ctx, `d.id = ?`, id)
	if tutor.ErrorCode(err) == tutor.ENOTFOUND {
		return d, tutor.Errorf(tutor.ENOTFOUND, "document %d not found", id)
	}
	return d, err
}

// List returns every document, newest first.
func (ix *Index) List(ctx context.Context) ([]Document, error) {
	rows, err := ix.st.DB().QueryContext(ctx, documentQuery+` ORDER BY d.id DESC`)
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "list documents")
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			return nil, tutor.Wrap(err, tutor.EINTERNAL, "list documents")
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "list documents")
	}
	return out, nil
}

// Text returns the extracted text of document id; chunk offsets index it.
func (ix *Index) Text(ctx context.Context, id int64) (string, error) {
	var text string
	err := ix.st.DB().QueryRowContext(ctx, `SELECT text FROM rag_texts WHERE document_id = ?`, id).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", tutor.Errorf(tutor.ENOTFOUND, "no text for document %d", id)
	}
	if err != nil {
		return "", tutor.Wrap(err, tutor.EINTERNAL, "read text of document %d", id)
	}
	return text, nil
}

// DocumentChunks returns the stored chunks of document id.
func (ix *Index) DocumentChunks(ctx context.Context, id int64) ([]Chunk, error) {
	return ix.storedChunks(ctx, id, "")
}

// Original opens the uploaded bytes of document id.
func (ix *Index) Original(ctx context.Context, id int64) (*os.File, Document, error) {
	d, err := ix.Get(ctx, id)
	if err != nil {
		return nil, d, err
	}
	sd, err := ix.st.Document(ctx, id)
	if err != nil {
		return nil, d, err
	}
	f, err := ix.st.OpenDocument(sd)
	return f, d, err
}

// Delete removes document id: its vectors, chunks, text, record and (when no other record
// shares them) its bytes.
func (ix *Index) Delete(ctx context.Context, id int64) error {
	ix.write.Lock()
	defer ix.write.Unlock()
	return ix.deleteLocked(ctx, id)
}

func (ix *Index) deleteLocked(ctx context.Context, id int64) error {
	if _, err := ix.st.Document(ctx, id); err != nil {
		return err
	}
	if err := ix.vs.deleteDoc(ctx, id); err != nil {
		return err
	}
	ix.mu.Lock()
	ix.mem.deleteDoc(id)
	ix.mu.Unlock()
	if err := ix.st.DeleteDocument(ctx, id); err != nil { // rag_texts and rag_chunks go with it (ON DELETE CASCADE)
		return err
	}
	return ix.vs.save()
}
