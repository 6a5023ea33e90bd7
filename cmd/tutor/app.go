package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"tutor"
	"tutor/handlers"
	"tutor/internal/jobs"
	"tutor/rag"
	"tutor/store"
)

// Main is a running Tutor: workspace, job runner and web server. Tests start it on port 0 with
// a temporary workspace and stop it with Close.
type Main struct {
	Config Config
	Log    *slog.Logger
	Stdout io.Writer

	Store   *store.Store
	Jobs    *jobs.Runner
	Handler *handlers.Handler
	RAG     *rag.Index      // the workspace's document index
	Serving *servingCatalog // what the Ollama- and OpenAI-compatible APIs serve

	ln       net.Listener
	server   *http.Server
	serveErr chan error
	stopBg   context.CancelFunc // ends background loops started by Run
}

// NewMain returns a Main with cfg, logging to logOut.
func NewMain(cfg Config, logOut io.Writer) *Main {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewTextHandler(logOut, opts)
	if cfg.LogJSON {
		h = slog.NewJSONHandler(logOut, opts)
	}
	return &Main{Config: cfg, Log: slog.New(h), Stdout: io.Discard}
}

// Open opens the workspace and prepares the job runner with every kind registered, without
// starting jobs or listening: what CLI subcommands need.
func (m *Main) Open(ctx context.Context) error {
	s, err := store.Open(ctx, m.Config.Data)
	if err != nil {
		return err
	}
	m.Store = s
	if n, err := s.CleanTemp(); err == nil && n > 0 {
		m.Log.Info("removed temporary files left by an interrupted write", "count", n)
	}
	if err := m.openRAG(ctx); err != nil {
		return err
	}
	if err := m.loadDemoModel(ctx); err != nil {
		return err
	}
	m.Jobs = jobs.New(s, m.Log, m.Config.Workers)
	registerJobs(m)
	return nil
}

// Run opens the workspace, starts the job runner (resuming interrupted jobs) and serves the
// web app in the background; the URL is then known.
func (m *Main) Run(ctx context.Context) error {
	if err := m.Open(ctx); err != nil {
		return err
	}
	if err := m.Jobs.Start(ctx); err != nil {
		return err
	}
	if err := m.loadDemoDocs(ctx); err != nil {
		return err
	}
	secret, err := m.Store.SettingOrInit(ctx, "session_secret", func() string {
		b := make([]byte, 32)
		rand.Read(b)
		return hex.EncodeToString(b)
	})
	if err != nil {
		return err
	}
	m.Handler, err = handlers.New(ctx, m.Store, m.Jobs, m.Log, handlers.Options{
		MaxBodyBytes: m.Config.MaxBodyBytes, Token: m.Config.Token, SessionSecret: []byte(secret),
		SecureCookies: m.Config.SecureCookies, OllamaURL: m.Config.OllamaURL, Version: version,
	})
	if err != nil {
		return err
	}
	if err := m.startServing(ctx); err != nil {
		return err
	}
	m.ln, err = net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "listen on %s", m.Config.Addr)
	}
	m.Handler.RAG = m.RAG
	m.server = &http.Server{
		Handler:           m.Handler.Echo(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads of large documents
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn),
	}
	m.server.RegisterOnShutdown(m.Handler.StopStreams)
	m.serveErr = make(chan error, 1)
	go func() { m.serveErr <- m.server.Serve(m.ln) }()
	return nil
}

// URL is where the web app listens, e.g. http://127.0.0.1:8080.
func (m *Main) URL() string {
	if m.ln == nil {
		return ""
	}
	return "http://" + m.ln.Addr().String()
}

// Wait blocks until ctx ends or the server fails.
func (m *Main) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-m.serveErr:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "web server stopped")
	}
}

// Close stops in order: the web server takes no new requests and lets in-flight ones finish,
// then running jobs are cancelled to checkpoint (they resume on the next start), then the
// workspace closes. It waits at most Config.ShutdownTimeout.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
	defer cancel()
	var errs []error
	if m.stopBg != nil {
		m.stopBg()
	}
	if m.server != nil {
		if err := m.server.Shutdown(ctx); err != nil {
			errs = append(errs, tutor.Wrap(err, tutor.EUNAVAILABLE, "stop web server"))
		}
	}
	if m.Jobs != nil {
		errs = append(errs, m.Jobs.Shutdown(ctx))
	}
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
	}
	return errors.Join(errs...)
}
