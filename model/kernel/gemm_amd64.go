package kernel

import "unsafe"

// avx2Gemm is the AVX2+FMA micro-kernel: a 6×16 tile in twelve ymm
// accumulators, two FMAs per broadcast of A.
var avx2Gemm = gemmArch{mr: 6, nr: 16, kernel: gemmKernelAVX2, packBT: packBTAVX}

func gemmKernelAVX2(kc int, a []float32, rsa, csa int, b []float32, c []float32, ldc int, alpha float32, set bool) {
	_ = a[5*rsa+(kc-1)*csa]
	_ = b[kc*16-1]
	_ = c[5*ldc+15]
	gemm6x16(kc, unsafe.Pointer(&a[0]), rsa*4, csa*4, unsafe.Pointer(&b[0]), unsafe.Pointer(&c[0]), ldc*4, alpha, set)
}

// packBTAVX packs a sliver of a transposed B, nr a multiple of 8, as 8×8
// block transposes; a ragged sliver or k rest goes through the generic loop.
func packBTAVX(d, b []float32, ldb, j0, cols, p0, kc, nr int) {
	k8 := kc &^ 7
	if cols != nr || k8 == 0 {
		packBTGeneric(d, b, ldb, j0, cols, p0, kc, nr)
		return
	}
	_ = b[(j0+nr-1)*ldb+p0+kc-1]
	_ = d[kc*nr-1]
	for g := 0; g < nr; g += 8 {
		transpose8(unsafe.Pointer(&d[g]), unsafe.Pointer(&b[(j0+g)*ldb+p0]), ldb*4, nr*4, k8)
	}
	for j := 0; j < nr; j++ {
		src := b[(j0+j)*ldb+p0+k8 : (j0+j)*ldb+p0+kc]
		for q, v := range src {
			d[(k8+q)*nr+j] = v
		}
	}
}

// gemm6x16 adds alpha·A·B to the 6×16 tile at c (row stride ldc bytes), or
// stores it there without reading c when set;
// A(r,p) is at a + r*rsa + p*csa bytes, B is a packed sliver of 16 floats per p.
//
//go:noescape
func gemm6x16(kc int, a unsafe.Pointer, rsa, csa int, b, c unsafe.Pointer, ldc int, alpha float32, set bool)

// avx512Gemm is the AVX-512 micro-kernel: a 12×32 tile in 24 zmm
// accumulators, two FMAs per broadcast of A, so a k step issues 14 loads
// for 24 FMAs of 16 lanes.
var avx512Gemm = gemmArch{mr: 12, nr: 32, kernel: gemmKernelAVX512, packBT: packBTAVX}

func gemmKernelAVX512(kc int, a []float32, rsa, csa int, b []float32, c []float32, ldc int, alpha float32, set bool) {
	_ = a[11*rsa+(kc-1)*csa]
	_ = b[kc*32-1]
	_ = c[11*ldc+31]
	gemm12x32(kc, unsafe.Pointer(&a[0]), rsa*4, csa*4, unsafe.Pointer(&b[0]), unsafe.Pointer(&c[0]), ldc*4, alpha, set)
}

// gemm12x32 adds alpha·A·B to the 12×32 tile at c (row stride ldc bytes), or
// stores it there without reading c when set;
// A(r,p) is at a + r*rsa + p*csa bytes, B is a packed sliver of 32 floats per p.
//
//go:noescape
func gemm12x32(kc int, a unsafe.Pointer, rsa, csa int, b, c unsafe.Pointer, ldc int, alpha float32, set bool)

// transpose8 writes dst[p*ldd+j] = src[j*lds+p] for j < 8, p < k8 (k8 a
// multiple of 8; lds and ldd in bytes).
//
//go:noescape
func transpose8(dst, src unsafe.Pointer, lds, ldd, k8 int)
