// The AVX2 path (x86-64 with AVX2, FMA and F16C), selected at run time by qk_dispatch.c. Every function in
// this file is compiled for that target through `#pragma clang attribute`, so the package needs no
// architecture flags and the portable path stays runnable on any x86-64 CPU.
#include <math.h>
#include "qk_common.h"

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

#define QK_FN(name) name##_avx2_
#define QK_HALF(h) _cvtsh_ss(h)
#include "qk_generic.h"

int qk_avx2_compiled(void) { return 1; }

static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Eight bytes (zero-extended) as eight int32 lanes.
static inline __m256i u8x8(const uint8_t *p) { return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p)); }
static inline __m256i u8x8_reg(__m128i v) { return _mm256_cvtepu8_epi32(v); }
static inline __m256 to_f(__m256i v) { return _mm256_cvtepi32_ps(v); }

/// 16 bytes of nibbles: the low nibbles (values 0..15) and high nibbles (values 16..31), 8 lanes each.
typedef struct { __m256i lo0, lo1, hi0, hi1; } nibbles32;
static inline nibbles32 unpack_nibbles(const uint8_t *qs) {
    const __m128i v = _mm_loadu_si128((const __m128i *)qs);
    const __m128i mask = _mm_set1_epi8(0x0F);
    const __m128i lo = _mm_and_si128(v, mask), hi = _mm_and_si128(_mm_srli_epi16(v, 4), mask);
    nibbles32 n = {u8x8_reg(lo), u8x8_reg(_mm_srli_si128(lo, 8)), u8x8_reg(hi), u8x8_reg(_mm_srli_si128(hi, 8))};
    return n;
}

/// Bit k of `bits` (k = 0..7) as 16 or 0 in lane k.
static inline __m256i high_bits8(uint32_t bits) {
    const __m256i sel = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    const __m256i on = _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32((int)bits), sel), sel);
    return _mm256_and_si256(on, _mm256_set1_epi32(16));
}

/// Σ q·x and Σ x over one 32-value block whose integer values are in four 8-lane groups.
static inline void block_sums(__m256i q0, __m256i q1, __m256i q2, __m256i q3, const float *x, __m256 *sq, __m256 *sx) {
    const __m256 x0 = _mm256_loadu_ps(x), x1 = _mm256_loadu_ps(x + 8);
    const __m256 x2 = _mm256_loadu_ps(x + 16), x3 = _mm256_loadu_ps(x + 24);
    const __m256 a = _mm256_fmadd_ps(to_f(q2), x2, _mm256_mul_ps(to_f(q0), x0));
    const __m256 c = _mm256_fmadd_ps(to_f(q3), x3, _mm256_mul_ps(to_f(q1), x1));
    *sq = _mm256_add_ps(a, c);
    *sx = _mm256_add_ps(_mm256_add_ps(x0, x1), _mm256_add_ps(x2, x3));
}

// Each fused dot computes one block's contribution independently of the running sum and adds it to one
// of two accumulators in turn, so consecutive blocks do not wait on one chain of dependent FMAs.
#define QK_TWO_CHAINS(NB, BYTES, BLOCK)                                            \
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();                \
    size_t i = 0;                                                                  \
    for (; i + 2 <= (NB); i += 2, b += 2 * (BYTES), x += 64) {                     \
        acc0 = _mm256_add_ps(acc0, BLOCK(b, x));                                   \
        acc1 = _mm256_add_ps(acc1, BLOCK(b + (BYTES), x + 32));                    \
    }                                                                              \
    if (i < (NB)) acc0 = _mm256_add_ps(acc0, BLOCK(b, x));                         \
    return hsum(_mm256_add_ps(acc0, acc1));

static inline __m256 block_q4_0(const uint8_t *b, const float *x) {
    const nibbles32 n = unpack_nibbles(b + 2);
    __m256 sq, sx;
    block_sums(n.lo0, n.lo1, n.hi0, n.hi1, x, &sq, &sx);
    return _mm256_mul_ps(_mm256_set1_ps(_cvtsh_ss(qk_u16(b))), _mm256_fnmadd_ps(_mm256_set1_ps(8.0f), sx, sq));
}
static float dot_q4_0(const uint8_t *b, const float *x, size_t nb) { QK_TWO_CHAINS(nb, 18, block_q4_0) }

