package rag

import (
	"context"
	"strings"

	"github.com/goccy/go-yaml"

	"tutor"
)

// Question is a retrieval question with the passages that answer it.
type Question struct {
	ID       string   `yaml:"id"`
	Lang     string   `yaml:"lang"`
	Question string   `yaml:"question"`
	Answers  []Answer `yaml:"answers"`
}

// Answer locates an answer passage: a snippet occurring verbatim in the extracted text of
// the document named Doc.
type Answer struct {
	Doc     string `yaml:"doc"`
	Snippet string `yaml:"snippet"`
}

// LoadQuestions reads a question set in the format of demo/retrieval.yaml.
func LoadQuestions(b []byte) ([]Question, error) {
	var set struct {
		Questions []Question `yaml:"questions"`
	}
	if err := yaml.Unmarshal(b, &set); err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "question set: %s", err.Error())
	}
	for i, q := range set.Questions {
		if q.Question == "" || len(q.Answers) == 0 {
			return nil, tutor.Errorf(tutor.EINVALID, "question set: question %d (%q) needs a question and answers", i+1, q.ID)
		}
	}
	return set.Questions, nil
}

// Score is retrieval quality over a question set.
type Score struct {
	Mode      string
	Questions int
	RecallAtK float64 // share of questions with a relevant chunk in the top K
	MRR       float64 // mean of 1/rank of the first relevant chunk in the top 10 (0 when none)
	K         int
	Missed    []string // ids of questions with no relevant chunk in the top K
	Ranks     []int    // per question, the rank of its first relevant chunk in the top 10 (0: none)
}

// Measure runs every question in mode and scores the hits: a hit is relevant when it comes
// from an answer's document and its byte range overlaps the answer's snippet.
func (ix *Index) Measure(ctx context.Context, qs []Question, mode string, k int) (Score, error) {
	docs, err := ix.List(ctx)
	if err != nil {
		return Score{}, err
	}
	byName := map[string]Document{}
	for _, d := range docs {
		byName[d.Name] = d
	}
	texts := map[int64]string{}
	sc := Score{Mode: mode, K: k, Questions: len(qs)}
	for _, q := range qs {
		type span struct {
			doc        int64
			start, end int
		}
		var spans []span
		for _, a := range q.Answers {
			d, ok := byName[a.Doc]
			if !ok {
				return sc, tutor.Errorf(tutor.EINVALID, "question %s: document %q is not in the index", q.ID, a.Doc)
			}
			if _, ok := texts[d.ID]; !ok {
				if texts[d.ID], err = ix.Text(ctx, d.ID); err != nil {
					return sc, err
				}
			}
			i := strings.Index(texts[d.ID], a.Snippet)
			if i < 0 {
				return sc, tutor.Errorf(tutor.EINVALID, "question %s: snippet %q is not in the text of %s", q.ID, a.Snippet, a.Doc)
			}
			spans = append(spans, span{d.ID, i, i + len(a.Snippet)})
		}
		hits, err := ix.Search(ctx, q.Question, SearchOptions{TopK: max(k, 10), Mode: mode})
		if err != nil {
			return sc, err
		}
		first := 0
		for r, h := range hits {
			for _, s := range spans {
				if h.DocID == s.doc && h.Start < s.end && s.start < h.End {
					first = r + 1
					break
				}
			}
			if first > 0 {
				break
			}
		}
		sc.Ranks = append(sc.Ranks, first)
		if first > 0 && first <= k {
			sc.RecallAtK++
		} else {
			sc.Missed = append(sc.Missed, q.ID)
		}
		if first > 0 {
			sc.MRR += 1 / float64(first)
		}
	}
	if n := float64(len(qs)); n > 0 {
		sc.RecallAtK /= n
		sc.MRR /= n
	}
	return sc, nil
}
