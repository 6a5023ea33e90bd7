package handlers_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tutor/handlers"
	"tutor/model/ggml"
	"tutor/model/testmodel"
	"tutor/store"
)

// getModels renders the Models page of a fresh workspace in lang, after setup fills it.
func getModels(t *testing.T, opts handlers.Options, lang string, setup func(s *store.Store)) string {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if setup != nil {
		setup(s)
	}
	h, err := handlers.New(ctx, s, nil, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/models", nil)
	req.Header.Set("Accept-Language", lang)
	rec := httptest.NewRecorder()
	h.Echo().ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /models: %d\n%s", rec.Code, body)
	}
	return string(body)
}

func TestModelsList(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String()
	l.Close()
	withFiles := func(s *store.Store) {
		if err := testmodel.Write(s.Path("models", "tiny-qwen.gguf"), testmodel.Options{Arch: "qwen2", Type: ggml.Q8_0}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(s.Path("models", "junk.gguf"), []byte("not a model"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name        string
		opts        handlers.Options
		lang        string
		setup       func(*store.Store)
		contains    []string
		notContains []string
	}{
		{name: "empty", lang: "en",
			contains:    []string{`data-testid="served-empty"`, `data-testid="files-empty"`, `data-testid="ollama-off"`, filepath.Join("models")},
			notContains: []string{`data-testid="files-table"`, `data-testid="ollama-down"`}},
		{name: "empty zh", lang: "zh-CN", contains: []string{"还没有对外提供的模型", "未配置 Ollama 服务器"}},
		{name: "files", lang: "en", setup: withFiles, opts: handlers.Options{OllamaURL: down},
			contains: []string{`data-testid="files-table"`, `data-testid="model-tiny-qwen"`, "qwen2", "Q8_0", "2048",
				`data-testid="file-broken"`, "junk.gguf", `data-testid="ollama-down"`, "cannot be reached"},
			notContains: []string{`data-testid="files-empty"`, "Internal error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := getModels(t, tc.opts, tc.lang, tc.setup)
			for _, s := range tc.contains {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tc.notContains {
				if strings.Contains(body, s) {
					t.Errorf("page has %q", s)
				}
			}
		})
	}
}
