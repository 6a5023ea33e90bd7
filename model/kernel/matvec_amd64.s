//go:build amd64

#include "textflag.h"

// Horizontal sum of Y0..Y3 (float32) into X0.
#define HSUM4 \
	VADDPS Y1, Y0, Y0 \
	VADDPS Y3, Y2, Y2 \
	VADDPS Y2, Y0, Y0 \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS X1, X0, X0 \
	VHADDPS X0, X0, X0 \
	VHADDPS X0, X0, X0

#define ZERO4 \
	VXORPS Y0, Y0, Y0 \
	VXORPS Y1, Y1, Y1 \
	VXORPS Y2, Y2, Y2 \
	VXORPS Y3, Y3, Y3

// func matvecF32(w, x, y unsafe.Pointer, rows, cols int)
TEXT ·matvecF32(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ rows+24(FP), R8
	MOVQ cols+32(FP), R9

f32row:
	ZERO4
	MOVQ SI, AX
	MOVQ R9, CX
	CMPQ CX, $32
	JB   f32c8

f32l32:
	VMOVUPS     (DI), Y4
	VFMADD231PS (AX), Y4, Y0
	VMOVUPS     32(DI), Y5
	VFMADD231PS 32(AX), Y5, Y1
	VMOVUPS     64(DI), Y6
	VFMADD231PS 64(AX), Y6, Y2
	VMOVUPS     96(DI), Y7
	VFMADD231PS 96(AX), Y7, Y3
	ADDQ        $128, DI
	ADDQ        $128, AX
	SUBQ        $32, CX
	CMPQ        CX, $32
	JAE         f32l32

f32c8:
	CMPQ        CX, $8
	JB          f32red
	VMOVUPS     (DI), Y4
	VFMADD231PS (AX), Y4, Y0
	ADDQ        $32, DI
	ADDQ        $32, AX
	SUBQ        $8, CX
	JMP         f32c8

f32red:
	HSUM4

f32tail:
	TESTQ       CX, CX
	JEQ         f32done
	VMOVSS      (DI), X4
	VFMADD231SS (AX), X4, X0
	ADDQ        $4, DI
	ADDQ        $4, AX
	DECQ        CX
	JMP         f32tail

f32done:
	VMOVSS X0, (DX)
	ADDQ   $4, DX
	DECQ   R8
	JNZ    f32row
	VZEROUPPER
	RET

// func matvecF16(w, x, y unsafe.Pointer, rows, cols int)
TEXT ·matvecF16(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ rows+24(FP), R8
	MOVQ cols+32(FP), R9

f16row:
	ZERO4
	MOVQ SI, AX
	MOVQ R9, CX
	CMPQ CX, $32
	JB   f16c8

f16l32:
	VCVTPH2PS   (DI), Y4
	VFMADD231PS (AX), Y4, Y0
	VCVTPH2PS   16(DI), Y5
	VFMADD231PS 32(AX), Y5, Y1
	VCVTPH2PS   32(DI), Y6
	VFMADD231PS 64(AX), Y6, Y2
	VCVTPH2PS   48(DI), Y7
	VFMADD231PS 96(AX), Y7, Y3
	ADDQ        $64, DI
	ADDQ        $128, AX
	SUBQ        $32, CX
	CMPQ        CX, $32
	JAE         f16l32

f16c8:
	CMPQ        CX, $8
	JB          f16red
	VCVTPH2PS   (DI), Y4
	VFMADD231PS (AX), Y4, Y0
	ADDQ        $16, DI
	ADDQ        $32, AX
	SUBQ        $8, CX
	JMP         f16c8

f16red:
	HSUM4

f16tail:
	TESTQ       CX, CX
	JEQ         f16done
	MOVWLZX     (DI), BX
	VMOVD       BX, X4
	VCVTPH2PS   X4, X4
	VFMADD231SS (AX), X4, X0
	ADDQ        $2, DI
	ADDQ        $4, AX
	DECQ        CX
	JMP         f16tail

f16done:
	VMOVSS X0, (DX)
	ADDQ   $4, DX
	DECQ   R8
	JNZ    f16row
	VZEROUPPER
	RET

// Eight weights, made float32 by load (VCVTPH2PS for halves, VMOVUPS for
// floats), times eight floats at AX: the products rounded to float32, as
// ggml's scalar dot does, then widened into two float64 accumulators.
#define F64DOT8(load, woff, xoff, acclo, acchi) \
	load         woff(DI), Y4 \
	VMULPS       xoff(AX), Y4, Y4 \
	VCVTPS2PD    X4, Y6 \
	VEXTRACTF128 $1, Y4, X4 \
	VCVTPS2PD    X4, Y7 \
	VADDPD       Y6, acclo, acclo \
	VADDPD       Y7, acchi, acchi

// func matvecF16F64(w, x, y unsafe.Pointer, rows, cols int)
TEXT ·matvecF16F64(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ rows+24(FP), R8
	MOVQ cols+32(FP), R9

d64row:
	ZERO4
	MOVQ SI, AX
	MOVQ R9, CX
	CMPQ CX, $16
	JB   d64c8

d64l16:
	F64DOT8(VCVTPH2PS, 0, 0, Y0, Y1)
	F64DOT8(VCVTPH2PS, 16, 32, Y2, Y3)
	ADDQ $32, DI
	ADDQ $64, AX
	SUBQ $16, CX
	CMPQ CX, $16
	JAE  d64l16

d64c8:
	CMPQ CX, $8
	JB   d64red
	F64DOT8(VCVTPH2PS, 0, 0, Y0, Y1)
	ADDQ $16, DI
	ADDQ $32, AX
	SUBQ $8, CX

d64red:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0

d64tail:
	TESTQ     CX, CX
	JEQ       d64done
	MOVWLZX   (DI), BX
	VMOVD     BX, X4
	VCVTPH2PS X4, X4
	VMULSS    (AX), X4, X4
	VCVTSS2SD X4, X4, X4
	VADDSD    X4, X0, X0
	ADDQ      $2, DI
	ADDQ      $4, AX
	DECQ      CX
	JMP       d64tail

d64done:
	VCVTSD2SS X0, X0, X0
	VMOVSS    X0, (DX)
	ADDQ      $4, DX
	DECQ      R8
	JNZ       d64row
	VZEROUPPER
	RET

// func matvecF32F64(w, x, y unsafe.Pointer, rows, cols int)
TEXT ·matvecF32F64(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ rows+24(FP), R8
	MOVQ cols+32(FP), R9

s64row:
	ZERO4
	MOVQ SI, AX
	MOVQ R9, CX
	CMPQ CX, $16
	JB   s64c8

s64l16:
	F64DOT8(VMOVUPS, 0, 0, Y0, Y1)
	F64DOT8(VMOVUPS, 32, 32, Y2, Y3)
	ADDQ $64, DI
	ADDQ $64, AX
	SUBQ $16, CX
	CMPQ CX, $16
	JAE  s64l16

s64c8:
	CMPQ CX, $8
	JB   s64red
	F64DOT8(VMOVUPS, 0, 0, Y0, Y1)
	ADDQ $32, DI
	ADDQ $32, AX
	SUBQ $8, CX

s64red:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0

s64tail:
	TESTQ     CX, CX
	JEQ       s64done
	VMOVSS    (DI), X4
	VMULSS    (AX), X4, X4
	VCVTSS2SD X4, X4, X4
	VADDSD    X4, X0, X0
	ADDQ      $4, DI
	ADDQ      $4, AX
	DECQ      CX
	JMP       s64tail

s64done:
	VCVTSD2SS X0, X0, X0
	VMOVSS    X0, (DX)
	ADDQ      $4, DX
	DECQ      R8
	JNZ       s64row
	VZEROUPPER
	RET

// func matvecQ8(w, x, y unsafe.Pointer, rows, nb int)
TEXT ·matvecQ8(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ rows+24(FP), R8
	MOVQ nb+32(FP), R9

q8row:
	ZERO4
	MOVQ SI, AX
	MOVQ R9, CX

q8blk:
	MOVWLZX      (DI), BX
	VMOVD        BX, X8
	VCVTPH2PS    X8, X8
	VBROADCASTSS X8, Y8
	VPMOVSXBD    2(DI), Y4
	VCVTDQ2PS    Y4, Y4
	VMULPS       (AX), Y4, Y9
	VPMOVSXBD    10(DI), Y5
	VCVTDQ2PS    Y5, Y5
	VMULPS       32(AX), Y5, Y10
	VPMOVSXBD    18(DI), Y6
	VCVTDQ2PS    Y6, Y6
	VFMADD231PS  64(AX), Y6, Y9
	VPMOVSXBD    26(DI), Y7
	VCVTDQ2PS    Y7, Y7
	VFMADD231PS  96(AX), Y7, Y10
	VADDPS       Y10, Y9, Y9
	VFMADD231PS  Y9, Y8, Y0
	ADDQ         $34, DI
	ADDQ         $128, AX
	DECQ         CX
	JNZ          q8blk

	HSUM4
	VMOVSS X0, (DX)
	ADDQ   $4, DX
	DECQ   R8
	JNZ    q8row
	VZEROUPPER
	RET

// func matvecQ8Q8(w, xq, y unsafe.Pointer, rows, nb int)
TEXT ·matvecQ8Q8(SB), NOSPLIT, $0-40
	MOVQ     w+0(FP), DI
	MOVQ     xq+8(FP), SI
	MOVQ     y+16(FP), DX
	MOVQ     rows+24(FP), R8
	MOVQ     nb+32(FP), R9
	VPCMPEQW Y15, Y15, Y15
	VPSRLW   $15, Y15, Y15

qqrow:
	VXORPS X0, X0, X0
	MOVQ   SI, AX
	MOVQ   R9, CX

qqblk:
	MOVWLZX      (DI), BX
	VMOVD        BX, X1
	VCVTPH2PS    X1, X1
	MOVWLZX      (AX), BX
	VMOVD        BX, X2
	VCVTPH2PS    X2, X2
	VMULSS       X2, X1, X1
	VMOVDQU      2(DI), Y2
	VMOVDQU      2(AX), Y3
	VPSIGNB      Y2, Y2, Y4
	VPSIGNB      Y2, Y3, Y5
	VPMADDUBSW   Y5, Y4, Y6
	VPMADDWD     Y15, Y6, Y6
	VEXTRACTI128 $1, Y6, X7
	VPADDD       X7, X6, X6
	VPSHUFD      $0x4E, X6, X7
	VPADDD       X7, X6, X6
	VPSHUFD      $0xB1, X6, X7
	VPADDD       X7, X6, X6
	VCVTDQ2PS    X6, X6
	VMULSS       X1, X6, X6
	VADDSS       X6, X0, X0
	ADDQ         $34, DI
	ADDQ         $34, AX
	DECQ         CX
	JNZ          qqblk

	VMOVSS X0, (DX)
	ADDQ   $4, DX
	DECQ   R8
	JNZ    qqrow
	VZEROUPPER
	RET

// func f16ToF32(dst, src unsafe.Pointer, n int)
TEXT ·f16ToF32(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX

h2s:
	VCVTPH2PS (SI), Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $16, SI
	ADDQ      $32, DI
	DECQ      CX
	JNZ       h2s
	VZEROUPPER
	RET

// func f32ToF16(dst, src unsafe.Pointer, n int)
TEXT ·f32ToF16(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX

s2h:
	VMOVUPS   (SI), Y0
	VCVTPS2PH $0, Y0, (DI)
	ADDQ      $32, SI
	ADDQ      $16, DI
	DECQ      CX
	JNZ       s2h
	VZEROUPPER
	RET