static inline __m256 block_q4_1(const uint8_t *b, const float *x) {
    const nibbles32 n = unpack_nibbles(b + 4);
    __m256 sq, sx;
    block_sums(n.lo0, n.lo1, n.hi0, n.hi1, x, &sq, &sx);
    return _mm256_fmadd_ps(_mm256_set1_ps(_cvtsh_ss(qk_u16(b + 2))), sx, _mm256_mul_ps(_mm256_set1_ps(_cvtsh_ss(qk_u16(b))), sq));
}
static float dot_q4_1(const uint8_t *b, const float *x, size_t nb) { QK_TWO_CHAINS(nb, 20, block_q4_1) }

static inline __m256 block_q5_0(const uint8_t *b, const float *x) {
    const uint32_t qh = qk_u32(b + 2);
    const nibbles32 n = unpack_nibbles(b + 6);
    __m256 sq, sx;
    block_sums(_mm256_or_si256(n.lo0, high_bits8(qh & 0xFF)), _mm256_or_si256(n.lo1, high_bits8((qh >> 8) & 0xFF)),
               _mm256_or_si256(n.hi0, high_bits8((qh >> 16) & 0xFF)), _mm256_or_si256(n.hi1, high_bits8(qh >> 24)),
               x, &sq, &sx);
    return _mm256_mul_ps(_mm256_set1_ps(_cvtsh_ss(qk_u16(b))), _mm256_fnmadd_ps(_mm256_set1_ps(16.0f), sx, sq));
}
static float dot_q5_0(const uint8_t *b, const float *x, size_t nb) { QK_TWO_CHAINS(nb, 22, block_q5_0) }

static inline __m256 block_q5_1(const uint8_t *b, const float *x) {
    const uint32_t qh = qk_u32(b + 4);
    const nibbles32 n = unpack_nibbles(b + 8);
    __m256 sq, sx;
    block_sums(_mm256_or_si256(n.lo0, high_bits8(qh & 0xFF)), _mm256_or_si256(n.lo1, high_bits8((qh >> 8) & 0xFF)),
               _mm256_or_si256(n.hi0, high_bits8((qh >> 16) & 0xFF)), _mm256_or_si256(n.hi1, high_bits8(qh >> 24)),
               x, &sq, &sx);
    return _mm256_fmadd_ps(_mm256_set1_ps(_cvtsh_ss(qk_u16(b + 2))), sx, _mm256_mul_ps(_mm256_set1_ps(_cvtsh_ss(qk_u16(b))), sq));
}
static float dot_q5_1(const uint8_t *b, const float *x, size_t nb) { QK_TWO_CHAINS(nb, 24, block_q5_1) }

static inline __m256 block_q8_0(const uint8_t *b, const float *x) {
    const int8_t *q = (const int8_t *)(b + 2);
    const __m256 p0 = _mm256_mul_ps(to_f(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)q))), _mm256_loadu_ps(x));
    const __m256 p1 = _mm256_mul_ps(to_f(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(q + 8)))), _mm256_loadu_ps(x + 8));
    const __m256 s0 = _mm256_fmadd_ps(to_f(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(q + 16)))), _mm256_loadu_ps(x + 16), p0);
    const __m256 s1 = _mm256_fmadd_ps(to_f(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(q + 24)))), _mm256_loadu_ps(x + 24), p1);
    return _mm256_mul_ps(_mm256_set1_ps(_cvtsh_ss(qk_u16(b))), _mm256_add_ps(s0, s1));
}
static float dot_q8_0(const uint8_t *b, const float *x, size_t nb) { QK_TWO_CHAINS(nb, 34, block_q8_0) }

