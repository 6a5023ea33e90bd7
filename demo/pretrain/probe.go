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

	Drills      int // copy drills the training never saw, one span of each asked
	Copied      int // … spans continued exactly
	DrillTokens int // tokens of those spans after their cue
	CopiedToks  int // … continued right, up to the first mistake

	DemoTokens int     // tokens of the demo company's documents read
	DemoLoss   float64 // the model's mean loss on them, in nats a token
	Chance     float64 // the loss of a uniform guess, ln(vocabulary)
}

func (p ProbeResult) String() string {
	return fmt.Sprintf("answerable %d: %d exact, %d cite the right passage, %d refused; not answerable %d: %d refused; copy drills %d: %d spans copied whole, %d of %d tokens before the first mistake; demo company's documents: %.2f nats a token over %d tokens (a uniform guess: %.2f)",
		p.Covered, p.Exact, p.Cited, p.WrongRefusal, p.Uncovered, p.Refused, p.Drills, p.Copied, p.CopiedToks, p.DrillTokens, p.DemoLoss, p.DemoTokens, p.Chance)
}

// cited finds the passage an answer cites: at its end, or at its start for a quote.
var cited = regexp.MustCompile(`^\[(\d+)\]|\[(\d+)\]\s*$`)

// Probe asks m n reading and lookup examples the training never saw (a stream of their own),
// prompted as in training, and compares its greedy answers with the corpus's; then it gives m
// the context and cue of the first span of n copy drills it never saw and checks how far its
// greedy continuation copies the span. Last it reads the start of each of the demo company's
// documents, text in the company's words that the corpus never holds, and reports its loss:
// how strange the text a trainer's adapter starts from is to the model.
func Probe(ctx context.Context, r Recipe, m *model.Model, n int) (ProbeResult, error) {
	var res ProbeResult
	g := generator(r, 3, Phase{Mix: [5]float64{0, 0, 0.5, 0, 0.5}, Quote: r.quotes()})
	for range n {
		d := g.Next()
		msgs := d.Messages
		want := msgs[len(msgs)-1].Content
		prompt := m.Tokenizer.Encode(template.Format(msgs[:len(msgs)-1], true), false)
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
