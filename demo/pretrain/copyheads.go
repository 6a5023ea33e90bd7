package pretrain

import (
	"math"
	"math/rand/v2"

	"tutor"
	"tutor/finetune"
)

// Copying from the context (a name or a number from a retrieved passage into the answer) needs
// an induction head: a head in one layer that writes each token's predecessor into the
// residual stream, and a head in a later layer that looks for the earlier place whose
// predecessor is the current token and copies the token found there. Language models form
// this circuit by themselves, but only after far more text than the demo model's budget
// allows: runs of this recipe without it never copied a token of a drill. So, with CopyHeads,
// Init builds the circuit into the first two layers, and training starts from a model that
// copies and learns when to.
//
// The residual stream of width C is laid out at the start as
//
//	[0, C/2)              what the token is (its embedding),
//	[C/2, C/2+hd)         what the token before it was (written by the previous-token head),
//	[C/2+hd, C-2)         the token to copy, as the output reads it (written by the induction head),
//	C-2                   set only in the control tokens (end of text, start and end of a turn),
//	C-1                   a constant, the same for every token.
//
// Where the current token has not occurred before, the induction head finds no match; it then
// attends to the control tokens instead, which begin every turn and separate the packed
// documents, and whose identity is empty, so it copies nothing rather than whatever token
// happens to score highest.
//
// Training is free to use every dimension differently afterwards. The scales below were
// chosen on random tokens repeated once: at initialisation the first head puts nearly all its
// attention on the token before, the second most of its attention on the place to copy from
// (0.83 of it within 60 tokens, 0.65 within 400), and the built-in engine, reading the
// model's GGUF file, predicts a repeated run of 60 random tokens at 0.80 nats a token where
// the first run costs 14 (TestCopyHeadsCopyFromTheStart). The constant dimension is large, so
// that RMSNorm leaves it nearly the same for every token when training moves the embeddings:
// with a small one, the previous-token head fell apart within 50 steps at a learning rate of
// 1e-3.
const (
	copyEmbStd   = 0.04 // std of a token's identity dimensions; every row has the same norm
	copyConst    = 1.0  // the constant dimension of every token
	copyPrevQK   = 0.6  // previous-token head: query and key weights on the constant
	copyPrevRot  = 8    // rotary pairs it uses (the fastest turning ones tell positions apart)
	copyPrevOut  = 0.06
	copyMatchQK  = 4.2 // induction head: query and key weights
	copyOut      = 1.6 // induction head: output weight
	copyOutNorm  = 4.0 // gain of the final norm, so the copied token's logit stands out
	copySink     = 0.5 // the control tokens' sink dimension
	copySinkQK   = 0.5 // induction head: query weight on the constant, key weight on the sink
	copyHeadsMin = 2   // layers the circuit needs
)

// copyHeadsFit reports whether the shape has room for the circuit's layout, with bigram for
// the 2-back head (query head 2 must have a key/value head other than head 0's), and with
// trigram for the 3-back head (query head 3 must share head 2's).
func copyHeadsFit(s finetune.Shape, bigram, trigram bool) error {
	C, hd := s.Dim, s.HeadDim
	if s.Layers < copyHeadsMin || s.Heads < 2 || hd < 4 || hd%2 != 0 || C/2-hd-2 < 1 || C/2-hd-2 > hd {
		return tutor.Errorf(tutor.EINVALID, "copy_heads needs at least %d layers and 2 heads, and a head dimension h with 1 ≤ dim/2−h−2 ≤ h (dim %d, head dimension %d)", copyHeadsMin, C, hd)
	}
	if bigram && (s.Heads < 3 || s.KVHeads < 1 || s.Heads/s.KVHeads > 2) {
		return tutor.Errorf(tutor.EINVALID, "copy_bigram needs at least 3 heads and at most 2 query heads per key/value head (heads %d, kv_heads %d)", s.Heads, s.KVHeads)
	}
	if trigram && (s.Heads < 4 || s.KVHeads < 1 || s.Heads/s.KVHeads != 2) {
		return tutor.Errorf(tutor.EINVALID, "copy_trigram needs at least 4 heads and exactly 2 query heads per key/value head (heads %d, kv_heads %d)", s.Heads, s.KVHeads)
	}
	return nil
}

