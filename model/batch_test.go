package model_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"tutor"
	"tutor/model"
	"tutor/model/ggml"
	"tutor/model/testmodel"
)

// batchModels are the models the batching tests run on: llama in F32 and qwen2 (q/k/v
// biases, neox RoPE) in Q8_0.
var batchModels = []testmodel.Options{{Arch: "llama", Seed: 1}, {Arch: "qwen2", Type: ggml.Q8_0, Seed: 2}}

// mustLoad writes the model o describes to a temporary file and loads it.
func mustLoad(tb testing.TB, o testmodel.Options) *model.Model {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "m.gguf")
	if err := testmodel.Write(path, o); err != nil {
		tb.Fatal(err)
	}
	m, err := model.Load(path)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// testPrompt returns n token ids of m's vocabulary, different for each seed.
func testPrompt(m *model.Model, n, seed int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = (i*37 + seed*101 + 5) % m.Config.Vocab
	}
	return p
}

// TestBatchedDecodeStep checks that sequences decoding together in shared steps, with
// different adapters (two of them, and none), joining and leaving at different steps, get
// at every step exactly the logits they get decoding alone.
func TestBatchedDecodeStep(t *testing.T) {
	for _, o := range batchModels {
		t.Run(o.Arch, func(t *testing.T) {
			m := mustLoad(t, o)
			a1, a2 := testmodel.Adapter(o, 4, 9), testmodel.Adapter(o, 2, 10)
			seqs := []struct {
				prompt      []int
				a           *model.Adapter
				join, leave int // the steps it takes part in: [join, leave)
			}{
				{testPrompt(m, 7, 1), nil, 0, 8},
				{testPrompt(m, 3, 2), a1, 0, 5},
				{testPrompt(m, 70, 3), a2, 2, 8}, // a prompt longer than one prefill chunk
				{testPrompt(m, 12, 4), a1, 3, 6},
			}
			// Alone: each sequence prefilled and then decoded greedily by itself.
			want := make([][][]float32, len(seqs)) // [seq][step] logits
			for i, sq := range seqs {
				s := m.NewState(0)
				logits, err := m.Forward(s, sq.prompt, sq.a)
				if err != nil {
					t.Fatal(err)
				}
				for range sq.leave - sq.join {
					want[i] = append(want[i], slices.Clone(logits))
					if logits, err = m.Forward(s, []int{argmax(logits)}, sq.a); err != nil {
						t.Fatal(err)
					}
				}
				want[i] = append(want[i], slices.Clone(logits))
			}
			// Together: the same prefills, then one shared step per step number.
			b := model.NewBatcher(m)
			states := make([]*model.State, len(seqs))
			last := make([][]float32, len(seqs))
			for i, sq := range seqs {
				states[i] = m.NewState(0)
				logits, err := m.Forward(states[i], sq.prompt, sq.a)
				if err != nil {
					t.Fatal(err)
				}
				last[i] = slices.Clone(logits)
			}
			for step := range 8 {
				var in []int
				var ss []*model.State
				var toks []int
				var as []*model.Adapter
				for i, sq := range seqs {
					if step >= sq.join && step < sq.leave {
						in = append(in, i)
						ss, toks, as = append(ss, states[i]), append(toks, argmax(last[i])), append(as, sq.a)
					}
				}
				for k, logits := range b.Step(ss, toks, as) {
					i := in[k]
					last[i] = slices.Clone(logits)
					if !slices.Equal(last[i], want[i][step-seqs[i].join+1]) {
						t.Fatalf("step %d, sequence %d of %d in the batch: logits differ from decoding alone", step, k, len(in))
					}
				}
			}
		})
	}
}

// generation is one request of TestBatcherGenerate.
type generation struct {
	prompt []int
	opts   model.GenerateOptions
	cancel int // cancel the context after this many streamed pieces; 0: never
}

