package main

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"github.com/ollama/ollama/api"

	"tutor"
	"tutor/llm"
	"tutor/model/chat"
	"tutor/model/gguf"
	"tutor/store"
)

// ollamaTemplates are Tutor's chat formats (package chat) as Ollama templates, so a published
// model answers through Ollama's /api/chat as it does in Tutor. Formats not listed keep the
// template Ollama derives from the file. Tutor strips surrounding white space from contents in
// the llama2 and llama3 formats; these templates do not, which only matters for such contents.
var ollamaTemplates = map[string]string{
	chat.Plain.Name: `{{- range .Messages }}{{ if eq .Role "system" }}{{ .Content }}

{{ else if eq .Role "assistant" }}Assistant: {{ .Content }}

{{ else }}User: {{ .Content }}

{{ end }}{{ end }}Assistant:`,
	chat.ChatML.Name: `{{- range .Messages }}<|im_start|>{{ .Role }}
{{ .Content }}<|im_end|>
{{ end }}<|im_start|>assistant
`,
	chat.Llama2.Name: `{{- $sys := "" }}{{- $n := 0 }}{{- range .Messages }}
{{- if eq .Role "system" }}{{ $sys = printf "%s%s" $sys .Content }}
{{- else if eq .Role "assistant" }} {{ .Content }} </s>{{ $n = 1 }}
{{- else }}{{ if $n }}<s>{{ end }}[INST] {{ if $sys }}<<SYS>>
{{ $sys }}
<</SYS>>

{{ $sys = "" }}{{ end }}{{ .Content }} [/INST]{{ $n = 1 }}
{{- end }}{{ end }}`,
	chat.Mistral.Name: `{{- $sys := "" }}{{- range .Messages }}
{{- if eq .Role "system" }}{{ $sys = printf "%s%s\n" $sys .Content }}
{{- else if eq .Role "assistant" }}{{ .Content }}</s>
{{- else }}[INST] {{ $sys }}{{ .Content }} [/INST]{{ $sys = "" }}
{{- end }}{{ end }}`,
	chat.Llama3.Name: `{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>

{{ .Content }}<|eot_id|>{{ end }}<|start_header_id|>assistant<|end_header_id|>

`,
}

// Publish pushes the served model called model — a workspace base, with its adapter when it
// is a tuned name — to the configured Ollama server as name, and records it. The base goes
// up first as "tutor/<base>" (its blob is uploaded once; Ollama keeps identical blobs once),
// then the adapter is published on top of it.
func (s *servingCatalog) Publish(ctx context.Context, modelName, name, by string) (*store.PublishedModel, error) {
	if s.Ollama == nil {
		return nil, tutor.Errorf(tutor.EUNAVAILABLE, "no Ollama server is configured: set TUTOR_OLLAMA_URL")
	}
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " \t\n\"'") {
		return nil, tutor.Errorf(tutor.EINVALID, "name: give the Ollama model name to publish as, such as tutor-okr")
	}
	e, err := s.Catalog.Get(modelName)
	if err != nil {
		return nil, err
	}
	base, adapter, ok := s.files(e)
	if !ok {
		return nil, tutor.Errorf(tutor.EINVALID, "model %q is not a workspace model: only workspace bases and their adapters can be published", modelName)
	}
	from := "tutor/" + base.Name
	if err := s.createBase(ctx, from, base.Path); err != nil {
		return nil, err
	}
	rec := &store.PublishedModel{OllamaURL: s.Ollama.URL, Name: llm.NormalizeName(name), Base: base.Name, PublishedBy: by}
	if adapter.Path == "" {
		if err := s.Ollama.Client().Copy(ctx, &api.CopyRequest{Source: from, Destination: name}); err != nil {
			return nil, tutor.Wrap(err, tutor.EUNAVAILABLE, "copy %s to %s in Ollama", from, name)
		}
	} else {
		if err := s.Ollama.Publish(ctx, name, from, adapter.Path); err != nil {
			return nil, err
		}
		rec.Adapter = adapter.Name
		// Uploading again only returns the digest: Ollama has the blob already.
		if rec.Digest, err = s.Ollama.UploadBlob(ctx, adapter.Path); err != nil {
			return nil, err
		}
	}
	if err := s.store.RecordPublished(ctx, rec); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.ollamaAt = time.Time{} // list the server again on the next refresh
	s.mu.Unlock()
	return rec, s.Refresh(ctx)
}

// files returns the workspace files behind a catalog entry.
func (s *servingCatalog) files(e llm.Entry) (baseFile, adapterFile, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b baseFile
	var a adapterFile
	for _, c := range s.bases {
		if c.err == nil && c.v.Name == e.Model {
			b = c.v
		}
	}
	for _, c := range s.adapters {
		if c.err == nil && e.Adapter != "" && c.v.Name == e.Adapter {
			a = c.v
		}
	}
	return b, a, e.Generator == llm.Generator(s.Queue) && b.Path != "" && (e.Adapter == "" || a.Path != "")
}

// createBase creates the Ollama model from out of the GGUF file at path, with the chat format
// and stop texts the built-in engine uses for it.
func (s *servingCatalog) createBase(ctx context.Context, from, path string) error {
	digest, err := s.Ollama.UploadBlob(ctx, path)
	if err != nil {
		return err
	}
	req := &api.CreateRequest{Model: from, Files: map[string]string{filepath.Base(path): digest}}
	if t, ok := chatFormat(path); ok {
		if tmpl, ok := ollamaTemplates[t.Name]; ok {
			req.Template, req.System = tmpl, t.DefaultSystem
			req.Parameters = map[string]any{"stop": t.Stop}
		}
	}
	if err := s.Ollama.Client().Create(ctx, req, func(api.ProgressResponse) error { return ctx.Err() }); err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "create %s in Ollama", from)
	}
	return nil
}

// chatFormat returns the chat format the built-in engine uses for the GGUF at path.
func chatFormat(path string) (chat.Template, bool) {
	f, err := gguf.OpenFile(path)
	if err != nil {
		return chat.Template{}, false
	}
	defer f.Close()
	jinja, _ := f.String("tokenizer.chat_template")
	tokens, _ := f.Strings("tokenizer.ggml.tokens")
	set := make(map[string]bool, len(tokens))
	for _, t := range tokens {
		set[t] = true
	}
	return chat.Detect(jinja, f.Architecture(), func(t string) bool { return set[t] }), true
}
