package model_test

import (
	"slices"
	"testing"

	"tutor/model"
	"tutor/model/testmodel"
)

// TestBatchedPrefill checks that a prompt run through Forward in one call (in chunks of
// tokens that share each weight pass) gives exactly the logits of running it one token at
// a time, with and without a LoRA adapter.
func TestBatchedPrefill(t *testing.T) {
	for _, o := range batchModels {
		t.Run(o.Arch, func(t *testing.T) {
			m := mustLoad(t, o)
			prompt := testPrompt(m, 100, 0) // more than one chunk
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
