package rag

import (
	"container/heap"
	"math"

	"tutor/model/kernel"
)

// memIndex holds the searchable chunks in memory: BM25 postings and a row-major matrix of
// their vectors. Deleted chunks are tombstoned and dropped when they grow to a quarter.
type memIndex struct {
	chunks []Chunk
	dead   []bool
	live   int
	bm     *bm25
	dim    int
	vecs   []float32 // len(chunks) × dim
	df     []int32   // per dimension, live chunks whose vector is non-zero there
	byDoc  map[int64][]int32
}

func newMemIndex() *memIndex { return &memIndex{bm: newBM25(), byDoc: map[int64][]int32{}} }

// indexText is what BM25 and the embedder see of a chunk: its heading path and its text.
func indexText(c Chunk) string {
	if len(c.Heading) == 0 {
		return c.Text
	}
	return c.HeadingPath() + "\n" + c.Text
}

// add appends a chunk; vec may be nil when there is no vector (it then never matches by vector).
func (m *memIndex) add(c Chunk, vec []float32) {
	if m.dim == 0 && vec != nil {
		m.dim = len(vec)
		m.vecs = make([]float32, len(m.chunks)*m.dim)
		m.df = make([]int32, m.dim)
	}
	pos := int32(len(m.chunks))
	m.chunks = append(m.chunks, c)
	m.dead = append(m.dead, false)
	m.live++
	m.bm.add(Terms(indexText(c)))
	row := make([]float32, m.dim)
	if len(vec) == m.dim {
		copy(row, vec)
		m.countDF(row, 1)
	}
	m.vecs = append(m.vecs, row...)
	m.byDoc[c.DocID] = append(m.byDoc[c.DocID], pos)
}

// deleteDoc tombstones a document's chunks, compacting when a quarter are dead.
func (m *memIndex) deleteDoc(id int64) {
	for _, p := range m.byDoc[id] {
		if !m.dead[p] {
			m.dead[p] = true
			m.live--
			if m.dim > 0 {
				m.countDF(m.vecs[int(p)*m.dim:(int(p)+1)*m.dim], -1)
			}
		}
	}
	delete(m.byDoc, id)
	if dead := len(m.chunks) - m.live; dead > 0 && dead*4 >= len(m.chunks) {
		m.compact()
	}
}

func (m *memIndex) compact() {
	n := newMemIndex()
	for i, c := range m.chunks {
		if !m.dead[i] {
			var v []float32
			if m.dim > 0 {
				v = m.vecs[i*m.dim : (i+1)*m.dim]
			}
			n.add(c, v)
		}
	}
	*m = *n
}

func (m *memIndex) countDF(row []float32, delta int32) {
	for i, x := range row {
		if x != 0 {
			m.df[i] += delta
		}
	}
}

// weightIDF scales each dimension of a query vector by the inverse document frequency of
// that dimension among the live chunks, squared: for the hashed sparse features of
// [HashEmbedder] this turns the cosine of term frequencies into a TF-IDF match, with
// statistics that follow the corpus without re-embedding it.
func (m *memIndex) weightIDF(q []float32) []float32 {
	if len(q) != m.dim || m.live == 0 {
		return q
	}
	out := make([]float32, len(q))
	n := float64(m.live)
	for i, x := range q {
		if x != 0 {
			idf := math.Log(1 + n/float64(max(m.df[i], 0)+1))
			out[i] = x * float32(idf*idf)
		}
	}
	return out
}

func (m *memIndex) keep(doc int64) func(int32) bool {
	return func(p int32) bool { return !m.dead[p] && (doc == 0 || m.chunks[p].DocID == doc) }
}

// searchVector returns the k chunks most similar to q (cosine; vectors are unit length).
func (m *memIndex) searchVector(q []float32, k int, keep func(int32) bool) []scored {
	n := len(m.chunks)
	if n == 0 || m.dim == 0 || len(q) != m.dim || k <= 0 {
		return nil
	}
	sims := make([]float32, n)
	kernel.MatVecF32(m.vecs, n, m.dim, q, sims)
	h := &minHeap{}
	for i, s := range sims {
		if keep != nil && !keep(int32(i)) {
			continue
		}
		if h.Len() < k {
			heap.Push(h, scored{int32(i), float64(s)})
		} else if float64(s) > (*h)[0].score {
			(*h)[0] = scored{int32(i), float64(s)}
			heap.Fix(h, 0)
		}
	}
	out := make([]scored, h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(scored)
	}
	return out
}

// minHeap keeps the best k scores with the worst on top.
type minHeap []scored

func (h minHeap) Len() int { return len(h) }
func (h minHeap) Less(i, j int) bool {
	if h[i].score != h[j].score {
		return h[i].score < h[j].score
	}
	return h[i].doc > h[j].doc
}
func (h minHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *minHeap) Push(x any)   { *h = append(*h, x.(scored)) }
func (h *minHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
