package handlers

import (
	"encoding/json"

	"github.com/labstack/echo/v4"

	"tutor"
)

// withParam records which request field err is about, for OpenAI's error body, and returns err.
func withParam(c echo.Context, err error, param string) error {
	c.Set(openaiParamKey, param)
	return err
}

const openaiParamKey = "openai.param"

// openaiErrorBody is OpenAI's error shape, which its SDKs parse:
// {"message", "type", "param", "code"}.
func openaiErrorBody(tcode, message, param string) map[string]any {
	typ, code := "invalid_request_error", any(nil)
	switch tcode {
	case tutor.ENOTFOUND:
		code = "model_not_found"
	case tutor.EUNAUTHORIZED:
		typ, code = "authentication_error", "invalid_api_key"
	case tutor.EFORBIDDEN:
		typ = "permission_error"
	case tutor.EBUSY:
		typ, code = "rate_limit_error", "rate_limit_exceeded"
	case tutor.EINTERNAL, tutor.EUNAVAILABLE:
		typ = "server_error"
	}
	var p any
	if param != "" {
		p = param
	}
	return map[string]any{"message": message, "type": typ, "param": p, "code": code}
}

// openaiSSE writes server-sent events as OpenAI streams them: data lines only, no event names.
type openaiSSE struct {
	c echo.Context
	s *sseStream // nil until the first event
}

func (o *openaiSSE) started() bool { return o.s != nil }

func (o *openaiSSE) data(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return o.raw(string(b))
}

func (o *openaiSSE) raw(data string) error {
	if o.s == nil {
		s, err := startSSE(o.c)
		if err != nil {
			return err
		}
		o.s = s
	}
	if _, err := o.c.Response().Write([]byte("data: " + data + "\n\n")); err != nil {
		return err
	}
	return o.s.flush()
}
