package pretrain

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"tutor/model"
)

// copyLoss writes the recipe's freshly initialised model as GGUF, loads it with model/ (the
// built-in engine) and returns the mean loss of a run of n random tokens, drawn from an
// alphabet of that many learned merges, and of its repeat.
func copyLoss(t *testing.T, r Recipe, n, alphabet int) (first, repeat float64) {
	t.Helper()
	v, _, err := Tokenizer(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "init.gguf")
	if err := WriteGGUF(path, Init(r, controlTokens(v)...), v, r, true); err != nil {
		t.Fatal(err)
	}
	m, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	toks := []int{v.EOS}
	for range n {
		toks = append(toks, 300+rng.IntN(alphabet)) // learned merges, not control or unused tokens
	}
	toks = append(toks, toks[1:]...)
	losses, err := tokenLosses(t.Context(), m, toks)
	if err != nil {
		t.Fatal(err)
	}
	// losses[i] predicts toks[i+1]: the first run is predicted at 1…n−1 (position 0 holds
	// the end-of-text token), its repeat at n+1…2n−1.
	for _, l := range losses[1:n] {
		first += l / float64(n-1)
	}
	for _, l := range losses[n+1:] {
		repeat += l / float64(n-1)
	}
	return first, repeat
}

// TestCopyHeadsCopyFromTheStart: the default recipe's model, before any training, already
// predicts the repeat of a run of random tokens it cannot predict the first time, as read by
// the built-in engine from its GGUF file; without the wired heads it cannot.
func TestCopyHeadsCopyFromTheStart(t *testing.T) {
	r := DefaultRecipe()
	r.TokDocs = 300
	first, repeat := copyLoss(t, r, 60, 4000)
	t.Logf("copy heads: %.2f nats a token the first time, %.2f the repeat", first, repeat)
	if first < 8 || repeat > 3 {
		t.Errorf("with copy heads the repeat costs %.2f nats a token against %.2f the first time, want under 3", repeat, first)
	}
	r.CopyHeads = false
	first, repeat = copyLoss(t, r, 60, 4000)
	t.Logf("random init: %.2f the first time, %.2f the repeat", first, repeat)
	if repeat < 8 {
		t.Errorf("without copy heads the repeat costs %.2f nats a token, want about ln(vocab)", repeat)
	}
}

func TestCopyHeadsNeedRoom(t *testing.T) {
	r := DefaultRecipe()
	r.Layers = 1
	if err := r.Validate(); err == nil {
		t.Error("copy heads in a one-layer model were accepted")
	}
	r = DefaultRecipe()
	r.Dim, r.Heads, r.KVHeads, r.FFN = 64, 2, 2, 128 // head dimension 32 leaves no copy dimensions
	if err := r.Validate(); err == nil {
		t.Error("copy heads without room for their dimensions were accepted")
	}
	r.CopyHeads = false
	if err := r.Validate(); err != nil {
		t.Errorf("the same shape without copy heads: %v", err)
	}
	r = DefaultRecipe()
	r.CopyBigram = true
	r.Heads, r.KVHeads = 4, 1 // query head 2 would share head 0's keys
	if err := r.Validate(); err == nil {
		t.Error("copy_bigram with one key/value head was accepted")
	}
	r.KVHeads = 2
	if err := r.Validate(); err != nil {
		t.Errorf("copy_bigram in the default shape: %v", err)
	}
	r.CopyHeads = false
	if err := r.Validate(); err == nil {
		t.Error("copy_bigram without copy_heads was accepted")
	}
	r = DefaultRecipe()
	r.CopyTrigram = true
	if err := r.Validate(); err == nil {
		t.Error("copy_trigram without copy_bigram was accepted")
	}
	r.CopyBigram = true
	if err := r.Validate(); err != nil {
		t.Errorf("copy_trigram in the default shape: %v", err)
	}
	r.KVHeads = 4 // query head 3 would have keys of its own, not the 2-back head's
	if err := r.Validate(); err == nil {
		t.Error("copy_trigram with one query head per key/value head was accepted")
	}
}

// TestCopyBigram: in a run drawn from 16 tokens each token occurs about four times, so an
// induction head that matches the current token alone cannot tell which place to copy from;
// with copy_bigram, which matches the two tokens before a place, the repeat costs far less.
func TestCopyBigram(t *testing.T) {
	r := DefaultRecipe()
	r.TokDocs = 300
	_, one := copyLoss(t, r, 60, 16)
	r.CopyBigram = true
	first, two := copyLoss(t, r, 60, 16)
	_, wide := copyLoss(t, r, 60, 4000)
	t.Logf("16 tokens: repeat %.2f nats a token matching one token, %.2f matching two (first run %.2f); 4,000 tokens: %.2f matching two", one, two, first, wide)
	if two > one/2 || wide > 1 {
		t.Errorf("matching two tokens: repeat %.2f nats a token (one: %.2f), %.2f over 4,000 tokens", two, one, wide)
	}
}

// TestCopyTrigram: in a run drawn from 5 tokens each pair of tokens occurs about twice, so
// matching two tokens still leaves two places to copy from; with copy_trigram, which matches
// three, the repeat costs less, and a wide alphabet still copies.
func TestCopyTrigram(t *testing.T) {
	r := DefaultRecipe()
	r.TokDocs = 300
	r.CopyBigram = true
	_, two := copyLoss(t, r, 60, 5)
	r.CopyTrigram = true
	first, three := copyLoss(t, r, 60, 5)
	_, wide := copyLoss(t, r, 60, 4000)
	t.Logf("5 tokens: repeat %.2f nats a token matching two tokens, %.2f matching three (first run %.2f); 4,000 tokens: %.2f matching three", two, three, first, wide)
	if three > two*0.7 || wide > 1 {
		t.Errorf("matching three tokens: repeat %.2f nats a token (two: %.2f), %.2f over 4,000 tokens", three, two, wide)
	}
}
