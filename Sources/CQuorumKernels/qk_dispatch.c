// The public matmul/dequantise entry points: CPU detection and the choice between the compiled paths.
#include "qk_common.h"

#if defined(__x86_64__)
#include <cpuid.h>

/// XCR0: which register states the OS saves.
static unsigned xcr0(void) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return lo;
}

/// AVX2 + FMA + F16C, and an OS that saves the YMM registers (XCR0 bits 1 and 2).
static int cpu_has_avx2_fma_f16c(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, f16c = (c >> 29) & 1;
    if (!(fma && osxsave && avx && f16c)) return 0;
    if ((xcr0() & 6u) != 6u) return 0;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 5) & 1;
}

/// AVX-512 F, BW, VL and VNNI, and an OS that saves the opmask and ZMM registers (XCR0 bits 5-7).
static int cpu_has_avx512_vnni(void) {
    if (!cpu_has_avx2_fma_f16c()) return 0;
    if ((xcr0() & 0xE6u) != 0xE6u) return 0;
    unsigned a, b, c, d;
    __cpuid_count(7, 0, a, b, c, d);
    const int f = (b >> 16) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1, vnni = (c >> 11) & 1;
    return f && bw && vl && vnni;
}
#else
static int cpu_has_avx2_fma_f16c(void) { return 0; }
static int cpu_has_avx512_vnni(void) { return 0; }
#endif

int qk_isa_available(int isa) {
    switch (isa) {
    case QK_ISA_PORTABLE: return 1;
    case QK_ISA_AVX2: return qk_avx2_compiled() && cpu_has_avx2_fma_f16c();
    case QK_ISA_AVX512_VNNI: return qk_avx2_compiled() && qk_vnni_compiled() && cpu_has_avx512_vnni();
    case QK_ISA_NEON: return qk_neon_compiled();
    default: return 0;
    }
}

int qk_isa_detect(void) {
    if (qk_isa_available(QK_ISA_AVX512_VNNI)) return QK_ISA_AVX512_VNNI;
    if (qk_isa_available(QK_ISA_AVX2)) return QK_ISA_AVX2;
    if (qk_isa_available(QK_ISA_NEON)) return QK_ISA_NEON;
    return QK_ISA_PORTABLE;
}

int qk_type_supported(int type) { return qk_block_values(type) != 0; }

int qk_dequantize(int isa, int type, const void *src, float *dst, size_t count) {
    return qk_uses_avx2(isa) ? qk_dequantize_avx2(type, src, dst, count)
                             : qk_dequantize_portable(type, src, dst, count);
}

size_t qk_matmul_scratch_count(size_t cols) { return QK_MATMUL_TILE * cols; }

int qk_matmul(int isa, int type, const void *w, size_t row_bytes, size_t cols, size_t row_begin, size_t row_end,
              const float *x, size_t x_stride, size_t nvec, float *y, size_t y_stride, float *scratch) {
    const size_t per = qk_block_values(type);
    if (per == 0 || cols % per != 0) return -1;
    if (qk_uses_avx2(isa))
        qk_matmul_avx2(type, w, row_bytes, cols, row_begin, row_end, x, x_stride, nvec, y, y_stride, scratch);
    else
        qk_matmul_portable(type, w, row_bytes, cols, row_begin, row_end, x, x_stride, nvec, y, y_stride, scratch);
    return 0;
}

int qk_quantize_act(int isa, int kind, const float *x, size_t cols, int8_t *q, float *d, float *s) {
    return qk_uses_avx2(isa) ? qk_quantize_act_avx2(kind, x, cols, q, d, s)
                             : qk_quantize_act_portable(kind, x, cols, q, d, s);
}

size_t qk_matmul_q8_scratch_count(size_t cols) { return cols / 16 + 16; }

int qk_matmul_q8(int isa, int type, const void *w, size_t row_bytes, size_t cols, size_t row_begin, size_t row_end,
                 const int8_t *q, const float *d, const float *s, size_t nvec, float *y, size_t y_stride,
                 float *scratch) {
    const int kind = qk_act_kind(type);
    if (kind != QK_ACT_Q8_32 && kind != QK_ACT_Q8_256) return -1;
    if (cols % (kind == QK_ACT_Q8_32 ? 32 : 256) != 0) return -1;
    switch (isa) {
    case QK_ISA_AVX2:
        qk_matmul_q8_avx2(type, w, row_bytes, cols, row_begin, row_end, q, d, s, nvec, y, y_stride, scratch);
        break;
    case QK_ISA_AVX512_VNNI:
        qk_matmul_q8_vnni(type, w, row_bytes, cols, row_begin, row_end, q, d, s, nvec, y, y_stride, scratch);
        break;
    case QK_ISA_NEON:
        qk_matmul_q8_neon(type, w, row_bytes, cols, row_begin, row_end, q, d, s, nvec, y, y_stride, scratch);
        break;
    default:
        qk_matmul_q8_portable(type, w, row_bytes, cols, row_begin, row_end, q, d, s, nvec, y, y_stride, scratch);
    }
    return 0;
}