/// One 32-value sub-block of a Q4_K/Q5_K block: Σ q·x and Σ x. `q` holds the sub-block's nibbles (low when
/// shift = 0, high when shift = 4); for Q5_K, `qh` and `bit` give its fifth bits.
static inline void k_sub_block(const uint8_t *q, int shift, const uint8_t *qh, int bit_index, const float *x,
                               __m256 *sq_out, __m256 *sx_out) {
    const __m256i mask = _mm256_set1_epi32(0x0F), sixteen = _mm256_set1_epi32(16);
    const __m256i bit = _mm256_set1_epi32(1 << bit_index);
    __m256 sq0 = _mm256_setzero_ps(), sq1 = sq0, sx0 = sq0, sx1 = sq0;
    for (int g = 0; g < 4; g += 2) {
        __m256i v0 = _mm256_and_si256(_mm256_srli_epi32(u8x8(q + 8 * g), shift), mask);
        __m256i v1 = _mm256_and_si256(_mm256_srli_epi32(u8x8(q + 8 * g + 8), shift), mask);
        if (qh) {
            v0 = _mm256_or_si256(v0, _mm256_and_si256(_mm256_cmpeq_epi32(_mm256_and_si256(u8x8(qh + 8 * g), bit), bit), sixteen));
            v1 = _mm256_or_si256(v1, _mm256_and_si256(_mm256_cmpeq_epi32(_mm256_and_si256(u8x8(qh + 8 * g + 8), bit), bit), sixteen));
        }
        const __m256 x0 = _mm256_loadu_ps(x + 8 * g), x1 = _mm256_loadu_ps(x + 8 * g + 8);
        sq0 = _mm256_fmadd_ps(to_f(v0), x0, sq0);
        sq1 = _mm256_fmadd_ps(to_f(v1), x1, sq1);
        sx0 = _mm256_add_ps(sx0, x0);
        sx1 = _mm256_add_ps(sx1, x1);
    }
    *sq_out = _mm256_add_ps(sq0, sq1);
    *sx_out = _mm256_add_ps(sx0, sx1);
}

/// Q4_K and Q5_K share their layout except for Q5_K's 32 bytes of fifth bits (`five`).
static float dot_k4k5(const uint8_t *b, const float *x, size_t nb, int five) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0;
    const size_t bytes = five ? 176 : 144;
    for (size_t i = 0; i < nb; i++, b += bytes, x += 256) {
        const float d = _cvtsh_ss(qk_u16(b)), dmin = _cvtsh_ss(qk_u16(b + 2));
        const uint8_t *scales = b + 4, *qh = five ? b + 16 : NULL, *qs = five ? b + 48 : b + 16;
        for (int c = 0; c < 4; c++) {
            uint8_t s0, m0, s1, m1;
            qk_scale_min_k4(2 * c, scales, &s0, &m0);
            qk_scale_min_k4(2 * c + 1, scales, &s1, &m1);
            __m256 sq0, sx0, sq1, sx1;
            k_sub_block(qs + 32 * c, 0, qh, 2 * c, x + 64 * c, &sq0, &sx0);
            k_sub_block(qs + 32 * c, 4, qh, 2 * c + 1, x + 64 * c + 32, &sq1, &sx1);
            acc0 = _mm256_add_ps(acc0, _mm256_fnmadd_ps(_mm256_set1_ps(dmin * m0), sx0, _mm256_mul_ps(_mm256_set1_ps(d * s0), sq0)));
            acc1 = _mm256_add_ps(acc1, _mm256_fnmadd_ps(_mm256_set1_ps(dmin * m1), sx1, _mm256_mul_ps(_mm256_set1_ps(d * s1), sq1)));
        }
    }
    return hsum(_mm256_add_ps(acc0, acc1));
}

static float dot_q6_k(const uint8_t *b, const float *x, size_t nb) {
    __m256 a1 = _mm256_setzero_ps(), a2 = a1, a3 = a1, a4 = a1;
    const __m256i low = _mm256_set1_epi32(0x0F), two = _mm256_set1_epi32(3), off = _mm256_set1_epi32(32);
    for (size_t i = 0; i < nb; i++, b += 210, x += 256) {
        const float d = _cvtsh_ss(qk_u16(b + 208));
        for (int n = 0; n < 2; n++) {
            const uint8_t *ql = b + 64 * n, *qh = b + 128 + 32 * n;
            const int8_t *sc = (const int8_t *)(b + 192) + 8 * n;
            const float *xn = x + 128 * n;
            for (int l = 0; l < 32; l += 8) {
                const int is = l / 16;
                const __m256i a = u8x8(ql + l), c = u8x8(ql + l + 32), h = u8x8(qh + l);
                const __m256i q1 = _mm256_sub_epi32(_mm256_or_si256(_mm256_and_si256(a, low),
                    _mm256_slli_epi32(_mm256_and_si256(h, two), 4)), off);
                const __m256i q2 = _mm256_sub_epi32(_mm256_or_si256(_mm256_and_si256(c, low),
                    _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 2), two), 4)), off);
                const __m256i q3 = _mm256_sub_epi32(_mm256_or_si256(_mm256_srli_epi32(a, 4),
                    _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 4), two), 4)), off);
                const __m256i q4 = _mm256_sub_epi32(_mm256_or_si256(_mm256_srli_epi32(c, 4),
                    _mm256_slli_epi32(_mm256_srli_epi32(h, 6), 4)), off);
                a1 = _mm256_fmadd_ps(_mm256_set1_ps(d * sc[is]), _mm256_mul_ps(to_f(q1), _mm256_loadu_ps(xn + l)), a1);
                a2 = _mm256_fmadd_ps(_mm256_set1_ps(d * sc[is + 2]), _mm256_mul_ps(to_f(q2), _mm256_loadu_ps(xn + l + 32)), a2);
                a3 = _mm256_fmadd_ps(_mm256_set1_ps(d * sc[is + 4]), _mm256_mul_ps(to_f(q3), _mm256_loadu_ps(xn + l + 64)), a3);
                a4 = _mm256_fmadd_ps(_mm256_set1_ps(d * sc[is + 6]), _mm256_mul_ps(to_f(q4), _mm256_loadu_ps(xn + l + 96)), a4);
            }
        }
    }
    return hsum(_mm256_add_ps(_mm256_add_ps(a1, a2), _mm256_add_ps(a3, a4)));
}

