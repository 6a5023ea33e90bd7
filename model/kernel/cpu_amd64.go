package kernel

const hasAVX2Asm = true
