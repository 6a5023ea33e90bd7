package handlers

import (
	"fmt"
	"strconv"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/internal/jobs"
)

// jobDemoStart queues the self-test job and goes to its page.
func (h *Handler) jobDemoStart(c echo.Context) error {
	p := jobs.DemoParams{Steps: 20, StepMS: 500}
	if s := c.FormValue("steps"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return tutor.Errorf(tutor.EINVALID, "steps must be a number from 1 to 1000")
		}
		p.Steps = n
	}
	if s := c.FormValue("step_ms"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 5000 {
			return tutor.Errorf(tutor.EINVALID, "step_ms must be a number from 0 to 5000")
		}
		p.StepMS = n
	}
	who := ""
	if pr := caller(c); pr != nil {
		who = pr.Name
	}
	j, err := h.Jobs.Submit(ctx(c), jobs.DemoKind, "Self-test", p, who)
	if err != nil {
		return err
	}
	return redirect(c, fmt.Sprintf("/jobs/%d", j.ID))
}
