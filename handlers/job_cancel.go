package handlers

import (
	"fmt"

	"github.com/labstack/echo/v4"
)

// jobCancel stops a queued or running job and returns to its page.
func (h *Handler) jobCancel(c echo.Context) error {
	id, err := jobID(c)
	if err != nil {
		return err
	}
	if err := h.Jobs.Cancel(ctx(c), id); err != nil {
		return err
	}
	return redirect(c, fmt.Sprintf("/jobs/%d", id))
}
