package handlers

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/ollama/ollama/api"

	"tutor"
	"tutor/llm"
)

// ollamaStream writes the NDJSON lines of a streaming Ollama response. Headers go out with the
// first line, so an error before any output still gets its proper status.
type ollamaStream struct {
	c       echo.Context
	started bool
}

func (s *ollamaStream) send(v any) error {
	w := s.c.Response()
	if !s.started {
		s.started = true
		w.Header().Set(echo.HeaderContentType, "application/x-ndjson")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Accel-Buffering", "no")
		http.NewResponseController(w.Writer).SetWriteDeadline(time.Time{})
		w.WriteHeader(http.StatusOK)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return err
	}
	w.Flush()
	return nil
}

// fail reports err: through the error handler (status and JSON) before any output, as a
// final {"error": …} line after it, which is what Ollama's clients read mid-stream.
func (s *ollamaStream) fail(err error) error {
	if !s.started {
		return err
	}
	return s.send(map[string]string{"error": tutor.ErrorMessage(err)})
}

// decodeJSON reads the request body as JSON into v, rejecting malformed bodies clearly.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	if err := dec.Decode(v); err != nil {
		return tutor.Wrap(err, tutor.EINVALID, "malformed JSON body: %v", err)
	}
	return nil
}

// ollamaMetrics converts a finished response's counts and timings.
func ollamaMetrics(r llm.Response, start time.Time) api.Metrics {
	ttft := r.TimeToFirstToken
	return api.Metrics{
		TotalDuration:      time.Since(start),
		PromptEvalCount:    r.PromptTokens,
		PromptEvalDuration: ttft,
		EvalCount:          r.CompletionTokens,
		EvalDuration:       r.Total - ttft,
	}
}

// doneReason maps the engine's reason to Ollama's words.
func doneReason(r llm.Response) string {
	if r.DoneReason == "" {
		return "stop"
	}
	return r.DoneReason
}
