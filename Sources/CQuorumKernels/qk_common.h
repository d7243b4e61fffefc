// Shared by the kernel files: little-endian loads, half-precision conversion and the GGML block layouts.
//
// Block layouts (bytes; "half" = IEEE binary16; values of a block in order 0..n-1):
//   Q4_0  32 values, 18 B: half d | 16 B nibbles.  Byte j holds value j (low nibble) and j+16 (high).
//                          x = d·(q − 8)
//   Q4_1  32 values, 20 B: half d | half m | 16 B nibbles as Q4_0.  x = d·q + m
//   Q5_0  32 values, 22 B: half d | u32 qh | 16 B nibbles.  Bit i of qh is bit 4 of value i.  x = d·(q − 16)
//   Q5_1  32 values, 24 B: half d | half m | u32 qh | 16 B nibbles.  x = d·q + m
//   Q8_0  32 values, 34 B: half d | 32 × int8.  x = d·q
//   Q4_K 256 values, 144 B: half d | half dmin | 12 B scales | 128 B nibbles.  Eight sub-blocks of 32, each
//        with a 6-bit scale s and 6-bit min m packed in the 12 bytes (see qk_scale_min_k4).  Bytes 32c..32c+31
//        hold sub-block 2c in their low nibbles and 2c+1 in their high nibbles.  x = d·s·q − dmin·m
//   Q5_K 256 values, 176 B: half d | half dmin | 12 B scales | 32 B qh | 128 B nibbles as Q4_K.  Bit 4 of
//        value l of sub-block k is bit k of qh[l].  x = d·s·q − dmin·m
//   Q6_K 256 values, 210 B: 128 B low nibbles | 64 B high 2-bit pairs | 16 × int8 scales | half d.
//        Two halves of 128; in half n (ql += 64n, qh += 32n, sc += 8n), for l < 32:
//          value l      = ql[l] low  | (qh[l] bits 0-1) << 4, scale sc[l/16]
//          value l + 32 = ql[l+32] low  | (qh[l] bits 2-3) << 4, scale sc[2 + l/16]
//          value l + 64 = ql[l] high | (qh[l] bits 4-5) << 4, scale sc[4 + l/16]
//          value l + 96 = ql[l+32] high | (qh[l] bits 6-7) << 4, scale sc[6 + l/16]
//        x = d·sc·(q − 32)
//   F32, F16 (half), BF16 (upper 16 bits of a float): one value each.
#ifndef QK_COMMON_H
#define QK_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "CQuorumKernels.h"

