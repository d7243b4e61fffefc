// The 8-bit path in plain C: activation quantisation and matrix × 8-bit vectors for any CPU. It is also the
// reference the vectorised paths are tested against; it computes the same integer sums and differs from them
// only in the order of float additions.
//
// Every weight block of 32 values is seen as
//   w_i = scale_h · u_i + min_h   (h = i / 16, the block's two halves of 16)
// with small integers u_i (0..63, or −128..127 for Q8_0, which has no min). Against an 8-bit vector
// x_i ≈ d·q_i of the same 32 values:
//   Σ w_i x_i = Σ_h scale_h · d · Σ_{i in h} u_i q_i  +  Σ_h min_h · (d · Σ_{i in h} q_i)
// The first sum is integer products scaled once per half; the second uses the vector's block sums s. For
// the 32-value types both halves share scale and min, and the second term is min · s[2j] — or, for Q4_1 and
// Q5_1, min · s[2j+1], the sum rounded to half precision as GGML's Q8_1 stores it. (Q4_0 and Q5_0 are
// unsigned nibbles with min −8·d and −16·d, which equals GGML's signed values exactly.)
#include <math.h>
#include "qk_common.h"
#include "qk_decode32.h"

int qk_act_kind(int type) {
    switch (type) {
    case QK_TYPE_F32: case QK_TYPE_F16: case QK_TYPE_BF16: return QK_ACT_FLOAT;
    case QK_TYPE_Q4_0: case QK_TYPE_Q4_1: case QK_TYPE_Q5_0: case QK_TYPE_Q5_1: case QK_TYPE_Q8_0: return QK_ACT_Q8_32;
    case QK_TYPE_Q4_K: case QK_TYPE_Q5_K: case QK_TYPE_Q6_K: return QK_ACT_Q8_256;
    default: return -1;
    }
}

/// Round to nearest, ties to even (the default floating-point rounding mode; `nearbyintf` honours it).
static inline int round_even(float x) { return (int)nearbyintf(x); }

int qk_quantize_act_portable(int kind, const float *x, size_t cols, int8_t *q, float *d, float *s) {
    const size_t block = kind == QK_ACT_Q8_32 ? 32 : kind == QK_ACT_Q8_256 ? 256 : 0;
    if (block == 0 || cols % block != 0) return -1;
    for (size_t b = 0; b < cols; b += block) {
        float amax = 0;
        for (size_t i = 0; i < block; i++) amax = fmaxf(amax, fabsf(x[b + i]));
        const float id = amax != 0 ? 127.0f / amax : 0.0f;
        // Q8_0/Q8_1 keep amax/127 in half precision; Q8_K keeps 1/id in float (GGML's choices).
        const float scale = kind == QK_ACT_Q8_32 ? qk_half_to_float(qk_float_to_half(amax / 127.0f))
                                                 : (amax != 0 ? 1.0f / id : 0.0f);
        for (size_t i = 0; i < block; i++) {
            int v = round_even(x[b + i] * id);
            q[b + i] = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
        }
        for (size_t i = 0; i < block; i += 32) d[(b + i) / 32] = scale;
        if (kind == QK_ACT_Q8_32) {
            int sum = 0;
            for (size_t k = 0; k < 32; k++) sum += q[b + k];
            s[b / 16] = scale * (float)sum;
            s[b / 16 + 1] = qk_half_to_float(qk_float_to_half(s[b / 16]));
        } else {
            for (size_t i = 0; i < block; i += 16) {
                int sum = 0;
                for (size_t k = 0; k < 16; k++) sum += q[b + i + k];
                s[(b + i) / 16] = scale * (float)sum;
            }
        }
    }
    return 0;
}

void qk_matmul_q8_portable(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                           size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec, float *y,
                           size_t y_stride, float *scratch) {
    (void)scratch;
    const size_t nb = cols / 32;
    const int kind = qk_act_kind(type), half_sum = type == QK_TYPE_Q4_1 || type == QK_TYPE_Q5_1;
    int u[32];
    float scale[2], min[2];
    for (size_t r = row_begin; r < row_end; r++) {
        const uint8_t *row = w + r * row_bytes;
        for (size_t v = 0; v < nvec; v++) y[v * y_stride + r] = 0;
        for (size_t j = 0; j < nb; j++) {
            if (!qk_decode32(type, row, j, u, scale, min)) return;
            for (size_t v = 0; v < nvec; v++) {
                const int8_t *qv = q + v * cols + 32 * j;
                int sum0 = 0, sum1 = 0;
                for (int i = 0; i < 16; i++) {
                    sum0 += u[i] * qv[i];
                    sum1 += u[i + 16] * qv[i + 16];
                }
                const float dv = d[v * nb + j];
                const float *sv = s + v * 2 * nb + 2 * j;
                if (kind == QK_ACT_Q8_32)
                    y[v * y_stride + r] += scale[0] * dv * (float)(sum0 + sum1) + min[0] * sv[half_sum];
                else
                    y[v * y_stride + r] += scale[0] * dv * (float)sum0 + scale[1] * dv * (float)sum1 + min[0] * sv[0] + min[1] * sv[1];
            }
        }
    }
}
