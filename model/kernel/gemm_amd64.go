package kernel

import "unsafe"

// avx2Gemm is the AVX2+FMA micro-kernel: a 6×16 tile in twelve ymm
// accumulators, two FMAs per broadcast of A.
var avx2Gemm = gemmArch{mr: 6, nr: 16, kernel: gemmKernelAVX2, packBT: packBTAVX2}

func gemmKernelAVX2(kc int, a []float32, rsa, csa int, b []float32, c []float32, ldc int, alpha float32) {
	_ = a[5*rsa+(kc-1)*csa]
	_ = b[kc*16-1]
	_ = c[5*ldc+15]
	gemm6x16(kc, unsafe.Pointer(&a[0]), rsa*4, csa*4, unsafe.Pointer(&b[0]), unsafe.Pointer(&c[0]), ldc*4, alpha)
}

// packBTAVX2 transposes 8×8 blocks with AVX shuffles; the ragged rest of
// the sliver goes through the generic loop.
func packBTAVX2(d, b []float32, ldb, j0, cols, p0, kc, nr int) {
	k8 := kc &^ 7
	if cols != 16 || k8 == 0 {
		packBTGeneric(d, b, ldb, j0, cols, p0, kc, nr)
		return
	}
	_ = b[(j0+15)*ldb+p0+kc-1]
	_ = d[kc*16-1]
	transpose16(unsafe.Pointer(&d[0]), unsafe.Pointer(&b[j0*ldb+p0]), ldb*4, k8)
	for j := 0; j < 16; j++ {
		src := b[(j0+j)*ldb+p0+k8 : (j0+j)*ldb+p0+kc]
		for q, v := range src {
			d[(k8+q)*16+j] = v
		}
	}
}

// gemm6x16 adds alpha·A·B to the 6×16 tile at c (row stride ldc bytes);
// A(r,p) is at a + r*rsa + p*csa bytes, B is a packed sliver of 16 floats per p.
//
//go:noescape
func gemm6x16(kc int, a unsafe.Pointer, rsa, csa int, b, c unsafe.Pointer, ldc int, alpha float32)

// transpose16 writes dst[p*16+j] = src[j*lds+p] for j < 16, p < k8
// (k8 a multiple of 8; lds in bytes).
//
//go:noescape
func transpose16(dst, src unsafe.Pointer, lds, k8 int)