static inline uint16_t qk_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t qk_u32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline float qk_bits_to_float(uint32_t bits) {
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/// IEEE binary16 → float, exactly (subnormals, infinities and NaNs included).
static inline float qk_half_to_float(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1Fu;
    const uint32_t mantissa = h & 0x3FFu;
    if (exponent == 0) {
        const float f = (float)mantissa * 5.9604644775390625e-08f;  // mantissa · 2^-24
        return sign ? -f : f;
    }
    if (exponent == 31) return qk_bits_to_float(sign | 0x7F800000u | (mantissa << 13));
    return qk_bits_to_float(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

/// float → IEEE binary16 bits, rounded to nearest, ties to even (as F16C's VCVTPS2PH does).
static inline uint16_t qk_float_to_half(float f) {
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    const uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    const uint32_t e = (x >> 23) & 0xFFu, m = x & 0x7FFFFFu;
    if (e == 0xFF) return (uint16_t)(sign | 0x7C00u | (m ? 0x200u : 0));
    const int32_t he = (int32_t)e - 112;  // the half-precision exponent field
    if (he >= 31) return (uint16_t)(sign | 0x7C00u);
    uint32_t mant, shift;
    if (he <= 0) {  // a half subnormal (or zero): units of 2^-24
        shift = (uint32_t)(14 - he);
        if (shift > 24) return sign;
        mant = m | 0x800000u;
    } else {
        shift = 13;
        mant = m;
    }
    uint32_t h = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (he > 0) h |= (uint32_t)he << 10;
    if (rem > half || (rem == half && (h & 1))) h++;  // a carry moves into the exponent, as it should
    return (uint16_t)(sign | h);
}

static inline float qk_bf16_to_float(uint16_t h) { return qk_bits_to_float((uint32_t)h << 16); }

/// The 6-bit scale and min of sub-block j (0..7) of a Q4_K/Q5_K block from its 12 packed bytes:
/// sub-blocks 0-3 use the low 6 bits of bytes j and j+4; sub-blocks 4-7 take their low 4 bits from byte
/// j+4 (scale: low nibble, min: high nibble) and their top 2 bits from the top bits of bytes j-4 and j.
static inline void qk_scale_min_k4(int j, const uint8_t *q, uint8_t *scale, uint8_t *min) {
    if (j < 4) {
        *scale = q[j] & 63;
        *min = q[j + 4] & 63;
    } else {
        *scale = (uint8_t)((q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4));
        *min = (uint8_t)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

/// Values per block and bytes per block, or 0 for an unsupported type.
static inline size_t qk_block_values(int type) {
    switch (type) {
    case QK_TYPE_F32: case QK_TYPE_F16: case QK_TYPE_BF16: return 1;
    case QK_TYPE_Q4_0: case QK_TYPE_Q4_1: case QK_TYPE_Q5_0: case QK_TYPE_Q5_1: case QK_TYPE_Q8_0: return 32;
    case QK_TYPE_Q4_K: case QK_TYPE_Q5_K: case QK_TYPE_Q6_K: return 256;
    default: return 0;
    }
}

static inline size_t qk_block_bytes(int type) {
    switch (type) {
    case QK_TYPE_F32: return 4;
    case QK_TYPE_F16: case QK_TYPE_BF16: return 2;
    case QK_TYPE_Q4_0: return 18;
    case QK_TYPE_Q4_1: return 20;
    case QK_TYPE_Q5_0: return 22;
    case QK_TYPE_Q5_1: return 24;
    case QK_TYPE_Q8_0: return 34;
    case QK_TYPE_Q4_K: return 144;
    case QK_TYPE_Q5_K: return 176;
    case QK_TYPE_Q6_K: return 210;
    default: return 0;
    }
}

// The two compiled paths (qk_portable.c, qk_avx2.c), called by qk_dispatch.c.
int qk_dequantize_portable(int type, const uint8_t *src, float *dst, size_t count);
void qk_matmul_portable(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                        size_t row_end, const float *x, size_t x_stride, size_t nvec, float *y, size_t y_stride,
                        float *scratch);
float qk_dot_portable(const float *a, const float *b, size_t n);
void qk_axpy_portable(float *y, float a, const float *x, size_t n);

int qk_avx2_compiled(void);
int qk_dequantize_avx2(int type, const uint8_t *src, float *dst, size_t count);
void qk_matmul_avx2(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                    size_t row_end, const float *x, size_t x_stride, size_t nvec, float *y, size_t y_stride,
                    float *scratch);
float qk_dot_avx2(const float *a, const float *b, size_t n);
void qk_axpy_avx2(float *y, float a, const float *x, size_t n);

/// Whether `isa` runs the AVX2 code (AVX2 itself, or AVX-512 VNNI, which uses AVX2 for everything but the
/// 8-bit products).
static inline int qk_uses_avx2(int isa) { return isa == QK_ISA_AVX2 || isa == QK_ISA_AVX512_VNNI; }

// The 8-bit paths (qk_q8_portable.c, qk_avx2.c, qk_vnni.c, qk_neon.c).
int qk_quantize_act_portable(int kind, const float *x, size_t cols, int8_t *q, float *d, float *s);
void qk_matmul_q8_portable(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                           size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec, float *y,
                           size_t y_stride, float *scratch);
int qk_quantize_act_avx2(int kind, const float *x, size_t cols, int8_t *q, float *d, float *s);
void qk_matmul_q8_avx2(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                       size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec, float *y,
                       size_t y_stride, float *scratch);
int qk_vnni_compiled(void);
void qk_matmul_q8_vnni(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                       size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec, float *y,
                       size_t y_stride, float *scratch);
int qk_neon_compiled(void);
int qk_neon_has_dotprod(void);
void qk_matmul_q8_neon(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                       size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec, float *y,
                       size_t y_stride, float *scratch);

// Attention, SwiGLU and log-sum-exp (qk_ops.c portable, qk_avx2.c vectorised).
void qk_attention_spans_portable(float *out, const float *q, size_t n_q, size_t head_dim, const void *const *keys,
                                 const void *const *values, const size_t *counts, size_t n_spans,
                                 size_t kv_stride, int kv_half, float scale, float *scores);
void qk_attention_spans_avx2(float *out, const float *q, size_t n_q, size_t head_dim, const void *const *keys,
                             const void *const *values, const size_t *counts, size_t n_spans, size_t kv_stride,
                             int kv_half, float scale, float *scores);
void qk_store_kv_avx2(void *dst, const float *src, size_t n, int half);
void qk_swiglu_avx2(float *gate, const float *up, size_t n);
void qk_logsumexp_avx2(const float *logits, size_t n, double *lse, double *entropy);

#endif
