package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"tutor"
)

type authMode int

const (
	authOff authMode = iota
	authToken
	authUsers
)

var errSessionSecret = tutor.Errorf(tutor.EINVALID, "access control needs a session secret of at least 16 bytes")

// sessionCookie holds the signed sign-in.
const sessionCookie = "tutor_session"

// principal is who is calling: a signed-in user, the token holder or an API key.
type principal struct {
	Name string `json:"n"`
	Role string `json:"r"`
	Exp  int64  `json:"e"`
}

const principalKey = "tutor.principal"

// caller returns the request's principal, or nil when signed out.
func caller(c echo.Context) *principal {
	p, _ := c.Get(principalKey).(*principal)
	return p
}

// can reports whether the caller may perform a; everything is allowed when access control is off.
func (h *Handler) can(c echo.Context, a Action) bool {
	if h.auth == authOff || a == ActPublic {
		return true
	}
	p := caller(c)
	return p != nil && Allowed(p.Role, a)
}

// identify finds the caller from a bearer token (the shared token or an API key) or the session cookie.
func (h *Handler) identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if h.auth == authOff {
			return next(c)
		}
		if bearer, ok := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer "); ok {
			p, err := h.bearer(c, strings.TrimSpace(bearer))
			if err != nil {
				return err
			}
			c.Set(principalKey, p)
		} else if p := h.readSession(c); p != nil {
			c.Set(principalKey, p)
		}
		return next(c)
	}
}

func (h *Handler) bearer(c echo.Context, token string) (*principal, error) {
	if h.Opts.Token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(h.Opts.Token)) == 1 {
		return &principal{Name: roleToken, Role: roleToken}, nil
	}
	k, err := h.Store.LookupAPIKey(c.Request().Context(), token)
	if err != nil {
		return nil, err
	}
	return &principal{Name: k.Name, Role: string(k.Role)}, nil
}

// require lets a request through when the caller may perform a: signed-out page views go to
// the sign-in page, other refusals are 401 or 403.
func (h *Handler) require(a Action) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if h.can(c, a) {
				return next(c)
			}
			if caller(c) != nil {
				return tutor.Errorf(tutor.EFORBIDDEN, "your role may not do this")
			}
			req := c.Request()
			if req.Method == http.MethodGet && !wantsJSON(c) && req.Header.Get("HX-Request") == "" {
				return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(req.URL.RequestURI()))
			}
			return tutor.Errorf(tutor.EUNAUTHORIZED, "sign in first")
		}
	}
}

// writeSession signs p into the session cookie.
func (h *Handler) writeSession(c echo.Context, name, role string) {
	p := principal{Name: name, Role: role, Exp: time.Now().Add(h.Opts.SessionTTL).Unix()}
	body, _ := json.Marshal(p)
	payload := base64.RawURLEncoding.EncodeToString(body)
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: payload + "." + h.sign(payload), Path: "/",
		HttpOnly: true, Secure: h.Opts.SecureCookies, SameSite: http.SameSiteLaxMode,
		Expires: time.Unix(p.Exp, 0)})
}

func (h *Handler) clearSession(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: h.Opts.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (h *Handler) sign(payload string) string {
	m := hmac.New(sha256.New, h.Opts.SessionSecret)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// readSession returns the cookie's principal when its signature and expiry hold.
func (h *Handler) readSession(c echo.Context) *principal {
	ck, err := c.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	payload, sig, ok := strings.Cut(ck.Value, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(h.sign(payload))) {
		return nil
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil
	}
	var p principal
	if json.Unmarshal(body, &p) != nil || time.Now().Unix() > p.Exp || p.Role == "" {
		return nil
	}
	if h.auth == authToken && p.Role != roleToken || h.auth == authUsers && p.Role == roleToken && h.Opts.Token == "" {
		return nil
	}
	return &p
}

// localPath keeps redirects on this site: a path starting with one slash, else "/".
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}
