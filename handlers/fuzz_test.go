package handlers

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"tutor/web/i18n"
)

// FuzzLocalPath: whatever a form sends as "next", the redirect stays on this site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/jobs?x=1", "//evil.example", "/\\evil", "https://evil.example/", "/%2F%2Fevil", "javascript:alert(1)", "/a/../../b", " /x", "/\t/evil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := localPath(next)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") {
			t.Fatalf("localPath(%q) = %q", next, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("localPath(%q) = %q leaves the site", next, got)
		}
		// What a browser would resolve it to against this site keeps the host.
		base, _ := url.Parse("http://tutor.local/page")
		if r := base.ResolveReference(u); r.Host != "tutor.local" {
			t.Fatalf("localPath(%q) = %q resolves to host %q", next, got, r.Host)
		}
	})
}

// FuzzAcceptLanguage: any header yields a supported language.
func FuzzAcceptLanguage(f *testing.F) {
	for _, s := range []string{"", "zh-CN,zh;q=0.9", "en;q=0.1, zh;q=0.2", "*", "xx-YY;q=abc", strings.Repeat("zh,", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		if got := i18n.FromAcceptLanguage(header); !slices.Contains(i18n.Supported, got) {
			t.Fatalf("FromAcceptLanguage(%q) = %q", header, got)
		}
	})
}

// FuzzSessionCookie: a cookie not signed with the server's secret never signs anyone in.
func FuzzSessionCookie(f *testing.F) {
	h := &Handler{auth: authUsers, Opts: Options{SessionSecret: []byte("0123456789abcdef0123456789abcdef")}}
	signer := &Handler{auth: authUsers, Opts: Options{SessionSecret: []byte("another secret, not the server's")}}
	e := echo.New()
	rec := httptest.NewRecorder()
	signer.writeSession(e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec), "eve", "admin")
	forged := rec.Result().Cookies()[0].Value
	// The server's own signature does sign in, so the property below is not vacuous.
	rec = httptest.NewRecorder()
	h.writeSession(e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec), "ann", "trainer")
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(rec.Result().Cookies()[0])
	if p := h.readSession(e.NewContext(req, httptest.NewRecorder())); p == nil || p.Name != "ann" {
		f.Fatalf("a genuine session cookie was refused: %+v", p)
	}
	for _, s := range []string{"", ".", forged, "eyJuIjoiZXZlIiwiciI6ImFkbWluIiwiZSI6OTk5OTk5OTk5OX0.", "a.b.c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: value})
		if p := h.readSession(e.NewContext(req, httptest.NewRecorder())); p != nil {
			t.Fatalf("cookie %q signed in %+v", value, p)
		}
	})
}
