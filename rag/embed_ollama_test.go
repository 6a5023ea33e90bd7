package rag

import (
	"context"
	"os"
	"sync"
	"testing"

	"tutor"
	"tutor/internal/testenv"
	"tutor/llm"
	"tutor/model/kernel"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// MustMiniLM returns an embedder for all-MiniLM-L6-v2 served by a real Ollama.
func MustMiniLM(tb testing.TB) *OllamaEmbedder {
	tb.Helper()
	srv := testenv.Ollama(tb)
	path := testenv.MiniLM(tb)
	srv.CreateModel(tb, "minilm", path)
	e, err := NewOllamaEmbedder(srv.URL, "minilm")
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func TestOllamaEmbedder(t *testing.T) {
	e := MustMiniLM(t)
	vecs, err := e.Embed(context.Background(), []string{
		"The cat sleeps on the sofa.",
		"A kitten is napping on the couch.",
		"Quarterly revenue grew by twelve percent.",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 3 || len(vecs[0]) != 384 {
		t.Fatalf("got %d vectors of %d dimensions, want 3 of 384", len(vecs), len(vecs[0]))
	}
	if n := kernel.Dot(vecs[0], vecs[0]); n < 0.999 || n > 1.001 {
		t.Errorf("vector norm² %v, want 1", n)
	}
	near, far := kernel.Dot(vecs[0], vecs[1]), kernel.Dot(vecs[0], vecs[2])
	if near <= far {
		t.Errorf("paraphrase similarity %.3f not above unrelated %.3f", near, far)
	}
	if _, err := (&OllamaEmbedder{Client: e.Client, Model: "no-such-model"}).Embed(context.Background(), []string{"x"}); tutor.ErrorCode(err) != tutor.EUNAVAILABLE {
		t.Errorf("unknown model: %v, want unavailable", err)
	}
}

// TestRetrievalDemoMiniLM measures the demo question set with MiniLM vectors from Ollama, a
// semantic embedder: there hybrid must beat BM25 and vectors alone on recall@5, and the
// fusion weight for model embedders must score best on the even-numbered questions.
// Embedding the demo company takes minutes on a small CPU, so it runs only with
// TUTOR_RAG_MINILM=1.
func TestRetrievalDemoMiniLM(t *testing.T) {
	if os.Getenv("TUTOR_RAG_MINILM") != "1" {
		t.Skip("set TUTOR_RAG_MINILM=1 to measure retrieval with MiniLM through Ollama")
	}
	ix := MustDemoIndex(t, Config{Embedder: &queryMemo{Embedder: MustMiniLM(t)}})
	s := measureDemo(t, ix)
	h := s[ModeHybrid].RecallAtK
	if h <= s[ModeBM25].RecallAtK || h <= s[ModeVector].RecallAtK {
		t.Errorf("hybrid recall@5 %.3f must beat BM25 %.3f and vectors %.3f", h, s[ModeBM25].RecallAtK, s[ModeVector].RecallAtK)
	}
	checkWeightChosenOnEvenHalf(t, ix)
}

// queryMemo remembers the vectors of single texts (queries) its embedder returned, so a
// question set can be searched many times without asking the model again.
type queryMemo struct {
	llm.Embedder
	mu   sync.Mutex
	seen map[string][]float32
}

func (q *queryMemo) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) != 1 {
		return q.Embedder.Embed(ctx, texts)
	}
	q.mu.Lock()
	v, ok := q.seen[texts[0]]
	q.mu.Unlock()
	if ok {
		return [][]float32{v}, nil
	}
	out, err := q.Embedder.Embed(ctx, texts)
	if err == nil && len(out) == 1 {
		q.mu.Lock()
		if q.seen == nil {
			q.seen = map[string][]float32{}
		}
		q.seen[texts[0]] = out[0]
		q.mu.Unlock()
	}
	return out, err
}
