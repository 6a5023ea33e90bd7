package tokenizer

import "container/heap"

// symbol is a run of bytes of the text being merged, linked to its neighbours.
type symbol struct {
	prev, next int // neighbour indexes, -1 at the ends
	start, n   int // byte range in the text; n == 0 once merged into the left neighbour
}

// spmBigram is a candidate merge of two neighbouring symbols into a vocabulary piece.
type spmBigram struct {
	left, right int
	score       float32
	size        int
}

// spmQueue pops the highest score first and, on ties, the leftmost pair, as llama.cpp.
type spmQueue []spmBigram

func (q spmQueue) Len() int { return len(q) }
func (q spmQueue) Less(i, j int) bool {
	return q[i].score > q[j].score || (q[i].score == q[j].score && q[i].left < q[j].left)
}
func (q spmQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *spmQueue) Push(x any)   { *q = append(*q, x.(spmBigram)) }
func (q *spmQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// encodeSPM appends the tokens of text (spaces already escaped as ▁) using llama.cpp's
// llm_tokenizer_spm: start from UTF-8 characters, repeatedly merge the neighbouring pair whose
// concatenation is the highest-scoring vocabulary piece, then emit each symbol as its token or,
// failing that, as byte-fallback tokens.
func (t *Tokenizer) encodeSPM(text string, out []int) []int {
	syms := make([]symbol, 0, len(text))
	for off := 0; off < len(text); {
		n := min(utf8Len(text[off]), len(text)-off)
		next := len(syms) + 1
		if off+n == len(text) {
			next = -1
		}
		syms = append(syms, symbol{prev: len(syms) - 1, next: next, start: off, n: n})
		off += n
	}
	var q spmQueue
	tryAdd := func(left, right int) {
		if left < 0 || right < 0 {
			return
		}
		s := text[syms[left].start : syms[left].start+syms[left].n+syms[right].n]
		id, ok := t.ids[s]
		if !ok {
			return
		}
		var score float32
		if t.v.Scores != nil {
			score = t.v.Scores[id]
		}
		heap.Push(&q, spmBigram{left: left, right: right, score: score, size: len(s)})
	}
	for i := 1; i < len(syms); i++ {
		tryAdd(i-1, i)
	}
	for q.Len() > 0 {
		b := heap.Pop(&q).(spmBigram)
		l, r := &syms[b.left], &syms[b.right]
		if l.n == 0 || r.n == 0 || l.n+r.n != b.size {
			continue
		}
		l.n += r.n
		r.n = 0
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = b.left
		}
		tryAdd(l.prev, b.left)
		tryAdd(b.left, l.next)
	}
	for i := 0; i != -1 && len(syms) > 0; i = syms[i].next {
		s := text[syms[i].start : syms[i].start+syms[i].n]
		if id, ok := t.ids[s]; ok {
			out = append(out, id)
			continue
		}
		// A merged symbol is always a vocabulary piece, so only single characters get here.
		for j := 0; j < len(s); j++ {
			out = t.appendByte(out, s[j])
		}
	}
	return out
}

// appendByte appends the byte-fallback token of b. llama.cpp aborts when a vocabulary has
// none; the unknown token stands in for it here, and without one the byte is dropped.
func (t *Tokenizer) appendByte(out []int, b byte) []int {
	if id := t.byteTok[b]; id >= 0 {
		return append(out, id)
	}
	if t.v.UNK >= 0 {
		return append(out, t.v.UNK)
	}
	return out
}
