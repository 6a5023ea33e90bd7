package model

import (
	"context"
	"time"
)

// This file lends the tests of package model_test a hand on the Batcher's parts.

// SetStraggle sets how long b's steps wait for late tokens.
func (b *Batcher) SetStraggle(d time.Duration) { b.straggle = d }

// Member is a generation joined to a Batcher, driven by hand.
type Member struct {
	b  *Batcher
	mb *member
}

// Join joins the sequence in s, decoding with adapter a.
func (b *Batcher) Join(s *State, a *Adapter) *Member { return &Member{b, b.join(s, a)} }

// Next sends tok for the next step and returns its logits.
func (m *Member) Next(ctx context.Context, tok int) ([]float32, error) {
	return m.b.next(ctx, m.mb, tok)
}

// Leave leaves the Batcher.
func (m *Member) Leave() { m.b.leave(m.mb) }

// Step runs toks[i] in states[i] with adapters[i] as one step on the calling goroutine and
// returns each sequence's logits.
func (b *Batcher) Step(states []*State, toks []int, adapters []*Adapter) [][]float32 {
	batch := make([]*member, len(states))
	for i, s := range states {
		batch[i] = &member{s: s, a: adapters[i], tok: toks[i], done: make(chan struct{}, 1)}
	}
	b.step(batch)
	out := make([][]float32, len(states))
	for i, s := range states {
		out[i] = s.logits
	}
	return out
}
