package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tutor/internal/jobs"
	"tutor/store"
)

// startCLI runs this test binary as `tutor args...` in its own process.
func startCLI(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asCLI+"=1")
	out := newSyncBuffer()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, out
}

func waitUntil(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A `tutor jobs demo` process killed with SIGKILL mid-job leaves the job running in the
// workspace; the next start finds it, marks it interrupted, resumes it from its last checkpoint
// and finishes it.
func TestJobKilledWithSIGKILLResumesAfterRestart(t *testing.T) {
	dir := t.TempDir()
	cmd, out := startCLI(t, "jobs", "-data", dir, "-steps", "40", "-step-ms", "50", "demo")

	ctx := context.Background()
	var s *store.Store
	waitUntil(t, "the CLI to queue its job", time.Minute, func() bool { return strings.Contains(out.String(), "job 1 (demo) queued") })
	s, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	waitUntil(t, "five steps", time.Minute, func() bool { j, err := s.Job(ctx, 1); return err == nil && j.Step >= 5 })
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no chance to checkpoint or record anything
		t.Fatal(err)
	}
	cmd.Wait()
	killed, _ := s.Job(ctx, 1)
	if killed.State != store.JobRunning || killed.Step >= 40 {
		t.Fatalf("after kill -9 the job is %s at step %d; want it left running mid-way", killed.State, killed.Step)
	}
	if !regexp.MustCompile(`\[#+\.+\]\s+\d+% \d+/40`).MatchString(out.String()) {
		t.Errorf("the CLI drew no progress bar:\n%q", out.String())
	}

	cfg := testConfig(t)
	cfg.Data = dir
	m, logs := startMain(t, cfg)
	// `tutor jobs follow` watches the job the server now runs, from the store, to its end.
	code, followed, errOut := runCLI(t, nil, "jobs", "-data", dir, "follow", "1")
	if code != 0 || !strings.Contains(followed, "100% 40/40") || !strings.Contains(followed, "succeeded") {
		t.Errorf("tutor jobs follow: exit %d\n%s%s", code, followed, errOut)
	}
	final, err := m.Jobs.Follow(ctx, 1, io.Discard)
	if err != nil {
		t.Fatalf("resumed job: %+v %v\n%s", final, err, logs)
	}
	var res jobs.DemoResult
	json.Unmarshal(final.Result, &res)
	if final.Attempts != 2 || res.ResumedFrom < int(killed.Step) || res.ResumedFrom+res.RunSteps != 40 {
		t.Errorf("attempts %d, resumed from %d (killed at step %d), ran %d more", final.Attempts, res.ResumedFrom, killed.Step, res.RunSteps)
	}
	lines, _ := m.Store.JobLog(ctx, 1, 0, 0)
	var log strings.Builder
	for _, l := range lines {
		log.WriteString(l.Line + "\n")
	}
	for _, want := range []string{"interrupted: the server stopped while the job ran; queued to resume from its last checkpoint",
		"started again (attempt 2), resuming from step", "succeeded"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("job log lacks %q:\n%s", want, log.String())
		}
	}
	if !strings.Contains(logs.String(), "job interrupted") {
		t.Errorf("the server did not log the interrupted job:\n%s", logs)
	}
	// The CLI tells the same story.
	if code, out, errOut := runCLI(t, nil, "jobs", "-data", dir, "show", "1"); code != 0 || !strings.Contains(out, "succeeded") || !strings.Contains(out, "attempts 2") {
		t.Errorf("tutor jobs show: %d %s %s", code, out, errOut)
	}
}

// rawPost starts a form POST on its own connection and sends all but the last byte of the body.
func rawPost(t *testing.T, base, path, cookies string, form url.Values) (net.Conn, string) {
	t.Helper()
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	body := form.Encode()
	io.WriteString(conn, "POST "+path+" HTTP/1.1\r\nHost: "+u.Host+"\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Cookie: "+cookies+"\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body[:len(body)-1])
	return conn, body[len(body)-1:]
}

// Stopping lets a request in flight finish, refuses new ones, and interrupts running jobs
// after their checkpoint so they resume on the next start.
func TestGracefulShutdownFinishesInFlightRequest(t *testing.T) {
	cfg := testConfig(t)
	m, _ := startMain(t, cfg)
	ctx := context.Background()

	resp, err := http.Get(m.URL() + "/jobs")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(page)
	if token == nil {
		t.Fatal("no CSRF token on the Jobs page")
	}
	var cookies []string
	for _, c := range resp.Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	job, err := m.Jobs.Submit(ctx, jobs.DemoKind, "", jobs.DemoParams{Steps: 1000, StepMS: 20}, "")
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the job to run", time.Minute, func() bool { j, _ := m.Store.Job(ctx, job.ID); return j.Step > 0 })

	conn, rest := rawPost(t, m.URL(), "/lang", strings.Join(cookies, "; "), url.Values{"_csrf": {string(token[1])}, "lang": {"zh"}, "next": {"/jobs"}})
	defer conn.Close()
	time.Sleep(100 * time.Millisecond) // let the server start reading the request

	closed := make(chan error, 1)
	var once sync.Once
	go func() { closed <- m.Close() }()
	t.Cleanup(func() { once.Do(func() { <-closed }) })
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a request was in flight", err)
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := http.Get(m.URL() + "/healthz"); err == nil {
		t.Error("a new request was accepted while stopping")
	}
	io.WriteString(conn, rest)
	got, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the in-flight request got no response: %v", err)
	}
	lang := ""
	for _, c := range got.Cookies() {
		if c.Name == "tutor_lang" {
			lang = c.Value
		}
	}
	if got.StatusCode != http.StatusSeeOther || lang != "zh" {
		t.Errorf("in-flight request: %d, language cookie %q; want 303 remembering zh", got.StatusCode, lang)
	}
	conn.Close()
	once.Do(func() {
		select {
		case err := <-closed:
			if err != nil {
				t.Errorf("Close: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("Close did not return after the request finished")
		}
	})
	s, err := store.Open(ctx, cfg.Data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	j, _ := s.Job(ctx, job.ID)
	if j.State != store.JobInterrupted || len(j.Checkpoint) == 0 {
		t.Errorf("running job after shutdown: %s with checkpoint %s; want interrupted with one", j.State, j.Checkpoint)
	}
}
