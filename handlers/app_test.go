package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tutor/finetune"
	"tutor/internal/jobs"
	"tutor/rag"
	"tutor/store"
)

// app is the web app on a test server with a fresh workspace and a running job runner.
type app struct {
	t      *testing.T
	Store  *store.Store
	Jobs   *jobs.Runner
	H      *Handler
	Server *httptest.Server
}

// newApp starts the app; users are created before the handler, so access control sees them.
func newApp(t *testing.T, opts Options, users map[string]store.Role) *app {
	t.Helper()
	return newAppWithIndex(t, opts, users, rag.Config{})
}

// newAppWithIndex is newApp with the document index configured by cfg.
func newAppWithIndex(t *testing.T, opts Options, users map[string]store.Role, cfg rag.Config) *app {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.SetPasswordCost(4)
	for name, role := range users {
		if _, err := s.CreateUser(ctx, name, role, name+"-password"); err != nil {
			t.Fatal(err)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := jobs.New(s, log, 0)
	r.Register(jobs.DemoKind, jobs.Demo())
	ix, err := rag.Open(ctx, s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.Register(IndexJobKind, IndexJob(ix))
	r.Register(finetune.JobKind, finetune.Job(s))
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if opts.SessionSecret == nil {
		opts.SessionSecret = []byte("0123456789abcdef0123456789abcdef")
	}
	h, err := New(ctx, s, r, log, opts)
	if err != nil {
		t.Fatal(err)
	}
	h.RAG = ix
	srv := httptest.NewServer(h.Echo())
	t.Cleanup(func() {
		h.StopStreams()
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.Shutdown(ctx)
		s.Close()
	})
	return &app{t: t, Store: s, Jobs: r, H: h, Server: srv}
}

// browser is a client with a cookie jar that does not follow redirects, like a test's view of a browser.
type browser struct {
	t    *testing.T
	app  *app
	c    *http.Client
	csrf string // the token from the last page fetched
	lang string // Accept-Language to send
}

func (a *app) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: a.t, app: a, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

type response struct {
	Status int
	Header http.Header
	Body   string
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
	return response{resp.StatusCode, resp.Header, string(body)}
}

func (b *browser) get(path string) response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.app.Server.URL+path, nil)
	return b.do(req)
}

// post sends a form with the last page's CSRF token unless form sets _csrf itself.
func (b *browser) post(path string, form url.Values) response {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["_csrf"]; !set {
		form.Set("_csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.app.Server.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// login signs in as name with the password newApp gave it.
func (b *browser) login(name string) {
	b.t.Helper()
	b.get("/login")
	r := b.post("/login", url.Values{"name": {name}, "password": {name + "-password"}})
	if r.Status != http.StatusSeeOther {
		b.t.Fatalf("sign-in as %s: %d %s", name, r.Status, r.Body)
	}
}