// wireCopyHeads builds the previous-token head (layer 0, head 0) and the induction head
// (layer 1, head 0) into w, and sets the embeddings and final norm to the layout above. Query
// head 1 shares its key/value head with head 0 in both layers, so its output starts at zero.
func wireCopyHeads(w *finetune.Weights, rng *rand.Rand, controls []int, bigram, trigram bool) {
	s := w.Shape
	C, hd, QD := s.Dim, s.HeadDim, s.QDim()
	nA := C / 2                    // identity dimensions [0, nA)
	B, D := nA, nA+hd              // previous token [B, D), copy [D, sink)
	c0, sink := C-1, C-2           // constant and sink dimensions
	nD := sink - D                 // copy width
	read := make([]float64, hd*nA) // previous-token head's value: identity → hd dimensions
	copyV := make([]float64, hd*nA)
	for i := range read {
		read[i] = rng.NormFloat64() / math.Sqrt(float64(nA))
		copyV[i] = rng.NormFloat64() / math.Sqrt(float64(nA))
	}
	// Embeddings: identity, its projection in the copy dimensions (what the output compares
	// the copied value with, the embedding being tied), the constant; one norm for all rows so
	// that RMSNorm leaves the constant the same for every token.
	norm := math.Sqrt(float64(nA+nD)) * copyEmbStd
	for t := range s.Vocab {
		e := w.TokEmb[t*C : (t+1)*C]
		clear(e)
		for c := range nA {
			e[c] = float32(copyEmbStd * rng.NormFloat64())
		}
		for r := range nD {
			var v float64
			for c := range nA {
				v += copyV[r*nA+c] * float64(e[c])
			}
			e[D+r] = float32(v)
		}
		var ss float64
		for _, v := range e[:c0] {
			ss += float64(v) * float64(v)
		}
		f := float32(norm / math.Sqrt(ss))
		for c := range e[:c0] {
			e[c] *= f
		}
		e[c0] = copyConst
	}
	for _, t := range controls {
		e := w.TokEmb[t*C : (t+1)*C]
		clear(e[:c0])
		e[sink] = copySink
	}
	for i := range w.OutNorm {
		w.OutNorm[i] = copyOutNorm
	}
	row := func(m []float32, r int) []float32 { return m[r*C : (r+1)*C] }
	quiet := func(l *finetune.Layer) { quietHeads(s, l, 0, 2, 0) } // query heads 0 and 1, key/value head 0

	// Layer 0, head 0: the query and key read only the constant. Rotary pair i of the key is
	// turned ahead by one position's angle, so the score q·k peaks where the key is the token
	// just before the query. The value reads the token's identity; the output writes it to
	// the previous-token dimensions.
	l0 := &w.Layers[0]
	quiet(l0)
	lookBack(s, l0, 0, 0, 1)
	for r := range hd {
		for c := range nA {
			row(l0.Wv, r)[c] = float32(read[r*nA+c])
		}
		l0.Wo[(B+r)*QD+r] = copyPrevOut
	}

	// Layer 1, head 0: the query projects the current token's identity as the previous-token
	// head's value did, the key reads the previous-token dimensions, both in the slowest
	// turning half of the rotary pairs, where the angle between far positions stays small. So
	// the score is high where the token before the key is the current token. The value reads
	// the identity of the key's own token, the output writes it to the copy dimensions, where
	// the tied output matrix turns it into that token's logit.
	l1 := &w.Layers[1]
	quiet(l1)
	for r := range hd/2 - 1 {
		q := row(l1.Wq, hd/2+r)
		for c := range nA {
			q[c] = float32(copyMatchQK * read[r*nA+c])
		}
		row(l1.Wk, hd/2+r)[B+r] = copyMatchQK
	}
	// The slowest pair of all, which hardly turns, scores the control tokens.
	row(l1.Wq, hd-2)[c0] = copySinkQK
	row(l1.Wk, hd-2)[sink] = copySinkQK
	for r := range hd {
		for c := range nA {
			row(l1.Wv, r)[c] = float32(copyV[r*nA+c])
		}
	}
	for r := range nD {
		l1.Wo[(D+r)*QD+r] = copyOut
	}
	if bigram {
		wireBigram(w, rng, read, trigram)
	}
}

