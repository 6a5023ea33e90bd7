// Package llm defines the two interfaces the rest of Tutor talks to — Generator and Embedder —
// with the built-in backend (package model) and the Ollama backend behind them.
package llm

import (
	"context"
	"fmt"
	"time"
)

// Message is one turn of a chat.
type Message struct {
	Role    string `json:"role"` // system, user or assistant
	Content string `json:"content"`
}

// Options control sampling and limits; zero values mean the backend's defaults.
type Options struct {
	Temperature   *float64 `json:"temperature,omitempty"` // nil: default; 0: greedy
	TopK          int      `json:"top_k,omitempty"`
	TopP          float64  `json:"top_p,omitempty"`
	RepeatPenalty float64  `json:"repeat_penalty,omitempty"`
	Seed          *int64   `json:"seed,omitempty"`
	NumPredict    int      `json:"num_predict,omitempty"` // 0: default; -1: until stop or context end
	NumCtx        int      `json:"num_ctx,omitempty"`
	Stop          []string `json:"stop,omitempty"`
}

// Request asks a Generator for one completion.
// With Raw set, Prompt is sent as it is; otherwise Messages are formatted with the model's chat template.
type Request struct {
	Model    string    // the backend's model name
	Adapter  string    // optional LoRA adapter name (built-in backend: any adapter per request)
	Messages []Message // chat turns
	Prompt   string    // raw prompt, used when Raw
	Raw      bool
	Options  Options
}

// Response is a finished completion with its counts and timings.
type Response struct {
	Text             string
	DoneReason       string // stop, length, cancel
	PromptTokens     int
	CompletionTokens int
	TimeToFirstToken time.Duration
	Total            time.Duration
}

// TokensPerSecond is the decode rate of the response.
func (r Response) TokensPerSecond() float64 {
	d := r.Total - r.TimeToFirstToken
	if d <= 0 || r.CompletionTokens < 2 {
		return 0
	}
	return float64(r.CompletionTokens-1) / d.Seconds()
}

// StreamFunc receives each piece of text as it is generated; returning an error stops generation.
type StreamFunc func(piece string) error

// Generator produces text. stream may be nil.
type Generator interface {
	Generate(ctx context.Context, req Request, stream StreamFunc) (Response, error)
}

// Embedder turns texts into vectors of a fixed dimension.
type Embedder interface {
	// Embed returns one vector per text, L2-normalised.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Name identifies the embedder and its model; a change means the index must be rebuilt.
	Name() string
}

// ModelInfo describes a model a backend can run.
type ModelInfo struct {
	Name          string
	Backend       string // builtin or ollama
	Architecture  string
	Parameters    int64
	Quantization  string
	ContextLength int
	SizeBytes     int64
	Path          string // file on disk, when known
}

// Lister lists the models a backend offers.
type Lister interface {
	Models(ctx context.Context) ([]ModelInfo, error)
}

// FormatCount writes a parameter count as people read it: 292.8K, 110.2M, 7.2B.
func FormatCount(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fK", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

// FormatBytes writes a size in binary units: 512 B, 1.1 MiB, 4.7 GiB.
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
