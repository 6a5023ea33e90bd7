package finetune

import "tutor/model/kernel"

// gemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, op(A) [m,k], op(B) [k,n]:
// the project's blocked, multi-core SIMD kernel, checked against a naive reference in
// model/kernel.
var gemm = kernel.Gemm
