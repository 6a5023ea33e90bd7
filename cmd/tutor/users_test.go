package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Users added on the command line turn sign-in on at the next start; an API key printed once
// authenticates the API.
func TestUsersCommandTurnsSignInOn(t *testing.T) {
	cfg := testConfig(t)
	users := func(stdin string, args ...string) (int, string) {
		var out bytes.Buffer
		code := run(context.Background(), append([]string{"users", "-data", cfg.Data}, args...), strings.NewReader(stdin), &out, io.Discard, func(string) string { return "" })
		return code, out.String()
	}
	if code, out := users("long enough password\n", "add", "mia", "manager"); code != 0 || !strings.Contains(out, "user mia (manager) added") {
		t.Fatalf("add: %d %q", code, out)
	}
	if code, _ := users("short\n", "add", "bo", "trainer"); code != 2 {
		t.Errorf("short password: exit %d, want 2", code)
	}
	if code, _ := users("long enough password\n", "add", "bo", "boss"); code != 2 {
		t.Errorf("unknown role: exit %d, want 2", code)
	}
	code, out := users("", "key", "ci", "engineer")
	key, _, _ := strings.Cut(out, "\n")
	if code != 0 || !strings.HasPrefix(key, "tutor_") {
		t.Fatalf("key: %d %q", code, out)
	}
	if code, out := users("", "list"); code != 0 || !strings.Contains(out, "mia") || !strings.Contains(out, "manager") {
		t.Errorf("list: %d %q", code, out)
	}

	m, _ := startMain(t, cfg)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(m.URL() + "/jobs")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("signed-out page with users: %d to %q, want the sign-in page", resp.StatusCode, resp.Header.Get("Location"))
	}
	req, _ := http.NewRequest(http.MethodGet, m.URL()+"/api/jobs", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("API with the key: %d", resp.StatusCode)
	}
	// The manager signs in with the password from the command line.
	resp, _ = noRedirect.Get(m.URL() + "/login")
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := csrfToken(page)
	form := url.Values{"_csrf": {token}, "name": {"mia"}, "password": {"long enough password"}}
	req, _ = http.NewRequest(http.MethodPost, m.URL()+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	resp, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in with the added user: %d", resp.StatusCode)
	}
}

func csrfToken(page []byte) string {
	_, rest, ok := bytes.Cut(page, []byte(`name="_csrf" value="`))
	if !ok {
		return ""
	}
	tok, _, _ := bytes.Cut(rest, []byte(`"`))
	return string(tok)
}
