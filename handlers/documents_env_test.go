package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"testing"
	"time"

	"tutor/rag"
	"tutor/store"
)

// docUsers are a trainer (tara) and a manager (mia), so that access control is on.
var docUsers = map[string]store.Role{"tara": store.RoleTrainer, "mia": store.RoleManager}

// waitIndexed waits until no document is pending.
func (a *app) waitIndexed() {
	a.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		n, err := a.H.RAG.Pending(context.Background())
		if err != nil {
			a.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	a.t.Fatal("documents still pending after 20s")
}

// signedIn is a browser signed in as name, or a signed-out one holding a CSRF token when
// name is "".
func (a *app) signedIn(name string) *browser {
	a.t.Helper()
	b := a.browser()
	if name != "" {
		b.login(name)
	} else if b.get("/documents"); b.csrf == "" {
		b.get("/login")
	}
	return b
}

// file is one file of an upload.
type file struct {
	name string
	data []byte
}

// upload posts files as the upload form does; asJSON asks for JSON as the page's script does.
func (b *browser) upload(asJSON bool, files ...file) response {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range files {
		// CreateFormFile would escape the name; write the header as a client may send it.
		hd := textproto.MIMEHeader{}
		hd.Set("Content-Disposition", `form-data; name="files"; filename="`+f.name+`"`)
		hd.Set("Content-Type", "application/octet-stream")
		w, err := mw.CreatePart(hd)
		if err != nil {
			b.t.Fatal(err)
		}
		w.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.app.Server.URL+"/documents", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", b.csrf)
	if asJSON {
		req.Header.Set("Accept", "application/json")
	}
	return b.do(req)
}

// errorMessage is the message of a JSON error body.
func errorMessage(t *testing.T, body string) string {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not a JSON error: %v: %s", err, body)
	}
	return e.Error.Message
}

// search is the text of the best passage for q, or "".
func (a *app) search(q string) string {
	a.t.Helper()
	hits, err := a.H.RAG.Search(context.Background(), q, rag.SearchOptions{TopK: 1})
	if err != nil {
		a.t.Fatal(err)
	}
	if len(hits) == 0 {
		return ""
	}
	return hits[0].Text
}
