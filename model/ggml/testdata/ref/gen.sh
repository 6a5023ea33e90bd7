#!/bin/sh
# Regenerates the golden files from ggml's own C code as vendored in Ollama v0.6.5, built
# for plain x86-64 like Ollama's default build (no -march, so ggml's scalar paths).
# input.f32 holds two rows of 1024 float32 values; outputs land next to it.
set -eu
cd "$(dirname "$0")"
G=$(go env GOMODCACHE)/github.com/ollama/ollama@v0.6.5/ml/backend/ggml/ggml
I="-I$G/include -I$G/src -I$G/src/ggml-cpu -DNDEBUG -D_GNU_SOURCE"
T=$(mktemp -d)
gcc -O2 $I -c ref.c -o "$T/ref.o"
gcc -O2 $I -c stubs.c -o "$T/stubs.o"
gcc -O3 $I -c "$G/src/ggml-quants.c" -o "$T/q.o"
gcc -O3 $I -c "$G/src/ggml-cpu/ggml-cpu-quants.c" -o "$T/cq.o"
gcc "$T"/*.o -lm -o "$T/ref"
"$T/ref"
rm -r "$T"
