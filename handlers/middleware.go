package handlers

import (
	"context"
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

// bodyLimit refuses bodies over the limit: at once when Content-Length says so, else when
// reading passes it (an *http.MaxBytesError, mapped to 413).
func (h *Handler) bodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > h.Opts.MaxBodyBytes {
			return tutor.Errorf(tutor.ETOOLARGE, "the request is %d bytes; the limit is %d", req.ContentLength, h.Opts.MaxBodyBytes)
		}
		if req.Body != nil {
			req.Body = http.MaxBytesReader(c.Response(), req.Body, h.Opts.MaxBodyBytes)
		}
		return next(c)
	}
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
