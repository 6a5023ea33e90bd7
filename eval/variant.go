package eval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"tutor/llm"
)

// Passage is a piece of a document retrieved for a question.
type Passage struct {
	Source  string   `json:"source"`
	Heading []string `json:"heading,omitempty"` // the section's headings, outermost first
	Text    string   `json:"text"`
}

// Retriever returns the passages for a question (retrieval-augmented variants).
type Retriever func(ctx context.Context, question string) ([]Passage, error)

// PromptFunc builds the chat sent to a variant for a question and its passages (none when the
// variant has no retrieval).
type PromptFunc func(it Item, passages []Passage) []llm.Message

// Variant is what a question is sent to: a model on a backend, optionally with an adapter and
// retrieval.
type Variant struct {
	Name      string        // shown in reports, unique within a run
	Generator llm.Generator // the backend
	Model     string        // the backend's model name
	Adapter   string        // a LoRA adapter, if any
	Retrieve  Retriever     // nil: no retrieval
	Prompt    PromptFunc    // nil: [DefaultPrompt]
	Options   llm.Options   // zero: greedy, at most 256 tokens
	// Fingerprint identifies everything else that changes answers (an endpoint URL, an
	// adapter's checksum, the index version); it is part of the answer cache key.
	Fingerprint string
}

// RAG reports whether the variant retrieves passages.
func (v Variant) RAG() bool { return v.Retrieve != nil }

// options fills the defaults: greedy decoding (answers are reproducible and cacheable) and a
// bounded answer length.
func (v Variant) options() llm.Options {
	o := v.Options
	if o.Temperature == nil {
		zero := 0.0
		o.Temperature = &zero
	}
	if o.NumPredict == 0 {
		o.NumPredict = 256
	}
	return o
}

// Key identifies the variant's answers in the cache: a change to the model, adapter,
// retrieval, options or fingerprint gives a new key.
func (v Variant) Key() string {
	opts, _ := json.Marshal(v.options())
	h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s\x00%v\x00%s\x00%s\x00%d", v.Name, v.Model, v.Adapter, v.RAG(), opts, v.Fingerprint, promptVersion))
	return v.Name + "@" + hex.EncodeToString(h[:8])
}

// promptVersion changes when the prompts a variant is asked with change, so that answers to
// earlier prompts are not reused from the cache. 2: no system prompt without retrieval.
const promptVersion = 2

// itemKey identifies an item's question in the cache, so an edited question is asked again.
func itemKey(it Item) string {
	h := sha256.Sum256([]byte(it.Language + "\x00" + it.Question))
	return it.ID + "@" + hex.EncodeToString(h[:8])
}

// DefaultPrompt asks the question alone, as the Compare page asks a variant without retrieval
// (and as a tuned adapter's question/answer pairs are written), so that what the suite
// measures is what a person comparing answers sees; with passages, it numbers them and asks
// for an answer from them only, or a plain "don't know".
func DefaultPrompt(it Item, passages []Passage) []llm.Message {
	if len(passages) == 0 {
		return []llm.Message{{Role: "user", Content: it.Question}}
	}
	zh := strings.HasPrefix(it.Language, "zh")
	sys := "Answer the question briefly and precisely. If you do not know the answer, say \"I don't know\"."
	if zh {
		sys = "请简洁准确地回答问题。如果不知道答案，请回答“不知道”。"
	}
	var b strings.Builder
	if zh {
		b.WriteString("请只根据以下资料回答问题；资料中没有答案时，请回答“资料中没有相关信息”。\n\n")
	} else {
		b.WriteString("Answer using only the passages below. If they do not contain the answer, say \"The documents do not say\".\n\n")
	}
	for i, p := range passages {
		fmt.Fprintf(&b, "[%d] (%s) %s\n", i+1, p.Source, p.Text)
	}
	if zh {
		b.WriteString("\n问题：")
	} else {
		b.WriteString("\nQuestion: ")
	}
	b.WriteString(it.Question)
	return []llm.Message{{Role: "system", Content: sys}, {Role: "user", Content: b.String()}}
}

// Answer is what a variant said to an item, as cached.
type Answer struct {
	Text             string        `json:"text"`
	Passages         []Passage     `json:"passages,omitempty"`
	PromptTokens     int           `json:"prompt_tokens"`
	CompletionTokens int           `json:"completion_tokens"`
	TTFT             time.Duration `json:"ttft_ns"`
	Total            time.Duration `json:"total_ns"`
	TokensPerSecond  float64       `json:"tokens_per_s"`
}

// retrieve returns the passages of item it when v has retrieval, none otherwise.
func (v Variant) retrieve(ctx context.Context, it Item) ([]Passage, error) {
	if v.Retrieve == nil {
		return nil, nil
	}
	ps, err := v.Retrieve(ctx, it.Question)
	if err != nil {
		return nil, fmt.Errorf("retrieve: %w", err)
	}
	return ps, nil
}

// passagesKey identifies the passages a question was asked with, so that an answer is reused
// from the cache only for the same passages: not after documents were added or re-indexed,
// nor when a different number of passages was asked for.
func passagesKey(ps []Passage) string {
	h := sha256.New()
	for _, p := range ps {
		fmt.Fprintf(h, "%q %q %q\n", p.Source, p.Heading, p.Text)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// answer sends item it with its passages (none without retrieval) to v and returns its answer.
func (v Variant) answer(ctx context.Context, it Item, passages []Passage) (Answer, error) {
	a := Answer{Passages: passages}
	prompt := v.Prompt
	if prompt == nil {
		prompt = DefaultPrompt
	}
	start := time.Now()
	var first time.Duration
	resp, err := v.Generator.Generate(ctx, llm.Request{Model: v.Model, Adapter: v.Adapter,
		Messages: prompt(it, a.Passages), Options: v.options()}, func(string) error {
		if first == 0 {
			first = time.Since(start)
		}
		return nil
	})
	if err != nil {
		return a, err
	}
	a.Text = strings.TrimSpace(resp.Text)
	a.PromptTokens, a.CompletionTokens = resp.PromptTokens, resp.CompletionTokens
	a.TTFT, a.Total = resp.TimeToFirstToken, resp.Total
	if a.TTFT == 0 {
		a.TTFT = first
	}
	if a.Total == 0 {
		a.Total = time.Since(start)
	}
	resp.TimeToFirstToken, resp.Total = a.TTFT, a.Total
	a.TokensPerSecond = resp.TokensPerSecond()
	return a, nil
}
