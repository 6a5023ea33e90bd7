package rag

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"

	chromem "github.com/philippgille/chromem-go"

	"tutor"
)

// collectionName prefixes the chromem-go collection holding a workspace's chunk vectors; the
// embedder's name follows it, so vectors of different embedders never mix.
const collectionName = "chunks"

// vectorStore persists chunk vectors in a chromem-go database in the workspace. The collection's
// name records the embedder that made them; opening it with another embedder drops them.
type vectorStore struct {
	db  *chromem.DB
	col *chromem.Collection
}

func chunkID(doc int64, seq int) string {
	return strconv.FormatInt(doc, 10) + "-" + strconv.Itoa(seq)
}

// noEmbedding is the collection's embedding function: vectors always come from the Index's
// embedder, so chromem-go never embeds on its own.
func noEmbedding(context.Context, string) ([]float32, error) {
	return nil, errors.New("rag: chunks are embedded before they are added")
}

// openVectors opens (creating) the database under dir. stale reports that the stored vectors
// were made by another embedder and have been dropped.
func openVectors(dir, embedder string) (vs *vectorStore, stale bool, err error) {
	db, err := chromem.NewPersistentDB(filepath.Join(dir), true)
	if err != nil {
		return nil, false, tutor.Wrap(err, tutor.EUNAVAILABLE, "open the vector store in %q", dir)
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
	return &vectorStore{db: db, col: col}, stale, nil
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
