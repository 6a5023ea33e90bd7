// Package kernel holds the fast float32 kernels of the model: a cache-blocked,
// multi-core matrix multiply, matrix-vector products over F32, F16 and Q8_0
// weights for decoding, and the small vector kernels of the forward and
// backward passes (dot, axpy, RMSNorm, softmax, SwiGLU, f16 conversion).
//
// On amd64 the hot loops are hand-written assembly chosen at start-up from the
// CPU's features (AVX2 with FMA and F16C); every other CPU runs the pure Go
// versions, which compute the same results. All matrices are row-major.
//
// Kernels panic when a slice is shorter than its stated shape: a wrong shape is
// a programming error, never a property of outside data.
package kernel
