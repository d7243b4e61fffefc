// Block decoders and a straightforward matmul in plain C. Included twice: by qk_portable.c as it is, and by
// qk_avx2.c inside an AVX2 target region, where the compiler vectorises the same loops for AVX2.
// Before including, define QK_FN(name) (adds a suffix) and QK_HALF(u16) (half → float).
#include "qk_common.h"

static void QK_FN(deq_q4_0)(const uint8_t *b, float *y) {
    const float d = QK_HALF(qk_u16(b));
    const uint8_t *qs = b + 2;
    for (int j = 0; j < 16; j++) {
        y[j] = d * (float)((qs[j] & 0x0F) - 8);
        y[j + 16] = d * (float)((qs[j] >> 4) - 8);
    }
}

static void QK_FN(deq_q4_1)(const uint8_t *b, float *y) {
    const float d = QK_HALF(qk_u16(b)), m = QK_HALF(qk_u16(b + 2));
    const uint8_t *qs = b + 4;
    for (int j = 0; j < 16; j++) {
        y[j] = d * (float)(qs[j] & 0x0F) + m;
        y[j + 16] = d * (float)(qs[j] >> 4) + m;
    }
}

static void QK_FN(deq_q5_0)(const uint8_t *b, float *y) {
    const float d = QK_HALF(qk_u16(b));
    const uint32_t qh = qk_u32(b + 2);
    const uint8_t *qs = b + 6;
    for (int j = 0; j < 16; j++) {
        const int lo = (qs[j] & 0x0F) | (int)(((qh >> j) & 1u) << 4);
        const int hi = (qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1u) << 4);
        y[j] = d * (float)(lo - 16);
        y[j + 16] = d * (float)(hi - 16);
    }
}

static void QK_FN(deq_q5_1)(const uint8_t *b, float *y) {
    const float d = QK_HALF(qk_u16(b)), m = QK_HALF(qk_u16(b + 2));
    const uint32_t qh = qk_u32(b + 4);
    const uint8_t *qs = b + 8;
    for (int j = 0; j < 16; j++) {
        const int lo = (qs[j] & 0x0F) | (int)(((qh >> j) & 1u) << 4);
        const int hi = (qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1u) << 4);
        y[j] = d * (float)lo + m;
        y[j + 16] = d * (float)hi + m;
    }
}

static void QK_FN(deq_q8_0)(const uint8_t *b, float *y) {
    const float d = QK_HALF(qk_u16(b));
    const int8_t *qs = (const int8_t *)(b + 2);
    for (int j = 0; j < 32; j++) y[j] = d * (float)qs[j];
}

static void QK_FN(deq_q4_k)(const uint8_t *b, float *y) {
    const float d = QK_HALF(qk_u16(b)), dmin = QK_HALF(qk_u16(b + 2));
    const uint8_t *scales = b + 4, *qs = b + 16;
    for (int c = 0; c < 4; c++) {
        uint8_t s1, m1, s2, m2;
        qk_scale_min_k4(2 * c, scales, &s1, &m1);
        qk_scale_min_k4(2 * c + 1, scales, &s2, &m2);
        const float d1 = d * s1, min1 = dmin * m1, d2 = d * s2, min2 = dmin * m2;
        const uint8_t *q = qs + 32 * c;
        float *out = y + 64 * c;
        for (int l = 0; l < 32; l++) {
            out[l] = d1 * (float)(q[l] & 0x0F) - min1;
            out[l + 32] = d2 * (float)(q[l] >> 4) - min2;
        }
    }
}

static void QK_FN(deq_q5_k)(const uint8_t *b, float *y) {
    const float d = QK_HALF(qk_u16(b)), dmin = QK_HALF(qk_u16(b + 2));
    const uint8_t *scales = b + 4, *qh = b + 16, *qs = b + 48;
    for (int c = 0; c < 4; c++) {
        uint8_t s1, m1, s2, m2;
        qk_scale_min_k4(2 * c, scales, &s1, &m1);
        qk_scale_min_k4(2 * c + 1, scales, &s2, &m2);
        const float d1 = d * s1, min1 = dmin * m1, d2 = d * s2, min2 = dmin * m2;
        const uint8_t *q = qs + 32 * c;
        float *out = y + 64 * c;
        for (int l = 0; l < 32; l++) {
            const int lo = (q[l] & 0x0F) | (((qh[l] >> (2 * c)) & 1) << 4);
            const int hi = (q[l] >> 4) | (((qh[l] >> (2 * c + 1)) & 1) << 4);
            out[l] = d1 * (float)lo - min1;
            out[l + 32] = d2 * (float)hi - min2;
        }
    }
}

