package pretrain

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"slices"
	"strings"

	"tutor/demo"
	"tutor/demo/corpus"
	"tutor/model"
)

// ProbeResult is how a model does on held-out reading and lookup examples of its own corpus:
// the skill the demo story's RAG answers need, measured where the model was taught it.
type ProbeResult struct {
	Covered      int // examples whose passages hold the answer
	Exact        int // … answered with exactly the corpus's answer
	Cited        int // … answered citing the answer's passage
	WrongRefusal int // … answered with the "not covered" reply
	Uncovered    int // examples whose passages do not hold the answer
	Refused      int // … answered with the "not covered" reply

	// How likely the model is to start the "not covered" reply, before it writes a token: its
	// mean probability for the reply's first token on the examples whose passages hold the
	// answer and on those whose passages do not, and the share of (not covered, covered) pairs
	// where the example that is not covered gives it more (ties count half; 0.5: the model
	// cannot tell them apart, whatever its greedy answers).
	LeanCovered, LeanUncovered, LeanAUC float64

	Drills      int // copy drills the training never saw, one span of each asked
	Copied      int // … spans continued exactly
	DrillTokens int // tokens of those spans after their cue
	CopiedToks  int // … continued right, up to the first mistake

	DemoTokens int     // tokens of the demo company's documents read
	DemoLoss   float64 // the model's mean loss on them, in nats a token
	Chance     float64 // the loss of a uniform guess, ln(vocabulary)
}

func (p ProbeResult) String() string {
	return fmt.Sprintf("answerable %d: %d exact, %d cite the right passage, %d refused; not answerable %d: %d refused; the refusal's first token: %.2f answerable, %.2f not, told apart %.2f (0.5: not at all); copy drills %d: %d spans copied whole, %d of %d tokens before the first mistake; demo company's documents: %.2f nats a token over %d tokens (a uniform guess: %.2f)",
		p.Covered, p.Exact, p.Cited, p.WrongRefusal, p.Uncovered, p.Refused, p.LeanCovered, p.LeanUncovered, p.LeanAUC, p.Drills, p.Copied, p.CopiedToks, p.DrillTokens, p.DemoLoss, p.DemoTokens, p.Chance)
}

// cited finds the passage an answer cites: at its end, or at its start for a quote.
var cited = regexp.MustCompile(`^\[(\d+)\]|\[(\d+)\]\s*$`)

// Probe asks m n reading and lookup examples the training never saw (a stream of their own),
// prompted as in training, and compares its greedy answers with the corpus's; then it gives m
// the context and cue of the first span of n copy drills it never saw and checks how far its
// greedy continuation copies the span. It also reads, before each answer, how likely m is to
// start the "not covered" reply (ProbeResult's Lean figures). Last it reads the start of each of the demo company's
// documents, text in the company's words that the corpus never holds, and reports its loss:
// how strange the text a trainer's adapter starts from is to the model.
func Probe(ctx context.Context, r Recipe, m *model.Model, n int) (ProbeResult, error) {
	var res ProbeResult
	g := generator(r, 3, Phase{Mix: [5]float64{0, 0, 0.5, 0, 0.5}, Quote: r.quotes()})
	var lean, leanNot []float64
	for range n {
		d := g.Next()
		msgs := d.Messages
		want := msgs[len(msgs)-1].Content
		text := template.Format(msgs[:len(msgs)-1], true)
		prompt := m.Tokenizer.Encode(text, false)
		p, err := firstTokenProb(m, prompt, text, corpus.DefaultNotCovered(d.Lang))
		if err != nil {
			return res, err
		}
		if want == corpus.DefaultNotCovered(d.Lang) {
			leanNot = append(leanNot, p)
		} else {
			lean = append(lean, p)
		}
		out, err := m.Generate(ctx, prompt, model.GenerateOptions{NumPredict: 160, Stop: template.Stop, Truncate: true}, nil)
		if err != nil {
			return res, err
		}
		got := strings.TrimSpace(out.Text)
		refused := got == corpus.DefaultNotCovered(d.Lang)
		if want == corpus.DefaultNotCovered(d.Lang) {
			res.Uncovered++
			if refused {
				res.Refused++
			}
			continue
		}
		res.Covered++
		if got == want {
			res.Exact++
		}
		if w, g := cited.FindStringSubmatch(want), cited.FindStringSubmatch(got); w != nil && g != nil && w[1]+w[2] == g[1]+g[2] {
			res.Cited++
		}
		if refused {
			res.WrongRefusal++
		}
	}
	res.LeanCovered, res.LeanUncovered, res.LeanAUC = mean(lean), mean(leanNot), aboveShare(leanNot, lean)
	for _, d := range drills(n, r.SeqLen, r.Seed+3, m.Tokenizer.Vocab(), newline(m.Tokenizer)) {
		// The first span's learned tokens follow its cue; the prompt ends with the cue.
		from := slices.Index(d.Mask, true)
		span := from
		for span < len(d.Mask) && d.Mask[span] {
			span++
		}
		want := d.Tokens[from:span]
		prompt := make([]int, from)
		for i, t := range d.Tokens[:from] {
			prompt[i] = int(t)
		}
		out, err := m.Generate(ctx, prompt, model.GenerateOptions{NumPredict: len(want)}, nil)
		if err != nil {
			return res, err
		}
		right := 0
		for right < min(len(out.Tokens), len(want)) && out.Tokens[right] == int(want[right]) {
			right++
		}
		res.Drills++
		res.DrillTokens += len(want)
		res.CopiedToks += right
		if right == len(want) {
			res.Copied++
		}
	}
	var err error
	res.DemoLoss, res.DemoTokens, err = demoLoss(ctx, m, probeDemoTokens)
	res.Chance = math.Log(float64(m.Config.Vocab))
	return res, err
}

