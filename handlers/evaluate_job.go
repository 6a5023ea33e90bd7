package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"tutor"
	"tutor/eval"
	"tutor/internal/jobs"
	"tutor/llm"
	"tutor/llm/builtin"
	"tutor/llm/ollama"
	"tutor/rag"
	"tutor/store"
)

// EvalJobKind is the job that runs an evaluation suite over variants.
const EvalJobKind = "eval"

// EvalDeps are what evaluation jobs run with.
type EvalDeps struct {
	Store     *store.Store
	RAG       *rag.Index       // retrieval for +rag variants; nil: none
	Builtin   *builtin.Backend // the in-process engine
	OllamaURL string           // an Ollama server for ollama: variants; "" none
	OpenAIKey string           // the API key of openai: variants
}

// Backends returns what variant specs resolve against; +rag variants get passages passages
// (0: 4).
func (d EvalDeps) Backends(passages int) (eval.Backends, error) {
	b := eval.Backends{Builtin: d.Builtin, OpenAIKey: d.OpenAIKey}
	if d.Builtin != nil {
		b.AddAdapter = func(path string) (string, error) { return path, d.Builtin.LoadAdapter(path, path) }
	}
	if d.OllamaURL != "" {
		o, err := ollama.New(d.OllamaURL, nil)
		if err != nil {
			return b, err
		}
		b.Ollama = o
	}
	if d.RAG != nil {
		b.Retrieve, b.Prompt = ragRetriever(d.RAG, passages), ragPrompt
	}
	return b, nil
}

// evalCheckpoint is what a resumed evaluation job needs: the run it continues.
type evalCheckpoint struct {
	RunID int64 `json:"run_id"`
}

// EvalResult is what a finished evaluation job reports.
type EvalResult struct {
	RunID int64              `json:"run_id"`
	Pass  map[string]float64 `json:"pass"` // share of items passed per variant
}

// EvalJob is the job handler of [EvalJobKind]. It stores the run's id as its checkpoint at
// once, so an interrupted job resumes the same run and skips the results already recorded.
func EvalJob(d EvalDeps) jobs.Handler {
	return jobs.Handler{Resumable: true, Concurrency: 1, Run: func(ctx context.Context, j *store.Job, progress func(jobs.Progress) error) error {
		var req eval.Request
		if err := json.Unmarshal(j.Params, &req); err != nil {
			return tutor.Wrap(err, tutor.EINVALID, "evaluation job parameters")
		}
		var cp evalCheckpoint
		if len(j.Checkpoint) > 0 {
			if err := json.Unmarshal(j.Checkpoint, &cp); err != nil {
				return tutor.Wrap(err, tutor.EINVALID, "evaluation job checkpoint")
			}
		}
		if eval.UsesRAG(req) && d.RAG != nil {
			if err := indexReady(ctx, d.RAG); err != nil {
				return err
			}
		}
		b, err := d.Backends(req.Passages)
		if err != nil {
			return err
		}
		var emb llm.Embedder
		if d.RAG != nil {
			emb = d.RAG.Embedder()
		}
		x := eval.Execution{DB: eval.NewDB(d.Store.DB()), Backends: b, Embedder: emb, JobID: j.ID, RunID: cp.RunID,
			Started: func(id int64) error {
				raw, _ := json.Marshal(evalCheckpoint{RunID: id})
				return progress(jobs.Progress{Checkpoint: raw, Log: fmt.Sprintf("evaluation run %d started", id)})
			},
			Progress: func(p eval.Progress) error {
				pr := jobs.Progress{Step: int64(p.Done), Total: int64(p.Total),
					Message: fmt.Sprintf("%d of %d answers · %s · %s", p.Done, p.Total, p.Last.Variant, p.Last.Item)}
				if p.Last.Error != "" {
					pr.Log = fmt.Sprintf("%s on %s: %s", p.Last.Variant, p.Last.Item, p.Last.Error)
				}
				return progress(pr)
			}}
		run, results, err := eval.Execute(ctx, req, x)
		if err != nil {
			return err
		}
		res := EvalResult{RunID: run.ID, Pass: map[string]float64{}}
		report := eval.NewReport(run.Suite, run.Variants, results)
		var line []string
		for _, v := range run.Variants {
			c, _ := report.Cell(v, eval.AllCategories)
			res.Pass[v] = c.Metrics[eval.MPass].Mean
			line = append(line, fmt.Sprintf("%s %.0f%%", v, 100*res.Pass[v]))
		}
		raw, _ := json.Marshal(res)
		n := len(results)
		return progress(jobs.Progress{Step: int64(n), Total: int64(n), Result: raw,
			Log: fmt.Sprintf("run %d done: passed %s", run.ID, strings.Join(line, ", "))})
	}}
}

// indexReady refuses to evaluate +rag variants over an index that is empty or still indexing:
// their answers would be measured with too few passages, or none.
func indexReady(ctx context.Context, ix *rag.Index) error {
	n, err := ix.Pending(ctx)
	if err != nil {
		return err
	}
	if n == 1 {
		return tutor.Errorf(tutor.EINVALID, "1 document is still being indexed: start the evaluation of +rag variants when its indexing job is done")
	} else if n > 1 {
		return tutor.Errorf(tutor.EINVALID, "%d documents are still being indexed: start the evaluation of +rag variants when their indexing job is done", n)
	}
	if ix.Chunks() == 0 {
		return tutor.Errorf(tutor.EINVALID, "the document index is empty, so +rag variants would retrieve no passages: add documents with `tutor ingest PATH` or on the Documents page")
	}
	return nil
}

// ragRetriever searches the document index for the passages of a question.
func ragRetriever(ix *rag.Index, k int) eval.Retriever {
	if k <= 0 {
		k = rag.PromptPassages
	}
	return func(ctx context.Context, q string) ([]eval.Passage, error) {
		hits, err := ix.Search(ctx, q, rag.SearchOptions{TopK: k})
		if err != nil {
			return nil, err
		}
		ps := make([]eval.Passage, len(hits))
		for i, h := range hits {
			ps[i] = eval.Passage{Source: h.DocName, Heading: h.Heading, Text: h.Text}
		}
		return ps, nil
	}
}

// ragPrompt builds the same prompt the Compare page sends, with numbered passages.
func ragPrompt(it eval.Item, ps []eval.Passage) []llm.Message {
	hits := make([]rag.Hit, len(ps))
	for i, p := range ps {
		hits[i].DocName, hits[i].Heading, hits[i].Text = p.Source, p.Heading, p.Text
	}
	lang := "en"
	if strings.HasPrefix(it.Language, "zh") {
		lang = "zh"
	}
	return rag.BuildPrompt(it.Question, hits, lang)
}
