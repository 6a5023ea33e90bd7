package rag

import (
	"context"
	"database/sql"
	"strings"

	"tutor"
)

// headingSep separates heading levels in the rag_chunks.heading column.
const headingSep = "\x1f"

// storedChunks reads the chunks of document doc (0: all documents) whose document has status
// (empty: any), in document and sequence order.
func (ix *Index) storedChunks(ctx context.Context, doc int64, status string) ([]Chunk, error) {
	rows, err := ix.st.DB().QueryContext(ctx, `SELECT c.document_id, d.name, c.seq, c.heading, c.start_byte, c.end_byte, c.text
		FROM rag_chunks c JOIN documents d ON d.id = c.document_id
		WHERE (? = 0 OR c.document_id = ?) AND (? = '' OR d.status = ?)
		ORDER BY c.document_id, c.seq`, doc, doc, status, status)
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "read chunks")
	}
	defer rows.Close()
	var out []Chunk
	for rows.Next() {
		var c Chunk
		var heading string
		if err := rows.Scan(&c.DocID, &c.DocName, &c.Seq, &heading, &c.Start, &c.End, &c.Text); err != nil {
			return nil, tutor.Wrap(err, tutor.EINTERNAL, "read chunks")
		}
		if heading != "" {
			c.Heading = strings.Split(heading, headingSep)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "read chunks")
	}
	return out, nil
}

// saveChunks replaces the stored chunks of document id.
func (ix *Index) saveChunks(ctx context.Context, id int64, chunks []Chunk) error {
	return ix.st.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM rag_chunks WHERE document_id = ?`, id); err != nil {
			return tutor.Wrap(err, tutor.EINTERNAL, "replace chunks of document %d", id)
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO rag_chunks(document_id, seq, heading, start_byte, end_byte, text) VALUES(?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return tutor.Wrap(err, tutor.EINTERNAL, "store chunks")
		}
		defer stmt.Close()
		for _, c := range chunks {
			if _, err := stmt.ExecContext(ctx, id, c.Seq, strings.Join(c.Heading, headingSep), c.Start, c.End, c.Text); err != nil {
				return tutor.Wrap(err, tutor.EINTERNAL, "store chunks of document %d", id)
			}
		}
		return nil
	})
}
