package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor/web/login"
)

// loginShow is the sign-in page; with access control off it goes to the overview.
func (h *Handler) loginShow(c echo.Context) error {
	if h.auth == authOff {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return render(c, http.StatusOK, login.View(login.Page{Token: h.auth == authToken, Next: localPath(c.QueryParam("next"))}))
}
