package handlers

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tutor/store"
)

func TestCSRFRejectsFormsWithoutTheToken(t *testing.T) {
	a := newApp(t, Options{}, nil)
	b := a.browser()
	b.get("/jobs")
	if b.csrf == "" {
		t.Fatal("the Jobs page carries no CSRF token")
	}
	for _, tc := range []struct {
		name  string
		token []string
		want  int
	}{
		{"no token", nil, http.StatusForbidden},
		{"empty token", []string{""}, http.StatusForbidden},
		{"wrong token", []string{"forged-" + b.csrf}, http.StatusForbidden},
		{"the page's token", []string{b.csrf}, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"steps": {"1"}, "step_ms": {"0"}}
			if tc.token != nil {
				form["_csrf"] = tc.token
			} else {
				req, _ := http.NewRequest(http.MethodPost, a.Server.URL+"/jobs/demo", strings.NewReader("steps=1"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if r := b.do(req); r.Status != tc.want {
					t.Fatalf("status %d, want %d", r.Status, tc.want)
				}
				return
			}
			r := b.post("/jobs/demo", form)
			if r.Status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.want, r.Body)
			}
			if tc.want == http.StatusForbidden && !strings.Contains(r.Body, "security token") {
				t.Errorf("the 403 page does not say why:\n%s", r.Body)
			}
		})
	}
	// Only the accepted post created a job.
	if js, _ := a.Store.Jobs(t.Context(), store.JobFilter{}); len(js) != 1 {
		t.Errorf("%d jobs created, want 1", len(js))
	}
	// Another browser's token is not this browser's.
	other := a.browser()
	if r := other.post("/lang", url.Values{"lang": {"zh"}, "_csrf": {b.csrf}}); r.Status != http.StatusForbidden {
		t.Errorf("another session's token: %d, want 403", r.Status)
	}
}

// pathOf fills a route pattern's parameters with 1.
func pathOf(pattern string) string {
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "1"
		}
	}
	return strings.Join(parts, "/")
}

// Managers compare and vote but cannot train, delete documents or run jobs: every route that
// needs those actions answers 403 to a manager and lets a trainer through.
func TestRolesManagerCannotTrainOrDelete(t *testing.T) {
	for _, a := range []Action{ActTrain, ActDeleteDocuments, ActUpload, ActRunJobs, ActAdmin} {
		if Allowed(string(store.RoleManager), a) {
			t.Errorf("a manager may %s", a)
		}
	}
	for _, a := range []Action{ActTrain, ActDeleteDocuments} {
		if !Allowed(string(store.RoleTrainer), a) || Allowed(string(store.RoleEngineer), a) {
			t.Errorf("%s: trainer %v, engineer %v; want only the trainer", a, Allowed("trainer", a), Allowed("engineer", a))
		}
	}

	a := newApp(t, Options{}, map[string]store.Role{"mia": store.RoleManager, "tom": store.RoleTrainer})
	manager, trainer := a.browser(), a.browser()
	manager.login("mia")
	trainer.login("tom")
	checked := 0
	for _, r := range a.H.routeTable() {
		if r.action != ActTrain && r.action != ActDeleteDocuments && r.action != ActRunJobs {
			continue
		}
		checked++
		for _, who := range []*browser{manager, trainer} {
			who.get("/")
			req, _ := http.NewRequest(r.method, a.Server.URL+pathOf(r.path), strings.NewReader(url.Values{"_csrf": {who.csrf}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-CSRF-Token", who.csrf)
			got := who.do(req).Status
			if who == manager && got != http.StatusForbidden {
				t.Errorf("manager: %s %s = %d, want 403", r.method, r.path, got)
			}
			if who == trainer && (got == http.StatusForbidden || got == http.StatusUnauthorized) {
				t.Errorf("trainer: %s %s = %d, want it allowed", r.method, r.path, got)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no route needs training, deletion or running jobs")
	}
	// The pages offer a manager no button the role may not press.
	if r := manager.get("/jobs"); strings.Contains(r.Body, `data-testid="demo-form"`) {
		t.Error("the Jobs page offers a manager the self-test job")
	}
	if r := trainer.get("/jobs"); !strings.Contains(r.Body, `data-testid="demo-form"`) {
		t.Error("the Jobs page hides the self-test job from a trainer")
	}
}

func TestSignedOutVisitors(t *testing.T) {
	a := newApp(t, Options{}, map[string]store.Role{"mia": store.RoleManager})
	b := a.browser()
	r := b.get("/documents?x=1")
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login?next=%2Fdocuments%3Fx%3D1" {
		t.Errorf("signed-out page view: %d to %q, want 303 to the sign-in page", r.Status, r.Header.Get("Location"))
	}
	b.get("/login")
	if r := b.post("/jobs/demo", nil); r.Status != http.StatusUnauthorized {
		t.Errorf("signed-out post: %d, want 401", r.Status)
	}
	if r := b.post("/login", url.Values{"name": {"mia"}, "password": {"wrong password"}}); r.Status != http.StatusUnauthorized ||
		!strings.Contains(r.Body, `data-testid="login-failed"`) || !strings.Contains(r.Body, `value="mia"`) {
		t.Errorf("wrong password: %d, want 401 with the form again keeping the name", r.Status)
	}
	if r := b.get("/healthz"); r.Status != http.StatusOK {
		t.Errorf("health check signed out: %d", r.Status)
	}
}

func TestSharedToken(t *testing.T) {
	a := newApp(t, Options{Token: "s3cret-token"}, nil)
	b := a.browser()
	if r := b.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("without the token: %d, want a redirect to sign in", r.Status)
	}
	b.get("/login")
	if r := b.post("/login", url.Values{"token": {"guess"}}); r.Status != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", r.Status)
	}
	if r := b.post("/login", url.Values{"token": {"s3cret-token"}, "next": {"/jobs"}}); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/jobs" {
		t.Fatalf("right token: %d to %q", r.Status, r.Header.Get("Location"))
	}
	if r := b.get("/jobs"); r.Status != http.StatusOK {
		t.Errorf("signed in with the token: %d", r.Status)
	}
	req, _ := http.NewRequest(http.MethodGet, a.Server.URL+"/api/jobs", nil)
	req.Header.Set("Authorization", "Bearer s3cret-token")
	if r := a.browser().do(req); r.Status != http.StatusOK {
		t.Errorf("API with the bearer token: %d %s", r.Status, r.Body)
	}
	req.Header.Set("Authorization", "Bearer nope")
	if r := a.browser().do(req); r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, `"code"`) {
		t.Errorf("API with a wrong bearer token: %d %s", r.Status, r.Body)
	}
}

