package kernel

// genericGemm is the pure Go micro-kernel: a 4×4 tile in 16 scalar
// accumulators, used on CPUs without AVX2.
var genericGemm = gemmArch{mr: 4, nr: 4, kernel: gemmKernelGeneric, packBT: packBTGeneric}

func currentGemmArch() *gemmArch {
	if useAVX512 && useAVX2 {
		return &avx512Gemm
	}
	if useAVX2 {
		return &avx2Gemm
	}
	return &genericGemm
}

func gemmKernelGeneric(kc int, a []float32, rsa, csa int, b []float32, c []float32, ldc int, alpha float32, set bool) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	var c20, c21, c22, c23, c30, c31, c32, c33 float32
	b = b[:kc*4]
	ai := 0
	for q := 0; q < kc; q++ {
		a0, a1, a2, a3 := a[ai], a[ai+rsa], a[ai+2*rsa], a[ai+3*rsa]
		bq := b[q*4 : q*4+4 : q*4+4]
		b0, b1, b2, b3 := bq[0], bq[1], bq[2], bq[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
		ai += csa
	}
	if set {
		clear(c[0:4])
		clear(c[ldc : ldc+4])
		clear(c[2*ldc : 2*ldc+4])
		clear(c[3*ldc : 3*ldc+4])
	}
	r := c[0:4:4]
	r[0], r[1], r[2], r[3] = r[0]+alpha*c00, r[1]+alpha*c01, r[2]+alpha*c02, r[3]+alpha*c03
	r = c[ldc : ldc+4 : ldc+4]
	r[0], r[1], r[2], r[3] = r[0]+alpha*c10, r[1]+alpha*c11, r[2]+alpha*c12, r[3]+alpha*c13
	r = c[2*ldc : 2*ldc+4 : 2*ldc+4]
	r[0], r[1], r[2], r[3] = r[0]+alpha*c20, r[1]+alpha*c21, r[2]+alpha*c22, r[3]+alpha*c23
	r = c[3*ldc : 3*ldc+4 : 3*ldc+4]
	r[0], r[1], r[2], r[3] = r[0]+alpha*c30, r[1]+alpha*c31, r[2]+alpha*c32, r[3]+alpha*c33
}
