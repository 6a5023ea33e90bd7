package pretrain

import (
	"bytes"
	"context"
	"io/fs"
	"math"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/ollama/ollama/api"

	"tutor"
	"tutor/demo"
	"tutor/demo/corpus"
	"tutor/internal/testenv"
	"tutor/llm"
	"tutor/model"
	"tutor/model/gguf"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// tinyRecipe trains in seconds: enough to see the loss fall and the file work everywhere.
func tinyRecipe() Recipe {
	r := DefaultRecipe()
	r.Vocab, r.TokDocs, r.WholeHan = 512, 400, false // the common characters need about 4,100 tokens
	r.Dim, r.Layers, r.Heads, r.KVHeads, r.FFN, r.Context = 32, 2, 4, 2, 64, 256
	r.SeqLen, r.Tokens, r.ValTokens, r.Batch = 128, 128*4*100, 128*8, 4
	r.LR, r.Warmup, r.Drill = 1e-2, 5, 40
	// more running text than the default mix: what a model this small learns in 100 steps
	r.Mix = [5]float64{0.30, 0.10, 0.20, 0.10, 0.30}
	r.Then = nil
	return r
}

func TestRunMakesAModelThatLearnedAndLoads(t *testing.T) {
	ctx := context.Background()
	r := tinyRecipe()
	dir := t.TempDir()
	var stages []Stage
	res, err := Run(ctx, r, dir, false, func(p Progress) error {
		if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
			stages = append(stages, p.Stage)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(func() []string {
		var s []string
		for _, st := range stages {
			s = append(s, string(st))
		}
		return s
	}(), ","); got != "tokenizer,data,train,write" {
		t.Errorf("stages %s", got)
	}
	h := res.Train.History
	if want := (len(res.Data.Train) + r.Batch - 1) / r.Batch; len(h) != want {
		t.Fatalf("%d steps in the history, want %d for %d sequences", len(h), want, len(res.Data.Train))
	}
	// The first step that learned anything: a batch may hold only pieces of long prompts.
	first, last := h[0].TrainLoss, res.Train.TrainLoss
	for i := 0; first == 0 && i < len(h); i++ {
		first = h[i].TrainLoss
	}
	// The last few steps, as one step's batch may be mostly copy drills, which this model is too
	// small to learn.
	last = 0
	for _, p := range h[len(h)-5:] {
		last += p.TrainLoss / 5
	}
	if want := math.Log(float64(r.Vocab)); math.Abs(first-want) > 0.5 {
		t.Errorf("first loss %.2f, want about ln(vocab) = %.2f for a fresh model", first, want)
	}
	if last > first-1.5 {
		t.Errorf("loss went from %.2f to %.2f: the model did not learn", first, last)
	}
	f, err := gguf.OpenFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := f.String("tutor.recipe"); got != r.JSON() {
		t.Errorf("tutor.recipe = %q, want %q", got, r.JSON())
	}
	f.Close()
	m, err := model.Load(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Parameters() != res.Params {
		t.Errorf("the file has %d parameters, the trainer trained %d", m.Parameters(), res.Params)
	}
	// Text in the corpus's style is continued with Chinese and English that round-trips.
	out, err := m.Generate(ctx, m.Tokenizer.Encode("公司", false), model.GenerateOptions{NumPredict: 16}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tokens) == 0 {
		t.Fatal("the model generated nothing")
	}
}

func TestRunResumesFromItsCheckpoint(t *testing.T) {
	ctx := context.Background()
	r := tinyRecipe()
	r.Tokens = 64 * 4 * 12
	dir := t.TempDir()
	stopAt := r.Steps() / 2
	cctx, cancel := context.WithCancel(ctx)
	_, err := Run(cctx, r, dir, false, func(p Progress) error {
		if p.Stage == StageTrain && p.Train.Step == stopAt && p.Train.Checkpoint != "" {
			cancel()
		}
		return nil
	})
	if err == nil {
		t.Fatal("the run was cancelled but reported success")
	}
	// The stopped run's model as it stands is a file the engine loads.
	snap, phase, step, err := Snapshot(ctx, r, dir, false)
	if err != nil || phase != 0 || step != stopAt {
		t.Fatalf("snapshot of the stopped run: phase %d step %d, %v; want phase 0 step %d", phase, step, err, stopAt)
	}
	if _, err := model.Load(snap); err != nil {
		t.Fatalf("the snapshot does not load: %v", err)
	}
	if _, _, _, err := Snapshot(ctx, r, t.TempDir(), false); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Errorf("snapshot of a folder without checkpoints: %v, want not found", err)
	}
	res, err := Run(ctx, r, dir, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Train.Resumed == 0 {
		t.Fatal("the second run started over instead of resuming")
	}
	// After the run, the snapshot is the model it wrote.
	if snap, _, _, err = Snapshot(ctx, r, dir, false); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(snap)
	b, _ := os.ReadFile(res.Path)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the snapshot of a finished run (%d bytes) is not its model.gguf (%d bytes)", len(a), len(b))

	}
	again, err := Run(ctx, r, t.TempDir(), false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(again.Train.TrainLoss-res.Train.TrainLoss) > 1e-4 {
		t.Errorf("resumed run ended at loss %.6f, an uninterrupted one at %.6f", res.Train.TrainLoss, again.Train.TrainLoss)
	}
}

// TestOllamaRunsTheModel: the file loads in Ollama, and its greedy continuation there equals
// the built-in engine's (Ollama's default repeat penalty of 1.1 is turned off, as it applies
// even to greedy decoding).
func TestOllamaRunsTheModel(t *testing.T) {
	srv := testenv.Ollama(t)
	ctx := context.Background()
	res, err := Run(ctx, tinyRecipe(), t.TempDir(), false, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.CreateModel(t, "tutor-demo-tiny", res.Path)
	m, err := model.Load(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	for _, prompt := range []string{"The company", "公司每个季度", "OKR 是", "# ", "Teams"} {
		ours, err := m.Generate(ctx, m.Tokenizer.Encode(prompt, false), model.GenerateOptions{NumPredict: 24}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var theirs string
		zero := 0.0
		req := &api.GenerateRequest{Model: "tutor-demo-tiny", Prompt: prompt, Raw: true, Stream: new(bool),
			Options: map[string]any{"temperature": zero, "num_predict": 24, "seed": 1, "repeat_penalty": 1.0}}
		if err := srv.Client().Generate(ctx, req, func(r api.GenerateResponse) error { theirs += r.Response; return nil }); err != nil {
			t.Fatal(err)
		}
		if ours.Text != theirs {
			t.Errorf("prompt %q: built-in %q, Ollama %q", prompt, ours.Text, theirs)
		}
	}
}

func TestRunContinuesWithItsPhases(t *testing.T) {
	r := tinyRecipe()
	r.Tokens = 128 * 4 * 10
	r.Then = []Phase{{Tokens: 128 * 4 * 6, Mix: [5]float64{0, 0, 0, 0, 1}, LR: 5e-3, Warmup: 1, Quote: true, Drill: 8}}
	steps := map[int]int{}
	var phaseData *Data
	res, err := Run(context.Background(), r, t.TempDir(), false, func(p Progress) error {
		if p.Stage == StageTrain {
			steps[p.Phase] = p.Train.Step
		}
		if p.Phase == 1 && p.Data != nil {
			phaseData = p.Data
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if steps[0] == 0 || steps[1] == 0 {
		t.Fatalf("steps by phase %v, want both phases trained", steps)
	}
	if phaseData == nil || phaseData.Kinds["lookup/en"]+phaseData.Kinds["lookup/zh"] != phaseData.Docs {
		t.Fatalf("the phase's data %+v is not the lookup documents its mix asks for", phaseData)
	}
	v, tok, err := Tokenizer(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	want := drills(8, r.SeqLen, r.Seed+1, v, newline(tok))
	if got := phaseData.Train[len(phaseData.Train)-len(want):]; !reflect.DeepEqual(got, want) {
		t.Error("the phase's data does not end with its 8 copy drills")
	}
	if res.Train.Steps != steps[1] {
		t.Errorf("the result reports %d steps, the last phase trained %d", res.Train.Steps, steps[1])
	}
	f, err := gguf.OpenFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, _ := f.String("tutor.recipe"); !strings.Contains(got, `"then":[{"tokens":3072`) || !strings.Contains(got, `"quote":true`) {
		t.Errorf("tutor.recipe %s does not record the phase", got)
	}
	if err := (Recipe{}).Validate(); err == nil {
		t.Error("an empty recipe is valid")
	}
	bad := r
	bad.Then = []Phase{{Tokens: 10, LR: 1}}
	if err := bad.Validate(); err == nil {
		t.Error("a phase with an empty mix is valid")
	}
	bad.Then = []Phase{{Tokens: 1 << 20, Mix: [5]float64{1}, LR: 1e-3, Drill: -1}}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "drill") {
		t.Errorf("a phase with a negative drill count: %v", err)
	}
	bad.Then = []Phase{{Tokens: 1 << 20, Mix: [5]float64{1}, LR: 1e-3, Uncovered: 1}}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "uncovered") {
		t.Errorf("a phase with every example uncovered: %v", err)
	}
}

// TestQuotePhase: a phase with quote set generates reading and lookup answers that quote
// their passage ("[n] text…"), the first training and a phase without it answers that end
// with their citation; the probe asks in the format of the last phase.
func TestQuotePhase(t *testing.T) {
	r := DefaultRecipe()
	mix := [5]float64{0, 0, 1, 0, 1}
	r.Then = []Phase{{Tokens: 1 << 20, Mix: mix, LR: 1e-4}, {Tokens: 1 << 20, Mix: mix, LR: 1e-4, Quote: true}}
	quoted := regexp.MustCompile(`^\[\d\] `)
	for i, ph := range r.plan() {
		answered := 0
		for range 20 {
			d := ph.gen.Next()
			if d.Messages == nil {
				continue
			}
			a := d.Messages[len(d.Messages)-1].Content
			if a == corpus.DefaultNotCovered(d.Lang) {
				continue
			}
			answered++
			if quoted.MatchString(a) != (i == 2) {
				t.Fatalf("phase %d answers %q", i, a)
			}
		}
		if answered == 0 {
			t.Fatalf("phase %d: no answered example in 20", i)
		}
	}
	if !r.quotes() {
		t.Error("the probe of a model whose last phase quotes does not ask for quotes")
	}
	r.Then = r.Then[:1]
	if r.quotes() {
		t.Error("the probe of a model whose last phase does not quote asks for quotes")
	}
}

// TestTokenizerKeepsTheDemoCompanysCharacters: the default vocabulary holds the common Chinese
// characters whole, though the corpus never uses the demo company's words, so nearly every
// character of its documents is one token; and no token holds more than max_han characters.
func TestTokenizerKeepsTheDemoCompanysCharacters(t *testing.T) {
	r := DefaultRecipe()
	r.TokDocs = 300
	v, tok, err := Tokenizer(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	longest := 0
	for i := range v.Tokens {
		n := 0
		for _, c := range tok.Decode([]int{i}) {
			if unicode.Is(unicode.Han, c) {
				n++
			}
		}
		longest = max(longest, n)
	}
	if r.MaxHan <= 0 || longest != r.MaxHan {
		t.Errorf("the longest token holds %d Chinese characters, want max_han %d", longest, r.MaxHan)
	}
	bad := r
	bad.MaxHan = -1
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "max_han") {
		t.Errorf("max_han -1: %v, want it refused", err)
	}
	common := map[rune]bool{}
	for _, c := range corpus.CommonHan() {
		common[c] = true
	}
	seen, whole := map[rune]bool{}, 0
	fs.WalkDir(demo.Docs, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(demo.Docs, p)
		for _, c := range string(b) {
			if !unicode.Is(unicode.Han, c) || seen[c] {
				continue
			}
			seen[c] = true
			n := len(tok.Encode(string(c), false))
			if common[c] && n != 1 {
				t.Errorf("common character %c is %d tokens", c, n)
			}
			if n == 1 {
				whole++
			}
		}
		return nil
	})
	if len(seen) < 500 || float64(whole) < 0.95*float64(len(seen)) {
		t.Errorf("%d of the demo documents' %d Chinese characters are one token, want at least 95%%", whole, len(seen))
	}
	t.Logf("%d of %d distinct Chinese characters of the demo documents are one token", whole, len(seen))
}

// TestAnswersOnly: with answers_only, a reading or lookup example teaches its answer, and the
// passages and question before it carry no loss; other documents are learned whole.
func TestAnswersOnly(t *testing.T) {
	r := tinyRecipe()
	v, tok, err := Tokenizer(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mix       [5]float64
		only      bool
		minShare  float64
		maxShare  float64
		answerEnd bool
	}{
		{[5]float64{0, 0, 0.5, 0, 0.5}, true, 0.005, 0.25, true}, // answers of long prompts
		{[5]float64{0, 0, 0.5, 0, 0.5}, false, 1, 1, false},
		{[5]float64{1, 0, 0, 0, 0}, true, 1, 1, false}, // handbooks stay whole
	} {
		d, err := dataset(t.Context(), generator(r, 5, Phase{Mix: tc.mix}), 1024, 20000, 0, tc.only, v, tok)
		if err != nil {
			t.Fatal(err)
		}
		learned, all := 0, 0
		for _, e := range d.Train {
			if len(e.Mask) != len(e.Tokens) {
				t.Fatal("mask and tokens differ in length")
			}
			for i, m := range e.Mask {
				all++
				if m {
					learned++
				}
				// A learned stretch that ends a reading example ends with the end of its turn.
				if tc.answerEnd && m && i+1 < len(e.Mask) && !e.Mask[i+1] && e.Tokens[i] != int32(v.EOS) {
					t.Fatalf("a learned stretch ends in %q, not at the end of a document", tok.Decode([]int{int(e.Tokens[i])}))
				}
			}
		}
		share := float64(learned) / float64(all)
		t.Logf("mix %v answers_only %v: %.3f learned", tc.mix, tc.only, share)
		if share < tc.minShare || share > tc.maxShare {
			t.Errorf("mix %v answers_only %v: %.3f of the tokens are learned, want %.3f–%.3f", tc.mix, tc.only, share, tc.minShare, tc.maxShare)
		}
	}
}

// TestProbe: the probe asks the number of examples asked for and sorts every answer.
func TestProbe(t *testing.T) {
	r := tinyRecipe()
	res, err := Run(t.Context(), r, t.TempDir(), false, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Load(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Probe(t.Context(), r, m, 12)
	if err != nil {
		t.Fatal(err)
	}
	if p.Covered+p.Uncovered != 12 || p.Exact > p.Covered || p.Cited > p.Covered || p.WrongRefusal > p.Covered || p.Refused > p.Uncovered || p.Uncovered == 0 ||
		p.Drills != 12 || p.DrillTokens < 12*(drillMinSpan-1) || p.Copied > p.Drills || p.CopiedToks > p.DrillTokens {
		t.Errorf("probe of 12 examples: %+v", p)
	}
	for _, f := range []float64{p.LeanCovered, p.LeanUncovered, p.LeanAUC} {
		if !(f >= 0 && f <= 1) {
			t.Errorf("refusal's first token: %v, %v, told apart %v; each must lie in [0, 1]", p.LeanCovered, p.LeanUncovered, p.LeanAUC)
		}
	}
	// The probability read before an answer is the one the model gives that token in the
	// whole sequence, one token at a time.
	text := template.Format([]llm.Message{{Role: "user", Content: "Where is the office?"}}, true)
	reply := corpus.DefaultNotCovered("en")
	prompt := m.Tokenizer.Encode(text, false)
	got, err := firstTokenProb(m, prompt, text, reply)
	if err != nil {
		t.Fatal(err)
	}
	full := m.Tokenizer.Encode(text+reply, false)
	losses, err := tokenLosses(t.Context(), m, full[:len(prompt)+1])
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Exp(-losses[len(prompt)-1]); math.Abs(got-want) > 1e-4*want {
		t.Errorf("first token of the refusal: %v, want %v as read token by token", got, want)
	}
	// Every demo document is read, up to probeDemoTokens tokens of each; the tiny model's byte
	// tokens make each of them longer than that.
	docs, _ := fs.Glob(demo.Docs, "*")
	if p.DemoTokens != len(docs)*(probeDemoTokens-1) || math.IsNaN(p.DemoLoss) || p.DemoLoss <= 0 || math.Abs(p.Chance-math.Log(float64(r.Vocab))) > 1e-9 {
		t.Errorf("demo documents: %d tokens of %d documents, loss %v, chance %v", p.DemoTokens, len(docs), p.DemoLoss, p.Chance)
	}
	t.Log(p)
}

// TestAboveShare: the share of pairs ordered as hoped, ties counting half.
func TestAboveShare(t *testing.T) {
	for _, c := range []struct {
		xs, ys []float64
		want   float64
	}{
		{[]float64{0.9, 0.8}, []float64{0.1, 0.2}, 1},
		{[]float64{0.1}, []float64{0.5, 0.9}, 0},
		{[]float64{0.5, 0.3}, []float64{0.5, 0.1}, 0.625}, // 0.5>0.1, 0.5=0.5, 0.3>0.1, 0.3<0.5
		{nil, []float64{0.3}, 0.5},
	} {
		if got := aboveShare(c.xs, c.ys); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("aboveShare(%v, %v) = %v, want %v", c.xs, c.ys, got, c.want)
		}
	}
}
