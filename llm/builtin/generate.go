package builtin

import (
	"context"
	"time"

	"tutor"
	"tutor/llm"
	"tutor/model"
	"tutor/model/chat"
)

// Ollama's defaults for the sampling options a request leaves unset (api.DefaultOptions).
const (
	defaultTemperature   = 0.8
	defaultTopK          = 40
	defaultTopP          = 0.9
	defaultRepeatPenalty = 1.1
	defaultRepeatLastN   = 64
)

// Generate runs req on the model it names: Messages formatted with the model's chat template
// (whose stop texts apply when the request sets none), or Prompt as it is when Raw. A prompt
// that does not fit the context window is an EINVALID error; when ctx ends, the text so far
// comes back with DoneReason cancel and ctx's error.
func (b *Backend) Generate(ctx context.Context, req llm.Request, stream llm.StreamFunc) (llm.Response, error) {
	start := time.Now()
	lm, err := b.load(ctx, req.Model)
	if err != nil {
		return llm.Response{}, err
	}
	m := lm.m
	adapter := lm.adapter
	if req.Adapter != "" {
		if adapter, err = b.Adapter(req.Adapter); err != nil {
			return llm.Response{}, err
		}
	}
	text, stop := req.Prompt, req.Options.Stop
	if stop == nil && lm.template.Name != chat.Plain.Name {
		// The stop texts of the model's own chat format apply to raw prompts too, as Ollama
		// applies the parameters of the template it detects.
		stop = lm.template.Stop
	}
	if !req.Raw {
		if len(req.Messages) == 0 {
			return llm.Response{}, tutor.Errorf(tutor.EINVALID, "messages are required")
		}
		text = lm.template.Format(req.Messages, true)
		if stop == nil {
			stop = lm.template.Stop
		}
	}
	if text == "" {
		return llm.Response{}, tutor.Errorf(tutor.EINVALID, "prompt is empty")
	}
	prompt := m.Tokenizer.Encode(text, true)
	o := b.generateOptions(m, req.Options)
	o.Stop, o.Adapter, o.Batcher = stop, adapter, lm.batch
	if len(prompt) >= o.NumCtx {
		return llm.Response{PromptTokens: len(prompt)}, tutor.Errorf(tutor.EINVALID,
			"the prompt is %d tokens but the context window (num_ctx) is %d: shorten the prompt or raise num_ctx (the model allows %d)",
			len(prompt), o.NumCtx, m.Config.ContextLength)
	}
	var cb func(string) error
	if stream != nil {
		cb = func(piece string) error { return stream(piece) }
	}
	genStart := time.Now()
	res, err := m.Generate(ctx, prompt, o, cb)
	return llm.Response{
		Text:             res.Text,
		DoneReason:       res.DoneReason,
		PromptTokens:     res.PromptTokens,
		CompletionTokens: res.Sampled,
		TimeToFirstToken: genStart.Sub(start) + res.PromptTime,
		Total:            time.Since(start),
	}, err
}

// generateOptions turns a request's options into the engine's, with Ollama's defaults.
func (b *Backend) generateOptions(m *model.Model, o llm.Options) model.GenerateOptions {
	s := model.SampleOptions{Temperature: defaultTemperature, TopK: defaultTopK, TopP: defaultTopP,
		RepeatPenalty: defaultRepeatPenalty, RepeatLastN: defaultRepeatLastN, Seed: uint64(time.Now().UnixNano())}
	if o.Temperature != nil {
		s.Temperature = float32(*o.Temperature)
	}
	if o.TopK != 0 {
		s.TopK = o.TopK
	}
	if o.TopP != 0 {
		s.TopP = float32(o.TopP)
	}
	if o.RepeatPenalty != 0 {
		s.RepeatPenalty = float32(o.RepeatPenalty)
	}
	if o.Seed != nil {
		s.Seed = uint64(*o.Seed)
	}
	g := model.GenerateOptions{Sample: s, NumPredict: o.NumPredict, NumCtx: o.NumCtx}
	if g.NumCtx <= 0 {
		g.NumCtx = b.opts.DefaultNumCtx
	}
	g.NumCtx = min(g.NumCtx, m.Config.ContextLength)
	return g
}
