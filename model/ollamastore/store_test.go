package ollamastore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"tutor"
	"tutor/internal/testenv"
	"tutor/model/ggml"
	"tutor/model/gguf"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// putBlob stores b in the models folder dir and returns its layer.
func putBlob(tb testing.TB, dir, mediaType string, b []byte) Layer {
	tb.Helper()
	sum := sha256.Sum256(b)
	l := Layer{MediaType: mediaType, Digest: "sha256:" + hex.EncodeToString(sum[:]), Size: int64(len(b))}
	os.MkdirAll(filepath.Join(dir, "blobs"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "blobs", "sha256-"+l.Digest[7:]), b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return l
}

// putManifest writes a manifest for name under dir.
func putManifest(tb testing.TB, dir, name string, layers ...Layer) {
	tb.Helper()
	n, err := ParseName(name)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := putBlob(tb, dir, "application/vnd.docker.container.image.v1+json", []byte(`{"model_format":"gguf","model_family":"llama","model_type":"1K","file_type":"F32"}`))
	var ls string
	for i, l := range layers {
		if i > 0 {
			ls += ","
		}
		ls += fmt.Sprintf(`{"mediaType":%q,"digest":%q,"size":%d}`, l.MediaType, l.Digest, l.Size)
	}
	man := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":%q,"digest":%q,"size":%d},"layers":[%s]}`,
		cfg.MediaType, cfg.Digest, cfg.Size, ls)
	p := filepath.Join(dir, "manifests", n.path())
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(man), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestStoreByHand(t *testing.T) {
	dir := t.TempDir()
	weights := putBlob(t, dir, MediaModel, []byte("GGUF-weights"))
	tmpl := putBlob(t, dir, MediaTemplate, []byte("{{ .Prompt }}"))
	params := putBlob(t, dir, MediaParams, []byte(`{"stop":["</s>"],"temperature":0.2}`))
	putManifest(t, dir, "tiny", weights, tmpl, params)
	putManifest(t, dir, "Me/Tuned:V1", weights)
	os.MkdirAll(filepath.Join(dir, "manifests", "registry.ollama.ai", "library", "bad name"), 0o755)
	os.WriteFile(filepath.Join(dir, "manifests", "registry.ollama.ai", "library", "bad name", "latest"), []byte("{}"), 0o644)
	os.MkdirAll(filepath.Join(dir, "manifests", "registry.ollama.ai", "library", "broken"), 0o755)
	os.WriteFile(filepath.Join(dir, "manifests", "registry.ollama.ai", "library", "broken", "latest"), []byte("{"), 0o644)

	s, _ := Open(dir)
	m, err := s.Resolve("tiny")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := m.ModelPath(); err != nil || filepath.Base(p) != "sha256-"+weights.Digest[7:] {
		t.Errorf("ModelPath = %s, %v", p, err)
	}
	if tp, ok, err := m.Template(); err != nil || !ok || tp != "{{ .Prompt }}" {
		t.Errorf("Template = %q, %v, %v", tp, ok, err)
	}
	if _, ok, _ := m.System(); ok {
		t.Error("a system prompt without a system layer")
	}
	if p, err := m.Params(); err != nil || p["temperature"] != 0.2 {
		t.Errorf("Params = %v, %v", p, err)
	}
	if c, err := m.Config(); err != nil || c.ModelFamily != "llama" || c.FileType != "F32" {
		t.Errorf("Config = %+v, %v", c, err)
	}
	if err := m.Verify(weights); err != nil {
		t.Error(err)
	}
	if m2, err := s.Resolve("me/tuned:v1"); err != nil || m2.Name.Model != "Tuned" {
		t.Errorf("case-insensitive Resolve: %v, %v", m2, err)
	}
	if _, err := s.Resolve("nope"); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Errorf("Resolve(nope): %v", err)
	}
	if _, err := s.Resolve("../../etc"); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("Resolve(../../etc): %v", err)
	}
	all, err := s.List()
	if err != nil || len(all) != 2 || all[0].Name.Short() != "Me/Tuned:V1" || all[1].Name.Short() != "tiny:latest" {
		t.Errorf("List = %v, %v", all, err)
	}

	// A blob that changed size or content is caught.
	os.WriteFile(filepath.Join(dir, "blobs", "sha256-"+weights.Digest[7:]), []byte("GGUF-weightz"), 0o644)
	if err := m.Verify(weights); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("Verify of a changed blob: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "blobs", "sha256-"+weights.Digest[7:]), []byte("short"), 0o644)
	if _, err := m.ModelPath(); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("ModelPath of a truncated blob: %v", err)
	}
	os.Remove(filepath.Join(dir, "blobs", "sha256-"+weights.Digest[7:]))
	if _, err := m.ModelPath(); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Errorf("ModelPath of a missing blob: %v", err)
	}
}

