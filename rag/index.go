package rag

import (
	"context"
	"sync"

	"tutor"
	"tutor/llm"
	"tutor/store"
)

// Config configures an [Index].
type Config struct {
	Embedder llm.Embedder // nil: the built-in [HashEmbedder]
	Limits   Limits
	Chunking ChunkOptions
}

// Index is a workspace's documents made searchable: originals and extracted text in the
// store, chunks in SQLite, their vectors in a persistent chromem-go collection, and BM25 and
// vector indexes in memory. It is safe for concurrent use; writes are serialised.
type Index struct {
	st       *store.Store
	emb      llm.Embedder
	lim      Limits
	chunking ChunkOptions
	vs       *vectorStore
	wlex     float64 // weight of BM25 in the hybrid fusion (bm25Weight); tests vary it

	write sync.Mutex // serialises changes: Add, IndexPending, Delete
	mu    sync.RWMutex
	mem   *memIndex
}

// Open opens the index of workspace st. When the stored vectors were made by another
// embedder they are dropped and every document is marked pending, to be re-embedded by
// [Index.IndexPending].
func Open(ctx context.Context, st *store.Store, cfg Config) (*Index, error) {
	emb := cfg.Embedder
	if emb == nil {
		emb = NewHashEmbedder(0)
	}
	vs, stale, err := openVectors(st.Path("rag", "vectors"), emb.Name())
	if err != nil {
		return nil, err
	}
	ix := &Index{st: st, emb: emb, lim: cfg.Limits.withDefaults(), chunking: cfg.Chunking.withDefaults(), vs: vs, wlex: bm25Weight(emb)}
	if stale {
		if _, err := st.DB().ExecContext(ctx, `UPDATE documents SET status = ? WHERE status = ?`, StatusPending, StatusIndexed); err != nil {
			return nil, tutor.Wrap(err, tutor.EINTERNAL, "mark documents for re-embedding")
		}
	}
	if err := ix.load(ctx); err != nil {
		return nil, err
	}
	return ix, nil
}

// Embedder is the embedder the index uses.
func (ix *Index) Embedder() llm.Embedder { return ix.emb }

// Limits are the upload limits in force.
func (ix *Index) Limits() Limits { return ix.lim }

// load reads every indexed document's chunks and vectors into memory. A document whose
// vectors are missing (an interrupted write) is marked pending.
func (ix *Index) load(ctx context.Context) error {
	chunks, err := ix.storedChunks(ctx, 0, StatusIndexed)
	if err != nil {
		return err
	}
	mem := newMemIndex()
	missing := map[int64]bool{}
	vecs := make([][]float32, len(chunks))
	for i, c := range chunks {
		if vecs[i] = ix.vs.vector(ctx, c.ID()); vecs[i] == nil {
			missing[c.DocID] = true
		}
	}
	for i, c := range chunks {
		if !missing[c.DocID] {
			mem.add(c, vecs[i])
		}
	}
	for id := range missing {
		if err := ix.st.SetDocumentStatus(ctx, id, StatusPending, ""); err != nil {
			return err
		}
	}
	ix.mu.Lock()
	ix.mem = mem
	ix.mu.Unlock()
	return nil
}

// Chunks returns the number of chunks searchable now.
func (ix *Index) Chunks() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.mem.live
}
