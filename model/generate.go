package model

import (
	"context"
	"strings"
	"time"

	"tutor"
)

// GenerateOptions control one generation.
type GenerateOptions struct {
	Sample     SampleOptions
	NumPredict int      // most new tokens; ≤ 0: until a stop or the context is full
	Stop       []string // texts that end generation; the text returned stops before them
	NumCtx     int      // context window in tokens; 0: the model's context length
	// Truncate keeps the prompt's first token and its last tokens when the prompt does not fit
	// the window with room for one new token; without it such a prompt is an ETOOLARGE error.
	Truncate bool
	Adapter  *Adapter // LoRA applied to this generation only, or nil
	// Batcher, if not nil, runs this generation's decoding steps together with the other
	// generations on the same model that use it; the text does not change.
	Batcher *Batcher
}

// Result is a finished generation.
type Result struct {
	Text         string
	Tokens       []int         // generated token ids, end-of-generation token excluded
	Sampled      int           // tokens sampled, the end-of-generation token included, as llama.cpp counts them
	PromptTokens int           // prompt tokens evaluated (after truncation)
	DoneReason   string        // stop (end token or stop text), length (NumPredict or context full), cancel
	PromptTime   time.Duration // prefill, up to the first generated token
	Total        time.Duration
}

// Generate continues prompt (token ids) and calls stream, if not nil, with each piece of
// text as soon as it is complete UTF-8 and cannot be the start of a stop text. It stops
// between tokens when ctx is done, returning the text so far with DoneReason cancel and
// ctx's error.
func (m *Model) Generate(ctx context.Context, prompt []int, o GenerateOptions, stream func(piece string) error) (Result, error) {
	start := time.Now()
	if m.Tokenizer == nil {
		return Result{}, tutor.Errorf(tutor.EINVALID, "model has no tokenizer")
	}
	if len(prompt) == 0 {
		return Result{}, tutor.Errorf(tutor.EINVALID, "empty prompt")
	}
	if o.Adapter != nil {
		if err := o.Adapter.Check(m); err != nil {
			return Result{}, err
		}
	}
	if err := m.checkBatcher(o.Batcher); err != nil {
		return Result{}, err
	}
	n := o.NumCtx
	if n <= 0 || n > m.Config.ContextLength {
		n = m.Config.ContextLength
	}
	if len(prompt) >= n {
		if !o.Truncate {
			return Result{}, tutor.Errorf(tutor.ETOOLARGE, "prompt of %d tokens does not fit the context of %d", len(prompt), n)
		}
		keep := n / 2
		prompt = append(append([]int{}, prompt[0]), prompt[len(prompt)-keep+1:]...)
	}
	s := m.NewState(n)
	smp := NewSampler(o.Sample)
	for _, t := range prompt {
		smp.Accept(t)
	}
	res := Result{PromptTokens: len(prompt)}
	out := newStopWriter(o.Stop, stream)
	dec := m.Tokenizer.NewDecoder()
	finish := func(reason string, err error) (Result, error) {
		if !out.stopped {
			if e := out.write(dec.Flush(), true); err == nil {
				err = e
			}
		}
		res.Text, res.DoneReason, res.Total = out.text.String(), reason, time.Since(start)
		return res, err
	}

	logits, err := m.Forward(s, prompt, o.Adapter)
	if err != nil {
		return res, err
	}
	res.PromptTime = time.Since(start)
	next := func(tok int) ([]float32, error) { return m.Forward(s, []int{tok}, o.Adapter) }
	if o.Batcher != nil {
		mb := o.Batcher.join(s, o.Adapter)
		defer o.Batcher.leave(mb)
		next = func(tok int) ([]float32, error) { return o.Batcher.next(ctx, mb, tok) }
	}
	for {
		if err := ctx.Err(); err != nil {
			return finish("cancel", err)
		}
		tok := smp.Sample(logits)
		smp.Accept(tok)
		res.Sampled++
		if m.Tokenizer.IsEOG(tok) {
			return finish("stop", nil)
		}
		res.Tokens = append(res.Tokens, tok)
		if err := out.write(dec.Add(tok), false); err != nil {
			return finish("cancel", err)
		}
		if out.stopped {
			return finish("stop", nil)
		}
		if o.NumPredict > 0 && len(res.Tokens) >= o.NumPredict || s.Len >= s.Cap() {
			return finish("length", nil)
		}
		if logits, err = next(tok); err != nil {
			return finish("cancel", err)
		}
	}
}

// stopWriter collects generated text, holding back a tail that may begin a stop text and
// cutting the text at the first stop text found.
type stopWriter struct {
	stops   []string
	stream  func(string) error
	text    strings.Builder // released text
	held    string          // text not yet released
	stopped bool
}

func newStopWriter(stops []string, stream func(string) error) *stopWriter {
	var s []string
	for _, x := range stops {
		if x != "" {
			s = append(s, x)
		}
	}
	return &stopWriter{stops: s, stream: stream}
}

// write adds piece; at the end (final) everything held is released.
func (w *stopWriter) write(piece string, final bool) error {
	if w.stopped {
		return nil
	}
	w.held += piece
	cut := len(w.held)
	for _, s := range w.stops {
		if i := strings.Index(w.held, s); i >= 0 && i < cut {
			cut, w.stopped = i, true
		}
	}
	release := cut
	if !w.stopped && !final {
		for _, s := range w.stops {
			for k := min(len(s)-1, len(w.held)); k > 0; k-- {
				if strings.HasSuffix(w.held, s[:k]) {
					release = min(release, len(w.held)-k)
					break
				}
			}
		}
	}
	out := w.held[:release]
	w.held = w.held[release:]
	if w.stopped {
		w.held = ""
	}
	if out == "" {
		return nil
	}
	w.text.WriteString(out)
	if w.stream != nil {
		return w.stream(out)
	}
	return nil
}