// firstTokenProb is m's probability, after prompt (the tokens of text), for the first token of
// reply as the tokenizer cuts text and reply together. A prompt longer than the model's context
// is cut as Generate's Truncate cuts it (its first token and the last of half the context), so
// the figure is read on what the greedy answer sees.
func firstTokenProb(m *model.Model, prompt []int, text, reply string) (float64, error) {
	full := m.Tokenizer.Encode(text+reply, false)
	if len(full) <= len(prompt) || !slices.Equal(full[:len(prompt)], prompt) {
		return 0, fmt.Errorf("probe: the reply %q does not start on a token of its own after the prompt", reply)
	}
	next := full[len(prompt)]
	if n := m.Config.ContextLength; len(prompt) >= n {
		prompt = append(prompt[:1:1], prompt[len(prompt)-n/2+1:]...)
	}
	logits, err := m.Forward(m.NewState(len(prompt)), prompt, nil)
	if err != nil {
		return 0, err
	}
	return math.Exp(-nll(logits, next)), nil
}

// aboveShare is the share of pairs (x of xs, y of ys) with x > y, ties counting half: the area
// under the ROC curve of a score that should be higher for xs. It is 0.5 when either is empty.
func aboveShare(xs, ys []float64) float64 {
	if len(xs) == 0 || len(ys) == 0 {
		return 0.5
	}
	var s float64
	for _, x := range xs {
		for _, y := range ys {
			switch {
			case x > y:
				s++
			case x == y:
				s += 0.5
			}
		}
	}
	return s / float64(len(xs)*len(ys))
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// probeDemoTokens is how many tokens of each demo document the probe reads.
const probeDemoTokens = 200

// demoLoss is m's mean loss, in nats a token, on the first n tokens of each demo document.
func demoLoss(ctx context.Context, m *model.Model, n int) (float64, int, error) {
	var sum float64
	var count int
	err := fs.WalkDir(demo.Docs, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(demo.Docs, p)
		if err != nil {
			return err
		}
		toks := m.Tokenizer.Encode(string(b), false)
		losses, err := tokenLosses(ctx, m, toks[:min(len(toks), n)])
		for _, l := range losses {
			sum += l
		}
		count += len(losses)
		return err
	})
	if count == 0 {
		return 0, 0, err
	}
	return sum / float64(count), count, err
}

// tokenLosses feeds toks to m one at a time and returns the loss of each next token: element
// i is −log p(toks[i+1] | toks[:i+1]).
func tokenLosses(ctx context.Context, m *model.Model, toks []int) ([]float64, error) {
	st := m.NewState(len(toks))
	var out []float64
	for i := 0; i+1 < len(toks); i++ {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		logits, err := m.Forward(st, toks[i:i+1], nil)
		if err != nil {
			return out, err
		}
		out = append(out, nll(logits, toks[i+1]))
	}
	return out, nil
}

// nll is −log softmax(logits)[y].
func nll(logits []float32, y int) float64 {
	mx := logits[0]
	for _, v := range logits {
		mx = max(mx, v)
	}
	var z float64
	for _, v := range logits {
		z += math.Exp(float64(v - mx))
	}
	return math.Log(z) - float64(logits[y]-mx)
}
