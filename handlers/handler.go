// Package handlers holds the echo handlers: parse a request, call one service, render a web
// component or JSON; also SSE progress and the Ollama- and OpenAI-compatible serving APIs.
package handlers

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"tutor/internal/jobs"
	"tutor/llm"
	"tutor/rag"
	"tutor/store"
)

// Options configure the web app.
type Options struct {
	MaxBodyBytes  int64         // larger requests are refused with 413; 0: 32 MiB
	Token         string        // a shared access token; when set, every page asks for it
	SessionSecret []byte        // signs session cookies; required when access control is on
	SessionTTL    time.Duration // how long a sign-in lasts; 0: 7 days
	SecureCookies bool          // mark cookies Secure (behind HTTPS)
	OllamaURL     string        // shown on the Models page
	Version       string
}

// Handler holds what the handlers need. Other capabilities add their service here and their
// routes in routes.go.
type Handler struct {
	Store *store.Store
	// Catalog is what the Ollama- and OpenAI-compatible APIs serve, by model name.
	Catalog *llm.Catalog
	Jobs    *jobs.Runner
	Log     *slog.Logger
	Opts    Options

	// RAG is the workspace's document index: uploads, search, the Compare page's passages.
	RAG *rag.Index
	// Publisher pushes served models to the configured Ollama server; nil when none is set up.
	Publisher Publisher

	auth     authMode
	limits   map[string]int64 // body limits per route, from bodyLimits
	stopping chan struct{}
	stopOnce sync.Once
}

// New returns a Handler. Access control is on when opts.Token is set or the workspace has users.
func New(ctx context.Context, s *store.Store, runner *jobs.Runner, log *slog.Logger, opts Options) (*Handler, error) {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 32 << 20
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 7 * 24 * time.Hour
	}
	if log == nil {
		log = slog.Default()
	}
	h := &Handler{Store: s, Jobs: runner, Log: log, Opts: opts, Catalog: llm.NewCatalog(), stopping: make(chan struct{}),
		limits: bodyLimits()}
	n, err := s.CountUsers(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case n > 0:
		h.auth = authUsers
	case opts.Token != "":
		h.auth = authToken
	}
	if h.auth != authOff && len(opts.SessionSecret) < 16 {
		return nil, errSessionSecret
	}
	return h, nil
}

// Echo builds the echo server with the middleware, the error handler and every route.
func (h *Handler) Echo() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = h.handleError
	h.middleware(e)
	h.routes(e)
	return e
}

// StopStreams ends every open SSE stream, so a graceful shutdown need not wait for them; the
// browsers reconnect to the next server.
func (h *Handler) StopStreams() {
	h.stopOnce.Do(func() { close(h.stopping) })
}
