package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/web/components"
	"tutor/web/i18n"
)

// statusOf maps Tutor's error codes to HTTP statuses.
var statusOf = map[string]int{
	tutor.EINVALID:      http.StatusBadRequest,
	tutor.ENOTFOUND:     http.StatusNotFound,
	tutor.ECONFLICT:     http.StatusConflict,
	tutor.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	tutor.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	tutor.EFORBIDDEN:    http.StatusForbidden,
	tutor.EUNAUTHORIZED: http.StatusUnauthorized,
	tutor.EUNAVAILABLE:  http.StatusServiceUnavailable,
	tutor.EINTERNAL:     http.StatusInternalServerError,
}

// codeOf is the reverse, for errors echo raises itself (unknown route, wrong method).
var codeOf = map[int]string{
	http.StatusBadRequest:            tutor.EINVALID,
	http.StatusNotFound:              tutor.ENOTFOUND,
	http.StatusMethodNotAllowed:      tutor.EINVALID,
	http.StatusConflict:              tutor.ECONFLICT,
	http.StatusRequestEntityTooLarge: tutor.ETOOLARGE,
	http.StatusUnsupportedMediaType:  tutor.EUNSUPPORTED,
	http.StatusUnprocessableEntity:   tutor.EINVALID,
	http.StatusForbidden:             tutor.EFORBIDDEN,
	http.StatusUnauthorized:          tutor.EUNAUTHORIZED,
	http.StatusServiceUnavailable:    tutor.EUNAVAILABLE,
}

// retryAfterSeconds is what a 503 tells clients to wait.
const retryAfterSeconds = 5

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// classify turns any error into a status, a code and a message safe to show.
func classify(err error) (status int, code, message string) {
	var te *tutor.Error
	var he *echo.HTTPError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &te):
		code = te.Code
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, tutor.ETOOLARGE, "the request is over the limit of " + strconv.FormatInt(mbe.Limit, 10) + " bytes"
	case errors.As(err, &he):
		code, ok := codeOf[he.Code]
		if !ok {
			return http.StatusInternalServerError, tutor.EINTERNAL, ""
		}
		msg, _ := he.Message.(string)
		return he.Code, code, msg
	default:
		code = tutor.EINTERNAL
	}
	status, ok := statusOf[code]
	if !ok {
		status, code = http.StatusInternalServerError, tutor.EINTERNAL
	}
	return status, code, tutor.ErrorMessage(err)
}

// handleError is the one place errors become responses: a status from the error's code, JSON
// or an error page by Accept, internal errors logged and never shown in detail.
func (h *Handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, code, message := classify(err)
	if status >= 500 {
		h.Log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "status", status, "err", err)
	}
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	if code == tutor.EINTERNAL {
		message = i18n.T(ctx(c), "error.internal")
	}
	var werr error
	switch {
	case c.Request().Method == http.MethodHead:
		werr = c.NoContent(status)
	case wantsJSON(c):
		var b errorBody
		b.Error.Code, b.Error.Message = code, message
		werr = c.JSON(status, b)
	default:
		werr = render(c, status, components.ErrorPage(status, message))
	}
	if werr != nil {
		h.Log.Error("write error response", "err", werr)
	}
}

// wantsJSON reports whether the client prefers JSON: API paths, or an Accept naming JSON before HTML.
func wantsJSON(c echo.Context) bool {
	accept := c.Request().Header.Get("Accept")
	j, html := strings.Index(accept, "application/json"), strings.Index(accept, "text/html")
	if j >= 0 && (html < 0 || j < html) {
		return true
	}
	return html < 0 && apiRequest(c)
}