func TestOversizeRequestsGet413(t *testing.T) {
	a := newApp(t, Options{MaxBodyBytes: 256 << 10}, nil)
	b := a.browser()
	b.get("/")
	big := url.Values{"_csrf": {b.csrf}, "lang": {"zh"}, "pad": {strings.Repeat("x", smallForm)}}.Encode()

	// Content-Length over the form's limit: refused before reading.
	if r := b.post("/lang", url.Values{"lang": {"zh"}, "pad": {strings.Repeat("x", smallForm)}}); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("large form: %d, want 413", r.Status)
	}
	// No Content-Length (chunked): refused while reading, still 413 rather than a CSRF failure.
	req, _ := http.NewRequest(http.MethodPost, a.Server.URL+"/lang", io.MultiReader(strings.NewReader(big)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.ContentLength = -1
	if r := b.do(req); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("large chunked form: %d, want 413: %s", r.Status, r.Body)
	}
	// The same bytes under the app-wide limit are fine on a route without a small limit, and
	// over it on the API: 413 in the API's JSON.
	req, _ = http.NewRequest(http.MethodPost, a.Server.URL+"/api/chat", bytes.NewReader(bytes.Repeat([]byte(" "), 300<<10)))
	req.Header.Set("Content-Type", "application/json")
	if r := b.do(req); r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, `"error"`) {
		t.Errorf("large API request: %d %s, want 413 as JSON", r.Status, r.Body)
	}
	// A form of normal size still works.
	if r := b.post("/lang", url.Values{"lang": {"zh"}}); r.Status != http.StatusSeeOther {
		t.Errorf("small form: %d", r.Status)
	}
}

func TestSecurityHeaders(t *testing.T) {
	a := newApp(t, Options{}, nil)
	b := a.browser()
	for _, path := range []string{"/", "/jobs", "/no-such-page", "/api/jobs"} {
		r := b.get(path)
		for name, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'; script-src 'self';",
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "same-origin",
		} {
			if got := r.Header.Get(name); !strings.Contains(got, want) {
				t.Errorf("%s: %s = %q, want %q", path, name, got, want)
			}
		}
	}
	if r := b.get("/"); !strings.Contains(r.Header.Get("Set-Cookie"), "HttpOnly") || !strings.Contains(r.Header.Get("Set-Cookie"), "SameSite=Strict") {
		t.Errorf("CSRF cookie %q", r.Header.Get("Set-Cookie"))
	}
	req, _ := http.NewRequest(http.MethodGet, a.Server.URL+"/api/jobs", nil)
	req.Header.Set("Origin", "https://evil.example")
	if r := b.do(req); r.Status != http.StatusForbidden {
		t.Errorf("cross-site API call: %d, want 403", r.Status)
	}
}
