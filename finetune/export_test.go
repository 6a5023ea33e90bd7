package finetune

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tutor/internal/testenv"
	"tutor/model"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// randomLoRA is an adapter on every target with random A and B, so every pair changes the output.
func randomLoRA(s Shape, rank int, alpha float32, seed uint64) *LoRA {
	rng := rand.New(rand.NewPCG(seed, 7))
	l := NewLoRA(s, LoRAConfig{Rank: rank, Alpha: alpha, Targets: AllTargets}, rng)
	for _, p := range l.Params() {
		for i := range values(p.Param) {
			values(p.Param)[i] = float32(rng.Float64()-0.5) * 0.2
		}
	}
	return l
}

// scaledDelta returns scale·B for each adapted tensor, the part of ΔW = scale·B·A that an
// export may redistribute between alpha and B.
func scaledDelta(a *model.Adapter) map[string][]float32 {
	out := map[string][]float32{}
	for name, lo := range a.Tensors {
		sc := a.Alpha / float32(a.Rank)
		b := make([]float32, len(lo.B))
		for i, v := range lo.B {
			b[i] = sc * v
		}
		out[name] = b
	}
	return out
}

func TestExportRoundTrip(t *testing.T) {
	s := tinyShape(false)
	w := mustRandomWeights(t, s, false, 1)
	w.Arch = "llama"
	l := randomLoRA(s, 3, 6.5, 2)
	want := l.Adapter("llama")
	dir := t.TempDir()

	path := filepath.Join(dir, "adapter.gguf")
	if err := ExportGGUF(path, l, "llama"); err != nil {
		t.Fatal(err)
	}
	got, err := model.ReadAdapter(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Arch != "llama" || got.Alpha != 6.5 || got.Rank != 3 || len(got.Tensors) != s.Layers*len(AllTargets) {
		t.Fatalf("GGUF adapter: arch %q alpha %v rank %d, %d tensors", got.Arch, got.Alpha, got.Rank, len(got.Tensors))
	}
	for name, lo := range want.Tensors {
		g := got.Tensors[name]
		if !equalF32(g.A, lo.A, 0) || !equalF32(g.B, lo.B, 0) {
			t.Fatalf("GGUF adapter: %s differs after the round trip", name)
		}
	}

	peft := filepath.Join(dir, "peft")
	if err := ExportPEFT(peft, l, w, "stories"); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(peft, "adapter_config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]json.RawMessage
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	if a := string(cfg["lora_alpha"]); a != "7" || string(cfg["r"]) != "3" || !strings.Contains(string(cfg["target_modules"]), `"gate_proj"`) {
		t.Fatalf("adapter_config.json: lora_alpha %s, r %s, targets %s", a, cfg["r"], cfg["target_modules"])
	}
	back, err := ReadPEFT(peft, w)
	if err != nil {
		t.Fatal(err)
	}
	wd, gd := scaledDelta(want), scaledDelta(back)
	for name, lo := range want.Tensors {
		if !equalF32(back.Tensors[name].A, lo.A, 0) || !equalF32(gd[name], wd[name], 1e-6) {
			t.Fatalf("PEFT adapter: %s differs after the round trip", name)
		}
	}
}

// TestPEFTRowOrder checks the query/key row permutation against RoPE itself: rotating
// adjacent pairs of a GGUF-ordered head equals rotating halves (Hugging Face's rotate_half) of
// the same head in PEFT order.
func TestPEFTRowOrder(t *testing.T) {
	s := tinyShape(false)
	s.HeadDim, s.Heads, s.KVHeads, s.Dim = 8, 2, 2, 16
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, s.Heads*s.HeadDim)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	hf := unpermuteRows(x, s.Heads, s.HeadDim, 1)
	if !equalF32(permuteRows(hf, s.Heads, s.HeadDim, 1), x, 0) {
		t.Fatal("permuteRows does not invert unpermuteRows")
	}
	const pos = 5
	ggufRope, hfRope := newRope(pos+1, s, nil), newRope(pos+1, Shape{HeadDim: s.HeadDim, RopeTheta: s.RopeTheta, RopeNeox: true}, nil)
	a := make([]float32, (pos+1)*len(x))
	b := make([]float32, (pos+1)*len(x))
	copy(a[pos*len(x):], x)
	copy(b[pos*len(x):], hf)
	ggufRope.rotate(a, pos+1, s.Heads, false)
	hfRope.rotate(b, pos+1, s.Heads, false)
	if got := unpermuteRows(a[pos*len(x):], s.Heads, s.HeadDim, 1); !equalF32(got, b[pos*len(x):], 1e-6) {
		t.Fatalf("rotated GGUF head %v in PEFT order is %v, want %v", a[pos*len(x):], got, b[pos*len(x):])
	}
}

// TestExportedAdapterMatchesTrainer loads stories260K through model/, exports a random adapter
// as GGUF and checks that model/'s forward pass with the file gives the trainer's logits.
func TestExportedAdapterMatchesTrainer(t *testing.T) {
	w, m, err := LoadBase(testenv.Stories260K(t))
	if err != nil {
		t.Fatal(err)
	}
	l := randomLoRA(w.Shape, 4, 8, 3)
	path := filepath.Join(t.TempDir(), "a.gguf")
	if err := ExportGGUF(path, l, w.Arch); err != nil {
		t.Fatal(err)
	}
	a, err := model.ReadAdapter(path)
	if err != nil {
		t.Fatal(err)
	}
	tokens := m.Tokenizer.Tokenize("Once upon a time, there was a little girl named Lily.", true, false)
	toks := make([]int32, len(tokens))
	for i, v := range tokens {
		toks[i] = int32(v)
	}
	for _, adapter := range []bool{false, true} {
		var lo *LoRA
		var ma *model.Adapter
		if adapter {
			lo, ma = l, a
		}
		n := newNet(w, nil, lo, len(toks))
		n.forward(toks, nil, false)
		st := m.NewState(len(toks))
		want := make([]float32, w.Vocab)
		var worst float64
		for pos, tok := range tokens {
			got, err := m.Forward(st, []int{tok}, ma)
			if err != nil {
				t.Fatal(err)
			}
			gemm(false, true, 1, w.Vocab, w.Dim, 1, n.xnf[pos*w.Dim:], w.Dim, w.Output, w.Dim, 0, want, w.Vocab)
			for i := range want {
				worst = max(worst, math.Abs(float64(got[i]-want[i])))
			}
			if argmax(got) != argmax(want) {
				t.Fatalf("adapter=%v position %d: model/ predicts %d, the trainer %d", adapter, pos, argmax(got), argmax(want))
			}
		}
		// model/ keeps keys, values and attention probabilities in F16 as llama.cpp does.
		t.Logf("adapter=%v: largest logit difference %.2e over %d positions", adapter, worst, len(tokens))
		if worst > 3e-2 {
			t.Fatalf("adapter=%v: logits differ by up to %.3g", adapter, worst)
		}
	}
}

func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

func equalF32(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol {
			return false
		}
	}
	return true
}
