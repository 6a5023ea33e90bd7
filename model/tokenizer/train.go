package tokenizer

import (
	"container/heap"
	"slices"
	"unicode"
	"unicode/utf8"

	"tutor"
)

// BPETrainer learns a byte-level BPE vocabulary ("gpt2" model) from text fed to it with Add:
// the text is split by the pre-tokenizer, words are counted, and Train merges the most frequent
// adjacent pair of symbols within words until the vocabulary has the size asked for. Counting
// distinct words and updating pair counts incrementally keeps it fast on megabytes of text.
type BPETrainer struct {
	pre    string
	t      *Tokenizer
	words  map[string]int
	whole  []rune
	maxHan int
}

// NewBPETrainer returns a trainer for pre-tokenizer pre (e.g. "qwen2").
func NewBPETrainer(pre string) (*BPETrainer, error) {
	split, _, err := preTokenizer(pre)
	if err != nil {
		return nil, err
	}
	return &BPETrainer{pre: pre, t: &Tokenizer{split: split}, words: map[string]int{}}, nil
}

// Add counts the words of text.
func (b *BPETrainer) Add(text string) {
	for _, w := range b.t.pretokenize(text) {
		b.words[w]++
	}
}

// Whole makes each of chars a single token, whatever its frequency in the text: Train starts
// with the merges that join each character's UTF-8 bytes, in the order given, before it
// learns any from the text. A vocabulary for Chinese keeps its common characters whole this
// way, so that text seldom seen in training still tokenizes to characters, not byte fragments.
func (b *BPETrainer) Whole(chars ...rune) { b.whole = append(b.whole, chars...) }

// MaxHan stops Train from learning a token of more than n Chinese characters (0: no limit).
// Pre-tokenizers keep a run of Chinese as one word, so a corpus that repeats its sentences
// teaches BPE whole clauses as single tokens; a model then meets the same words in new text as
// characters it has hardly seen on their own. Two characters keep most Chinese words whole.
func (b *BPETrainer) MaxHan(n int) { b.maxHan = n }

// Train returns a vocabulary of at most size tokens: the 256 byte characters, the learned
// merges, <|endoftext|> (BOS and EOS) and the given special tokens as control tokens. Ties
// between equally frequent pairs go to the pair whose texts sort first, so the same text gives
// the same vocabulary.
func (b *BPETrainer) Train(size int, specials ...string) (Vocab, error) {
	nMerges := size - 256 - 1 - len(specials)
	if nMerges < 0 {
		return Vocab{}, tutor.Errorf(tutor.EINVALID, "a vocabulary of %d tokens cannot hold 256 bytes and %d special tokens", size, 1+len(specials))
	}
	v := Defaults(ModelBPE, b.pre)
	syms := make([]string, 256, size) // symbol id → text in byte characters
	symID := map[string]int32{}
	for i := range 256 {
		syms[i] = byteChar[i]
		symID[byteChar[i]] = int32(i)
	}
	// Words in sorted order, so that the result does not depend on map order.
	keys := slices.Sorted(func(yield func(string) bool) {
		for w := range b.words {
			if !yield(w) {
				return
			}
		}
	})
	m := &merger{counts: map[pair]int{}, where: map[pair]map[int32]struct{}{}}
	for _, w := range keys {
		var ids []int32
		for _, r := range w {
			ids = append(ids, symID[string(r)])
		}
		m.words = append(m.words, word{ids, b.words[w]})
	}
	for i, w := range m.words {
		for j := 1; j < len(w.ids); j++ {
			m.add(pair{w.ids[j-1], w.ids[j]}, w.n, int32(i))
		}
	}
	m.syms = &syms
	for p, n := range m.counts {
		heap.Push(&m.queue, entry{p, n, syms[p.a], syms[p.b]})
	}
	join := func(p pair) {
		id := int32(len(syms))
		syms = append(syms, syms[p.a]+syms[p.b])
		symID[syms[id]] = id
		v.Merges = append(v.Merges, syms[p.a]+" "+syms[p.b])
		m.merge(p, id)
	}
	for _, c := range b.whole {
		bs := []byte(string(c))
		cur := symID[byteChar[bs[0]]]
		for _, x := range bs[1:] {
			next := syms[cur] + byteChar[x]
			id, ok := symID[next]
			if !ok {
				if len(syms)-256 >= nMerges {
					return Vocab{}, tutor.Errorf(tutor.EINVALID, "a vocabulary of %d tokens cannot hold the %d characters kept whole", size, len(b.whole))
				}
				join(pair{cur, symID[byteChar[x]]})
				id = int32(len(syms) - 1)
			}
			cur = id
		}
	}
	for len(syms)-256 < nMerges {
		p, ok := m.best()
		if !ok {
			break
		}
		if b.maxHan > 0 && hanCount(syms[p.a]+syms[p.b]) > b.maxHan {
			m.ban(p)
			continue
		}
		join(p)
	}
	v.Tokens = syms
	return finishBPE(v, specials), nil
}

