package rag

import (
	"context"
	"fmt"
	"io"
	"time"

	"tutor"
)

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// embedBatch is how many chunks are embedded per call to the embedder.
const embedBatch = 64

// IndexPending chunks, embeds and indexes every pending document, oldest first, reporting
// after each batch of chunks; progress returning an error stops the work (documents done so
// far stay indexed). A document that fails is marked failed with the reason, and the others
// go on. It returns how many documents were indexed.
func (ix *Index) IndexPending(ctx context.Context, progress func(Progress) error) (done int, err error) {
	ix.write.Lock()
	defer ix.write.Unlock()
	rows, err := ix.st.DB().QueryContext(ctx, `SELECT d.id FROM documents d JOIN rag_texts t ON t.document_id = d.id
		WHERE d.status = ? ORDER BY d.id`, StatusPending)
	if err != nil {
		return 0, tutor.Wrap(err, tutor.EINTERNAL, "list pending documents")
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, tutor.Wrap(err, tutor.EINTERNAL, "list pending documents")
		}
		ids = append(ids, id)
	}
	rows.Close()
	if progress == nil {
		progress = func(Progress) error { return nil }
	}
	defer func() {
		if done > 0 {
			if serr := ix.vs.save(); err == nil {
				err = serr
			}
		}
	}()
	for i, id := range ids {
		d, err := ix.Get(ctx, id)
		if err != nil {
			return done, err
		}
		report := func(chunk, chunks int) error {
			return progress(Progress{Done: i, Total: len(ids), Message: fmt.Sprintf("%s: %d/%d chunks", d.Name, chunk, chunks)})
		}
		if err := ix.indexDoc(ctx, d, report); err != nil {
			if ctx.Err() != nil {
				return done, ctx.Err()
			}
			if tutor.ErrorCode(err) == tutor.EUNAVAILABLE {
				return done, err // the embedder is down: leave the rest pending for a retry
			}
			if err := ix.st.SetDocumentStatus(ctx, id, StatusFailed, err.Error()); err != nil {
				return done, err
			}
			continue
		}
		done++
	}
	return done, progress(Progress{Done: len(ids), Total: len(ids), Message: fmt.Sprintf("%d documents indexed", done)})
}

// indexDoc replaces document d's chunks and vectors with fresh ones from its text.
func (ix *Index) indexDoc(ctx context.Context, d Document, report func(done, total int) error) error {
	text, err := ix.Text(ctx, d.ID)
	if err != nil {
		return err
	}
	chunks := Split(text, ix.chunking)
	for i := range chunks {
		chunks[i].DocID, chunks[i].DocName = d.ID, d.Name
	}
	vecs := make([][]float32, 0, len(chunks))
	for i := 0; i < len(chunks); i += embedBatch {
		if err := report(i, len(chunks)); err != nil {
			return err
		}
		part := chunks[i:min(i+embedBatch, len(chunks))]
		texts := make([]string, len(part))
		for j, c := range part {
			texts[j] = indexText(c)
		}
		v, err := ix.emb.Embed(ctx, texts)
		if err != nil {
			return err
		}
		if len(v) != len(part) {
			return tutor.Errorf(tutor.EUNAVAILABLE, "embedder %s returned %d vectors for %d texts", ix.emb.Name(), len(v), len(part))
		}
		vecs = append(vecs, v...)
	}
	if err := ix.vs.deleteDoc(ctx, d.ID); err != nil {
		return err
	}
	if err := ix.saveChunks(ctx, d.ID, chunks); err != nil {
		return err
	}
	if err := ix.vs.add(ctx, chunks, vecs); err != nil {
		return err
	}
	if err := ix.st.SetDocumentStatus(ctx, d.ID, StatusIndexed, ""); err != nil {
		return err
	}
	ix.mu.Lock()
	ix.mem.deleteDoc(d.ID)
	for i, c := range chunks {
		ix.mem.add(c, vecs[i])
	}
	ix.mu.Unlock()
	return nil
}

// Ingest adds an upload and indexes it at once: [Index.Add] then [Index.IndexPending].
func (ix *Index) Ingest(ctx context.Context, name string, r io.Reader, size int64) ([]Document, error) {
	docs, err := ix.Add(ctx, name, r, size, "")
	if err != nil {
		return docs, err
	}
	if _, err := ix.IndexPending(ctx, nil); err != nil {
		return docs, err
	}
	for i := range docs {
		dup := docs[i].Duplicate
		if docs[i], err = ix.Get(ctx, docs[i].ID); err != nil {
			return docs, err
		}
		docs[i].Duplicate = dup
	}
	return docs, nil
}

// Reindex marks every document pending and indexes them all again, e.g. after the chunking
// options changed.
func (ix *Index) Reindex(ctx context.Context, progress func(Progress) error) (int, error) {
	ix.write.Lock()
	_, err := ix.st.DB().ExecContext(ctx, `UPDATE documents SET status = ?, error = '' WHERE id IN (SELECT document_id FROM rag_texts)`, StatusPending)
	ix.write.Unlock()
	if err != nil {
		return 0, tutor.Wrap(err, tutor.EINTERNAL, "mark documents for re-indexing")
	}
	return ix.IndexPending(ctx, progress)
}

// Pending returns the number of documents waiting to be indexed.
func (ix *Index) Pending(ctx context.Context) (int, error) {
	var n int
	err := ix.st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM documents d JOIN rag_texts t ON t.document_id = d.id WHERE d.status = ?`, StatusPending).Scan(&n)
	if err != nil {
		return 0, tutor.Wrap(err, tutor.EINTERNAL, "count pending documents")
	}
	return n, nil
}
