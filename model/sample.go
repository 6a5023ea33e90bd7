package model

import (
	"math"
	"math/rand/v2"
	"sort"
)

// SampleOptions choose the next token from logits, in llama.cpp's order: repeat penalties,
// top-k, top-p, min-p, temperature, then a draw. Temperature ≤ 0 is greedy.
type SampleOptions struct {
	Temperature      float32
	TopK             int     // keep the k most likely tokens; ≤ 0 keeps all
	TopP             float32 // keep the smallest set whose probability reaches p; ≥ 1 keeps all
	MinP             float32 // drop tokens less likely than MinP × the most likely one
	RepeatPenalty    float32 // divide positive (multiply negative) logits of recent tokens; 1 is off
	RepeatLastN      int     // how many recent tokens the penalties look at; -1: all
	FrequencyPenalty float32 // subtract count × this from a recent token's logit
	PresencePenalty  float32 // subtract this once from a recent token's logit
	Seed             uint64  // the same seed, prompt and model give the same text
}

// GreedyOptions picks the most likely token with no penalties.
var GreedyOptions = SampleOptions{Temperature: 0, RepeatPenalty: 1}

// Sampler picks tokens and remembers the recent ones for the penalties.
type Sampler struct {
	opts   SampleOptions
	rng    *rand.Rand
	recent []int
	cand   []candidate
}

type candidate struct {
	id    int
	logit float32
	p     float32
}

// NewSampler returns a Sampler seeded with o.Seed.
func NewSampler(o SampleOptions) *Sampler {
	return &Sampler{opts: o, rng: rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))}
}

// Accept records token as seen (prompt or generated), for the repeat penalties.
func (s *Sampler) Accept(token int) {
	s.recent = append(s.recent, token)
	if n := s.opts.RepeatLastN; n >= 0 && len(s.recent) > max(n, 64)*4 {
		s.recent = append(s.recent[:0], s.recent[len(s.recent)-n:]...)
	}
}

// Sample returns the next token id for logits [V]; logits is left unchanged.
func (s *Sampler) Sample(logits []float32) int {
	o := s.opts
	s.cand = s.cand[:0]
	for i, l := range logits {
		s.cand = append(s.cand, candidate{id: i, logit: l})
	}
	s.penalize()
	if o.Temperature <= 0 {
		best := 0
		for i, c := range s.cand {
			if c.logit > s.cand[best].logit {
				best = i
			}
		}
		return s.cand[best].id
	}
	c := s.cand
	sort.SliceStable(c, func(i, j int) bool { return c[i].logit > c[j].logit })
	if o.TopK > 0 && o.TopK < len(c) {
		c = c[:o.TopK]
	}
	if o.TopP > 0 && o.TopP < 1 {
		probs(c, 1)
		var cum float32
		for i := range c {
			cum += c[i].p
			if cum >= o.TopP {
				c = c[:i+1]
				break
			}
		}
	}
	if o.MinP > 0 {
		probs(c, 1)
		keep := 1
		for keep < len(c) && c[keep].p >= o.MinP*c[0].p {
			keep++
		}
		c = c[:keep]
	}
	probs(c, o.Temperature)
	r := s.rng.Float32()
	for _, x := range c {
		r -= x.p
		if r <= 0 {
			return x.id
		}
	}
	return c[len(c)-1].id
}

// penalize applies the repeat, frequency and presence penalties to the recent tokens.
func (s *Sampler) penalize() {
	o := s.opts
	if (o.RepeatPenalty == 1 || o.RepeatPenalty == 0) && o.FrequencyPenalty == 0 && o.PresencePenalty == 0 {
		return
	}
	recent := s.recent
	if n := o.RepeatLastN; n >= 0 && len(recent) > n {
		recent = recent[len(recent)-n:]
	}
	counts := map[int]int{}
	for _, t := range recent {
		counts[t]++
	}
	for id, n := range counts {
		if id < 0 || id >= len(s.cand) {
			continue
		}
		c := &s.cand[id]
		if o.RepeatPenalty != 0 {
			if c.logit <= 0 {
				c.logit *= o.RepeatPenalty
			} else {
				c.logit /= o.RepeatPenalty
			}
		}
		c.logit -= float32(n)*o.FrequencyPenalty + o.PresencePenalty
	}
}

// probs sets p = softmax(logit / temp) over c.
func probs(c []candidate, temp float32) {
	maxl := c[0].logit
	for _, x := range c {
		maxl = max(maxl, x.logit)
	}
	var sum float64
	for i := range c {
		e := math.Exp(float64((c[i].logit - maxl) / temp))
		c[i].p = float32(e)
		sum += e
	}
	for i := range c {
		c[i].p = float32(float64(c[i].p) / sum)
	}
}
