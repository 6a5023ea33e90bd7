package kernel

import (
	"runtime"

	"golang.org/x/sys/cpu"
)

// Features reports the SIMD paths the kernels use on this CPU, for logs and
// benchmark reports.
func Features() string {
	switch {
	case useAVX512:
		return "avx512f+avx2+fma+f16c"
	case useAVX2:
		return "avx2+fma+f16c"
	default:
		return "generic"
	}
}

// useAVX2 selects the AVX2+FMA+F16C assembly; tests switch it off to check the
// pure Go path on the same machine.
var useAVX2 = hasAVX2Asm && cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasF16C

// useAVX512 selects the AVX-512 kernels where they beat the AVX2 ones; it
// implies useAVX2 (the AVX-512 paths still use AVX2 helpers).
var useAVX512 = useAVX2 && cpu.X86.HasAVX512F

// workers is how many goroutines a parallel kernel splits its work over.
func workers() int {
	n := runtime.GOMAXPROCS(0)
	if n > maxWorkers {
		n = maxWorkers
	}
	return n
}

const maxWorkers = 64
