package tokenizer

import (
	"container/heap"
	"strings"
)

// byteChar maps each byte to the printable character GPT-2's byte-level BPE writes for it;
// charByte is its inverse.
var byteChar, charByte = func() (bc [256]string, cb map[rune]byte) {
	cb = make(map[rune]byte, 256)
	n := 0
	for b := range 256 {
		r := rune(b)
		if !(b >= 0x21 && b <= 0x7E || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF) {
			r = rune(256 + n)
			n++
		}
		bc[b] = string(r)
		cb[r] = byte(b)
	}
	return bc, cb
}()

// mergePair is the left and right side of a BPE merge rule.
type mergePair struct{ left, right string }

// parseMerges returns the rank of each merge rule; the first of duplicates wins, and the split
// is at the first space after the first byte, as llama.cpp reads tokenizer.ggml.merges.
func parseMerges(merges []string) map[mergePair]int {
	ranks := make(map[mergePair]int, len(merges))
	for i, m := range merges {
		var p mergePair
		if len(m) > 1 {
			if j := strings.IndexByte(m[1:], ' '); j >= 0 {
				p = mergePair{m[:j+1], m[j+2:]}
			}
		}
		if _, ok := ranks[p]; !ok {
			ranks[p] = i
		}
	}
	return ranks
}

// bpeBigram is a candidate merge of two neighbouring symbols by a merge rule.
type bpeBigram struct {
	left, right int
	text        string
	rank        int
}

// bpeQueue pops the lowest rank first and, on ties, the leftmost pair, as llama.cpp.
type bpeQueue []bpeBigram

func (q bpeQueue) Len() int { return len(q) }
func (q bpeQueue) Less(i, j int) bool {
	return q[i].rank < q[j].rank || (q[i].rank == q[j].rank && q[i].left < q[j].left)
}
func (q bpeQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *bpeQueue) Push(x any)   { *q = append(*q, x.(bpeBigram)) }
func (q *bpeQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// encodeBPE appends the tokens of raw text using llama.cpp's llm_tokenizer_bpe: split with the
// pre-tokenizer, map bytes to GPT-2 characters, merge by rank within each word, and emit each
// symbol as its token or as the tokens of its single bytes where those exist.
func (t *Tokenizer) encodeBPE(text string, out []int) []int {
	for _, word := range t.pretokenize(text) {
		var syms []symbol
		if _, ok := t.ids[word]; t.ignore && ok {
			syms = []symbol{{prev: -1, next: -1, start: 0, n: len(word)}}
		} else {
			for off := 0; off < len(word); {
				n := min(utf8Len(word[off]), len(word)-off)
				next := len(syms) + 1
				if off+n == len(word) {
					next = -1
				}
				syms = append(syms, symbol{prev: len(syms) - 1, next: next, start: off, n: n})
				off += n
			}
		}
		text := func(i int) string { return word[syms[i].start : syms[i].start+syms[i].n] }
		var q bpeQueue
		add := func(left, right int) {
			if left < 0 || right < 0 {
				return
			}
			l, r := text(left), text(right)
			rank, ok := t.ranks[mergePair{l, r}]
			if !ok {
				return
			}
			heap.Push(&q, bpeBigram{left: left, right: right, text: l + r, rank: rank})
		}
		for i := 1; i < len(syms); i++ {
			add(i-1, i)
		}
		for q.Len() > 0 {
			b := heap.Pop(&q).(bpeBigram)
			l, r := &syms[b.left], &syms[b.right]
			if l.n == 0 || r.n == 0 || text(b.left)+text(b.right) != b.text {
				continue
			}
			l.n += r.n
			r.n = 0
			l.next = r.next
			if r.next >= 0 {
				syms[r.next].prev = b.left
			}
			add(l.prev, b.left)
			add(b.left, l.next)
		}
		for i := range syms {
			if syms[i].n == 0 {
				continue
			}
			s := text(i)
			if id, ok := t.ids[s]; ok {
				out = append(out, id)
				continue
			}
			// llama.cpp looks each byte up on its own and silently drops those not found.
			for j := 0; j < len(s); j++ {
				if id, ok := t.ids[s[j:j+1]]; ok {
					out = append(out, id)
				}
			}
		}
	}
	return out
}

// pretokenize splits text into words with the vocabulary's pre-tokenizer and writes each word
// in GPT-2's byte-level characters.
func (t *Tokenizer) pretokenize(text string) []string {
	cpts := codepoints(text)
	lengths := []int{len(cpts)}
	for _, split := range t.split {
		var next []int
		start := 0
		for _, n := range lengths {
			next = split(cpts, start, start+n, next)
			start += n
		}
		lengths = next
	}
	words := make([]string, 0, len(lengths))
	var buf []byte
	var sb strings.Builder
	start := 0
	for _, n := range lengths {
		buf = buf[:0]
		for _, r := range cpts[start : start+n] {
			buf = appendCpt(buf, r)
		}
		sb.Reset()
		for _, b := range buf {
			sb.WriteString(byteChar[b])
		}
		words = append(words, sb.String())
		start += n
	}
	return words
}