// run generates g, cancelling as g says.
func (g generation) run(m *model.Model, b *model.Batcher) (model.Result, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := g.opts
	o.Batcher = b
	pieces := 0
	return m.Generate(ctx, g.prompt, o, func(string) error {
		if pieces++; pieces == g.cancel {
			cancel()
		}
		return nil
	})
}

// TestBatcherGenerate runs generations with different adapters, sampling options, stop texts
// and lengths at the same time through one Batcher, one of them cancelled midway, and
// checks each gives the text it gives alone (the cancelled one: a beginning of it).
func TestBatcherGenerate(t *testing.T) {
	for _, o := range batchModels {
		t.Run(o.Arch, func(t *testing.T) {
			m := mustLoad(t, o)
			a1, a2 := testmodel.Adapter(o, 4, 9), testmodel.Adapter(o, 2, 10)
			greedy := model.GenerateOptions{Sample: model.GreedyOptions, NumPredict: 40}
			with := func(a *model.Adapter, edit func(*model.GenerateOptions)) model.GenerateOptions {
				g := greedy
				g.Adapter = a
				if edit != nil {
					edit(&g)
				}
				return g
			}
			gens := []generation{
				{prompt: testPrompt(m, 5, 1), opts: with(nil, nil)},
				{prompt: testPrompt(m, 9, 2), opts: with(a1, nil)},
				{prompt: testPrompt(m, 9, 2), opts: with(a2, nil)},
				{prompt: testPrompt(m, 4, 3), opts: with(a1, func(g *model.GenerateOptions) {
					g.Sample = model.SampleOptions{Temperature: 0.8, TopK: 40, TopP: 0.9, RepeatPenalty: 1.1, RepeatLastN: 64, Seed: 7}
				})},
				{prompt: testPrompt(m, 6, 4), opts: with(a2, func(g *model.GenerateOptions) { g.NumPredict = 12 })},
				{prompt: testPrompt(m, 8, 5), opts: with(nil, nil), cancel: 5},
			}
			want := make([]model.Result, len(gens))
			for i, g := range gens {
				g.cancel = 0
				res, err := g.run(m, nil)
				if err != nil {
					t.Fatal(err)
				}
				want[i] = res
			}
			// A stop text from the middle of the first answer ends it early, batched or not.
			if len(want[0].Text) > 8 {
				stop := want[0].Text[4:8]
				gens = append(gens, generation{prompt: gens[0].prompt, opts: with(nil, func(g *model.GenerateOptions) { g.Stop = []string{stop} })})
				res, err := gens[len(gens)-1].run(m, nil)
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, res)
			}

			b := model.NewBatcher(m)
			got := make([]model.Result, len(gens))
			errs := make([]error, len(gens))
			var wg sync.WaitGroup
			for i, g := range gens {
				wg.Go(func() { got[i], errs[i] = g.run(m, b) })
			}
			wg.Wait()
			for i, g := range gens {
				w, r := want[i], got[i]
				if g.cancel > 0 {
					if !errors.Is(errs[i], context.Canceled) || r.DoneReason != "cancel" {
						t.Fatalf("generation %d: %q, %v after cancelling; want cancel", i, r.DoneReason, errs[i])
					}
					if len(r.Tokens) < g.cancel || len(r.Tokens) > len(w.Tokens) || !slices.Equal(r.Tokens, w.Tokens[:len(r.Tokens)]) {
						t.Fatalf("generation %d: cancelled after %d tokens, not a beginning of the %d alone", i, len(r.Tokens), len(w.Tokens))
					}
					continue
				}
				if errs[i] != nil {
					t.Fatalf("generation %d: %v", i, errs[i])
				}
				if !slices.Equal(r.Tokens, w.Tokens) || r.Text != w.Text || r.DoneReason != w.DoneReason {
					t.Fatalf("generation %d batched: %q (%s), alone: %q (%s)", i, r.Text, r.DoneReason, w.Text, w.DoneReason)
				}
			}
			st := b.Stats()
			t.Logf("%d steps decoded %d tokens", st.Steps, st.Tokens)
			if st.Tokens <= st.Steps {
				t.Fatalf("no step decoded more than one generation: %+v", st)
			}
		})
	}
}

