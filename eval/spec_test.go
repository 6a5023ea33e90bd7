package eval

import (
	"context"
	"strings"
	"testing"

	"tutor"
)

func TestResolveSpecs(t *testing.T) {
	gen := fixedGen{}
	retrieve := func(context.Context, string) ([]Passage, error) { return nil, nil }
	b := Backends{Builtin: gen, Retrieve: retrieve, Model: "demo.gguf", Adapter: "okr.gguf",
		AddAdapter: func(p string) (string, error) { return "ad:" + p, nil }}
	vs, err := b.ResolveAll([]string{"base", "base+rag", "tuned", "tuned+rag", "mine=builtin:m.gguf@a.gguf+rag", "openai:qwen@http://127.0.0.1:9/v1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name, model, adapter string
		rag                  bool
	}{{"base", "demo.gguf", "", false}, {"base+rag", "demo.gguf", "", true}, {"tuned", "demo.gguf", "ad:okr.gguf", false},
		{"tuned+rag", "demo.gguf", "ad:okr.gguf", true}, {"mine", "m.gguf", "ad:a.gguf", true}, {"openai:qwen@http://127.0.0.1:9/v1", "qwen", "", false}}
	for i, w := range want {
		v := vs[i]
		if v.Name != w.name || v.Model != w.model || v.Adapter != w.adapter || v.RAG() != w.rag {
			t.Errorf("variant %d = {%s %s %s %v}, want %+v", i, v.Name, v.Model, v.Adapter, v.RAG(), w)
		}
	}
	if vs[0].Key() == vs[1].Key() || vs[0].Key() == vs[2].Key() {
		t.Error("variants differing in retrieval or adapter share a cache key")
	}
	for spec, want := range map[string]string{
		"ollama:qwen":      "no Ollama server",
		"gpt":              "unknown kind",
		"openai:qwen":      "MODEL@URL",
		"openai:q@ftp://x": "http",
		"base:x":           "no argument",
		"":                 "empty",
	} {
		_, err := b.Resolve(spec)
		if tutor.ErrorCode(err) != tutor.EINVALID || !strings.Contains(err.Error(), want) {
			t.Errorf("Resolve(%q) = %v, want EINVALID containing %q", spec, err, want)
		}
	}
	if _, err := (Backends{Builtin: gen}).Resolve("base"); err == nil || !strings.Contains(err.Error(), "--model") {
		t.Errorf("base without a model: %v", err)
	}
	if _, err := (Backends{Builtin: gen, Model: "m"}).Resolve("base+rag"); err == nil {
		t.Error("+rag without an index accepted")
	}
	if _, err := b.ResolveAll([]string{"base", "base"}); err == nil {
		t.Error("a duplicate variant accepted")
	}
}

// Without passages a variant is asked the question alone, as the Compare page asks it and as a
// tuned adapter's pairs are written; with passages, the passages come numbered before it.
func TestDefaultPromptAsksAsCompareDoes(t *testing.T) {
	it := Item{Question: "How long is the notice period?", Language: "en"}
	got := DefaultPrompt(it, nil)
	if len(got) != 1 || got[0].Role != "user" || got[0].Content != it.Question {
		t.Errorf("prompt without passages %+v, want the question alone", got)
	}
	got = DefaultPrompt(it, []Passage{{Source: "hr.md", Text: "Notice is one month."}})
	if len(got) != 2 || got[0].Role != "system" || !strings.Contains(got[1].Content, "[1] (hr.md) Notice is one month.") ||
		!strings.HasSuffix(got[1].Content, it.Question) {
		t.Errorf("prompt with passages %+v", got)
	}
}

func TestUsesRAG(t *testing.T) {
	for _, tc := range []struct {
		variants []string
		want     bool
	}{
		{[]string{"base", "ollama:qwen"}, false},
		{[]string{"base", "base+rag"}, true},
		{[]string{"mine=openai:q@http://127.0.0.1:9/v1+rag"}, true},
		{[]string{"gpt+rag"}, false}, // not a variant: CheckSpecs refuses it
	} {
		if got := UsesRAG(Request{Variants: tc.variants, Model: "m.gguf"}); got != tc.want {
			t.Errorf("UsesRAG(%q) = %v, want %v", tc.variants, got, tc.want)
		}
	}
}