static void QK_FN(deq_q6_k)(const uint8_t *b, float *y) {
    const float d = QK_HALF(qk_u16(b + 208));
    for (int n = 0; n < 2; n++) {
        const uint8_t *ql = b + 64 * n, *qh = b + 128 + 32 * n;
        const int8_t *sc = (const int8_t *)(b + 192) + 8 * n;
        float *out = y + 128 * n;
        for (int l = 0; l < 32; l++) {
            const int is = l / 16;
            const int q1 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
            const int q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
            const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
            const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            out[l] = d * (float)sc[is] * (float)q1;
            out[l + 32] = d * (float)sc[is + 2] * (float)q2;
            out[l + 64] = d * (float)sc[is + 4] * (float)q3;
            out[l + 96] = d * (float)sc[is + 6] * (float)q4;
        }
    }
}

/// Decodes `count` values (a whole number of blocks) of `type`; -1 for a bad type or count.
static int QK_FN(dequantize_impl)(int type, const uint8_t *src, float *dst, size_t count) {
    const size_t per = qk_block_values(type), bytes = qk_block_bytes(type);
    if (per == 0 || count % per != 0) return -1;
    const size_t blocks = count / per;
    switch (type) {
    case QK_TYPE_F32: memcpy(dst, src, count * sizeof(float)); break;
    case QK_TYPE_F16: for (size_t i = 0; i < count; i++) dst[i] = QK_HALF(qk_u16(src + 2 * i)); break;
    case QK_TYPE_BF16: for (size_t i = 0; i < count; i++) dst[i] = qk_bf16_to_float(qk_u16(src + 2 * i)); break;
    case QK_TYPE_Q4_0: for (size_t i = 0; i < blocks; i++) QK_FN(deq_q4_0)(src + i * bytes, dst + i * per); break;
    case QK_TYPE_Q4_1: for (size_t i = 0; i < blocks; i++) QK_FN(deq_q4_1)(src + i * bytes, dst + i * per); break;
    case QK_TYPE_Q5_0: for (size_t i = 0; i < blocks; i++) QK_FN(deq_q5_0)(src + i * bytes, dst + i * per); break;
    case QK_TYPE_Q5_1: for (size_t i = 0; i < blocks; i++) QK_FN(deq_q5_1)(src + i * bytes, dst + i * per); break;
    case QK_TYPE_Q8_0: for (size_t i = 0; i < blocks; i++) QK_FN(deq_q8_0)(src + i * bytes, dst + i * per); break;
    case QK_TYPE_Q4_K: for (size_t i = 0; i < blocks; i++) QK_FN(deq_q4_k)(src + i * bytes, dst + i * per); break;
    case QK_TYPE_Q5_K: for (size_t i = 0; i < blocks; i++) QK_FN(deq_q5_k)(src + i * bytes, dst + i * per); break;
    case QK_TYPE_Q6_K: for (size_t i = 0; i < blocks; i++) QK_FN(deq_q6_k)(src + i * bytes, dst + i * per); break;
    default: return -1;
    }
    return 0;
}

/// Σ a·b with eight interleaved partial sums (the compiler maps them onto vector lanes).
static float QK_FN(dot_impl)(const float *a, const float *b, size_t n) {
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) s[k] += a[i + k] * b[i + k];
    float total = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    for (; i < n; i++) total += a[i] * b[i];
    return total;
}

/// One quantised row · x: each block is decoded into a small buffer, then dotted.
static float QK_FN(dot_row_generic)(int type, const uint8_t *row, const float *x, size_t cols) {
    const size_t per = qk_block_values(type) == 1 ? 256 : qk_block_values(type);
    const size_t bytes = qk_block_bytes(type) * (qk_block_values(type) == 1 ? 256 : 1);
    float buffer[256];
    float total = 0;
    size_t c = 0;
    for (; c + per <= cols; c += per, row += bytes) {
        QK_FN(dequantize_impl)(type, row, buffer, per);
        total += QK_FN(dot_impl)(buffer, x + c, per);
    }
    if (c < cols) {  // only for one-value "blocks" (F32/F16/BF16) when cols is not a multiple of 256
        QK_FN(dequantize_impl)(type, row, buffer, cols - c);
        total += QK_FN(dot_impl)(buffer, x + c, cols - c);
    }
    return total;
}
