package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestDocumentRoles(t *testing.T) {
	a := newApp(t, Options{}, docUsers)
	trainer, manager, anonymous := a.signedIn("tara"), a.signedIn("mia"), a.signedIn("")

	if r := trainer.upload(true, file{"okr.md", []byte(okrDoc)}); r.Status != http.StatusCreated {
		t.Fatalf("trainer upload: %d %s", r.Status, r.Body)
	}
	a.waitIndexed()
	docs, _ := a.H.RAG.List(context.Background())
	id := docs[0].ID
	del := fmt.Sprintf("/documents/%d/delete", id)

	tests := []struct {
		name     string
		client   *browser
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
			var r response
			switch tt.method {
			case http.MethodGet:
				r = tt.client.get(tt.path)
			case "UPLOAD":
				r = tt.client.upload(false, file{"more.md", []byte("# More\n\nmore text")})
			default:
				r = tt.client.post(tt.path, nil)
			}
			if r.Status != tt.status || !strings.Contains(r.Body, tt.contains) {
				t.Errorf("%s %s: status %d, want %d with %q", tt.method, tt.path, r.Status, tt.status, tt.contains)
			}
		})
	}
	if page := manager.get("/documents").Body; strings.Contains(page, `data-testid="upload-form"`) || strings.Contains(page, `data-testid="document-delete"`) {
		t.Error("the manager's page offers upload or delete")
	}
	if n, _ := a.H.RAG.List(context.Background()); len(n) != 1 {
		t.Fatalf("%d documents after refused changes, want 1", len(n))
	}

	// The trainer deletes: the document, its passages and its page are gone.
	if page := trainer.get("/documents").Body; !strings.Contains(page, `data-testid="document-delete"`) {
		t.Error("the trainer's page offers no delete")
	}
	if r := trainer.post(del, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("trainer delete: status %d", r.Status)
	}
	if hit := a.search("who writes the objectives"); hit != "" {
		t.Errorf("search still finds the deleted document: %q", hit)
	}
	if r := trainer.get(fmt.Sprintf("/documents/%d", id)); r.Status != http.StatusNotFound {
		t.Errorf("deleted document's page: status %d", r.Status)
	}
	if r := trainer.post(del, nil); r.Status != http.StatusNotFound {
		t.Errorf("second delete: status %d", r.Status)
	}
}

func TestReindexJobFollowedOverSSE(t *testing.T) {
	a := newApp(t, Options{}, nil)
	b := a.signedIn("")
	b.upload(true, file{"okr.md", []byte(okrDoc)}, file{"expense-zh.txt", []byte(expenseDoc)})
	a.waitIndexed()
	r := b.post("/documents/reindex", nil)
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/jobs/") {
		t.Fatalf("re-index: %d to %q", r.Status, loc)
	}
	stream := b.get(loc + "/events").Body
	if !strings.Contains(stream, "event: done") || !strings.Contains(stream, `data-state="succeeded"`) {
		t.Fatalf("job stream did not end in success:\n%s", stream)
	}
	if !strings.Contains(stream, "2 documents indexed") {
		t.Errorf("job log lacks the count:\n%s", stream)
	}
	a.waitIndexed()
	if a.search("who writes the objectives") == "" {
		t.Error("nothing found after re-indexing")
	}
}
