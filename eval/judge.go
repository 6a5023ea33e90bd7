package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"tutor/llm"
)

// Judge is a model that grades answers: a rubric score against the reference, and pairwise
// preference between two answers asked in both orders to cancel position bias.
type Judge struct {
	Generator llm.Generator
	Model     string
}

const rubricPrompt = `You grade an answer to a question about a company's handbook.
Question: %s
Reference answer: %s
Answer to grade: %s

Score the answer from 1 to 5: 5 = correct and complete, 4 = correct with minor gaps,
3 = partly correct, 2 = mostly wrong, 1 = wrong, off-topic or empty.
Reply with JSON only: {"score": <1-5>, "reason": "<one sentence>"}`

const pairPrompt = `You compare two answers to a question about a company's handbook.
Question: %s
Reference answer: %s
Answer A: %s
Answer B: %s

Which answer is more correct and complete with respect to the reference?
Reply with JSON only: {"winner": "A" | "B" | "tie", "reason": "<one sentence>"}`

// Rubric returns the judge's 1–5 score of answer mapped to 0..1. A reply that is not the
// asked-for JSON is retried once, then reported as an error (never as a score).
func (j *Judge) Rubric(ctx context.Context, it Item, answer string) (float64, error) {
	var out struct {
		Score *float64 `json:"score"`
	}
	err := j.ask(ctx, fmt.Sprintf(rubricPrompt, it.Question, it.Reference, answer), &out, func() bool {
		return out.Score != nil && *out.Score >= 1 && *out.Score <= 5
	})
	if err != nil {
		return 0, err
	}
	return (*out.Score - 1) / 4, nil
}

// Pairwise returns 1 when answer a is better than b, 0 when b is better and 0.5 for a tie. It
// asks twice with the answers swapped; a verdict that flips with the order counts as a tie.
func (j *Judge) Pairwise(ctx context.Context, it Item, a, b string) (float64, error) {
	first, err := j.winner(ctx, it, a, b)
	if err != nil {
		return 0, err
	}
	second, err := j.winner(ctx, it, b, a)
	if err != nil {
		return 0, err
	}
	// second is from b's side: map it back to a's side
	return (first + (1 - second)) / 2, nil
}

// winner asks once: 1 when the first answer wins, 0 when the second, 0.5 for a tie.
func (j *Judge) winner(ctx context.Context, it Item, first, second string) (float64, error) {
	var out struct {
		Winner string `json:"winner"`
	}
	err := j.ask(ctx, fmt.Sprintf(pairPrompt, it.Question, it.Reference, first, second), &out, func() bool {
		w := strings.ToUpper(strings.TrimSpace(out.Winner))
		return w == "A" || w == "B" || w == "TIE"
	})
	if err != nil {
		return 0, err
	}
	switch strings.ToUpper(strings.TrimSpace(out.Winner)) {
	case "A":
		return 1, nil
	case "B":
		return 0, nil
	}
	return 0.5, nil
}

// ask sends prompt and decodes the first JSON object of the reply into out, retrying once when
// the reply does not parse or valid reports it incomplete.
func (j *Judge) ask(ctx context.Context, prompt string, out any, valid func() bool) error {
	zero := 0.0
	var last string
	for range 2 {
		resp, err := j.Generator.Generate(ctx, llm.Request{Model: j.Model,
			Messages: []llm.Message{{Role: "user", Content: prompt}},
			Options:  llm.Options{Temperature: &zero, NumPredict: 200}}, nil)
		if err != nil {
			return err
		}
		last = resp.Text
		if obj, ok := firstJSONObject(resp.Text); ok && json.Unmarshal([]byte(obj), out) == nil && valid() {
			return nil
		}
	}
	return fmt.Errorf("the judge's reply is not the asked-for JSON: %q", shorten(last, 80))
}

// firstJSONObject returns the first balanced {...} in s, skipping braces inside strings.
func firstJSONObject(s string) (string, bool) {
	start := strings.IndexByte(s, '{')
	if start < 0 {
		return "", false
	}
	depth, inStr, esc := 0, false, false
	for i := start; i < len(s); i++ {
		c := s[i]
		switch {
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return s[start : i+1], true
			}
		}
	}
	return "", false
}