float qk_dot_avx2(const float *a, const float *b, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float total = hsum(_mm256_add_ps(s0, s1));
    for (; i < n; i++) total += a[i] * b[i];
    return total;
}

void qk_axpy_avx2(float *y, float a, const float *x, size_t n) {
    const __m256 av = _mm256_set1_ps(a);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += a * x[i];
}

static float dot_f16(const uint8_t *row, const float *x, size_t cols) {
    __m256 acc = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= cols; i += 8)
        acc = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + 2 * i))), _mm256_loadu_ps(x + i), acc);
    float total = hsum(acc);
    for (; i < cols; i++) total += _cvtsh_ss(qk_u16(row + 2 * i)) * x[i];
    return total;
}

/// One row · x for any type: the fused kernels above, or decode-then-dot for the rest.
static float dot_row(int type, const uint8_t *row, const float *x, size_t cols) {
    switch (type) {
    case QK_TYPE_F32: return qk_dot_avx2((const float *)(const void *)row, x, cols);
    case QK_TYPE_F16: return dot_f16(row, x, cols);
    case QK_TYPE_Q4_0: return dot_q4_0(row, x, cols / 32);
    case QK_TYPE_Q4_1: return dot_q4_1(row, x, cols / 32);
    case QK_TYPE_Q5_0: return dot_q5_0(row, x, cols / 32);
    case QK_TYPE_Q5_1: return dot_q5_1(row, x, cols / 32);
    case QK_TYPE_Q8_0: return dot_q8_0(row, x, cols / 32);
    case QK_TYPE_Q4_K: return dot_k4k5(row, x, cols / 256, 0);
    case QK_TYPE_Q5_K: return dot_k4k5(row, x, cols / 256, 1);
    case QK_TYPE_Q6_K: return dot_q6_k(row, x, cols / 256);
    default: return dot_row_generic_avx2_(type, row, x, cols);
    }
}

/// Up to four decoded rows (w0..w3, `rows` of them) against two vectors at once.
static void tile_dot(const float *const w[QK_MATMUL_TILE], size_t rows, size_t cols, const float *xa,
                     const float *xb, float ya[QK_MATMUL_TILE], float yb[QK_MATMUL_TILE]) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    const float *w0 = w[0], *w1 = rows > 1 ? w[1] : w[0], *w2 = rows > 2 ? w[2] : w[0], *w3 = rows > 3 ? w[3] : w[0];
    for (size_t c = 0; c < cols; c += 8) {
        const __m256 x0 = _mm256_loadu_ps(xa + c), x1 = _mm256_loadu_ps(xb + c);
        const __m256 v0 = _mm256_loadu_ps(w0 + c), v1 = _mm256_loadu_ps(w1 + c);
        const __m256 v2 = _mm256_loadu_ps(w2 + c), v3 = _mm256_loadu_ps(w3 + c);
        a0 = _mm256_fmadd_ps(v0, x0, a0); b0 = _mm256_fmadd_ps(v0, x1, b0);
        a1 = _mm256_fmadd_ps(v1, x0, a1); b1 = _mm256_fmadd_ps(v1, x1, b1);
        a2 = _mm256_fmadd_ps(v2, x0, a2); b2 = _mm256_fmadd_ps(v2, x1, b2);
        a3 = _mm256_fmadd_ps(v3, x0, a3); b3 = _mm256_fmadd_ps(v3, x1, b3);
    }
    ya[0] = hsum(a0); ya[1] = hsum(a1); ya[2] = hsum(a2); ya[3] = hsum(a3);
    yb[0] = hsum(b0); yb[1] = hsum(b1); yb[2] = hsum(b2); yb[3] = hsum(b3);
}

