package store

import (
	"context"
	"strings"
	"time"

	"tutor"
)

// PublishedModel is a base model and adapter pushed to an Ollama server under a model name.
type PublishedModel struct {
	ID          int64
	OllamaURL   string // the server it was published to
	Name        string // the model name in that server, e.g. "tutor-okr:latest"
	Base        string // Tutor's name of the base model
	Adapter     string // Tutor's name of the adapter; empty for a base alone
	Digest      string // the adapter blob's digest in the server, when known
	PublishedBy string
	CreatedAt   time.Time
}

// RecordPublished stores p, replacing an earlier record of the same name on the same server.
func (s *Store) RecordPublished(ctx context.Context, p *PublishedModel) error {
	if strings.TrimSpace(p.OllamaURL) == "" || strings.TrimSpace(p.Name) == "" || strings.TrimSpace(p.Base) == "" {
		return tutor.Errorf(tutor.EINVALID, "a published model needs a server, a name and a base model")
	}
	p.CreatedAt = s.now().UTC()
	err := s.db.QueryRowContext(ctx, `INSERT INTO published_models(ollama_url, name, base, adapter, digest,
		published_by, created_at) VALUES(?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(ollama_url, name) DO UPDATE SET base = excluded.base, adapter = excluded.adapter,
		digest = excluded.digest, published_by = excluded.published_by, created_at = excluded.created_at
		RETURNING id`, p.OllamaURL, p.Name, p.Base, p.Adapter, p.Digest, p.PublishedBy, millis(p.CreatedAt)).Scan(&p.ID)
	return dbErr(err, "record published model %s", p.Name)
}

// PublishedModels lists what was published, newest first.
func (s *Store) PublishedModels(ctx context.Context) ([]*PublishedModel, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, ollama_url, name, base, adapter, digest, published_by, created_at
		FROM published_models ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, dbErr(err, "list published models")
	}
	defer rows.Close()
	var out []*PublishedModel
	for rows.Next() {
		var p PublishedModel
		var at int64
		if err := rows.Scan(&p.ID, &p.OllamaURL, &p.Name, &p.Base, &p.Adapter, &p.Digest, &p.PublishedBy, &at); err != nil {
			return nil, dbErr(err, "scan published model")
		}
		p.CreatedAt = fromMillis(at)
		out = append(out, &p)
	}
	return out, dbErr(rows.Err(), "list published models")
}
