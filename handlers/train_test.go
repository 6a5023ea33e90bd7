package handlers

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tutor/internal/testenv"
	"tutor/model"
	"tutor/store"
)

// postMultipart sends a multipart form with one file field "dataset" and text fields.
func (b *browser) postMultipart(path string, fields map[string]string, fileName string, data []byte) response {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileName != "" {
		w, _ := mw.CreateFormFile("dataset", fileName)
		w.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.app.Server.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", b.csrf)
	return b.do(req)
}

// TestTrainPage runs the Train page end to end on stories260K: a manager sees but cannot
// train; a trainer previews a dataset (a broken line is named), starts a run, follows its
// chart over SSE, and downloads the adapter as GGUF and PEFT; a taken name is refused.
func TestTrainPage(t *testing.T) {
	a := newApp(t, Options{}, map[string]store.Role{"tina": store.RoleTrainer, "mo": store.RoleManager})
	src, err := os.ReadFile(testenv.Stories260K(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(a.Store.Path("models"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(a.Store.Path("models", "stories.gguf"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../finetune/testdata/stories_qa.jsonl")
	if err != nil {
		t.Fatal(err)
	}

	mo := a.signedIn("mo")
	if r := mo.get("/train"); r.Status != http.StatusOK || strings.Contains(r.Body, `data-testid="train-form"`) {
		t.Fatalf("manager: %d, form shown: %v", r.Status, strings.Contains(r.Body, "train-form"))
	}
	if r := mo.postMultipart("/train", map[string]string{"name": "x", "base": "stories.gguf"}, "qa.jsonl", data); r.Status != http.StatusForbidden {
		t.Fatalf("manager starting a run: %d", r.Status)
	}

	b := a.signedIn("tina")
	b.lang = "zh-CN"
	page := b.get("/train")
	for _, want := range []string{`data-testid="train-form"`, `<option value="stories.gguf">`, "适配器的大小", `name="learning_rate" value="0.0002"`} {
		if !strings.Contains(page.Body, want) {
			t.Fatalf("Train page lacks %q", want)
		}
	}
	b.lang = ""
	bad := append(append([]byte{}, data[:bytes.IndexByte(data, '\n')+1]...), []byte("{oops\n")...)
	if r := b.postMultipart("/train/preview", nil, "bad.jsonl", bad); !strings.Contains(r.Body, `preview-error`) || !strings.Contains(r.Body, "line 2") {
		t.Fatalf("preview of a broken file: %s", r.Body)
	}
	if r := b.postMultipart("/train/preview", nil, "qa.jsonl", data); !strings.Contains(r.Body, "20 records") || !strings.Contains(r.Body, "The red dog is called Max.") {
		t.Fatalf("preview: %s", r.Body)
	}

	fields := map[string]string{"name": "qa", "base": "stories.gguf", "max_steps": "40", "eval_every": "10",
		"checkpoint_every": "10", "val_fraction": "0.2", "learning_rate": "0.01", "targets": "q,v,down"}
	r := b.postMultipart("/train", fields, "qa.jsonl", data)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/train/") {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	run := r.Header.Get("Location")
	resp, err := b.c.Get(a.Server.URL + run + "/events")
	if err != nil {
		t.Fatal(err)
	}
	events := map[string]int{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
			if events[ev]++; ev == "done" {
				break
			}
		}
	}
	resp.Body.Close()
	if events["chart"] == 0 || events["done"] != 1 {
		t.Fatalf("events %v, want charts and one done", events)
	}
	ctx := context.Background()
	js, _ := a.Store.Jobs(ctx, store.JobFilter{Kind: "train"})
	if len(js) != 1 || js[0].State != store.JobSucceeded {
		t.Fatalf("job: %+v", js[0])
	}
	page = b.get(run)
	for _, want := range []string{`data-testid="chart-train-path"`, `data-testid="chart-val-path"`, `data-testid="run-checkpoints"`, `data-testid="run-adapter"`, "tokens/s"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("run page lacks %q", want)
		}
	}

	g := b.get("/adapters/qa/adapter.gguf")
	path := filepath.Join(t.TempDir(), "a.gguf")
	os.WriteFile(path, []byte(g.Body), 0o644)
	if ad, err := model.ReadAdapter(path); g.Status != http.StatusOK || err != nil || len(ad.Tensors) != 3*5 {
		t.Fatalf("GGUF download: %d, %v", g.Status, err)
	}
	z := b.get("/adapters/qa/peft.zip")
	zr, err := zip.NewReader(strings.NewReader(z.Body), int64(len(z.Body)))
	if err != nil || len(zr.File) != 2 || zr.File[0].Name != "qa/adapter_config.json" {
		t.Fatalf("PEFT download: %v", err)
	}
	if r := b.postMultipart("/train", fields, "qa.jsonl", data); r.Status != http.StatusConflict {
		t.Fatalf("a second run named qa: %d", r.Status)
	}
	if r := b.get("/train/999"); r.Status != http.StatusNotFound {
		t.Fatalf("missing run: %d", r.Status)
	}
}