int qk_dequantize_avx2(int type, const uint8_t *src, float *dst, size_t count) {
    return dequantize_impl_avx2_(type, src, dst, count);
}

void qk_matmul_avx2(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin, size_t row_end,
                    const float *x, size_t x_stride, size_t nvec, float *y, size_t y_stride, float *scratch) {
    // A single vector of a quantised type (only the float activation precision gets here with one) takes the
    // fused dot. Float rows (F32, F16, BF16) never do: they are what the 8-bit activation precision sends
    // here, and there a row's result must not depend on how many rows share the step, so that seeded sampling
    // reproduces whatever the batch. Every vector of them takes the tile path below.
    if (nvec == 1 && type != QK_TYPE_F32 && type != QK_TYPE_F16 && type != QK_TYPE_BF16) {
        for (size_t r = row_begin; r < row_end; r++) y[r] = dot_row(type, w + r * row_bytes, x, cols);
        return;
    }
    if (cols % 8 != 0) {  // only possible for F32/F16/BF16 rows; keep the simple path
        qk_matmul_portable(type, w, row_bytes, cols, row_begin, row_end, x, x_stride, nvec, y, y_stride, scratch);
        return;
    }
    for (size_t r = row_begin; r < row_end; r += QK_MATMUL_TILE) {
        const size_t rows = row_end - r < QK_MATMUL_TILE ? row_end - r : QK_MATMUL_TILE;
        const float *tile[QK_MATMUL_TILE];
        for (size_t i = 0; i < rows; i++) {
            dequantize_impl_avx2_(type, w + (r + i) * row_bytes, scratch + i * cols, cols);
            tile[i] = scratch + i * cols;
        }
        for (size_t i = rows; i < QK_MATMUL_TILE; i++) tile[i] = tile[0];
        float ya[QK_MATMUL_TILE], yb[QK_MATMUL_TILE];
        size_t v = 0;
        for (; v + 2 <= nvec; v += 2) {
            tile_dot(tile, rows, cols, x + v * x_stride, x + (v + 1) * x_stride, ya, yb);
            for (size_t i = 0; i < rows; i++) {
                y[v * y_stride + r + i] = ya[i];
                y[(v + 1) * y_stride + r + i] = yb[i];
            }
        }
        if (v < nvec) {
            tile_dot(tile, rows, cols, x + v * x_stride, x + v * x_stride, ya, yb);
            for (size_t i = 0; i < rows; i++) y[v * y_stride + r + i] = ya[i];
        }
    }
}

// ---- 8-bit activations -------------------------------------------------------------------------------

#define QK8_FN(name) name##_avx2q_
#define QK8_DOT(u, s) _mm256_madd_epi16(_mm256_maddubs_epi16((u), (s)), _mm256_set1_epi16(1))
#include "qk_q8_x86.h"

void qk_matmul_q8_avx2(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                       size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec, float *y,
                       size_t y_stride, float *scratch) {
    (void)scratch;
    matmul_q8_impl_avx2q_(type, w, row_bytes, cols, row_begin, row_end, q, d, s, nvec, y, y_stride);
}

/// Sum of the eight int32 lanes.
static inline int hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

int qk_quantize_act_avx2(int kind, const float *x, size_t cols, int8_t *q, float *d, float *s) {
    const size_t block = kind == QK_ACT_Q8_32 ? 32 : kind == QK_ACT_Q8_256 ? 256 : 0;
    if (block == 0 || cols % block != 0) return -1;
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (size_t b = 0; b < cols; b += block) {
        __m256 m = _mm256_setzero_ps();
        for (size_t i = 0; i < block; i += 8) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + b + i)));
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        const float amax = _mm_cvtss_f32(m4);
        const float id = amax != 0 ? 127.0f / amax : 0.0f;
        const float scale = kind == QK_ACT_Q8_32 ? _cvtsh_ss(_cvtss_sh(amax / 127.0f, _MM_FROUND_TO_NEAREST_INT))
                                                 : (amax != 0 ? 1.0f / id : 0.0f);
        const __m256 mul = _mm256_set1_ps(id);
        for (size_t i = 0; i < block; i += 32) {
            __m256i v[4];
            for (int k = 0; k < 4; k++) {
                const __m256 r = _mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + b + i + 8 * k), mul),
                                                 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
                v[k] = _mm256_cvtps_epi32(r);
            }
            if (kind == QK_ACT_Q8_32) {
                const float sum = scale * (float)hsum_i32(_mm256_add_epi32(_mm256_add_epi32(v[0], v[1]), _mm256_add_epi32(v[2], v[3])));
                s[(b + i) / 16] = sum;
                s[(b + i) / 16 + 1] = _cvtsh_ss(_cvtss_sh(sum, _MM_FROUND_TO_NEAREST_INT));
            } else {
                s[(b + i) / 16] = scale * (float)hsum_i32(_mm256_add_epi32(v[0], v[1]));
                s[(b + i) / 16 + 1] = scale * (float)hsum_i32(_mm256_add_epi32(v[2], v[3]));
            }
            // Pack to bytes: the packs work per 128-bit half, so the result's 32-bit groups come out in the
            // order 0 2 4 6 1 3 5 7; the permutation puts them back.
            const __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(v[0], v[1]), _mm256_packs_epi32(v[2], v[3]));
            _mm256_storeu_si256((__m256i *)(q + b + i), _mm256_permutevar8x32_epi32(p, order));
            d[(b + i) / 32] = scale;
        }
    }
    return 0;
}