func TestEmptyStore(t *testing.T) {
	s, _ := Open(filepath.Join(t.TempDir(), "none"))
	if all, err := s.List(); err != nil || len(all) != 0 {
		t.Errorf("List = %v, %v", all, err)
	}
}

// storiesAdapter writes a small GGUF LoRA adapter for stories260K's first layer.
func storiesAdapter(tb testing.TB) string {
	tb.Helper()
	a, _ := ggml.Quantize(ggml.F32, make([]float32, 64*4))
	b, _ := ggml.Quantize(ggml.F32, make([]float32, 4*64))
	kv := []gguf.KV{
		{Key: "general.architecture", Value: gguf.String("llama")},
		{Key: "general.type", Value: gguf.String("adapter")},
		{Key: "adapter.type", Value: gguf.String("lora")},
		{Key: "adapter.lora.alpha", Value: gguf.Float32(8)},
	}
	tensors := []gguf.WriterTensor{
		{Name: "blk.0.attn_q.weight.lora_a", Shape: []uint64{64, 4}, Type: ggml.F32, Data: a},
		{Name: "blk.0.attn_q.weight.lora_b", Shape: []uint64{4, 64}, Type: ggml.F32, Data: b},
	}
	var buf bytes.Buffer
	if err := gguf.Write(&buf, kv, tensors); err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(tb.TempDir(), "adapter.gguf")
	os.WriteFile(p, buf.Bytes(), 0o644)
	return p
}

func TestRealOllamaStore(t *testing.T) {
	srv := testenv.Ollama(t)
	stories := testenv.Stories260K(t)
	srv.CreateModel(t, "formats-stories", stories)

	// A second model in another namespace, with a template, system prompt, parameters
	// and an adapter, created through the API as a user of Ollama would.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := srv.Client()
	digest, err := testenv.UploadBlob(ctx, c, stories)
	if err != nil {
		t.Fatal(err)
	}
	adapter := storiesAdapter(t)
	adigest, err := testenv.UploadBlob(ctx, c, adapter)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Create(ctx, &api.CreateRequest{
		Model: "tutor/formats-tuned:v1", Files: map[string]string{"stories260K.gguf": digest},
		Adapters: map[string]string{"adapter.gguf": adigest},
		Template: "{{ .System }} {{ .Prompt }}", System: "Tell a story.",
		Parameters: map[string]any{"temperature": 0.5, "stop": []string{"THE END"}},
	}, func(api.ProgressResponse) error { return nil })
	if err != nil {
		t.Fatalf("create: %v\n%s", err, srv.Log())
	}

	s, err := Open(srv.ModelsDir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Resolve("formats-stories")
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.ModelPath()
	if err != nil {
		t.Fatal(err)
	}
	sameBytes(t, p, stories)
	if c, err := m.Config(); err != nil || c.ModelFormat != "gguf" || c.ModelFamily != "llama" {
		t.Errorf("config %+v, %v", c, err)
	}

	tuned, err := s.Resolve("tutor/formats-tuned:v1")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := tuned.ModelPath(); err != nil {
		t.Fatal(err)
	} else {
		sameBytes(t, p, stories)
	}
	if ps, err := tuned.AdapterPaths(); err != nil || len(ps) != 1 {
		t.Fatalf("adapters %v, %v", ps, err)
	} else {
		sameBytes(t, ps[0], adapter)
	}
	if tp, _, err := tuned.Template(); err != nil || tp != "{{ .System }} {{ .Prompt }}" {
		t.Errorf("template %q, %v", tp, err)
	}
	if sys, _, err := tuned.System(); err != nil || sys != "Tell a story." {
		t.Errorf("system %q, %v", sys, err)
	}
	if params, err := tuned.Params(); err != nil || params["temperature"] != 0.5 {
		t.Errorf("params %v, %v", params, err)
	}

	// The store lists what Ollama lists, with the same digests.
	list, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, lm := range list.Models {
		want[lm.Name] = lm.Digest
	}
	for _, m := range all {
		if d, ok := want[m.Name.Short()]; !ok || d != m.Digest {
			t.Errorf("%s: digest %s, Ollama lists %q (%v)", m.Name.Short(), m.Digest, d, ok)
		}
		delete(want, m.Name.Short())
	}
	if len(want) > 0 {
		t.Errorf("Ollama lists models the store does not: %v", want)
	}
}

func sameBytes(tb testing.TB, got, want string) {
	tb.Helper()
	a, err := os.ReadFile(got)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(want)
	if err != nil {
		tb.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		tb.Errorf("%s (%d bytes) differs from %s (%d bytes)", got, len(a), want, len(b))
	}
}
