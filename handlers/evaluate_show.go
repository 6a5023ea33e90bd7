package handlers

import (
	"net/http"
	"os"
	"path/filepath"
	"sort"

	"github.com/labstack/echo/v4"

	"tutor/eval"
	"tutor/rag"
	"tutor/store"
	"tutor/web/evaluate"
)

// evaluateShow is the Evaluate page: the form that starts a run, the runs so far, the jobs.
func (h *Handler) evaluateShow(c echo.Context) error {
	return h.renderEvaluate(c, http.StatusOK, h.evalForm())
}

func (h *Handler) renderEvaluate(c echo.Context, status int, f evaluate.Form) error {
	js, err := h.Store.Jobs(ctx(c), store.JobFilter{Kind: EvalJobKind})
	if err != nil {
		return err
	}
	runs, err := eval.NewDB(h.Store.DB()).Runs(ctx(c), 50)
	if err != nil {
		return err
	}
	p := evaluate.Page{Form: f, CanStart: h.can(c, ActRunJobs), Jobs: h.jobViews(c, js)}
	for _, r := range runs {
		p.Runs = append(p.Runs, runView(r))
	}
	return render(c, status, evaluate.View(p))
}

// evalForm is the start form with its defaults: the demo suite, base and base+rag, the first
// model file of the workspace.
func (h *Handler) evalForm() evaluate.Form {
	return evaluate.Form{Suite: eval.DemoSuite, Suites: []string{eval.DemoSuite},
		Presets: []string{"base", "base+rag", "tuned", "tuned+rag"}, Variants: []string{"base", "base+rag"},
		Model: h.firstModelFile(), MaxTokens: 256, Passages: rag.PromptPassages}
}

// firstModelFile is the first GGUF file in the workspace's models folder, or "".
func (h *Handler) firstModelFile() string {
	files, _ := filepath.Glob(filepath.Join(h.Store.Path("models"), "*.gguf"))
	sort.Strings(files)
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() {
			return f
		}
	}
	return ""
}

func runView(r *eval.RunInfo) evaluate.Run {
	return evaluate.Run{ID: r.ID, Suite: r.Suite.Name, Variants: r.Variants, State: r.State, Created: r.Created, Items: len(r.Suite.Items)}
}
