package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"tutor/internal/jobs"
	"tutor/rag"
	"tutor/store"
)

// docEnv is a real web app on a temporary workspace: SQLite store, job runner with the
// indexing job, document index, and the echo server on a loopback port.
type docEnv struct {
	t   *testing.T
	st  *store.Store
	ix  *rag.Index
	h   *Handler
	srv *httptest.Server
}

// docEnvOptions shape a docEnv.
type docEnvOptions struct {
	limits  rag.Limits
	maxBody int64
	users   bool // a trainer (tara) and a manager (mia), so access control is on
}

const testPassword = "correct-horse"

func newDocEnv(t *testing.T, o docEnvOptions) *docEnv {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.SetPasswordCost(bcrypt.MinCost)
	if o.users {
		for name, role := range map[string]store.Role{"tara": store.RoleTrainer, "mia": store.RoleManager} {
			if _, err := st.CreateUser(ctx, name, role, testPassword); err != nil {
				t.Fatal(err)
			}
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ix, err := rag.Open(ctx, st, rag.Config{Limits: o.limits})
	if err != nil {
		t.Fatal(err)
	}
	runner := jobs.New(st, log, 2)
	runner.Register(IndexJobKind, IndexJob(ix))
	if err := runner.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { runner.Shutdown(context.Background()) })
	h, err := New(ctx, st, runner, log, Options{MaxBodyBytes: o.maxBody, SessionSecret: []byte("a test session secret")})
	if err != nil {
		t.Fatal(err)
	}
	h.RAG = ix
	srv := httptest.NewServer(h.Echo())
	t.Cleanup(func() { h.StopStreams(); srv.Close() })
	return &docEnv{t: t, st: st, ix: ix, h: h, srv: srv}
}

// waitIndexed waits until no document is pending.
func (e *docEnv) waitIndexed() {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		n, err := e.ix.Pending(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatal("documents still pending after 20s")
}

// docClient is a browser-like client: cookies, the CSRF token, no redirects followed.
type docClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

// client signs in as name (or stays anonymous when name is "") and picks up the CSRF cookie.
func (e *docEnv) client(name string) *docClient {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &docClient{t: e.t, base: e.srv.URL, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	c.get("/healthz")
	if name != "" {
		res, _ := c.postForm("/login", url.Values{"name": {name}, "password": {testPassword}, "next": {"/"}})
		if res.StatusCode != http.StatusSeeOther {
			e.t.Fatalf("sign in as %s: status %d", name, res.StatusCode)
		}
	}
	return c
}

func (c *docClient) csrf() string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == "tutor_csrf" {
			return ck.Value
		}
	}
	return ""
}

func (c *docClient) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	if req.Method != http.MethodGet {
		req.Header.Set("X-CSRF-Token", c.csrf())
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (c *docClient) get(path string) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.do(req)
}

func (c *docClient) postForm(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// file is one file of an upload.
type file struct {
	name string
	data []byte
}

// upload posts files as the upload form does; asJSON asks for JSON as the page's script does.
func (c *docClient) upload(asJSON bool, files ...file) (*http.Response, string) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range files {
		// CreateFormFile would escape the name; write the header as a client may send it.
		hd := textproto.MIMEHeader{}
		hd.Set("Content-Disposition", `form-data; name="files"; filename="`+f.name+`"`)
		hd.Set("Content-Type", "application/octet-stream")
		w, err := mw.CreatePart(hd)
		if err != nil {
			c.t.Fatal(err)
		}
		w.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+"/documents", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if asJSON {
		req.Header.Set("Accept", "application/json")
	}
	return c.do(req)
}

// errorMessage is the message of a JSON error body.
func errorMessage(t *testing.T, body string) string {
	t.Helper()
	var b errorBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatalf("not a JSON error: %v: %s", err, body)
	}
	return b.Error.Message
}
