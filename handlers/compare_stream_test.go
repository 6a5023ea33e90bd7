package handlers

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tutor/llm"
	"tutor/llm/builtin"
	"tutor/model/testmodel"
)

// sseEvent is one server-sent event.
type sseEvent struct{ name, data string }

func parseSSE(body string) []sseEvent {
	var out []sseEvent
	for _, block := range strings.Split(body, "\n\n") {
		var ev sseEvent
		var data []string
		for _, line := range strings.Split(block, "\n") {
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				ev.name = v
			} else if v, ok := strings.CutPrefix(line, "data: "); ok {
				data = append(data, v)
			}
		}
		if ev.name != "" {
			ev.data = strings.Join(data, "\n")
			out = append(out, ev)
		}
	}
	return out
}

// withTinyModels puts a tiny generated model in the catalog as "tiny" and, with a LoRA
// adapter, as "tiny:tuned-a1", both run by the built-in engine.
func (a *app) withTinyModels() {
	a.t.Helper()
	b := builtin.New(builtin.Options{})
	o := testmodel.Options{Arch: "qwen2", Seed: 3}
	path := filepath.Join(a.t.TempDir(), "tiny.gguf")
	if err := testmodel.Write(path, o); err != nil {
		a.t.Fatal(err)
	}
	if err := b.AddModel("tiny", path); err != nil {
		a.t.Fatal(err)
	}
	if err := b.AddAdapter("a1", testmodel.Adapter(o, 4, 1)); err != nil {
		a.t.Fatal(err)
	}
	a.H.Catalog.Set(llm.Entry{Name: "tiny", Generator: b, Model: "tiny"})
	a.H.Catalog.Set(llm.Entry{Name: "tiny:tuned-a1", Generator: b, Model: "tiny", Adapter: "a1"})
}

var (
	sseConnectRE = regexp.MustCompile(`sse-connect="([^"]+)"`)
	answerRE     = regexp.MustCompile(`(?s)<div class="answer" data-testid="answer" data-done="true">(.*?)</div>`)
)

func TestCompareEmptyStates(t *testing.T) {
	a := newApp(t, Options{}, nil)
	// An embedding model is in the catalog but answers nothing.
	a.H.Catalog.Set(llm.Entry{Name: "minilm", Generator: builtin.New(builtin.Options{}), Model: "minilm", Info: llm.ModelInfo{Architecture: "bert"}})
	c := a.signedIn("")
	page := c.get("/compare?q=hello").Body
	if !strings.Contains(page, `data-testid="compare-no-model"`) || strings.Contains(page, "sse-connect") {
		t.Fatalf("no model: the page does not say so honestly:\n%s", page)
	}
	a.withTinyModels()
	page = c.get("/compare?q=hello").Body
	if !strings.Contains(page, `data-testid="compare-no-documents"`) {
		t.Error("no documents: no notice")
	}
	m := sseConnectRE.FindAllStringSubmatch(page, -1)
	if len(m) != 4 {
		t.Fatalf("%d columns, want base, base+RAG, tuned, tuned+RAG", len(m))
	}
	evs := parseSSE(c.get(html.UnescapeString(m[1][1])).Body)
	if len(evs) == 0 || evs[0].name != "passages" || !strings.Contains(evs[0].data, `data-testid="passages-none"`) {
		t.Errorf("RAG column without documents: %v", evs)
	}
	if r := c.get("/compare?model=nope"); r.Status != http.StatusNotFound {
		t.Errorf("unknown model: status %d", r.Status)
	}
	if r := c.get("/compare?q=" + strings.Repeat("x", maxQuestionBytes+1)); r.Status != http.StatusBadRequest {
		t.Errorf("long question: status %d", r.Status)
	}
}

