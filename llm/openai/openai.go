// Package openai is the backend for any OpenAI-compatible chat endpoint (OpenAI, vLLM,
// llama.cpp's server, Ollama's /v1, Tutor's own), through github.com/openai/openai-go/v3.
package openai

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	oa "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"tutor"
	"tutor/llm"
)

// Backend sends chat requests to one OpenAI-compatible endpoint.
type Backend struct {
	client oa.Client
	url    string
}

var _ llm.Generator = (*Backend)(nil)

// New returns a Backend for the endpoint at baseURL (ending in /v1) with an API key (may be
// empty for servers without one). hc may be nil.
func New(baseURL, apiKey string, hc *http.Client) (*Backend, error) {
	baseURL = strings.TrimRight(strings.TrimSpace(baseURL), "/")
	if !strings.HasPrefix(baseURL, "http://") && !strings.HasPrefix(baseURL, "https://") {
		return nil, tutor.Errorf(tutor.EINVALID, "OpenAI-compatible endpoint %q: want an http:// or https:// URL", baseURL)
	}
	if apiKey == "" {
		apiKey = "none" // the client insists on a key; servers without auth ignore it
	}
	opts := []option.RequestOption{option.WithBaseURL(baseURL + "/"), option.WithAPIKey(apiKey), option.WithMaxRetries(1)}
	if hc != nil {
		opts = append(opts, option.WithHTTPClient(hc))
	}
	return &Backend{client: oa.NewClient(opts...), url: baseURL}, nil
}

// URL is the endpoint's base URL.
func (b *Backend) URL() string { return b.url }

// Generate streams one chat completion; req.Adapter must be empty (an endpoint serves
// adapters as model names) and raw prompts are not supported.
func (b *Backend) Generate(ctx context.Context, req llm.Request, stream llm.StreamFunc) (llm.Response, error) {
	if req.Raw {
		return llm.Response{}, tutor.Errorf(tutor.EUNSUPPORTED, "an OpenAI-compatible endpoint takes chat messages, not raw prompts")
	}
	if req.Adapter != "" {
		return llm.Response{}, tutor.Errorf(tutor.EUNSUPPORTED, "an OpenAI-compatible endpoint serves adapters as model names; got adapter %q", req.Adapter)
	}
	p := oa.ChatCompletionNewParams{Model: req.Model, StreamOptions: oa.ChatCompletionStreamOptionsParam{IncludeUsage: oa.Bool(true)}}
	for _, m := range req.Messages {
		switch m.Role {
		case "system":
			p.Messages = append(p.Messages, oa.SystemMessage(m.Content))
		case "assistant":
			p.Messages = append(p.Messages, oa.AssistantMessage(m.Content))
		default:
			p.Messages = append(p.Messages, oa.UserMessage(m.Content))
		}
	}
	o := req.Options
	if o.Temperature != nil {
		p.Temperature = oa.Float(*o.Temperature)
	}
	if o.TopP > 0 {
		p.TopP = oa.Float(o.TopP)
	}
	if o.Seed != nil {
		p.Seed = oa.Int(*o.Seed)
	}
	if o.NumPredict > 0 {
		p.MaxTokens = oa.Int(int64(o.NumPredict))
	}
	if len(o.Stop) > 0 {
		p.Stop = oa.ChatCompletionNewParamsStopUnion{OfStringArray: o.Stop}
	}
	start := time.Now()
	var (
		resp llm.Response
		text strings.Builder
	)
	s := b.client.Chat.Completions.NewStreaming(ctx, p)
	defer s.Close()
	for s.Next() {
		c := s.Current()
		if c.Usage.CompletionTokens > 0 || c.Usage.PromptTokens > 0 {
			resp.PromptTokens, resp.CompletionTokens = int(c.Usage.PromptTokens), int(c.Usage.CompletionTokens)
		}
		if len(c.Choices) == 0 {
			continue
		}
		ch := c.Choices[0]
		if piece := ch.Delta.Content; piece != "" {
			if resp.TimeToFirstToken == 0 {
				resp.TimeToFirstToken = time.Since(start)
			}
			text.WriteString(piece)
			if stream != nil {
				if err := stream(piece); err != nil {
					return llm.Response{}, err
				}
			}
		}
		if ch.FinishReason != "" {
			resp.DoneReason = ch.FinishReason
		}
	}
	if err := s.Err(); err != nil {
		return llm.Response{}, wrap(ctx, err, b.url)
	}
	resp.Text, resp.Total = text.String(), time.Since(start)
	if resp.DoneReason == "" {
		resp.DoneReason = "stop"
	}
	return resp, nil
}

// wrap gives endpoint errors a code: the caller's cancellation stays itself, an HTTP status
// from the server maps to a matching code, anything else is the endpoint being unavailable.
func wrap(ctx context.Context, err error, url string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ae *oa.Error
	if errors.As(err, &ae) {
		code := tutor.EUNAVAILABLE
		switch ae.StatusCode {
		case http.StatusNotFound:
			code = tutor.ENOTFOUND
		case http.StatusBadRequest, http.StatusUnprocessableEntity:
			code = tutor.EINVALID
		case http.StatusUnauthorized:
			code = tutor.EUNAUTHORIZED
		case http.StatusForbidden:
			code = tutor.EFORBIDDEN
		case http.StatusTooManyRequests:
			code = tutor.EBUSY
		}
		return tutor.Wrap(err, code, "%s answered %d: %s", url, ae.StatusCode, strings.TrimSpace(ae.Message))
	}
	return tutor.Wrap(err, tutor.EUNAVAILABLE, "OpenAI-compatible endpoint %s: %v", url, err)
}
