//go:build amd64

#include "textflag.h"

// Eight half weights at DI+woff, made float32, times eight floats at
// AX+xoff: the products (exact in float32) widened into the eight float64
// lanes of acc.
#define F16DOT8X512(woff, xoff, t, d, acc) \
	VCVTPH2PS woff(DI), t \
	VMULPS    xoff(AX), t, t \
	VCVTPS2PD t, d \
	VADDPD    d, acc, acc

// func matvecF16F64x512(w, x, y unsafe.Pointer, rows, cols int)
TEXT ·matvecF16F64x512(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ rows+24(FP), R8
	MOVQ cols+32(FP), R9

row:
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	MOVQ   SI, AX
	MOVQ   R9, CX
	CMPQ   CX, $32
	JB     c8

l32:
	F16DOT8X512(0, 0, Y4, Z8, Z0)
	F16DOT8X512(16, 32, Y5, Z9, Z1)
	F16DOT8X512(32, 64, Y6, Z10, Z2)
	F16DOT8X512(48, 96, Y7, Z11, Z3)
	ADDQ $64, DI
	ADDQ $128, AX
	SUBQ $32, CX
	CMPQ CX, $32
	JAE  l32

c8:
	CMPQ CX, $8
	JB   red
	F16DOT8X512(0, 0, Y4, Z8, Z0)
	ADDQ $16, DI
	ADDQ $32, AX
	SUBQ $8, CX
	JMP  c8

red:
	VADDPD        Z1, Z0, Z0
	VADDPD        Z3, Z2, Z2
	VADDPD        Z2, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPD        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPD        X1, X0, X0
	VHADDPD       X0, X0, X0

tail:
	TESTQ     CX, CX
	JEQ       done
	MOVWLZX   (DI), BX
	VMOVD     BX, X4
	VCVTPH2PS X4, X4
	VMULSS    (AX), X4, X4
	VCVTSS2SD X4, X4, X4
	VADDSD    X4, X0, X0
	ADDQ      $2, DI
	ADDQ      $4, AX
	DECQ      CX
	JMP       tail

done:
	VCVTSD2SS X0, X0, X0
	VMOVSS    X0, (DX)
	ADDQ      $4, DX
	DECQ      R8
	JNZ       row
	VZEROUPPER
	RET
