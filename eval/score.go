package eval

import (
	"context"
	"fmt"
	"strings"

	"tutor/llm"
)

// Result is one variant's answer to one item with its metric values.
type Result struct {
	Variant  string             `json:"variant"`
	Item     string             `json:"item"`
	Category Category           `json:"category"`
	Language string             `json:"language"`
	Answer   Answer             `json:"answer"`
	Metrics  map[string]float64 `json:"metrics,omitempty"` // absent: does not apply or could not be measured
	Error    string             `json:"error,omitempty"`   // why the variant gave no answer
	Notes    []string           `json:"notes,omitempty"`   // measurements that failed (judge, embedder)
	Cached   bool               `json:"cached,omitempty"`  // the answer came from the cache
}

// Passed reports whether the result met its item's bar.
func (r Result) Passed() bool { return r.Error == "" && r.Metrics[MPass] == 1 }

// scorer computes the metrics of answers.
type scorer struct {
	embedder llm.Embedder
	judge    *Judge
	refs     map[string][]float32 // reference embeddings by item id
}

// score fills r.Metrics for answer a to item it; rag says the variant retrieved passages.
func (s *scorer) score(ctx context.Context, it Item, r *Result, rag bool) {
	m := map[string]float64{}
	a := r.Answer
	if it.Category == OutOfScope {
		refused := IsRefusal(a.Text)
		m[MRefusal] = b2f(refused)
		m[MPass] = b2f(refused)
	} else {
		recall, ok := KeywordRecall(a.Text, it.Keywords)
		if ok {
			m[MKeywordRecall] = recall
			m[MPass] = b2f(recall == 1)
		}
		m[MTokenF1] = TokenF1(a.Text, it.Reference)
		m[MRougeL] = RougeL(a.Text, it.Reference)
	}
	if rag {
		texts := make([]string, len(a.Passages))
		for i, p := range a.Passages {
			texts[i] = p.Text
		}
		if f, ok := Faithfulness(a.Text, texts); ok {
			m[MFaithfulness] = f
		}
		if it.Category != OutOfScope && it.Source != "" {
			m[MCitation] = b2f(CitesSource(a.Text, a.Passages, it.Source))
		}
	}
	if s.embedder != nil && it.Reference != "" && a.Text != "" {
		if sim, err := s.similarity(ctx, it, a.Text); err != nil {
			r.Notes = append(r.Notes, "similarity: "+err.Error())
		} else {
			m[MSimilarity] = sim
		}
	}
	if s.judge != nil && it.Category != OutOfScope {
		if v, err := s.judge.Rubric(ctx, it, a.Text); err != nil {
			r.Notes = append(r.Notes, "judge: "+err.Error())
		} else {
			m[MJudge] = v
		}
	}
	m[MTTFT] = float64(a.TTFT.Microseconds()) / 1000
	m[MLatency] = float64(a.Total.Microseconds()) / 1000
	if a.TokensPerSecond > 0 {
		m[MTokensPerSec] = a.TokensPerSecond
	}
	r.Metrics = m
}

func (s *scorer) similarity(ctx context.Context, it Item, answer string) (float64, error) {
	texts := []string{answer}
	ref, have := s.refs[it.ID]
	if !have {
		texts = append(texts, it.Reference)
	}
	vs, err := s.embedder.Embed(ctx, texts)
	if err != nil {
		return 0, err
	}
	if len(vs) != len(texts) {
		return 0, fmt.Errorf("embedder returned %d vectors for %d texts", len(vs), len(texts))
	}
	if !have {
		ref = vs[1]
	}
	return Cosine(vs[0], ref), nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// shorten cuts s to n runes for error messages.
func shorten(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