// ---- e^x, SwiGLU, log-sum-exp -------------------------------------------------------------------------

/// e^x for x ≤ 88 (larger x gives e^88), within about 2 float ulps for x ≥ −87.3; below that the result is
/// tiny or 0 (callers that need exact zeros mask them). Range reduction x = n·ln2 + r with ln2 in two parts,
/// then a degree-7 polynomial for e^r (the classic Cephes single-precision coefficients), scaled by 2^n.
static inline __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.0f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

void qk_swiglu_avx2(float *gate, const float *up, size_t n) {
    size_t i = 0;
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    for (; i + 8 <= n; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        const __m256 silu = _mm256_div_ps(g, _mm256_add_ps(one, exp8(_mm256_sub_ps(zero, g))));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(silu, _mm256_loadu_ps(up + i)));
    }
    for (; i < n; i++) gate[i] = gate[i] / (1.0f + expf(-gate[i])) * up[i];
}

/// Adds the four double lanes of the float sums `e` (and `t`) widened, and clears them.
static inline void flush(__m256 *e, __m256 *t, __m256d *se, __m256d *st) {
    *se = _mm256_add_pd(*se, _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(*e)), _mm256_cvtps_pd(_mm256_extractf128_ps(*e, 1))));
    *st = _mm256_add_pd(*st, _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(*t)), _mm256_cvtps_pd(_mm256_extractf128_ps(*t, 1))));
    *e = _mm256_setzero_ps();
    *t = _mm256_setzero_ps();
}

static inline double hsum_pd(__m256d v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

void qk_logsumexp_avx2(const float *logits, size_t n, double *lse, double *entropy) {
    float maxf = -INFINITY;
    size_t i = 0;
    __m256 mv = _mm256_set1_ps(-INFINITY);
    for (; i + 8 <= n; i += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(logits + i));
    float lanes[8];
    _mm256_storeu_ps(lanes, mv);
    for (int k = 0; k < 8; k++) maxf = lanes[k] > maxf ? lanes[k] : maxf;
    for (; i < n; i++) maxf = logits[i] > maxf ? logits[i] : maxf;
    if (n == 0 || !isfinite(maxf)) {  // also NaN: fall back to the exact code, which says so
        qk_logsumexp(logits, n, lse, entropy);
        return;
    }
    // Each term e^z and e^z·z (z = l − max ≤ 0) in float; partial sums in float over 256 values, then double.
    const __m256 max8 = _mm256_set1_ps(maxf), floor8 = _mm256_set1_ps(-87.3f);
    __m256 e = _mm256_setzero_ps(), t = _mm256_setzero_ps();
    __m256d se = _mm256_setzero_pd(), st = _mm256_setzero_pd();
    i = 0;
    int since = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 z = _mm256_sub_ps(_mm256_loadu_ps(logits + i), max8);
        const __m256 keep = _mm256_cmp_ps(z, floor8, _CMP_GE_OQ);  // below: e^z < 1e-38, counted as 0
        const __m256 ez = _mm256_and_ps(keep, exp8(z));
        e = _mm256_add_ps(e, ez);
        t = _mm256_add_ps(t, _mm256_and_ps(keep, _mm256_mul_ps(ez, z)));
        if (++since == 32) {
            flush(&e, &t, &se, &st);
            since = 0;
        }
    }
    flush(&e, &t, &se, &st);
    double s = hsum_pd(se), tt = hsum_pd(st);
    for (; i < n; i++) {
        const double z = (double)logits[i] - maxf;
        const double ez = exp(z);
        if (ez > 0) {
            s += ez;
            tt += ez * z;
        }
    }
    *lse = maxf + log(s);
    *entropy = log(s) - tt / s;
}

