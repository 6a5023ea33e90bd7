package handlers

import (
	"crypto/subtle"
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/web/login"
)

// loginSubmit checks the token or the name and password, then signs the session cookie.
// A failed attempt re-renders the form with 401 and keeps the typed name.
func (h *Handler) loginSubmit(c echo.Context) error {
	next := localPath(c.FormValue("next"))
	switch h.auth {
	case authOff:
		return redirect(c, next)
	case authToken:
		if subtle.ConstantTimeCompare([]byte(c.FormValue("token")), []byte(h.Opts.Token)) == 1 {
			h.writeSession(c, roleToken, roleToken)
			return redirect(c, next)
		}
		h.Log.Warn("sign-in failed", "mode", "token", "ip", c.RealIP())
		return render(c, http.StatusUnauthorized, login.View(login.Page{Token: true, Failed: true, Next: next}))
	}
	name := c.FormValue("name")
	u, err := h.Store.Authenticate(ctx(c), name, c.FormValue("password"))
	if tutor.ErrorCode(err) == tutor.EUNAUTHORIZED {
		h.Log.Warn("sign-in failed", "mode", "users", "name", name, "ip", c.RealIP())
		return render(c, http.StatusUnauthorized, login.View(login.Page{Name: name, Failed: true, Next: next}))
	} else if err != nil {
		return err
	}
	h.writeSession(c, u.Name, string(u.Role))
	return redirect(c, next)
}
