package handlers

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"tutor/rag"
)

const okrDoc = `# OKR nine-grid

## Setting objectives

Every quarter the team lead Zhang Wei writes three objectives on the nine-grid board by the fifth working day.

## Scoring

Key results are scored from 0.0 to 1.0; a score of 0.7 counts as success.
`

const expenseDoc = `# 差旅报销制度

出差住宿标准：一线城市每晚不超过 600 元，其他城市每晚不超过 400 元。报销须在出差结束后 10 个工作日内提交。
`

// pdfOf is a one-page PDF whose text layer is text (ASCII, no parentheses).
func pdfOf(text string) []byte {
	content := "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET"
	return []byte(fmt.Sprintf("%%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"+
		"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"+
		"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>\nendobj\n"+
		"4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n"+
		"5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%%%EOF\n", len(content), content))
}

// docxOf is a Word document of one paragraph.
func docxOf(t *testing.T, text string) []byte {
	return zipOf(t, file{"word/document.xml", []byte(`<?xml version="1.0" encoding="UTF-8"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		`<w:p><w:r><w:t>` + text + `</w:t></w:r></w:p></w:body></w:document>`)})
}

func zipOf(t *testing.T, files ...file) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestUploadStoresIndexesAndShows(t *testing.T) {
	a := newApp(t, Options{}, nil)
	b := a.signedIn("")
	r := b.upload(true, file{"okr.md", []byte(okrDoc)}, file{"expense-zh.txt", []byte(expenseDoc)},
		file{"sla.pdf", pdfOf("Priority one tickets get a first answer within 30 minutes.")},
		file{"release.docx", docxOf(t, "Version 3.2 of the warehouse system ships on 14 March.")})
	if r.Status != http.StatusCreated {
		t.Fatalf("upload: status %d: %s", r.Status, r.Body)
	}
	var got struct {
		Documents []struct {
			ID        int64
			Name      string
			Status    string
			Duplicate bool
		}
	}
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Documents) != 4 || got.Documents[0].Name != "okr.md" || got.Documents[0].Status != rag.StatusPending {
		t.Fatalf("upload answered %s", r.Body)
	}
	a.waitIndexed()

	page := b.get("/documents").Body
	for _, want := range []string{"okr.md", "expense-zh.txt", "sla.pdf", "release.docx", `data-status="indexed"`} {
		if !strings.Contains(page, want) {
			t.Errorf("documents page lacks %q", want)
		}
	}
	if strings.Contains(page, `data-status="pending"`) {
		t.Error("a document is still shown pending after indexing")
	}

	page = b.get("/documents?q=" + "who+writes+the+objectives+on+the+nine-grid+board").Body
	if !strings.Contains(page, `data-testid="search-results"`) || !strings.Contains(page, "Zhang Wei") {
		t.Errorf("search did not show the passage:\n%s", page)
	}
	page = b.get("/documents?q=" + url.QueryEscape("一线城市住宿标准")).Body
	if !strings.Contains(page, "600 元") {
		t.Error("Chinese search did not show the expense passage")
	}
	if page = b.get("/documents?q=first+answer+for+priority+one+tickets").Body; !strings.Contains(page, "within 30 minutes") {
		t.Error("search did not show the PDF's passage")
	}
	if page = b.get("/documents?q=when+does+version+3.2+ship").Body; !strings.Contains(page, "ships on 14 March") {
		t.Error("search did not show the Word document's passage")
	}

	// The passage link highlights the passage in the document's text.
	hits, err := a.H.RAG.Search(context.Background(), "score counts as success", rag.SearchOptions{TopK: 1})
	if err != nil || len(hits) == 0 {
		t.Fatalf("search: %v %v", hits, err)
	}
	link := passageViews(hits)[0].URL()
	r = b.get(strings.TrimSuffix(link, "#passage"))
	page = r.Body
	if r.Status != http.StatusOK || !strings.Contains(page, `<mark id="passage"`) {
		t.Fatalf("%s: status %d, no mark", link, r.Status)
	}
	mark := page[strings.Index(page, `<mark id="passage"`):]
	mark = mark[:strings.Index(mark, "</mark>")]
	if !strings.Contains(mark, "0.7 counts as success") {
		t.Errorf("highlighted %q", mark)
	}

	// The original comes back byte for byte, as an attachment.
	r = b.get(fmt.Sprintf("/documents/%d/original", got.Documents[0].ID))
	if r.Status != http.StatusOK || r.Body != okrDoc || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("original: status %d, %q, %q", r.Status, r.Header.Get("Content-Disposition"), r.Body)
	}

	// The same bytes again are not stored twice.
	if r := b.upload(true, file{"okr-copy.md", []byte(okrDoc)}); !strings.Contains(r.Body, `"duplicate":true`) {
		t.Errorf("re-upload: %s", r.Body)
	}
	if docs, _ := a.H.RAG.List(context.Background()); len(docs) != 4 {
		t.Errorf("%d documents after a duplicate upload, want 4", len(docs))
	}
}

func TestUploadWithoutScriptRedirects(t *testing.T) {
	a := newApp(t, Options{}, nil)
	b := a.signedIn("")
	r := b.upload(false, file{"okr.md", []byte(okrDoc)})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/documents?uploaded=1" {
		t.Fatalf("plain form upload: %d to %q", r.Status, r.Header.Get("Location"))
	}
	if page := b.get("/documents?uploaded=1").Body; !strings.Contains(page, `data-testid="upload-done"`) {
		t.Error("no upload notice")
	}
	r = b.upload(false, file{"tool.exe", []byte("MZ")})
	if r.Status != http.StatusUnsupportedMediaType || !strings.Contains(r.Body, `data-testid="error-message"`) ||
		!strings.Contains(r.Body, "not supported") {
		t.Errorf("plain form refusal: %d\n%s", r.Status, r.Body)
	}
}

// workspaceState is what a refused upload must leave alone: the documents, their bytes on
// disk, and what search finds.
type workspaceState struct {
	Docs  []string
	Blobs []string
	Hit   string
}

func (a *app) state() workspaceState {
	a.t.Helper()
	var s workspaceState
	docs, err := a.H.RAG.List(context.Background())
	if err != nil {
		a.t.Fatal(err)
	}
	for _, d := range docs {
		s.Docs = append(s.Docs, d.Name+" "+d.SHA256+" "+d.Status)
	}
	filepath.WalkDir(a.Store.Path("docs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			s.Blobs = append(s.Blobs, p)
		}
		return nil
	})
	s.Hit = a.search("who writes the objectives")
	return s
}

func TestUploadRefusalsLeaveWorkspaceIntact(t *testing.T) {
	a := newAppWithIndex(t, Options{MaxBodyBytes: 1 << 20}, nil, rag.Config{Limits: rag.Limits{MaxFileBytes: 64 << 10}})
	b := a.signedIn("")
	if r := b.upload(true, file{"okr.md", []byte(okrDoc)}); r.Status != http.StatusCreated {
		t.Fatalf("seed upload: %d %s", r.Status, r.Body)
	}
	a.waitIndexed()
	before := a.state()
	if before.Hit == "" {
		t.Fatal("the seed document is not searchable")
	}
	big := bytes.Repeat([]byte("plenty of words "), 5000) // 80,000 bytes
	bomb := zipOf(t, file{"bomb.txt", bytes.Repeat([]byte{'a'}, 8<<20)})
	tests := []struct {
		name     string
		files    []file
		status   int
		contains string
	}{
		{"unsupported type", []file{{"tool.exe", []byte("MZ\x90\x00")}}, http.StatusUnsupportedMediaType, "not supported"},
		{"no extension", []file{{"README", []byte("hello")}}, http.StatusUnsupportedMediaType, "no file extension"},
		{"file over the limit", []file{{"big.txt", big}}, http.StatusRequestEntityTooLarge, "limit"},
		{"request over the limit", []file{{"a.txt", big[:60000]}, {"b.txt", big[:60001]}, {"c.txt", big[:60002]}, {"d.txt", big[:60003]},
			{"e.txt", big[:60004]}, {"f.txt", big[:60005]}, {"g.txt", big[:60006]}, {"h.txt", big[:60007]}, {"i.txt", big[:60008]},
			{"j.txt", big[:60009]}, {"k.txt", big[:60010]}, {"l.txt", big[:60011]}, {"m.txt", big[:60012]}, {"n.txt", big[:60013]},
			{"o.txt", big[:60014]}, {"p.txt", big[:60015]}, {"q.txt", big[:60016]}, {"r.txt", big[:60017]}},
			http.StatusRequestEntityTooLarge, "limit"},
		{"empty", []file{{"empty.txt", nil}}, http.StatusBadRequest, "empty"},
		{"blank", []file{{"blank.md", []byte(" \n\t\n")}}, http.StatusBadRequest, "empty"},
		{"binary", []file{{"blob.txt", []byte("\x00\x01\x02\x03\xff\xfe\x00\x00binary")}}, http.StatusBadRequest, "blob.txt"},
		{"malformed pdf", []file{{"broken.pdf", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")}}, http.StatusBadRequest, "broken.pdf"},
		{"pdf without a text layer", []file{{"scan.pdf", []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")}}, http.StatusBadRequest, "scan.pdf"},
		{"malformed docx", []file{{"broken.docx", []byte("PK\x03\x04 not really a zip")}}, http.StatusBadRequest, "broken.docx"},
		{"corrupt zip", []file{{"docs.zip", []byte("PK\x05\x06 truncated")}}, http.StatusBadRequest, "docs.zip"},
		{"zip bomb", []file{{"bomb.zip", bomb}}, http.StatusRequestEntityTooLarge, "bomb.txt"},
		{"climbing name", []file{{"../evil.md", []byte("# evil")}}, http.StatusBadRequest, `..`},
		{"climbing zip member", []file{{"docs.zip", zipOf(t, file{"../../evil.md", []byte("# evil")})}}, http.StatusBadRequest, "evil.md"},
		{"absolute name", []file{{"/etc/passwd.txt", []byte("root")}}, http.StatusBadRequest, "passwd"},
		{"good with bad", []file{{"fine.md", []byte("# Fine\n\nA fine document.")}, {"tool.exe", []byte("MZ")}}, http.StatusUnsupportedMediaType, "tool.exe"},
		{"good with malformed", []file{{"fine.md", []byte("# Fine\n\nA fine document.")}, {"broken.docx", []byte("PK not a zip")}}, http.StatusBadRequest, "broken.docx"},
		{"no files", nil, http.StatusBadRequest, "at least one file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.upload(true, tt.files...)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.status, r.Body)
			}
			if msg := errorMessage(t, r.Body); !strings.Contains(msg, tt.contains) {
				t.Errorf("message %q lacks %q", msg, tt.contains)
			}
			a.waitIndexed()
			if diff := cmp.Diff(before, a.state()); diff != "" {
				t.Errorf("workspace changed (-before +after):\n%s", diff)
			}
		})
	}
}