// ---- attention ----------------------------------------------------------------------------------------

/// The eight horizontal sums of t[0..7], in lanes 0..7.
static inline __m256 hsum8x8(const __m256 t[8]) {
    const __m256 a = _mm256_hadd_ps(_mm256_hadd_ps(t[0], t[1]), _mm256_hadd_ps(t[2], t[3]));  // 0123 | 0123 halves
    const __m256 b = _mm256_hadd_ps(_mm256_hadd_ps(t[4], t[5]), _mm256_hadd_ps(t[6], t[7]));  // 4567 | 4567 halves
    return _mm256_add_ps(_mm256_permute2f128_ps(a, b, 0x20), _mm256_permute2f128_ps(a, b, 0x31));
}

/// Eight keys or values from a float (half = 0) or half (half = 1) array at element index i.
static inline __m256 load_kv(const void *base, size_t i, const int half) {
    return half ? _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)((const uint16_t *)base + i)))
                : _mm256_loadu_ps((const float *)base + i);
}

static inline __attribute__((always_inline)) void attention_avx2(
    float *out, const float *q, size_t n_q, size_t head_dim, const void *const *keys, const void *const *values,
    const size_t *counts, size_t n_spans, size_t kv_stride, const int half, float scale, float *scores) {
    size_t total = 0;
    for (size_t j = 0; j < n_spans; j++) total += counts[j];
    const __m256 scale8 = _mm256_set1_ps(scale);
    // Scores, eight positions at a time: eight independent FMA chains per head, summed across lanes together.
    size_t base = 0;
    for (size_t j = 0; j < n_spans; j++) {
        for (size_t p0 = 0; p0 < counts[j]; p0 += 8) {
            const size_t n = counts[j] - p0 < 8 ? counts[j] - p0 : 8;
            size_t k[8];  // element index of each of the eight keys (the last one repeated past the end)
            for (size_t r = 0; r < 8; r++) k[r] = (p0 + (r < n ? r : n - 1)) * kv_stride;
            for (size_t i = 0; i < n_q; i++) {
                const float *qi = q + i * head_dim;
                __m256 t[8];
                for (int r = 0; r < 8; r++) t[r] = _mm256_setzero_ps();
                for (size_t c = 0; c < head_dim; c += 8) {
                    const __m256 qc = _mm256_loadu_ps(qi + c);
                    for (int r = 0; r < 8; r++) t[r] = _mm256_fmadd_ps(qc, load_kv(keys[j], k[r] + c, half), t[r]);
                }
                const __m256 sums = _mm256_mul_ps(hsum8x8(t), scale8);
                float *row = scores + i * total + base + p0;
                if (n == 8) {
                    _mm256_storeu_ps(row, sums);
                } else {
                    float lanes[8];
                    _mm256_storeu_ps(lanes, sums);
                    for (size_t r = 0; r < n; r++) row[r] = lanes[r];
                }
            }
        }
        base += counts[j];
    }
    // Softmax of each head's row of scores.
    for (size_t i = 0; i < n_q; i++) {
        float *row = scores + i * total;
        float m = -INFINITY;
        for (size_t p = 0; p < total; p++) m = row[p] > m ? row[p] : m;
        const __m256 m8 = _mm256_set1_ps(m);
        __m256 sum8 = _mm256_setzero_ps();
        size_t p = 0;
        for (; p + 8 <= total; p += 8) {
            const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + p), m8));
            _mm256_storeu_ps(row + p, e);
            sum8 = _mm256_add_ps(sum8, e);
        }
        double sum = hsum(sum8);
        for (; p < total; p++) {
            row[p] = expf(row[p] - m);
            sum += row[p];
        }
        const __m256 inv = _mm256_set1_ps((float)(1.0 / sum));
        for (p = 0; p + 8 <= total; p += 8) _mm256_storeu_ps(row + p, _mm256_mul_ps(_mm256_loadu_ps(row + p), inv));
        for (; p < total; p++) row[p] *= (float)(1.0 / sum);
    }
    // Weighted values, per head and 64-wide slice of it, the output slice kept in registers.
    for (size_t i = 0; i < n_q; i++) {
        for (size_t c0 = 0; c0 < head_dim; c0 += 64) {
            const size_t width = head_dim - c0 < 64 ? (head_dim - c0) / 8 : 8;
            __m256 acc[8];
            for (int c = 0; c < 8; c++) acc[c] = _mm256_setzero_ps();
            const float *weights = scores + i * total;
            for (size_t j = 0; j < n_spans; j++) {
                for (size_t p = 0; p < counts[j]; p++) {
                    const __m256 a = _mm256_broadcast_ss(weights++);
                    const size_t v = p * kv_stride + c0;
                    if (width == 8) {
                        for (int c = 0; c < 8; c++) acc[c] = _mm256_fmadd_ps(a, load_kv(values[j], v + 8 * (size_t)c, half), acc[c]);
                    } else {
                        for (size_t c = 0; c < width; c++) acc[c] = _mm256_fmadd_ps(a, load_kv(values[j], v + 8 * c, half), acc[c]);
                    }
                }
            }
            for (size_t c = 0; c < width; c++) _mm256_storeu_ps(out + i * head_dim + c0 + 8 * c, acc[c]);
        }
    }
}

