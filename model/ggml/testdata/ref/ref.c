// Writes ggml's reference quantizations and scalar dot products of the float32 values in
// input.f32 (two rows of 1024), as golden data for Tutor's model/ggml tests.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ggml-quants.h"
#include "ggml-cpu-quants.h"
#include "ggml-impl.h"

#define N 1024

static void put(const char *name, const void *p, size_t n) {
    char path[256];
    snprintf(path, sizeof path, "%s.bin", name);
    FILE *f = fopen(path, "wb");
    fwrite(p, 1, n, f);
    fclose(f);
}

int main(void) {
    static float x[2*N];
    FILE *f = fopen("input.f32", "rb");
    if (!f || fread(x, sizeof(float), 2*N, f) != 2*N) { fprintf(stderr, "input.f32\n"); return 1; }
    fclose(f);
    for (int i = 0; i < (1<<16); i++) {
        ggml_table_f32_f16[i] = ggml_compute_fp16_to_fp32((ggml_fp16_t)i);
    }
    float *w = x, *a = x + N;

    static block_q4_0 q40[2*N/32]; static block_q8_0 q80[2*N/32];
    static block_q4_K q4k[2*N/256]; static block_q6_K q6k[2*N/256]; static block_q8_K q8k[2*N/256];
    static ggml_fp16_t f16[2*N]; static ggml_bf16_t bf16[2*N];
    quantize_row_q4_0_ref(x, q40, 2*N); put("q4_0", q40, sizeof q40);
    quantize_row_q8_0_ref(x, q80, 2*N); put("q8_0", q80, sizeof q80);
    quantize_row_q4_K_ref(x, q4k, 2*N); put("q4_K", q4k, sizeof q4k);
    quantize_row_q6_K_ref(x, q6k, 2*N); put("q6_K", q6k, sizeof q6k);
    quantize_row_q8_K_ref(x, q8k, 2*N); put("q8_K", q8k, sizeof q8k);
    for (int i = 0; i < 2*N; i++) { f16[i] = ggml_compute_fp32_to_fp16(x[i]); bf16[i] = ggml_compute_fp32_to_bf16(x[i]); }
    put("f16", f16, sizeof f16); put("bf16", bf16, sizeof bf16);

    // Row 0 as weights times row 1 as activations, the activations converted as ggml does.
    float dots[4];
    ggml_vec_dot_q4_0_q8_0(N, &dots[0], 0, q40, 0, q80 + N/32, 0, 1);
    ggml_vec_dot_q8_0_q8_0(N, &dots[1], 0, q80, 0, q80 + N/32, 0, 1);
    ggml_vec_dot_q4_K_q8_K(N, &dots[2], 0, q4k, 0, q8k + N/256, 0, 1);
    ggml_vec_dot_q6_K_q8_K(N, &dots[3], 0, q6k, 0, q8k + N/256, 0, 1);
    put("dots", dots, sizeof dots);
    (void)w; (void)a;
    return 0;
}
