package kernel

import (
	"runtime"

	"golang.org/x/sys/cpu"
)

// Features reports the SIMD paths the kernels use on this CPU, for logs and
// benchmark reports.
func Features() string {
	switch {
	case useAVX2:
		return "avx2+fma+f16c"
	default:
		return "generic"
	}
}

// useAVX2 selects the AVX2+FMA+F16C assembly; tests switch it off to check the
// pure Go path on the same machine.
var useAVX2 = hasAVX2Asm && cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasF16C

// workers is how many goroutines a parallel kernel splits its work over.
func workers() int {
	n := runtime.GOMAXPROCS(0)
	if n > maxWorkers {
		n = maxWorkers
	}
	return n
}

const maxWorkers = 64