// TestBatcherLateAndCancelled checks the step boundaries: a step waits for a member that has
// not sent its token yet only up to the straggle time, and then not again until it catches
// up; a member whose context ends while its token waits leaves at once, its cache untouched.
func TestBatcherLateAndCancelled(t *testing.T) {
	m := mustLoad(t, batchModels[0])
	prefill := func(seed int) (*model.State, int) {
		s := m.NewState(0)
		logits, err := m.Forward(s, testPrompt(m, 5, seed), nil)
		if err != nil {
			t.Fatal(err)
		}
		return s, argmax(logits)
	}
	within := func(what string, d time.Duration, f func() ([]float32, error)) ([]float32, error) {
		t.Helper()
		type out struct {
			l   []float32
			err error
		}
		c := make(chan out, 1)
		go func() { l, err := f(); c <- out{l, err} }()
		select {
		case o := <-c:
			return o.l, o.err
		case <-time.After(d):
			t.Fatalf("%s took longer than %v", what, d)
			return nil, nil
		}
	}
	ctx := context.Background()

	// A slow member holds a step back only up to the straggle time, then not at all.
	b := model.NewBatcher(m)
	b.SetStraggle(200 * time.Millisecond)
	sa, ta := prefill(1)
	sb, _ := prefill(2)
	a, slow := b.Join(sa, nil), b.Join(sb, nil)
	t0 := time.Now()
	if _, err := within("a step with a late member", 5*time.Second, func() ([]float32, error) { return a.Next(ctx, ta) }); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d < 20*time.Millisecond {
		t.Fatalf("the step ran after %v without waiting for the other member", d)
	}
	t0 = time.Now()
	if _, err := within("the next step", 5*time.Second, func() ([]float32, error) { return a.Next(ctx, ta) }); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d >= 20*time.Millisecond {
		t.Fatalf("the step waited %v again for the member that missed the last one", d)
	}
	if sa.Len != 7 || sb.Len != 5 {
		t.Fatalf("cache lengths %d, %d after two steps of the first member only", sa.Len, sb.Len)
	}
	a.Leave()
	slow.Leave()

	// A member whose context ends while its token waits for the others leaves at once.
	b = model.NewBatcher(m)
	b.SetStraggle(time.Hour)
	sa, ta = prefill(1)
	sb, tb := prefill(2)
	a, other := b.Join(sa, nil), b.Join(sb, nil)
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(10*time.Millisecond, cancel)
	if _, err := within("a cancelled wait", 5*time.Second, func() ([]float32, error) { return a.Next(cctx, ta) }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled while waiting: %v", err)
	}
	if sa.Len != 5 {
		t.Fatalf("the cancelled member's cache holds %d positions, want its 5", sa.Len)
	}
	a.Leave()
	// With the cancelled member gone, the other's step runs at once and is its own.
	got, err := within("the remaining member's step", 5*time.Second, func() ([]float32, error) { return other.Next(ctx, tb) })
	if err != nil {
		t.Fatal(err)
	}
	alone, _ := prefill(2)
	want, err := m.Forward(alone, []int{tb}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatal("the remaining member's logits differ from decoding alone")
	}
	other.Leave()
}

// TestBatcherOtherModel: a Batcher serves one model only.
func TestBatcherOtherModel(t *testing.T) {
	m1, m2 := mustLoad(t, batchModels[0]), mustLoad(t, batchModels[1])
	_, err := m1.Generate(context.Background(), testPrompt(m1, 3, 1),
		model.GenerateOptions{Sample: model.GreedyOptions, NumPredict: 2, Batcher: model.NewBatcher(m2)}, nil)
	if tutor.ErrorCode(err) != tutor.EINVALID {
		t.Fatalf("a batcher of another model: %v, want EINVALID", err)
	}
}
