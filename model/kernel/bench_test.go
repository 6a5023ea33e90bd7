package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"tutor/model/ggml"
)

// The benchmarks run the kernel and a plain reference on the same inputs in
// one process and report both speeds and their ratio, so the figure survives
// the noise of a shared machine:
//
//	go test ./model/kernel -run '^$' -bench . -benchtime 20x
//
// Gemm is compared with loopGemm, the straightforward row-parallel Go loop
// (what a training step runs without this package); the matrix-vector
// products with ggml.MatVec, the scalar reference of ggml's semantics.

// trainingShapes are the products of one LoRA training step at SmolLM-135M
// dimensions (model 576, feed-forward 1536, 9 heads of 64, 3 key/value
// heads) over a sequence of 256 tokens.
var trainingShapes = []struct {
	name           string
	transA, transB bool
	m, n, k        int
}{
	{"fwd_q_o", false, true, 256, 576, 576},
	{"fwd_kv", false, true, 256, 192, 576},
	{"fwd_gate_up", false, true, 256, 1536, 576},
	{"fwd_down", false, true, 256, 576, 1536},
	{"dx_q_o", false, false, 256, 576, 576},
	{"dx_gate_up", false, false, 256, 576, 1536},
	{"dx_down", false, false, 256, 1536, 576},
	{"dw_q_o", true, false, 576, 576, 256},
	{"dw_gate_up", true, false, 1536, 576, 256},
	{"attn_qk", false, true, 256, 256, 64},
	{"attn_pv", false, false, 256, 64, 256},
	{"attn_dv", true, false, 256, 64, 256},
	{"lmhead", false, true, 64, 49152, 576},
	{"lmhead_dx", false, false, 64, 576, 49152},
}

func BenchmarkGemm(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range trainingShapes {
		tr := map[bool]string{false: "N", true: "T"}
		name := fmt.Sprintf("%s_%s%s_%dx%dx%d", s.name, tr[s.transA], tr[s.transB], s.m, s.n, s.k)
		b.Run(name, func(b *testing.B) {
			lda, ldb := s.k, s.n
			if s.transA {
				lda = s.m
			}
			if s.transB {
				ldb = s.k
			}
			a, bm, c := randSlice(r, s.m*s.k), randSlice(r, s.k*s.n), make([]float32, s.m*s.n)
			flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
			run := func() {
				Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
			}
			ref := func() {
				loopGemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
			}
			reportVsRef(b, run, ref, flops/1e9, "GFLOP/s")
		})
	}
}

// reportVsRef times run b.N times and ref a few times, interleaved, and
// reports work per second of both and the ratio. On a shared machine the
// wall clock counts time the threads waited for a core, so the work per
// second of process CPU time ("cpu_" metrics, summed over the cores) is
// reported too: it is what one core achieves, times the cores used.
func reportVsRef(b *testing.B, run, ref func(), work float64, unit string) {
	run()
	b.ResetTimer()
	var tRun, tRef, cRun, cRef time.Duration
	nRef := 0
	refEvery := max(1, b.N/3)
	for i := 0; i < b.N; i++ {
		t0, c0 := time.Now(), cpuTime()
		run()
		tRun += time.Since(t0)
		cRun += cpuTime() - c0
		if i%refEvery == 0 {
			t0, c0 = time.Now(), cpuTime()
			ref()
			tRef += time.Since(t0)
			cRef += cpuTime() - c0
			nRef++
		}
	}
	b.StopTimer()
	got := work * float64(b.N) / tRun.Seconds()
	want := work * float64(nRef) / tRef.Seconds()
	b.ReportMetric(got, unit)
	b.ReportMetric(want, "ref_"+unit)
	b.ReportMetric(got/want, "x_ref")
	b.ReportMetric(work*float64(b.N)/cRun.Seconds(), "cpu_"+unit)
	b.ReportMetric(cRef.Seconds()/float64(nRef)/(cRun.Seconds()/float64(b.N)), "cpu_x_ref")
	b.ReportMetric(tRun.Seconds()/float64(b.N)*1e6, "us/op")
	b.ReportMetric(0, "ns/op")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loopGemm is the plain reference: rows of C split over the cores, each row
// an i-p-j loop in float32.
func loopGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	w := min(runtime.GOMAXPROCS(0), m)
	var wg sync.WaitGroup
	per := ceilDiv(m, w)
	for lo := 0; lo < m; lo += per {
		hi := min(lo+per, m)
		wg.Add(1)
		go func() {
			defer wg.Done()
			arow := make([]float32, k)
			for i := lo; i < hi; i++ {
				for p := range arow {
					arow[p] = at(a, lda, i, p, transA)
				}
				crow := c[i*ldc : i*ldc+n]
				for j := range crow {
					crow[j] *= beta
				}
				if transB {
					for j := range crow {
						crow[j] += alpha * dotGeneric(arow, b[j*ldb:j*ldb+k])
					}
					continue
				}
				for p, av := range arow {
					av *= alpha
					for j, bv := range b[p*ldb : p*ldb+n] {
						crow[j] += av * bv
					}
				}
			}
		}()
	}
	wg.Wait()
}

// decodeShapes are the matrices of one decoding step at SmolLM-135M
// dimensions: attention, feed-forward up and down, and the vocabulary.
var decodeShapes = [][2]int{{576, 576}, {1536, 576}, {576, 1536}, {49152, 576}}

func BenchmarkMatVec(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, s := range decodeShapes {
		rows, cols := s[0], s[1]
		x, y := randSlice(r, cols), make([]float32, rows)
		wf := randSlice(r, rows*cols)
		wh := randF16(r, rows*cols)
		wq := randQ8(r, rows, cols)
		raw := map[string][]byte{"F32": f32Bytes(wf), "F16": f16Bytes(wh), "Q8_0": wq}
		types := map[string]ggml.Type{"F32": ggml.F32, "F16": ggml.F16, "Q8_0": ggml.Q8_0}
		for _, c := range []struct {
			name string
			fn   func()
		}{
			{"F32", func() { MatVecF32(wf, rows, cols, x, y) }},
			{"F16", func() { MatVecF16(wh, rows, cols, x, y) }},
			{"F16GGML", func() { MatVecF16GGML(wh, rows, cols, x, y) }},
			{"Q8_0", func() { MatVecQ8_0(wq, rows, cols, x, y) }},
			{"Q8_0GGML", func() { MatVecQ8_0GGML(wq, rows, cols, x, y) }},
		} {
			typ := c.name[:3]
			if typ == "Q8_" {
				typ = "Q8_0"
			}
			w := raw[typ]
			b.Run(fmt.Sprintf("%s_%dx%d", c.name, rows, cols), func(b *testing.B) {
				ref := func() { ggml.MatVec(types[typ], w, rows, cols, x, y) }
				reportVsRef(b, c.fn, ref, float64(len(w))/1e9, "GB/s")
			})
		}
	}
}

func f32Bytes(w []float32) []byte {
	out := make([]byte, 4*len(w))
	for i, v := range w {
		u := math.Float32bits(v)
		out[4*i], out[4*i+1], out[4*i+2], out[4*i+3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
	}
	return out
}

func f16Bytes(w []uint16) []byte {
	out := make([]byte, 2*len(w))
	for i, h := range w {
		out[2*i], out[2*i+1] = byte(h), byte(h>>8)
	}
	return out
}
