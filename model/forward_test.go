package model_test

import (
	"path/filepath"
	"slices"
	"testing"

	"tutor/model"
	"tutor/model/ggml"
	"tutor/model/testmodel"
)

// TestBatchedPrefill checks that a prompt run through Forward in one call (in chunks of
// tokens that share each weight pass) gives exactly the logits of running it one token at
// a time, with and without a LoRA adapter.
func TestBatchedPrefill(t *testing.T) {
	for _, o := range []testmodel.Options{{Arch: "llama", Seed: 1}, {Arch: "qwen2", Type: ggml.Q8_0, Seed: 2}} {
		t.Run(o.Arch, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.gguf")
			if err := testmodel.Write(path, o); err != nil {
				t.Fatal(err)
			}
			m, err := model.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			prompt := make([]int, 100) // more than one chunk
			for i := range prompt {
				prompt[i] = (i*37 + 5) % m.Config.Vocab
			}
			for _, a := range []*model.Adapter{nil, testmodel.Adapter(o, 4, 9)} {
				batched := m.NewState(0)
				got, err := m.Forward(batched, prompt, a)
				if err != nil {
					t.Fatal(err)
				}
				got = slices.Clone(got)
				single := m.NewState(0)
				var want []float32
				for _, tok := range prompt {
					if want, err = m.Forward(single, []int{tok}, a); err != nil {
						t.Fatal(err)
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("adapter %v: batched logits differ from one token at a time", a != nil)
				}
				// The caches agree too: the next token gives the same logits.
				g2, _ := m.Forward(batched, []int{3}, a)
				w2, _ := m.Forward(single, []int{3}, a)
				if !slices.Equal(g2, w2) {
					t.Fatalf("adapter %v: the caches differ", a != nil)
				}
			}
		})
	}
}