func TestCompareStreamsColumnsAndVotes(t *testing.T) {
	a := newApp(t, Options{}, docUsers)
	a.withTinyModels()
	trainer, manager := a.signedIn("tara"), a.signedIn("mia")
	trainer.upload(true, file{"okr.md", []byte(okrDoc)})
	a.waitIndexed()

	q := "Who writes the objectives on the nine-grid board?"
	page := manager.get("/compare?q=" + url.QueryEscape(q)).Body
	if !strings.Contains(page, `<option value="tiny:tuned-a1" selected>`) {
		t.Error("the tuned model of the base is not preselected")
	}
	urls := sseConnectRE.FindAllStringSubmatch(page, -1)
	if len(urls) != 4 {
		t.Fatalf("%d columns, want 4", len(urls))
	}
	answers := map[string]string{}
	for _, m := range urls {
		u, _ := url.Parse(html.UnescapeString(m[1]))
		slot, rag := u.Query().Get("slot"), u.Query().Get("rag") == "1"
		r := manager.get(u.String())
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("%s: status %d, %s", slot, r.Status, r.Header.Get("Content-Type"))
		}
		evs := parseSSE(r.Body)
		var tokens strings.Builder
		for _, ev := range evs {
			if ev.name == "token" {
				tokens.WriteString(html.UnescapeString(ev.data))
			}
		}
		last := evs[len(evs)-1]
		if last.name != "done" || strings.Contains(last.data, "column-error") {
			t.Fatalf("%s: last event %s: %s", slot, last.name, last.data)
		}
		if tokens.Len() == 0 {
			t.Errorf("%s: no token events", slot)
		}
		for _, id := range []string{"metric-ttft", "metric-total", "metric-rate"} {
			if !strings.Contains(last.data, id) {
				t.Errorf("%s: done lacks %s", slot, id)
			}
		}
		if strings.Contains(last.data, `data-testid="metric-ttft">–`) {
			t.Errorf("%s: time to first token not measured", slot)
		}
		if rag != (evs[0].name == "passages") {
			t.Errorf("%s: first event %s", slot, evs[0].name)
		}
		if rag && (!strings.Contains(evs[0].data, "Zhang Wei") || !strings.Contains(evs[0].data, `id="`+slot+`-p-1"`)) {
			t.Errorf("%s: passages lack the document's passage:\n%s", slot, evs[0].data)
		}
		a := answerRE.FindStringSubmatch(last.data)
		if a == nil {
			t.Fatalf("%s: no answer in %s", slot, last.data)
		}
		answers[slot] = strings.TrimSpace(html.UnescapeString(a[1]))
		if answers[slot] != strings.TrimSpace(tokens.String()) {
			t.Errorf("%s: answer %q differs from the streamed tokens %q", slot, answers[slot], tokens.String())
		}
	}
	if answers["base"] == answers["tuned"] {
		t.Errorf("the adapter does not change the answer: %q", answers["base"])
	}

	vote := url.Values{"q": {q}, "best": {"base-rag"}, "variant.base": {"tiny:latest"}, "variant.base-rag": {"tiny:latest+rag"},
		"variant.tuned": {"tiny:tuned-a1"}, "answer.base": {answers["base"]}, "answer.base-rag": {answers["base-rag"]}}
	if r := manager.post("/compare/votes", vote); r.Status != http.StatusSeeOther {
		t.Fatalf("vote: status %d", r.Status)
	}
	vote.Set("best", "tie")
	if r := manager.post("/compare/votes", vote); r.Status != http.StatusSeeOther {
		t.Fatalf("tie vote: status %d", r.Status)
	}
	vs, _ := a.Store.Votes(context.Background(), 0)
	if len(vs) != 5 {
		t.Fatalf("%d votes stored, want 2 wins and 3 tied pairs", len(vs))
	}
	won := 0
	for _, v := range vs {
		if v.Choice == "left" && v.LeftVariant == "tiny:latest+rag" && v.Voter == "mia" && v.Question == q {
			won++
			if v.RightVariant == "tiny:latest" && v.RightAnswer != answers["base"] {
				t.Errorf("stored answer %q, want %q", v.RightAnswer, answers["base"])
			}
		}
	}
	if won != 2 {
		t.Errorf("%d wins for base+RAG, want 2: %+v", won, vs)
	}
	page = manager.get("/compare").Body
	if !strings.Contains(page, `data-testid="votes-table"`) || !strings.Contains(page, "tiny:latest+rag") {
		t.Error("the tallies do not show the votes")
	}

	for _, bad := range []url.Values{
		{"q": {q}, "best": {"tuned-rag"}, "variant.base": {"tiny:latest"}, "variant.base-rag": {"tiny:latest+rag"}},
		{"q": {q}, "best": {"base"}, "variant.base": {"tiny:latest"}},
		{"best": {"base"}, "variant.base": {"tiny:latest"}, "variant.base-rag": {"tiny:latest+rag"}},
	} {
		if r := manager.post("/compare/votes", bad); r.Status != http.StatusBadRequest {
			t.Errorf("vote %v: status %d, want 400", bad, r.Status)
		}
	}
	if vs, _ := a.Store.Votes(context.Background(), 0); len(vs) != 5 {
		t.Errorf("refused votes were stored: %d", len(vs))
	}
}

func TestCompareStreamFailures(t *testing.T) {
	a := newApp(t, Options{}, docUsers)
	a.withTinyModels()
	c := a.signedIn("mia")
	evs := parseSSE(c.get("/compare/stream?" + url.Values{"q": {"hi"}, "model": {"gone"}, "slot": {"base"}}.Encode()).Body)
	if len(evs) != 1 || evs[0].name != "done" || !strings.Contains(evs[0].data, `data-testid="column-error"`) ||
		!strings.Contains(evs[0].data, "not found") {
		t.Errorf("unknown model: %v", evs)
	}
	if r := c.get("/compare/stream?slot=base&model=tiny"); r.Status != http.StatusBadRequest {
		t.Errorf("no question: status %d", r.Status)
	}
	if r := c.get("/compare/stream?q=hi&model=tiny&slot=other"); r.Status != http.StatusBadRequest {
		t.Errorf("bad slot: status %d", r.Status)
	}
	if r := a.signedIn("").get("/compare/stream?q=hi&model=tiny&slot=base"); r.Status == http.StatusOK {
		t.Error("a signed-out caller may stream")
	}
}