void qk_attention_spans_avx2(float *out, const float *q, size_t n_q, size_t head_dim, const void *const *keys,
                             const void *const *values, const size_t *counts, size_t n_spans, size_t kv_stride,
                             int kv_half, float scale, float *scores) {
    if (head_dim % 8 != 0) {
        qk_attention_spans_portable(out, q, n_q, head_dim, keys, values, counts, n_spans, kv_stride, kv_half, scale, scores);
    } else if (kv_half) {
        attention_avx2(out, q, n_q, head_dim, keys, values, counts, n_spans, kv_stride, 1, scale, scores);
    } else {
        attention_avx2(out, q, n_q, head_dim, keys, values, counts, n_spans, kv_stride, 0, scale, scores);
    }
}

void qk_store_kv_avx2(void *dst, const float *src, size_t n, int half) {
    if (!half) {
        memcpy(dst, src, n * sizeof(float));
        return;
    }
    uint16_t *h = dst;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(h + i), _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) h[i] = (uint16_t)_cvtss_sh(src[i], _MM_FROUND_TO_NEAREST_INT);
}

#pragma clang attribute pop

#else  // not x86-64 with clang: the AVX2 path is never selected; these keep the linker satisfied.

int qk_avx2_compiled(void) { return 0; }
int qk_dequantize_avx2(int type, const uint8_t *src, float *dst, size_t count) {
    return qk_dequantize_portable(type, src, dst, count);
}
void qk_matmul_avx2(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin, size_t row_end,
                    const float *x, size_t x_stride, size_t nvec, float *y, size_t y_stride, float *scratch) {
    qk_matmul_portable(type, w, row_bytes, cols, row_begin, row_end, x, x_stride, nvec, y, y_stride, scratch);
}
float qk_dot_avx2(const float *a, const float *b, size_t n) { return qk_dot_portable(a, b, n); }
void qk_axpy_avx2(float *y, float a, const float *x, size_t n) { qk_axpy_portable(y, a, x, n); }
void qk_matmul_q8_avx2(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                       size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec, float *y,
                       size_t y_stride, float *scratch) {
    qk_matmul_q8_portable(type, w, row_bytes, cols, row_begin, row_end, q, d, s, nvec, y, y_stride, scratch);
}
int qk_quantize_act_avx2(int kind, const float *x, size_t cols, int8_t *q, float *d, float *s) {
    return qk_quantize_act_portable(kind, x, cols, q, d, s);
}
void qk_swiglu_avx2(float *gate, const float *up, size_t n) { qk_swiglu(gate, up, n); }
void qk_logsumexp_avx2(const float *logits, size_t n, double *lse, double *entropy) {
    qk_logsumexp(logits, n, lse, entropy);
}
void qk_attention_spans_avx2(float *out, const float *q, size_t n_q, size_t head_dim, const void *const *keys,
                             const void *const *values, const size_t *counts, size_t n_spans, size_t kv_stride,
                             int kv_half, float scale, float *scores) {
    qk_attention_spans_portable(out, q, n_q, head_dim, keys, values, counts, n_spans, kv_stride, kv_half, scale, scores);
}
void qk_store_kv_avx2(void *dst, const float *src, size_t n, int half) { qk_store_kv(QK_ISA_PORTABLE, dst, src, n, half); }

#endif
