package handlers

import (
	"bufio"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tutor/web"
	"tutor/web/components"
	"tutor/web/i18n"
)

// Every page renders in both languages, marks its navigation entry and offers the language switch.
func TestEveryPageRendersInBothLanguages(t *testing.T) {
	a := newApp(t, Options{}, nil)
	for _, lang := range []string{"en", "zh-CN,zh;q=0.9"} {
		b := a.browser()
		b.lang = lang
		want := i18n.FromAcceptLanguage(lang)
		for _, item := range append([]components.NavItem{{Path: "/"}}, components.Nav...) {
			r := b.get(item.Path)
			if r.Status != http.StatusOK {
				t.Errorf("%s (%s): %d", item.Path, lang, r.Status)
				continue
			}
			for _, n := range components.Nav {
				if label := i18n.Translate(want, n.Label); !strings.Contains(r.Body, ">"+label+"</a>") {
					t.Errorf("%s (%s): navigation lacks %q", item.Path, lang, label)
				}
			}
			if item.TestID != "" && !strings.Contains(r.Body, `data-testid="`+item.TestID+`" aria-current="page"`) {
				t.Errorf("%s: its navigation entry is not marked current", item.Path)
			}
			if !strings.Contains(r.Body, `data-testid="lang-switch"`) || !strings.Contains(r.Body, `name="viewport"`) {
				t.Errorf("%s: no language switch or viewport", item.Path)
			}
		}
	}
}

func TestLanguageFromAcceptLanguageThenRemembered(t *testing.T) {
	a := newApp(t, Options{}, nil)
	b := a.browser()
	for _, tc := range []struct{ accept, html, nav string }{
		{"", `<html lang="en">`, ">Documents</a>"},
		{"de-DE,de;q=0.9", `<html lang="en">`, ">Documents</a>"},
		{"zh-CN,zh;q=0.9,en;q=0.8", `<html lang="zh-CN">`, ">文档</a>"},
		{"zh-TW", `<html lang="zh-CN">`, ">文档</a>"},
		{"en-GB,zh;q=0.5", `<html lang="en">`, ">Documents</a>"},
	} {
		b.lang = tc.accept
		if r := b.get("/documents"); !strings.Contains(r.Body, tc.html) || !strings.Contains(r.Body, tc.nav) {
			t.Errorf("Accept-Language %q: want %s and %s", tc.accept, tc.html, tc.nav)
		}
	}
	// An English browser switches to Chinese; the choice outlives the page and the browser's wish.
	b.lang = "en-US"
	b.get("/jobs")
	r := b.post("/lang", url.Values{"lang": {"zh"}, "next": {"/jobs?page=2"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/jobs?page=2" {
		t.Fatalf("switch: %d to %q, want back to the page", r.Status, r.Header.Get("Location"))
	}
	if r := b.get("/documents"); !strings.Contains(r.Body, `<html lang="zh-CN">`) || !strings.Contains(r.Body, `aria-pressed="true" data-testid="lang-zh"`) {
		t.Error("the chosen language was not remembered")
	}
	b.post("/lang", url.Values{"lang": {"en"}, "next": {"https://evil.example/"}})
	if r := b.get("/"); !strings.Contains(r.Body, `<html lang="en">`) {
		t.Error("switching back to English did not stick")
	}
	if r := b.post("/lang", url.Values{"lang": {"fr"}}); r.Status != http.StatusBadRequest {
		t.Errorf("unknown language: %d, want 400", r.Status)
	}
	if r := b.post("/lang", url.Values{"lang": {"zh"}, "next": {"//evil.example/x"}}); r.Header.Get("Location") != "/" {
		t.Errorf("switch with a foreign next went to %q", r.Header.Get("Location"))
	}
}

func TestErrorsByAccept(t *testing.T) {
	a := newApp(t, Options{}, nil)
	b := a.browser()
	r := b.get("/no-such-page")
	if r.Status != http.StatusNotFound || !strings.Contains(r.Body, `data-testid="error"`) {
		t.Errorf("missing page: %d, want the 404 page", r.Status)
	}
	req, _ := http.NewRequest(http.MethodGet, a.Server.URL+"/jobs/424242", nil)
	req.Header.Set("Accept", "application/json")
	r = b.do(req)
	if r.Status != http.StatusNotFound || !strings.Contains(r.Body, `"code":"not_found"`) || !strings.Contains(r.Body, "job 424242 not found") {
		t.Errorf("missing job as JSON: %d %s", r.Status, r.Body)
	}
	b.get("/jobs")
	if r := b.post("/jobs/demo", url.Values{"steps": {"many"}}); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "steps must be") {
		t.Errorf("bad form field: %d, want 400 naming the field", r.Status)
	}
}

// The self-test job started from the Jobs page streams its progress over SSE to a final done event.
func TestJobEventsStreamToTheEnd(t *testing.T) {
	a := newApp(t, Options{}, nil)
	b := a.browser()
	b.get("/jobs")
	r := b.post("/jobs/demo", url.Values{"steps": {"6"}, "step_ms": {"20"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/jobs/") {
		t.Fatalf("start: %d %q", r.Status, r.Header.Get("Location"))
	}
	page := b.get(r.Header.Get("Location"))
	if !strings.Contains(page.Body, `sse-connect="`) && !strings.Contains(page.Body, `data-state="succeeded"`) {
		t.Errorf("the job page neither follows the job nor shows it done:\n%s", page.Body)
	}
	resp, err := http.Get(a.Server.URL + r.Header.Get("Location") + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for name, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	events := map[string]int{}
	var last string
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events[ev]++
			}
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				last += data
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the stream did not end with the job")
	}
	if events["done"] != 1 {
		t.Errorf("events %v: want exactly one done", events)
	}
	if !strings.Contains(last, `data-state="succeeded"`) || !strings.Contains(last, "reached step 6") {
		t.Errorf("the stream did not carry the finished job and its log (events %v)", events)
	}
}

// Static files are embedded, served at content-hashed URLs and cached for good; an old hash finds nothing.
func TestStaticAssetsAreHashedAndCached(t *testing.T) {
	a := newApp(t, Options{}, nil)
	b := a.browser()
	page := b.get("/").Body
	for _, name := range []string{"app.css", "htmx.min.js", "htmx-ext-sse.min.js"} {
		u := web.AssetURL(name)
		if !strings.Contains(page, `"`+u+`"`) {
			t.Errorf("the page does not link %s at %s", name, u)
		}
		r := b.get(u)
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") || len(r.Body) == 0 {
			t.Errorf("%s: %d, Cache-Control %q, %d bytes", u, r.Status, r.Header.Get("Cache-Control"), len(r.Body))
		}
		stale := strings.Replace(u, ".", ".0", 1)
		if r := b.get(stale); r.Status != http.StatusNotFound {
			t.Errorf("stale URL %s: %d, want 404", stale, r.Status)
		}
	}
	if strings.Contains(page, `src="http`) || strings.Contains(page, `href="http`) {
		t.Error("the page loads a file from another site")
	}
}
