package handlers

import "github.com/labstack/echo/v4"

// logoutSubmit forgets the session.
func (h *Handler) logoutSubmit(c echo.Context) error {
	h.clearSession(c)
	return redirect(c, "/login")
}
