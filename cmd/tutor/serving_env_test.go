package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tutor/llm"
	"tutor/llm/builtin"
	"tutor/model"
	"tutor/model/testmodel"
)

// tinyModel is the base the serving tests write into their workspace as models/tiny.gguf,
// with the adapter adapters/okr.gguf.
var tinyModel = testmodel.Options{Seed: 3}

// writeWorkspace puts the tiny base and its adapter into a new workspace folder.
func writeWorkspace(tb testing.TB) string { return writeWorkspaceWith(tb, "tiny", tinyModel) }

// writeWorkspaceWith puts the base o describes, as models/<name>.gguf, and a rank-4 adapter
// for it, adapters/okr.gguf, into a new workspace folder.
func writeWorkspaceWith(tb testing.TB, name string, o testmodel.Options) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := testmodel.Write(filepath.Join(dir, modelsFolder, name+".gguf"), o); err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, adaptersFolder), 0o755); err != nil {
		tb.Fatal(err)
	}
	arch := o.Arch
	if arch == "" {
		arch = "llama"
	}
	if err := model.WriteAdapter(filepath.Join(dir, adaptersFolder, "okr.gguf"), testmodel.Adapter(o, 4, 11), arch); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// startTutor runs a real Tutor on a free loopback port over the workspace dir.
func startTutor(tb testing.TB, dir string, edit func(*Config)) *Main {
	tb.Helper()
	cfg := DefaultConfig()
	cfg.Data, cfg.Addr, cfg.LogLevel = dir, "127.0.0.1:0", slog.LevelWarn
	cfg.DemoModel = false // the models are the test's own
	if edit != nil {
		edit(&cfg)
	}
	m := NewMain(cfg, testLogWriter{tb})
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	return m
}

type testLogWriter struct{ tb testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// directGreedy is the reference: the built-in engine over the same files, called directly,
// greedy, without the server, decoding on its own.
func directGreedy(tb testing.TB, dir, adapter string, req llm.Request) llm.Response {
	tb.Helper()
	b := builtin.New(builtin.Options{})
	if err := b.AddModel("tiny", filepath.Join(dir, modelsFolder, "tiny.gguf")); err != nil {
		tb.Fatal(err)
	}
	req.Model = "tiny"
	if adapter != "" {
		if err := b.LoadAdapter(adapter, filepath.Join(dir, adaptersFolder, adapter+".gguf")); err != nil {
			tb.Fatal(err)
		}
		req.Adapter = adapter
	}
	zero := 0.0
	req.Options.Temperature = &zero
	resp, err := b.Generate(context.Background(), req, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return resp
}

// postJSON sends body as JSON and returns the status and the response body.
func postJSON(tb testing.TB, url, key string, body any) (int, http.Header, []byte) {
	tb.Helper()
	var r io.Reader
	switch b := body.(type) {
	case string:
		r = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(http.MethodPost, url, r)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, resp.Header, out
}
