package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tutor/rag"
)

func TestDocumentRoles(t *testing.T) {
	e := newDocEnv(t, docEnvOptions{users: true})
	trainer, manager, anonymous := e.client("tara"), e.client("mia"), e.client("")

	if res, body := trainer.upload(true, file{"okr.md", []byte(okrDoc)}); res.StatusCode != http.StatusCreated {
		t.Fatalf("trainer upload: %d %s", res.StatusCode, body)
	}
	e.waitIndexed()
	docs, _ := e.ix.List(context.Background())
	id := docs[0].ID
	del := fmt.Sprintf("/documents/%d/delete", id)

	tests := []struct {
		name     string
		client   *docClient
		method   string
		path     string
		status   int
		contains string
	}{
		{"manager reads the list", manager, http.MethodGet, "/documents", http.StatusOK, "okr.md"},
		{"manager reads a document", manager, http.MethodGet, fmt.Sprintf("/documents/%d", id), http.StatusOK, "Zhang Wei"},
		{"manager may not upload", manager, "UPLOAD", "/documents", http.StatusForbidden, ""},
		{"manager may not delete", manager, http.MethodPost, del, http.StatusForbidden, ""},
		{"manager may not re-index", manager, http.MethodPost, "/documents/reindex", http.StatusForbidden, ""},
		{"signed out goes to sign-in", anonymous, http.MethodGet, "/documents", http.StatusSeeOther, ""},
		{"signed out may not delete", anonymous, http.MethodPost, del, http.StatusUnauthorized, ""},
		{"unknown document", trainer, http.MethodGet, "/documents/999", http.StatusNotFound, "not found"},
		{"bad document id", trainer, http.MethodGet, "/documents/x", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res *http.Response
			var body string
			switch tt.method {
			case http.MethodGet:
				res, body = tt.client.get(tt.path)
			case "UPLOAD":
				res, body = tt.client.upload(false, file{"more.md", []byte("# More\n\nmore text")})
			default:
				res, body = tt.client.postForm(tt.path, url.Values{})
			}
			if res.StatusCode != tt.status || !strings.Contains(body, tt.contains) {
				t.Errorf("%s %s: status %d, want %d with %q", tt.method, tt.path, res.StatusCode, tt.status, tt.contains)
			}
		})
	}
	if _, page := manager.get("/documents"); strings.Contains(page, `data-testid="upload-form"`) || strings.Contains(page, `data-testid="document-delete"`) {
		t.Error("the manager's page offers upload or delete")
	}
	if n, _ := e.ix.List(context.Background()); len(n) != 1 {
		t.Fatalf("%d documents after refused changes, want 1", len(n))
	}

	// The trainer deletes: the document, its passages and its page are gone.
	if _, page := trainer.get("/documents"); !strings.Contains(page, `data-testid="document-delete"`) {
		t.Error("the trainer's page offers no delete")
	}
	res, _ := trainer.postForm(del, url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("trainer delete: status %d", res.StatusCode)
	}
	if hits, _ := e.ix.Search(context.Background(), "who writes the objectives", rag.SearchOptions{}); len(hits) != 0 {
		t.Errorf("search still finds the deleted document: %v", hits)
	}
	if res, _ := trainer.get(fmt.Sprintf("/documents/%d", id)); res.StatusCode != http.StatusNotFound {
		t.Errorf("deleted document's page: status %d", res.StatusCode)
	}
	if res, _ := trainer.postForm(del, url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("second delete: status %d", res.StatusCode)
	}
}

func TestReindexJobFollowedOverSSE(t *testing.T) {
	e := newDocEnv(t, docEnvOptions{})
	c := e.client("")
	c.upload(true, file{"okr.md", []byte(okrDoc)}, file{"expense-zh.txt", []byte(expenseDoc)})
	e.waitIndexed()
	res, _ := c.postForm("/documents/reindex", url.Values{})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/jobs/") {
		t.Fatalf("re-index: %d to %q", res.StatusCode, loc)
	}
	_, stream := c.get(loc + "/events")
	if !strings.Contains(stream, "event: done") || !strings.Contains(stream, `data-state="succeeded"`) {
		t.Fatalf("job stream did not end in success:\n%s", stream)
	}
	if !strings.Contains(stream, "2 documents indexed") {
		t.Errorf("job log lacks the count:\n%s", stream)
	}
	e.waitIndexed()
	if hits, _ := e.ix.Search(context.Background(), "who writes the objectives", rag.SearchOptions{TopK: 1}); len(hits) == 0 {
		t.Error("nothing found after re-indexing")
	}
}
