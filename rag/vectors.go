package rag

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"

	chromem "github.com/philippgille/chromem-go"

	"tutor"
)

// collectionName prefixes the chromem-go collection holding a workspace's chunk vectors; the
// embedder's name follows it, so vectors of different embedders never mix.
const collectionName = "chunks"

// vectorStore keeps chunk vectors in a chromem-go collection, persisted with chromem-go's
// export as one compressed file in the workspace: one write per indexing run instead of one
// file per chunk. The collection's name records the embedder that made the vectors; opening
// the store with another embedder drops them.
type vectorStore struct {
	db   *chromem.DB
	col  *chromem.Collection
	path string // the exported database (.gob.gz)
}

func chunkID(doc int64, seq int) string {
	return strconv.FormatInt(doc, 10) + "-" + strconv.Itoa(seq)
}

// noEmbedding is the collection's embedding function: vectors always come from the Index's
// embedder, so chromem-go never embeds on its own.
func noEmbedding(context.Context, string) ([]float32, error) {
	return nil, errors.New("rag: chunks are embedded before they are added")
}

// openVectors loads the vectors saved under dir. stale reports that they were made by
// another embedder and have been dropped.
func openVectors(dir, embedder string) (vs *vectorStore, stale bool, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, false, tutor.Wrap(err, tutor.EUNAVAILABLE, "create the vector folder %q", dir)
	}
	db := chromem.NewDB()
	path := filepath.Join(dir, "vectors.gob.gz")
	if _, err := os.Stat(path); err == nil {
		if err := db.ImportFromFile(path, ""); err != nil {
			// A damaged file loses only vectors: every document is re-embedded from its text.
			stale = true
			db = chromem.NewDB()
		}
	}
	name := collectionName + ":" + embedder
	for other := range db.ListCollections() {
		if other == name {
			continue
		}
		if err := db.DeleteCollection(other); err != nil {
			return nil, false, tutor.Wrap(err, tutor.EUNAVAILABLE, "drop vectors of the previous embedder")
		}
		stale = true
	}
	col, err := db.GetOrCreateCollection(name, map[string]string{"embedder": embedder}, noEmbedding)
	if err != nil {
		return nil, false, tutor.Wrap(err, tutor.EUNAVAILABLE, "create the vector collection")
	}
	return &vectorStore{db: db, col: col, path: path}, stale, nil
}

// save writes the collection to its file atomically.
func (v *vectorStore) save() error {
	tmp := v.path + ".tmp.gob.gz"
	if err := v.db.ExportToFile(tmp, true, ""); err != nil {
		os.Remove(tmp)
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "save the vectors")
	}
	if err := os.Rename(tmp, v.path); err != nil {
		os.Remove(tmp)
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "save the vectors")
	}
	return nil
}

// add stores the vectors of chunks (already embedded).
func (v *vectorStore) add(ctx context.Context, chunks []Chunk, vecs [][]float32) error {
	docs := make([]chromem.Document, len(chunks))
	for i, c := range chunks {
		docs[i] = chromem.Document{
			ID:        c.ID(),
			Metadata:  map[string]string{"doc": strconv.FormatInt(c.DocID, 10)},
			Embedding: vecs[i],
			Content:   c.Text,
		}
	}
	if err := v.col.AddDocuments(ctx, docs, 4); err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "store chunk vectors")
	}
	return nil
}

// deleteDoc removes every vector of document id.
func (v *vectorStore) deleteDoc(ctx context.Context, id int64) error {
	if err := v.col.Delete(ctx, map[string]string{"doc": strconv.FormatInt(id, 10)}, nil); err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "delete vectors of document %d", id)
	}
	return nil
}

// vector returns the stored vector of a chunk, or nil.
func (v *vectorStore) vector(ctx context.Context, id string) []float32 {
	d, err := v.col.GetByID(ctx, id)
	if err != nil {
		return nil
	}
	return d.Embedding
}
