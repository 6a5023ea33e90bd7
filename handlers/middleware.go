package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"tutor"
	"tutor/web"
	"tutor/web/i18n"
)

// langCookie remembers the interface language.
const langCookie = "tutor_lang"

// contentSecurityPolicy allows nothing inline and nothing from elsewhere.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// middleware installs, in order: panic recovery, access log, security headers, body limit,
// caller identification, CSRF, and the per-request page context.
func (h *Handler) middleware(e *echo.Echo) {
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true, LogErrorFunc: h.logPanic}))
	e.Use(h.accessLog)
	e.Use(securityHeaders)
	e.Use(h.bodyLimit)
	e.Use(h.identify)
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		CookieName:     "tutor_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   h.Opts.SecureCookies,
		CookieSameSite: http.SameSiteStrictMode,
		ContextKey:     "csrf",
		Skipper:        apiRequest,
		ErrorHandler: func(err error, c echo.Context) error {
			return tutor.Errorf(tutor.EFORBIDDEN, "the form's security token is missing or expired; reload the page and try again")
		},
	}))
	e.Use(h.sameOriginAPI)
	e.Use(h.pageContext)
}

func (h *Handler) logPanic(c echo.Context, err error, stack []byte) error {
	h.Log.Error("panic", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err, "stack", string(stack))
	return tutor.Wrap(err, tutor.EINTERNAL, "panic")
}

func (h *Handler) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req := c.Request()
		lvl := slog.LevelInfo
		if strings.HasPrefix(req.URL.Path, web.AssetPrefix) || req.URL.Path == "/healthz" {
			lvl = slog.LevelDebug
		}
		h.Log.Log(req.Context(), lvl, "request", "method", req.Method, "path", req.URL.Path,
			"status", c.Response().Status, "bytes", c.Response().Size, "dur", time.Since(start).Round(time.Microsecond))
		return nil
	}
}

func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		hd := c.Response().Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		return next(c)
	}
}

// bodyLimit refuses bodies over the route's limit (see bodyLimits in routes.go): at once when
// Content-Length says so, else when reading passes it (an *http.MaxBytesError, mapped to 413).
// Forms are read here, before the CSRF check reads them, so an oversize form is a 413 rather
// than a missing token.
func (h *Handler) bodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		limit := h.bodyLimitOf(c)
		if req.ContentLength > limit {
			return tutor.Errorf(tutor.ETOOLARGE, "the request is %d bytes; the limit here is %d", req.ContentLength, limit)
		}
		if req.Body == nil || req.Body == http.NoBody {
			return next(c)
		}
		req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
		if apiRequest(c) || req.Method == http.MethodGet || req.Method == http.MethodHead {
			return next(c)
		}
		var err error
		switch ct := req.Header.Get(echo.HeaderContentType); {
		case strings.HasPrefix(ct, echo.MIMEApplicationForm):
			err = req.ParseForm()
		case strings.HasPrefix(ct, echo.MIMEMultipartForm):
			err = req.ParseMultipartForm(formMemory)
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tutor.Errorf(tutor.ETOOLARGE, "the request is over the limit of %d bytes here", limit)
		} else if err != nil {
			return tutor.Errorf(tutor.EINVALID, "the form could not be read: %v", err)
		}
		return next(c)
	}
}

// formMemory is how much of a multipart form is held in memory; larger files spill to disk.
const formMemory = 32 << 20

// bodyLimitOf is the body limit of the request's route: its entry in bodyLimits, else the
// app-wide Options.MaxBodyBytes, whichever is smaller.
func (h *Handler) bodyLimitOf(c echo.Context) int64 {
	if n, ok := h.limits[c.Request().Method+" "+c.Path()]; ok && n < h.Opts.MaxBodyBytes {
		return n
	}
	return h.Opts.MaxBodyBytes
}

// apiRequest reports whether the request is for the programmatic API, which authenticates by
// bearer token rather than cookies and so needs no CSRF token.
func apiRequest(c echo.Context) bool {
	p := c.Request().URL.Path
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/v1/")
}

// sameOriginAPI refuses API calls a browser makes from another site, since the API skips CSRF.
func (h *Handler) sameOriginAPI(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		origin := c.Request().Header.Get("Origin")
		if !apiRequest(c) || origin == "" {
			return next(c)
		}
		if u, err := url.Parse(origin); err != nil || u.Host != c.Request().Host {
			return tutor.Errorf(tutor.EFORBIDDEN, "cross-site API calls are not allowed")
		}
		return next(c)
	}
}

// pageContext puts the language and the page's request info into the request context for templates.
func (h *Handler) pageContext(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		ctx := i18n.WithLang(req.Context(), requestLang(c))
		ctx = web.WithRequest(ctx, h.pageRequest(c))
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
}

func requestLang(c echo.Context) string {
	if ck, err := c.Cookie(langCookie); err == nil {
		if l := i18n.Parse(ck.Value); l != "" {
			return l
		}
	}
	return i18n.FromAcceptLanguage(c.Request().Header.Get("Accept-Language"))
}

func (h *Handler) pageRequest(c echo.Context) *web.Request {
	r := &web.Request{Path: c.Request().URL.Path, LangNext: c.Request().URL.RequestURI(), Version: h.Opts.Version,
		AuthOn: h.auth != authOff}
	r.CSRF, _ = c.Get("csrf").(string)
	if p := caller(c); p != nil {
		r.User, r.Role = p.Name, p.Role
	}
	r.Can = func(action string) bool { return h.can(c, Action(action)) }
	return r
}

// ctx is the request's context, carrying language and page info.
func ctx(c echo.Context) context.Context { return c.Request().Context() }
