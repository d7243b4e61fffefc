// The NEON path (AArch64) for the 8-bit products: blocks decoded by qk_decode32 (scalar), then the products
// with every vector in NEON: SDOT (ARMv8.2 dot product) when the CPU has it, else SMULL + pairwise adds,
// which give the same int32 sums. Everything else at this level runs the portable C code.
//
// Not run on the development machine (x86-64): compile-tested for aarch64 with scripts/check-cross-compile.sh.
#include "qk_common.h"

#if defined(__aarch64__)
#include <arm_neon.h>
#include "qk_decode32.h"
#if defined(__linux__)
#include <sys/auxv.h>
#endif
#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif

int qk_neon_compiled(void) { return 1; }

int qk_neon_has_dotprod(void) {
#if defined(__linux__)
    return (getauxval(AT_HWCAP) & (1UL << 20)) != 0;  // HWCAP_ASIMDDP
#elif defined(__APPLE__)
    int value = 0;
    size_t size = sizeof value;
    return sysctlbyname("hw.optional.arm.FEAT_DotProd", &value, &size, NULL, 0) == 0 && value != 0;
#else
    return 0;
#endif
}

/// Four int32 sums of four products each, of 16 int8 pairs.
static inline int32x4_t dot16_plain(int8x16_t a, int8x16_t b) {
    const int16x8_t lo = vmull_s8(vget_low_s8(a), vget_low_s8(b)), hi = vmull_high_s8(a, b);
    return vpaddq_s32(vpaddlq_s16(lo), vpaddlq_s16(hi));
}

__attribute__((target("dotprod"))) static inline int32x4_t dot16_sdot(int8x16_t a, int8x16_t b) {
    return vdotq_s32(vdupq_n_s32(0), a, b);
}

#define QK_NEON_ROWS(NAME, DOT, ATTR)                                                                         \
    ATTR static void NAME(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,         \
                          size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec,        \
                          float *y, size_t y_stride) {                                                         \
        const size_t nb = cols / 32;                                                                           \
        const int q8_32 = qk_act_kind(type) == QK_ACT_Q8_32;                                                   \
        const int half_sum = type == QK_TYPE_Q4_1 || type == QK_TYPE_Q5_1;                                     \
        int u[32];                                                                                             \
        int8_t packed[32];                                                                                     \
        float scale[2], min[2];                                                                                \
        for (size_t r = row_begin; r < row_end; r++) {                                                         \
            const uint8_t *row = w + r * row_bytes;                                                            \
            for (size_t g = 0; g < nvec; g += 8) {                                                             \
                const size_t n = nvec - g < 8 ? nvec - g : 8;                                                  \
                float32x4_t acc[8];                                                                            \
                float mins_dot[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                                  \
                for (size_t v = 0; v < n; v++) acc[v] = vdupq_n_f32(0);                                        \
                for (size_t j = 0; j < nb; j++) {                                                              \
                    if (!qk_decode32(type, row, j, u, scale, min)) return;                                     \
                    for (int i = 0; i < 32; i++) packed[i] = (int8_t)u[i];                                     \
                    const int8x16_t w0 = vld1q_s8(packed), w1 = vld1q_s8(packed + 16);                         \
                    for (size_t v = 0; v < n; v++) {                                                           \
                        const size_t vv = g + v;                                                               \
                        const int8_t *a = q + vv * cols + 32 * j;                                              \
                        const float dv = d[vv * nb + j];                                                       \
                        acc[v] = vfmaq_n_f32(acc[v], vcvtq_f32_s32(DOT(w0, vld1q_s8(a))), scale[0] * dv);      \
                        acc[v] = vfmaq_n_f32(acc[v], vcvtq_f32_s32(DOT(w1, vld1q_s8(a + 16))), scale[1] * dv); \
                        mins_dot[v] += q8_32 ? min[0] * s[vv * 2 * nb + 2 * j + half_sum]                      \
                                             : min[0] * s[vv * 2 * nb + 2 * j] + min[1] * s[vv * 2 * nb + 2 * j + 1]; \
                    }                                                                                          \
                }                                                                                              \
                for (size_t v = 0; v < n; v++) y[(g + v) * y_stride + r] = vaddvq_f32(acc[v]) + mins_dot[v];   \
            }                                                                                                  \
        }                                                                                                      \
    }

QK_NEON_ROWS(rows_plain, dot16_plain, )
QK_NEON_ROWS(rows_sdot, dot16_sdot, __attribute__((target("dotprod"))))

void qk_matmul_q8_neon(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                       size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec, float *y,
                       size_t y_stride, float *scratch) {
    (void)scratch;
    if (qk_neon_has_dotprod())
        rows_sdot(type, w, row_bytes, cols, row_begin, row_end, q, d, s, nvec, y, y_stride);
    else
        rows_plain(type, w, row_bytes, cols, row_begin, row_end, q, d, s, nvec, y, y_stride);
}

#else

int qk_neon_compiled(void) { return 0; }
int qk_neon_has_dotprod(void) { return 0; }

void qk_matmul_q8_neon(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                       size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec, float *y,
                       size_t y_stride, float *scratch) {
    qk_matmul_q8_portable(type, w, row_bytes, cols, row_begin, row_end, q, d, s, nvec, y, y_stride, scratch);
}

#endif
