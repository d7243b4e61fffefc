// The AVX-512 VNNI path for the 8-bit products: the AVX2 kernels of qk_q8_x86.h with VPMADDUBSW + VPMADDWD
// replaced by one VPDPBUSD on 256-bit registers (AVX512VL encoding). Selected at run time when the CPU has
// AVX-512 F/BW/VL/VNNI; everything else at this level runs the AVX2 code.
//
// Not run on the development machine (its CPU has no AVX-512): compiled and linked on every x86-64 build,
// and equal to the AVX2 path by construction (the same integer sums; see qk_q8_x86.h).
#include "qk_common.h"

#if defined(__x86_64__) && defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni"))), apply_to = function)

#define QK8_FN(name) name##_vnni_
#define QK8_DOT(u, s) _mm256_dpbusd_epi32(_mm256_setzero_si256(), (u), (s))
#define QK8_DOT_ACC(a, u, s) _mm256_dpbusd_epi32((a), (u), (s))
#include "qk_q8_x86.h"

int qk_vnni_compiled(void) { return 1; }

void qk_matmul_q8_vnni(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                       size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec, float *y,
                       size_t y_stride, float *scratch) {
    (void)scratch;
    matmul_q8_impl_vnni_(type, w, row_bytes, cols, row_begin, row_end, q, d, s, nvec, y, y_stride);
}

#pragma clang attribute pop

#else

int qk_vnni_compiled(void) { return 0; }

void qk_matmul_q8_vnni(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                       size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec, float *y,
                       size_t y_stride, float *scratch) {
    qk_matmul_q8_portable(type, w, row_bytes, cols, row_begin, row_end, q, d, s, nvec, y, y_stride, scratch);
}

#endif
