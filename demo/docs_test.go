package demo

import (
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDocs(t *testing.T) {
	entries, err := fs.ReadDir(Docs, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 15 || len(entries) > 30 {
		t.Fatalf("got %d documents, want 15 to 30", len(entries))
	}
	var zh, en int
	for _, e := range entries {
		b, err := fs.ReadFile(Docs, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(b) || len(b) < 500 {
			t.Errorf("%s: %d bytes, valid UTF-8 %v", e.Name(), len(b), utf8.Valid(b))
		}
		if strings.ContainsAny(string(b), "的是在") {
			zh++
		} else {
			en++
		}
	}
	if zh < 5 || en < 5 {
		t.Errorf("want both languages: %d Chinese, %d English", zh, en)
	}
}
