// Package ollama is the llm backend that talks to an Ollama server through its Go client
// (github.com/ollama/ollama/api): chat and raw generation with streaming, embeddings, model
// listing, and publishing a base model with a LoRA adapter as a new Ollama model.
package ollama

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/ollama/ollama/api"

	"tutor"
	"tutor/llm"
)

// Backend is a client of one Ollama server.
type Backend struct {
	URL    string
	client *api.Client
}

var (
	_ llm.Generator = (*Backend)(nil)
	_ llm.Lister    = (*Backend)(nil)
)

// New returns a backend for the server at baseURL (e.g. http://127.0.0.1:11434); hc may be
// nil for http.DefaultClient.
func New(baseURL string, hc *http.Client) (*Backend, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, tutor.Errorf(tutor.EINVALID, "ollama: %q is not an http(s) URL", baseURL)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Backend{URL: u.String(), client: api.NewClient(u, hc)}, nil
}

// Client returns the underlying Ollama API client.
func (b *Backend) Client() *api.Client { return b.client }

// Version returns the server's version; it fails with EUNAVAILABLE when the server is down.
func (b *Backend) Version(ctx context.Context) (string, error) {
	v, err := b.client.Version(ctx)
	return v, b.wrap(err, "version")
}

// wrap gives err a code: the HTTP status of an API error, EUNAVAILABLE when the server
// cannot be reached. Context errors stay as they are.
func (b *Backend) wrap(err error, what string) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var se api.StatusError
	if errors.As(err, &se) {
		code := tutor.EINTERNAL
		switch {
		case se.StatusCode == http.StatusNotFound:
			code = tutor.ENOTFOUND
		case se.StatusCode == http.StatusBadRequest:
			code = tutor.EINVALID
		case se.StatusCode == http.StatusTooManyRequests || se.StatusCode == http.StatusServiceUnavailable:
			code = tutor.EBUSY
		}
		msg := se.ErrorMessage
		if msg == "" {
			msg = se.Status
		}
		return tutor.Wrap(err, code, "ollama %s: %s", what, msg)
	}
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &oe) || errors.As(err, &ne) {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "ollama %s: the server at %s cannot be reached", what, b.URL)
	}
	// A streamed reply reports the server's error as text, without its status.
	code := tutor.EUNAVAILABLE
	if strings.Contains(err.Error(), "not found") {
		code = tutor.ENOTFOUND
	}
	return tutor.Wrap(err, code, "ollama %s: %s", what, err.Error())
}
