package main

import (
	"context"
	"strings"
	"unicode"

	"tutor/llm"
	"tutor/rag"
)

// ragTopK is how many passages a "-rag" variant puts before the question; few, so the prompt
// fits the built-in engine's default context window.
const ragTopK = 3

// ragName is the name of the retrieval variant of a served name: "tiny" → "tiny:rag",
// "tiny:tuned-okr" → "tiny:tuned-okr-rag" (Ollama's names allow no "+").
func ragName(name string) string {
	if strings.Contains(name, ":") {
		return name + "-rag"
	}
	return name + ":rag"
}

// ragVariant returns e answering from the workspace's documents: the last user message is
// the question, retrieved passages go before it with the instructions to cite them.
func ragVariant(e llm.Entry, ix *rag.Index) llm.Entry {
	e.Name = ragName(e.Name)
	e.Info.Name = e.Name
	e.Embedder = nil
	e.Augment = func(ctx context.Context, msgs []llm.Message) ([]llm.Message, error) {
		return ragMessages(ctx, ix, msgs)
	}
	return e
}

// ragMessages rewrites a chat for retrieval: earlier turns stay, the last user message is
// replaced by rag.BuildPrompt's system instructions and passages.
func ragMessages(ctx context.Context, ix *rag.Index, msgs []llm.Message) ([]llm.Message, error) {
	last := -1
	for i, m := range msgs {
		if m.Role == "user" {
			last = i
		}
	}
	if last < 0 || strings.TrimSpace(msgs[last].Content) == "" {
		return msgs, nil
	}
	q := msgs[last].Content
	hits, err := ix.Search(ctx, q, rag.SearchOptions{TopK: ragTopK})
	if err != nil {
		return nil, err
	}
	lang := "en"
	if strings.IndexFunc(q, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
		lang = "zh"
	}
	prompt := rag.BuildPrompt(q, hits, lang)
	out := []llm.Message{prompt[0]}
	for _, m := range msgs[:last] {
		if m.Role != "system" {
			out = append(out, m)
		}
	}
	return append(out, prompt[1:]...), nil
}
