package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tutor/internal/testenv"
	"tutor/llm"
	"tutor/llm/builtin"
)

// The okr handbook page the browser uploads; the question below is answered by its second section.
const browserDoc = `# OKR nine-grid

## Who sets the objectives

At Lantern Logistics the team lead Zhang Wei writes three objectives on the nine-grid board by the fifth working day of each quarter.

## Scoring

Key results are scored from 0.0 to 1.0; 0.7 counts as success.
`

// TestBrowserUploadIndexAskCite drives the real server in Chromium: upload a document on the
// Documents page (drag-and-drop script path), wait until it is indexed, ask a question on the
// Compare page, and find the document's passage among the retrieved passages, its citation
// link leading to the passage highlighted in the document; a vote for base+RAG is recorded.
func TestBrowserUploadIndexAskCite(t *testing.T) {
	bctx := testenv.Chromium(t)
	stories := testenv.Stories260K(t)

	cfg := DefaultConfig()
	cfg.Data, cfg.Addr, cfg.LogLevel = t.TempDir(), "127.0.0.1:0", slog.LevelWarn
	cfg.DemoDocs = false // the uploaded document alone: its row tells when indexing is done, and the retrieved passage must be its
	cfg.DemoModel = false
	m := NewMain(cfg, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	b := builtin.New(builtin.Options{})
	if err := b.AddModel("stories", stories); err != nil {
		t.Fatal(err)
	}
	m.Handler.Catalog.Set(llm.Entry{Name: "stories", Generator: b, Model: "stories"})

	doc := filepath.Join(t.TempDir(), "okr-nine-grid.md")
	if err := os.WriteFile(doc, []byte(browserDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	var uploadStatus, passage, mark string
	err := chromedp.Run(bctx,
		chromedp.Navigate(m.URL()+"/documents"),
		chromedp.WaitVisible(`[data-testid=upload-form]`, chromedp.ByQuery),
		chromedp.SetUploadFiles(`[data-testid=upload-input]`, []string{doc}, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid=upload-item][data-state]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid=upload-status]`, &uploadStatus, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if !strings.Contains(uploadStatus, "stored") {
		t.Fatalf("upload status %q", uploadStatus)
	}
	wait, cancel := context.WithTimeout(bctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(wait, chromedp.WaitVisible(`#documents-list tr[data-status=indexed]`, chromedp.ByQuery)); err != nil {
		t.Fatalf("the list never showed the document indexed: %v", err)
	}

	err = chromedp.Run(bctx,
		chromedp.Navigate(m.URL()+"/compare"),
		chromedp.WaitVisible(`[data-testid=compare-question]`, chromedp.ByQuery),
		chromedp.SendKeys(`[data-testid=compare-question]`, "Who writes the objectives on the nine-grid board?", chromedp.ByQuery),
		chromedp.Click(`[data-testid=compare-ask]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid=column-base-rag] [data-testid=passage-text]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid=column-base-rag] [data-testid=passage-text]`, &passage, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid=column-base-rag] [data-done=true]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid=column-base] [data-testid=metric-ttft]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("compare: %v", err)
	}
	if !strings.Contains(passage, "Zhang Wei writes three objectives") {
		t.Fatalf("first retrieved passage %q does not cite the uploaded document", passage)
	}
	err = chromedp.Run(bctx,
		chromedp.Click(`[data-testid=vote-base-rag]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid=vote-done]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("vote: %v", err)
	}
	votes, err := m.Store.Votes(context.Background(), 0)
	if err != nil || len(votes) != 1 || votes[0].LeftVariant != "stories:latest+rag" || votes[0].Choice != "left" || votes[0].LeftAnswer == "" {
		t.Fatalf("votes after one click: %+v %v", votes, err)
	}
	err = chromedp.Run(bctx,
		chromedp.Click(`[data-testid=column-base-rag] [data-testid=passage-link]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid=document-mark]`, chromedp.ByQuery),
		chromedp.Text(`[data-testid=document-mark]`, &mark, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("passage link: %v", err)
	}
	if !strings.Contains(mark, "Zhang Wei writes three objectives") {
		t.Errorf("the document highlights %q", mark)
	}
}