// hanCount is the number of Chinese characters a symbol (in byte characters) holds, counting a
// character cut off at either end as one.
func hanCount(sym string) int {
	var bs []byte
	for _, r := range sym {
		bs = append(bs, charByte[r])
	}
	n := 0
	for len(bs) > 0 {
		r, size := utf8.DecodeRune(bs)
		switch {
		case r == utf8.RuneError && size <= 1:
			// A piece of a character: skip the rest of its continuation bytes as one.
			n++
			size = 1
			for size < len(bs) && bs[size]&0xC0 == 0x80 {
				size++
			}
		case unicode.Is(unicode.Han, r):
			n++
		}
		bs = bs[size:]
	}
	return n
}

// Words is the number of distinct words counted so far.
func (b *BPETrainer) Words() int { return len(b.words) }

type pair struct{ a, b int32 }

type word struct {
	ids []int32
	n   int
}

// entry is a pair with the count it had when queued; stale entries are skipped.
type entry struct {
	p      pair
	n      int
	la, lb string
}

type queue []entry

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].n != q[j].n {
		return q[i].n > q[j].n
	}
	if q[i].la != q[j].la {
		return q[i].la < q[j].la
	}
	return q[i].lb < q[j].lb
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(entry)) }
func (q *queue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// merger holds the words as symbol ids, how often each adjacent pair occurs (weighted by word
// count) and which words hold it.
type merger struct {
	words  []word
	counts map[pair]int
	where  map[pair]map[int32]struct{} // words holding the pair
	queue  queue
	syms   *[]string
	dirty  map[pair]bool
	banned map[pair]bool
}

func (m *merger) add(p pair, n int, w int32) {
	m.counts[p] += n
	ws := m.where[p]
	if ws == nil {
		ws = map[int32]struct{}{}
		m.where[p] = ws
	}
	ws[w] = struct{}{}
	if m.dirty != nil {
		m.dirty[p] = true
	}
}

func (m *merger) sub(p pair, n int, w int32) {
	m.counts[p] -= n
	delete(m.where[p], w)
	if m.dirty != nil {
		m.dirty[p] = true
	}
}

// ban keeps pair p from ever being merged: best skips it from now on.
func (m *merger) ban(p pair) {
	if m.banned == nil {
		m.banned = map[pair]bool{}
	}
	m.banned[p] = true
}

// best pops the most frequent pair whose queued count is still current.
func (m *merger) best() (pair, bool) {
	for m.queue.Len() > 0 {
		e := heap.Pop(&m.queue).(entry)
		if n := m.counts[e.p]; n == e.n && n > 0 && !m.banned[e.p] {
			return e.p, true
		}
	}
	return pair{}, false
}

// merge replaces every occurrence of p by the new symbol id: each word holding p has its pairs
// counted out, is rewritten, and has its new pairs counted in.
func (m *merger) merge(p pair, id int32) {
	m.dirty = map[pair]bool{}
	for wi := range m.where[p] {
		w := &m.words[wi]
		ids := w.ids
		for j := 1; j < len(ids); j++ {
			m.sub(pair{ids[j-1], ids[j]}, w.n, wi)
		}
		out := make([]int32, 0, len(ids))
		for i := 0; i < len(ids); i++ {
			if i+1 < len(ids) && ids[i] == p.a && ids[i+1] == p.b {
				out = append(out, id)
				i++
				continue
			}
			out = append(out, ids[i])
		}
		w.ids = out
		for j := 1; j < len(out); j++ {
			m.add(pair{out[j-1], out[j]}, w.n, wi)
		}
	}
	delete(m.where, p)
	syms := *m.syms
	for q := range m.dirty {
		if n := m.counts[q]; n > 0 && q != p {
			heap.Push(&m.queue, entry{q, n, syms[q.a], syms[q.b]})
		}
	}
	m.dirty = nil
}
