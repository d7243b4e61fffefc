// The public matmul/dequantise entry points: CPU detection and the choice between the compiled paths.
#include "qk_common.h"

#if defined(__x86_64__)
#include <cpuid.h>

/// AVX2 + FMA + F16C, and an OS that saves the YMM registers (XCR0 bits 1 and 2).
static int cpu_has_avx2_fma_f16c(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, f16c = (c >> 29) & 1;
    if (!(fma && osxsave && avx && f16c)) return 0;
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 6u) != 6u) return 0;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 5) & 1;
}
#else
static int cpu_has_avx2_fma_f16c(void) { return 0; }
#endif

int qk_isa_detect(void) {
    return qk_avx2_compiled() && cpu_has_avx2_fma_f16c() ? QK_ISA_AVX2 : QK_ISA_PORTABLE;
}

int qk_type_supported(int type) { return qk_block_values(type) != 0; }

int qk_dequantize(int isa, int type, const void *src, float *dst, size_t count) {
    return isa == QK_ISA_AVX2 ? qk_dequantize_avx2(type, src, dst, count)
                              : qk_dequantize_portable(type, src, dst, count);
}

size_t qk_matmul_scratch_count(size_t cols) { return QK_MATMUL_TILE * cols; }

int qk_matmul(int isa, int type, const void *w, size_t row_bytes, size_t cols, size_t row_begin, size_t row_end,
              const float *x, size_t x_stride, size_t nvec, float *y, size_t y_stride, float *scratch) {
    const size_t per = qk_block_values(type);
    if (per == 0 || cols % per != 0) return -1;
    if (isa == QK_ISA_AVX2)
        qk_matmul_avx2(type, w, row_bytes, cols, row_begin, row_end, x, x_stride, nvec, y, y_stride, scratch);
    else
        qk_matmul_portable(type, w, row_bytes, cols, row_begin, row_end, x, x_stride, nvec, y, y_stride, scratch);
    return 0;
}
