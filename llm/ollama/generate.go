package ollama

import (
	"context"
	"time"

	"github.com/ollama/ollama/api"

	"tutor"
	"tutor/llm"
)

// Generate sends req to /api/chat, or to /api/generate with raw set when req.Raw, streaming
// the reply. Ollama applies no adapter per request: a request with an Adapter is an
// EUNSUPPORTED error (publish the adapter as a model with [Backend.Publish] instead).
func (b *Backend) Generate(ctx context.Context, req llm.Request, stream llm.StreamFunc) (llm.Response, error) {
	if req.Adapter != "" {
		return llm.Response{}, tutor.Errorf(tutor.EUNSUPPORTED, "ollama applies no adapter per request; publish %q with its base as a model", req.Adapter)
	}
	if req.Model == "" {
		return llm.Response{}, tutor.Errorf(tutor.EINVALID, "model is required")
	}
	start := time.Now()
	var res llm.Response
	var text []byte
	var streamErr error
	piece := func(s string) error {
		if s == "" {
			return nil
		}
		if res.TimeToFirstToken == 0 {
			res.TimeToFirstToken = time.Since(start)
		}
		text = append(text, s...)
		if stream != nil {
			if err := stream(s); err != nil {
				streamErr = err
				return err
			}
		}
		return nil
	}
	done := func(reason string, m api.Metrics) {
		res.DoneReason, res.PromptTokens, res.CompletionTokens = reason, m.PromptEvalCount, m.EvalCount
	}
	opts := options(req.Options)
	var err error
	if req.Raw {
		gr := &api.GenerateRequest{Model: req.Model, Prompt: req.Prompt, Raw: true, Options: opts}
		err = b.client.Generate(ctx, gr, func(r api.GenerateResponse) error {
			if r.Done {
				done(r.DoneReason, r.Metrics)
			}
			return piece(r.Response)
		})
	} else {
		if len(req.Messages) == 0 {
			return res, tutor.Errorf(tutor.EINVALID, "messages are required")
		}
		msgs := make([]api.Message, len(req.Messages))
		for i, m := range req.Messages {
			msgs[i] = api.Message{Role: m.Role, Content: m.Content}
		}
		cr := &api.ChatRequest{Model: req.Model, Messages: msgs, Options: opts}
		err = b.client.Chat(ctx, cr, func(r api.ChatResponse) error {
			if r.Done {
				done(r.DoneReason, r.Metrics)
			}
			return piece(r.Message.Content)
		})
	}
	res.Text, res.Total = string(text), time.Since(start)
	switch {
	case streamErr != nil:
		res.DoneReason = "cancel"
		return res, streamErr
	case ctx.Err() != nil:
		res.DoneReason = "cancel"
		return res, ctx.Err()
	}
	return res, b.wrap(err, "generate "+req.Model)
}

// options converts the options a request sets into Ollama's option map.
func options(o llm.Options) map[string]any {
	m := map[string]any{}
	if o.Temperature != nil {
		m["temperature"] = *o.Temperature
	}
	if o.TopK != 0 {
		m["top_k"] = o.TopK
	}
	if o.TopP != 0 {
		m["top_p"] = o.TopP
	}
	if o.RepeatPenalty != 0 {
		m["repeat_penalty"] = o.RepeatPenalty
	}
	if o.Seed != nil {
		m["seed"] = *o.Seed
	}
	if o.NumPredict != 0 {
		m["num_predict"] = o.NumPredict
	}
	if o.NumCtx != 0 {
		m["num_ctx"] = o.NumCtx
	}
	if len(o.Stop) > 0 {
		m["stop"] = o.Stop
	}
	return m
}
