package kernel

import (
	"encoding/binary"
	"math"
	"unsafe"
)

// littleEndian reports whether the CPU stores numbers little-endian, as GGUF
// and safetensors files do, so their bytes can be used in place.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// F16View returns the little-endian half-precision values in b (an even
// number of bytes) as a []uint16: the same memory where the CPU is
// little-endian and b is aligned, a converted copy otherwise.
func F16View(b []byte) []uint16 {
	n := len(b) / 2
	if n == 0 {
		return nil
	}
	if inPlace(b, 2) {
		return unsafe.Slice((*uint16)(unsafe.Pointer(&b[0])), n)
	}
	h := make([]uint16, n)
	for i := range h {
		h[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return h
}

// F32View returns the little-endian float32 values in b (a multiple of 4
// bytes) as a []float32: the same memory where the CPU is little-endian and
// b is aligned, a converted copy otherwise.
func F32View(b []byte) []float32 {
	n := len(b) / 4
	if n == 0 {
		return nil
	}
	if inPlace(b, 4) {
		return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), n)
	}
	f := make([]float32, n)
	for i := range f {
		f[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return f
}

func inPlace(b []byte, size uintptr) bool {
	return littleEndian && uintptr(unsafe.Pointer(&b[0]))%size == 0
}
