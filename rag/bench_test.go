package rag

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"tutor/demo"
)

// syntheticDocs writes documents of about chunksPerDoc chunks each, n chunks in all, from
// sentences of the demo company shuffled with fresh numbers, so postings and vectors have a
// realistic mix of Chinese and English.
func syntheticDocs(tb testing.TB, n, chunksPerDoc int) []string {
	tb.Helper()
	var sentences []string
	entries, _ := fs.ReadDir(demo.Docs, ".")
	for _, e := range entries {
		b, _ := fs.ReadFile(demo.Docs, e.Name())
		text := string(b)
		for _, sp := range sentences2(text) {
			sentences = append(sentences, sp)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var docs []string
	for made := 0; made < n; made += chunksPerDoc {
		var b strings.Builder
		for c := 0; c < min(chunksPerDoc, n-made); c++ {
			fmt.Fprintf(&b, "## Section %d\n\n", c)
			for range 4 {
				b.WriteString(sentences[rng.IntN(len(sentences))])
				fmt.Fprintf(&b, " (%d)\n", rng.IntN(100000))
			}
			b.WriteString("\n")
		}
		docs = append(docs, b.String())
	}
	return docs
}

func sentences2(text string) []string {
	var out []string
	for _, sp := range sentences(text, 0, len(text), 1000) {
		if s := text[sp.start:sp.end]; !strings.HasPrefix(s, "#") && len(s) > 20 {
			out = append(out, s)
		}
	}
	return out
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// BenchmarkRetrieval ingests 10k and 100k synthetic chunks through the whole pipeline
// (store, chunking, built-in embedder, chromem-go, BM25), then times hybrid queries next to
// chromem-go's own exhaustive vector query on the same collection, and prints throughput and
// latency percentiles with their ratio. Run: go test ./rag -run '^$' -bench Retrieval -benchtime 1x
func BenchmarkRetrieval(b *testing.B) {
	qs, err := LoadQuestions(demo.RetrievalSet)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			ctx := context.Background()
			docs := syntheticDocs(b, n, 100)
			ix, err := Open(ctx, MustStore(b), Config{Chunking: ChunkOptions{MaxTokens: 400}})
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			for i, d := range docs {
				if _, err := ix.Add(ctx, fmt.Sprintf("doc-%05d.md", i), strings.NewReader(d), int64(len(d)), "bench"); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := ix.IndexPending(ctx, nil); err != nil {
				b.Fatal(err)
			}
			ingest := time.Since(start)
			chunks := ix.Chunks()
			var hybrid, chromem []time.Duration
			for b.Loop() {
				for i := range 200 {
					q := qs[i%len(qs)].Question
					t0 := time.Now()
					if _, err := ix.Search(ctx, q, SearchOptions{TopK: 5}); err != nil {
						b.Fatal(err)
					}
					hybrid = append(hybrid, time.Since(t0))
					t0 = time.Now()
					v, _ := ix.emb.Embed(ctx, []string{q})
					if _, err := ix.vs.col.QueryEmbedding(ctx, v[0], 5, nil, nil); err != nil {
						b.Fatal(err)
					}
					chromem = append(chromem, time.Since(t0))
				}
			}
			hp50, hp99 := percentile(hybrid, 0.5), percentile(hybrid, 0.99)
			cp50, cp99 := percentile(chromem, 0.5), percentile(chromem, 0.99)
			b.ReportMetric(float64(chunks)/ingest.Seconds(), "chunks/s")
			b.ReportMetric(float64(hp50.Microseconds())/1000, "hybrid-p50-ms")
			b.ReportMetric(float64(hp99.Microseconds())/1000, "hybrid-p99-ms")
			b.ReportMetric(float64(cp50.Microseconds())/1000, "chromem-p50-ms")
			b.ReportMetric(float64(cp99.Microseconds())/1000, "chromem-p99-ms")
			b.Logf("%d chunks: ingest %.0f chunks/s (%s); hybrid p50 %s p99 %s; chromem-go vector query p50 %s p99 %s; p99 ratio hybrid/chromem %.2f",
				chunks, float64(chunks)/ingest.Seconds(), ingest.Round(time.Millisecond), hp50, hp99, cp50, cp99, float64(hp99)/float64(cp99))
		})
	}
}
