package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/web/i18n"
)

// langSet remembers the chosen interface language in a cookie and returns to the page.
func (h *Handler) langSet(c echo.Context) error {
	lang := i18n.Parse(c.FormValue("lang"))
	if lang == "" {
		return tutor.Errorf(tutor.EINVALID, "unknown language %q", c.FormValue("lang"))
	}
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", Expires: time.Now().AddDate(1, 0, 0),
		HttpOnly: true, Secure: h.Opts.SecureCookies, SameSite: http.SameSiteLaxMode})
	return redirect(c, localPath(c.FormValue("next")))
}