// wireBigram makes the induction head match the two tokens before a place, not one. In text a
// token such as "." or "的" occurs many times, so a head that matches on the current token alone
// spreads its attention over every place after one and copies none of them; the pair of the
// current token and the one before it is seldom repeated. A 2-back head (layer 0, the first
// query head of the second key/value head) writes the token two before, turned by a random
// signed permutation P, into the previous-token dimensions as well; the induction head's query
// adds P applied to those dimensions at its own place, which hold the token before it. The
// score of a place s from the query at t then holds ⟨t, s−1⟩ + ⟨t−1, s−2⟩ (each a similarity
// of the tokens' projections) and terms that average to nothing: a place where both match
// scores about twice one where only the current token does.
//
// With trigram a 3-back head (the next query head, sharing the 2-back head's keys and values)
// writes the token three before, turned by P twice, there too. The query's term then adds
// ⟨t−2, s−3⟩ (both turned by P²): names and numbers that a tokenizer learned on other text cuts
// into short pieces repeat their first two pieces often ("ex" "pen" in expense and expenses),
// and three pieces tell the places apart where two do not.
func wireBigram(w *finetune.Weights, rng *rand.Rand, read []float64, trigram bool) {
	s := w.Shape
	C, hd, QD := s.Dim, s.HeadDim, s.QDim()
	nA, B := C/2, C/2
	m := hd/2 - 1 // the previous-token dimensions the induction head matches on
	group := s.Heads / s.KVHeads
	kv := 2 / group // the key/value head of query head 2
	qh := kv * group
	perm, sign := rng.Perm(m), make([]float64, m)
	for i := range sign {
		sign[i] = float64(1 - 2*rng.IntN(2))
	}
	row := func(x []float32, r int) []float32 { return x[r*C : (r+1)*C] }
	l0, l1 := &w.Layers[0], &w.Layers[1]
	quietHeads(s, l0, qh, group, kv)
	// The first layer's feed-forward block writes nothing into the previous-token dimensions:
	// what it writes there is much the same for every place, which the key side never noticed
	// (the same amount added to every score), but the query's new term would turn it into a
	// score that differs from place to place.
	F := s.FFN
	for r := range hd {
		clear(l0.Wdown[(B+r)*F : (B+r+1)*F])
	}
	lookBack(s, l0, qh, kv, 2)
	// Value row r is row perm[r] of the previous-token head's, signed: P applied to what that
	// head reads. The output adds it to previous-token dimension r at the same scale.
	for r := range m {
		v := row(l0.Wv, kv*hd+r)
		for c := range nA {
			v[c] = float32(sign[r] * read[perm[r]*nA+c])
		}
		l0.Wo[(B+r)*QD+qh*hd+r] = copyPrevOut
	}
	if trigram {
		// Query head qh+1 reads the same keys turned one more position back: its rotary pair i
		// is turned behind by one position's angle, so its score peaks three places back. Its
		// output applies P once more to the value, which holds P applied to the token:
		// dimension r gets sign[r] times value perm[r].
		t := qh + 1
		for i := range min(copyPrevRot, hd/2) {
			a := pairAngle(s, i, 1)
			l0.Wq[(t*hd+2*i)*C+C-1] = float32(copyPrevQK * math.Cos(a))
			l0.Wq[(t*hd+2*i+1)*C+C-1] = float32(-copyPrevQK * math.Sin(a))
		}
		for r := range m {
			l0.Wo[(B+r)*QD+t*hd+perm[r]] = float32(sign[r] * copyPrevOut)
		}
	}
	// The induction head's query row r (which reads the current token through row r of the
	// previous-token head's projection) adds P applied to the previous-token dimensions,
	// scaled back to the projection's own scale: those dimensions hold copyPrevOut times a
	// projection of a normalised embedding, and the layer's RMSNorm divides both by the same
	// root mean square, which the constant dimension and the embeddings' fixed norm set.
	rms := math.Sqrt((copyConst*copyConst + float64(nA+(C-2-B-hd))*copyEmbStd*copyEmbStd) / float64(C))
	for r := range m {
		q := row(l1.Wq, hd/2+r)
		q[B+perm[r]] += float32(copyMatchQK * sign[r] * rms / copyPrevOut)
	}
}

// lookBack makes query head qh of layer l attend to the token back places before its own
// through key/value head kv: the query and key read only the constant dimension, in the
// fastest turning rotary pairs, and the key's pair i is turned ahead by back positions'
// angle, so the score q·k peaks where the key stands back places before the query.
func lookBack(s finetune.Shape, l *finetune.Layer, qh, kv, back int) {
	C, hd, c0 := s.Dim, s.HeadDim, s.Dim-1
	for i := range min(copyPrevRot, hd/2) {
		a := pairAngle(s, i, back)
		l.Wq[(qh*hd+2*i)*C+c0] = copyPrevQK
		l.Wk[(kv*hd+2*i)*C+c0] = float32(copyPrevQK * math.Cos(a))
		l.Wk[(kv*hd+2*i+1)*C+c0] = float32(copyPrevQK * math.Sin(a))
	}
}

// pairAngle is the angle by which n positions turn rotary pair i of a head.
func pairAngle(s finetune.Shape, i, n int) float64 {
	return float64(n) * math.Pow(float64(s.RopeTheta), -2*float64(i)/float64(s.HeadDim))
}

// quietHeads zeroes n query heads of layer l from head q, their columns of the output
// projection, and key/value head kv, so that wired weights start from nothing.
func quietHeads(s finetune.Shape, l *finetune.Layer, q, n, kv int) {
	C, hd, QD := s.Dim, s.HeadDim, s.QDim()
	clear(l.Wq[q*hd*C : (q+n)*hd*C])
	clear(l.Wk[kv*hd*C : (kv+1)*hd*C])
	clear(l.Wv[kv*hd*C : (kv+1)*hd*C])
	for r := range C {
		clear(l.Wo[r*QD+q*hd : r*QD+(q+n)*hd])
	}
}
