package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"tutor/internal/testenv"
	"tutor/web/components"
	"tutor/web/i18n"
)

// browserProblems collects script exceptions and console or browser errors (a blocked script
// or style under the Content-Security-Policy, a missing file) while a test drives a page.
type browserProblems struct {
	mu   sync.Mutex
	list []string
}

func watchProblems(ctx context.Context) *browserProblems {
	p := &browserProblems{}
	chromedp.ListenTarget(ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			msg = "exception: " + ev.ExceptionDetails.Error()
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError {
				msg = "console.error"
				for _, a := range ev.Args {
					msg += " " + string(a.Value)
				}
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.LevelError {
				msg = fmt.Sprintf("%s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		}
		if msg != "" {
			p.mu.Lock()
			p.list = append(p.list, msg)
			p.mu.Unlock()
		}
	})
	return p
}

func (p *browserProblems) check(t *testing.T, where string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range p.list {
		t.Errorf("%s: browser reported %s", where, m)
	}
	p.list = nil
}

func sel(testID string) string { return `[data-testid="` + testID + `"]` }

// The browser smoke test: a real server, a real headless Chromium. It opens every page through
// the navigation, switches the language both ways, starts the self-test job and follows its
// progress over SSE to the end, then checks every page fits a phone's width.
func TestBrowserSmoke(t *testing.T) {
	ctx := testenv.Chromium(t)
	m, logs := startMain(t, testConfig(t))
	problems := watchProblems(ctx)
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v\nserver log:\n%s", what, err, logs)
		}
	}

	// Every page, reached by clicking its navigation entry.
	run("open the overview", chromedp.Navigate(m.URL()+"/"), chromedp.WaitVisible(sel("nav"), chromedp.ByQuery))
	for _, item := range components.Nav {
		var title, current string
		run("open "+item.Path,
			chromedp.Click(sel(item.TestID), chromedp.ByQuery),
			chromedp.WaitVisible(sel(item.TestID)+`[aria-current="page"]`, chromedp.ByQuery),
			chromedp.Text(sel("page-title"), &title, chromedp.ByQuery),
			chromedp.Text(sel(item.TestID), &current, chromedp.ByQuery))
		if want := i18n.Translate(i18n.English, item.Label); current != want || strings.TrimSpace(title) == "" {
			t.Errorf("%s: navigation entry %q (want %q), title %q", item.Path, current, want, title)
		}
		problems.check(t, item.Path)
	}

	// The language switch changes the text and is remembered on the next page.
	var before, after, nav string
	run("switch to Chinese",
		chromedp.Navigate(m.URL()+"/documents"),
		chromedp.Text(sel("page-title"), &before, chromedp.ByQuery),
		chromedp.Click(sel("lang-zh"), chromedp.ByQuery),
		chromedp.WaitVisible(`html[lang="zh-CN"] `+sel("page-title"), chromedp.ByQuery),
		chromedp.Text(sel("page-title"), &after, chromedp.ByQuery),
		chromedp.Navigate(m.URL()+"/jobs"),
		chromedp.WaitVisible(`html[lang="zh-CN"] `+sel("nav-jobs"), chromedp.ByQuery),
		chromedp.Text(sel("nav-documents"), &nav, chromedp.ByQuery))
	if before == after || after != i18n.Translate(i18n.Chinese, "nav.documents") || nav != "文档" {
		t.Errorf("switching to Chinese: title %q then %q, navigation %q", before, after, nav)
	}
	run("switch back to English",
		chromedp.Click(sel("lang-en"), chromedp.ByQuery),
		chromedp.WaitVisible(`html[lang="en"] `+sel("nav-jobs"), chromedp.ByQuery),
		chromedp.Text(sel("nav-documents"), &nav, chromedp.ByQuery))
	if nav != "Documents" {
		t.Errorf("after switching back: navigation %q", nav)
	}
	problems.check(t, "language switch")

	// The self-test job, followed live: the page must not reload, the status and log must arrive
	// over the SSE stream.
	var firstState, finalState, percent, logText string
	var stillSamePage bool
	run("start and follow the self-test job",
		chromedp.Navigate(m.URL()+"/jobs"),
		chromedp.SetValue(sel("demo-form")+` input[name="steps"]`, "8", chromedp.ByQuery),
		chromedp.Click(sel("demo-start"), chromedp.ByQuery),
		chromedp.WaitVisible(sel("job-live"), chromedp.ByQuery),
		chromedp.AttributeValue(sel("job-status"), "data-state", &firstState, nil, chromedp.ByQuery),
		chromedp.Evaluate(`window.tutorSamePage = true`, nil),
		chromedp.WaitVisible(sel("job-status")+`[data-state="succeeded"]`, chromedp.ByQuery),
		chromedp.AttributeValue(sel("job-status"), "data-state", &finalState, nil, chromedp.ByQuery),
		chromedp.Text(sel("job-percent"), &percent, chromedp.ByQuery),
		chromedp.Text(sel("job-log"), &logText, chromedp.ByQuery),
		chromedp.Evaluate(`window.tutorSamePage === true`, &stillSamePage))
	if firstState != "queued" && firstState != "running" {
		t.Errorf("the job page opened in state %q; the job had not run yet", firstState)
	}
	if !stillSamePage {
		t.Error("the page reloaded instead of following the job over SSE")
	}
	if finalState != "succeeded" || !strings.Contains(percent, "100") || !strings.Contains(logText, "reached step 8") || !strings.Contains(logText, "succeeded") {
		t.Errorf("finished job in the page: state %q, percent %q, log %q", finalState, percent, logText)
	}
	problems.check(t, "job page")

	// A phone: no page is wider than the screen.
	run("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	for _, path := range []string{"/", "/documents", "/compare", "/train", "/evaluate", "/models", "/jobs", "/jobs/1"} {
		var widths []int
		run("open "+path+" on a phone",
			chromedp.Navigate(m.URL()+path),
			chromedp.WaitVisible(sel("page-title"), chromedp.ByQuery),
			chromedp.Evaluate(`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`, &widths))
		if len(widths) != 2 || widths[0] > widths[1] {
			t.Errorf("%s on a phone: content %d px wide in a %d px screen", path, widths[0], widths[1])
		}
	}
	problems.check(t, "phone")
}
