package store

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tutor"
)

// failingReader gives some bytes and then fails, like an upload cut off mid-way.
type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("connection reset")
	}
	k := min(len(p), r.n)
	for i := range k {
		p[i] = 'x'
	}
	r.n -= k
	return k, nil
}

func TestCreateDocumentIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	if err := s.CreateDocument(ctx, &Document{Name: "cut.txt"}, &failingReader{n: 100 << 10}); err == nil {
		t.Fatal("a failing upload was stored")
	}
	if docs, _ := s.Documents(ctx); len(docs) != 0 {
		t.Errorf("%d documents recorded after a failed upload", len(docs))
	}
	var files []string
	filepath.WalkDir(s.Path("docs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 0 {
		t.Errorf("files left by a failed upload: %v", files)
	}
	if err := s.CreateDocument(ctx, &Document{}, strings.NewReader("x")); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("nameless document: %v", err)
	}
}

// Two uploads of the same bytes share one blob, which goes when the last record goes.
func TestDocumentsShareBlobsUntilTheLastIsDeleted(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	a := &Document{Name: "policy.md", UploadedBy: "tom"}
	b := &Document{Name: "policy copy.md"}
	for _, d := range []*Document{a, b} {
		if err := s.CreateDocument(ctx, d, strings.NewReader("# Expense policy\n")); err != nil {
			t.Fatal(err)
		}
	}
	if a.Blob != b.Blob || a.Size != 17 || a.Status != "new" || len(a.SHA256) != 64 {
		t.Fatalf("documents %+v and %+v", a, b)
	}
	f, err := s.OpenDocument(a)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(f)
	f.Close()
	if string(body) != "# Expense policy\n" {
		t.Errorf("stored bytes %q", body)
	}
	if err := s.SetDocumentStatus(ctx, a.ID, "failed", "no text"); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Document(ctx, a.ID)
	if got.Status != "failed" || got.Error != "no text" || got.UploadedBy != "tom" {
		t.Errorf("document after status %+v", got)
	}
	if err := s.DeleteDocument(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path(b.Blob)); err != nil {
		t.Errorf("the shared blob went with the first record: %v", err)
	}
	if err := s.DeleteDocument(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path(b.Blob)); !os.IsNotExist(err) {
		t.Errorf("the blob outlived its last record: %v", err)
	}
	if _, err := s.Document(ctx, a.ID); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Errorf("deleted document: %v", err)
	}
	if err := s.SetDocumentStatus(ctx, a.ID, "x", ""); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Errorf("status of a deleted document: %v", err)
	}
}
