package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/eval"
)

// evaluateStart checks the form, queues an evaluation job and goes to its live page; a
// refused form is shown again with the reason and what was entered.
func (h *Handler) evaluateStart(c echo.Context) error {
	f := h.evalForm()
	f.Suite, f.Other = c.FormValue("suite"), c.FormValue("other")
	f.Model, f.Adapter = strings.TrimSpace(c.FormValue("model")), strings.TrimSpace(c.FormValue("adapter"))
	form, _ := c.FormParams()
	f.Variants = form["variant"]
	req := eval.Request{Suite: f.Suite, Model: f.Model, Adapter: f.Adapter, Concurrency: 2,
		Variants: append(append([]string{}, f.Variants...), splitSpecs(f.Other)...)}
	err := func() error {
		var err error
		if f.MaxTokens, err = formInt(c, "max_tokens", f.MaxTokens, 1, 4096); err != nil {
			return err
		}
		if f.Passages, err = formInt(c, "passages", f.Passages, 1, 20); err != nil {
			return err
		}
		req.MaxTokens, req.Passages = f.MaxTokens, f.Passages
		if f.Suite != eval.DemoSuite {
			return tutor.Errorf(tutor.EINVALID, "unknown suite %q", f.Suite)
		}
		if err := eval.CheckSpecs(req); err != nil {
			return err
		}
		if eval.UsesRAG(req) && h.RAG != nil {
			// refused here, with the form, rather than on the job's page a moment later
			return indexReady(ctx(c), h.RAG)
		}
		return nil
	}()
	if err != nil {
		if tutor.ErrorCode(err) != tutor.EINVALID {
			return err
		}
		f.Error = tutor.ErrorMessage(err)
		return h.renderEvaluate(c, http.StatusUnprocessableEntity, f)
	}
	j, err := h.Jobs.Submit(ctx(c), EvalJobKind, "Evaluate "+f.Suite+": "+strings.Join(req.Variants, ", "), req, callerName(c))
	if err != nil {
		return err
	}
	return redirect(c, fmt.Sprintf("/evaluate/jobs/%d", j.ID))
}

func formInt(c echo.Context, name string, def, lo, hi int) (int, error) {
	s := strings.TrimSpace(c.FormValue(name))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, tutor.Errorf(tutor.EINVALID, "%s must be a whole number from %d to %d", name, lo, hi)
	}
	return n, nil
}

func splitSpecs(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
