package pretrain

import (
	"math/rand/v2"

	"tutor/finetune"
	"tutor/model/tokenizer"
)

// Copy drills teach the skill that answering from retrieved passages rests on: finding, earlier
// in the context, where the text being written already appears and carrying on from there. A
// drill is a run of random tokens, then a few spans of it, each cued by its first token and
// learned from its second: nothing but copying predicts them, so they ask for that skill alone,
// where a reading example's answer also asks for the right passage, the template and the
// language. The probe measures how well a model copies the spans of drills it never saw.
const (
	drillMinContext = 32  // random tokens before the spans, at least
	drillMaxContext = 480 // and at most
	drillSpans      = 4   // spans copied per drill
	drillMinSpan    = 4   // tokens per span, at least
	drillMaxSpan    = 16  // and at most

	// drillMinSeq is the shortest sequence that holds a drill: the shortest context and the
	// longest spans, each after its separator.
	drillMinSeq = drillMinContext + drillSpans*(drillMaxSpan+1)
)

// drills returns n copy drills of at most seqLen tokens drawn with seed from the ordinary
// tokens of v; sep, a newline, starts each span.
func drills(n, seqLen int, seed uint64, v tokenizer.Vocab, sep int32) []finetune.Example {
	longest := min(drillMaxContext, seqLen-(drillMinSeq-drillMinContext))
	var pool []int32
	for id, t := range v.Types {
		if t == tokenizer.TypeNormal && int32(id) != sep {
			pool = append(pool, int32(id))
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0xd711))
	out := make([]finetune.Example, n)
	for i := range out {
		ctx := drillMinContext + rng.IntN(max(1, longest-drillMinContext+1))
		toks := make([]int32, 0, ctx+drillSpans*(drillMaxSpan+1))
		for range ctx {
			toks = append(toks, pool[rng.IntN(len(pool))])
		}
		mask := make([]bool, ctx)
		for range drillSpans {
			l := drillMinSpan + rng.IntN(drillMaxSpan-drillMinSpan+1)
			at := rng.IntN(ctx - l + 1)
			toks, mask = append(toks, sep), append(mask, false)
			for j := range l {
				toks, mask = append(toks, toks[at+j]), append(mask, j > 0)
			}
		}
		out[i] = finetune.Example{Tokens: toks, Mask: mask}
	}
	return out
}

// newline is the token of a line break.
func newline(tok *tokenizer.Tokenizer) int32 {
	ids := tok.Encode("\n", false)
	return int32(ids[len(ids)-1])
}
