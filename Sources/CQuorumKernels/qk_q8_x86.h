// Matrix × 8-bit vectors for x86-64, shared by the AVX2 path (qk_avx2.c) and the AVX-512 VNNI path
// (qk_vnni.c). Included inside a `#pragma clang attribute` target region; before including, define
//   QK8_FN(name)       adds the path's suffix to a name;
//   QK8_DOT(u, s)      eight int32 sums of four u8·s8 products each, of the 32 bytes of u (unsigned) and s
//                      (signed): _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), ones) on AVX2;
//   QK8_DOT_ACC(a,u,s) optional: a + QK8_DOT(u, s) in one instruction (VNNI: _mm256_dpbusd_epi32). Without
//                      it, products are summed in int16 first as far as the weights' bit width allows.
// The integers never saturate VPMADDUBSW (weights at most 63, or |−128| for Q8_0 through the sign trick;
// vector values at most 127), so both paths give the same sums.
//
// The decomposition is the one described at the top of qk_q8_portable.c. Eight rows are processed together,
// one row per 32-bit lane: the blocks of the 8 rows are transposed on the fly (the weights stay in the
// file's layout, memory-mapped) so that register m holds values 4m..4m+3 of every row. One VPMADDUBSW against
// the vector's bytes 4m..4m+3 broadcast to all lanes advances all 8 rows, and one float scale and one FMA per
// block serve 8 rows. Each (row, vector) pair is computed the same way whatever the other rows and vectors of
// the call: integer sums per block are exact and the float steps per lane are the same, so a row of a batch
// gets exactly the result it gets alone (8-bit rounding of the next layer's input would turn even
// float-rounding differences into visible ones).
#include <immintrin.h>
#include "qk_common.h"

#define QK8_TILE_MAXV 8

/// Dword k (k = 0..3) of the 16 bytes at p[r] for r = 0..7, as out[k] = [p0.k p1.k … p7.k].
static inline void QK8_FN(transpose8x4)(const uint8_t *const p[8], size_t offset, __m256i out[4]) {
#define QK8_LOAD16(r) _mm_loadu_si128((const __m128i *)(p[r] + offset))
    const __m256i z0 = _mm256_set_m128i(QK8_LOAD16(4), QK8_LOAD16(0)), z1 = _mm256_set_m128i(QK8_LOAD16(5), QK8_LOAD16(1));
    const __m256i z2 = _mm256_set_m128i(QK8_LOAD16(6), QK8_LOAD16(2)), z3 = _mm256_set_m128i(QK8_LOAD16(7), QK8_LOAD16(3));
#undef QK8_LOAD16
    const __m256i t0 = _mm256_unpacklo_epi32(z0, z1), t1 = _mm256_unpackhi_epi32(z0, z1);
    const __m256i t2 = _mm256_unpacklo_epi32(z2, z3), t3 = _mm256_unpackhi_epi32(z2, z3);
    out[0] = _mm256_unpacklo_epi64(t0, t2);
    out[1] = _mm256_unpackhi_epi64(t0, t2);
    out[2] = _mm256_unpacklo_epi64(t1, t3);
    out[3] = _mm256_unpackhi_epi64(t1, t3);
}

/// The 32-bit words at p[r] + offset, r = 0..7, one per lane. (Inserted lane by lane: eight scalar stores
/// read back as one vector would stall on store forwarding.)
static inline __m256i QK8_FN(gather8)(const uint8_t *const p[8], size_t offset) {
    int32_t w[8];
    for (int r = 0; r < 8; r++) memcpy(&w[r], p[r] + offset, 4);
    return _mm256_setr_epi32(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
}

/// The low (high = 0) or high (high = 1) halves of eight 32-bit lanes, as floats.
static inline __m256 QK8_FN(lane_halves)(__m256i x, const int high) {
    const __m256i pick = high ? _mm256_setr_epi8(2, 3, 6, 7, 10, 11, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1,
                                                 2, 3, 6, 7, 10, 11, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1)
                              : _mm256_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, -1, -1, -1, -1, -1, -1, -1, -1,
                                                 0, 1, 4, 5, 8, 9, 12, 13, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_shuffle_epi8(x, pick), 0x08);
    return _mm256_cvtph_ps(_mm256_castsi256_si128(packed));
}

/// Byte tables for the fifth bits of Q5_0/Q5_1 tiles: QK8_FIFTH_SPREAD[b] copies byte b of each lane's 32-bit
/// mask into the lane's four bytes; QK8_FIFTH_BIT[k] selects bit 4k + t in byte t.
static const uint8_t QK8_FN(fifth_spread)[4][32] = {
    {0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12, 0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12},
    {1, 1, 1, 1, 5, 5, 5, 5, 9, 9, 9, 9, 13, 13, 13, 13, 1, 1, 1, 1, 5, 5, 5, 5, 9, 9, 9, 9, 13, 13, 13, 13},
    {2, 2, 2, 2, 6, 6, 6, 6, 10, 10, 10, 10, 14, 14, 14, 14, 2, 2, 2, 2, 6, 6, 6, 6, 10, 10, 10, 10, 14, 14, 14, 14},
    {3, 3, 3, 3, 7, 7, 7, 7, 11, 11, 11, 11, 15, 15, 15, 15, 3, 3, 3, 3, 7, 7, 7, 7, 11, 11, 11, 11, 15, 15, 15, 15},
};

/// For register m (values 4m..4m+3 of each row), the fifth bits from the rows' 32-bit masks `h` (one per
/// lane): 0x10 where bit 4m+t of the row's mask is set, in byte 4r+t.
static inline __m256i QK8_FN(tile_fifth_bits)(__m256i h, const int m) {
    const __m256i spread = _mm256_loadu_si256((const __m256i *)QK8_FN(fifth_spread)[m / 2]);
    const __m256i bit = _mm256_set1_epi32((m & 1) ? (int)0x80402010 : 0x08040201);
    const __m256i v = _mm256_and_si256(_mm256_shuffle_epi8(h, spread), bit);
    return _mm256_and_si256(_mm256_cmpeq_epi8(v, bit), _mm256_set1_epi8(0x10));
}

#define QK8_TILE_ARGS const uint8_t *const rows[8], size_t cols, const int8_t *q, const float *d, const float *s, \
                      float *out, size_t out_stride, const uint8_t *prefetch, size_t prefetch_bytes
#define QK8_TILE_PASS rows, cols, q, d, s, out, out_stride, prefetch, prefetch_bytes

/// Prefetches lines [first, first + count) of the region at p: the next tiles' memory is requested evenly
/// while this tile is computed (8 rows read in turn defeat the hardware's stream detection).
static inline void QK8_FN(prefetch_lines)(const uint8_t *p, size_t first, size_t count, size_t lines) {
    for (size_t l = first; l < first + count && l < lines; l++) _mm_prefetch((const char *)(p + 64 * l), _MM_HINT_T0);
}


/// Σ_{m<n} w[m]·(vector bytes a+4m..a+4m+3, broadcast) as int32 lanes (one per row). `bits` bounds the
/// weights' integers: int16 partial sums of 8, 4 or 2 products pairs for 4, 5 or 6 bits stay below 2^15.
static inline __attribute__((always_inline)) __m256i QK8_FN(tile_dot)(const __m256i *w, const int8_t *a, const int n,
                                                                      const int bits) {
    __m256i isum = _mm256_setzero_si256();
#ifdef QK8_DOT_ACC
    (void)bits;
    for (int m = 0; m < n; m++) isum = QK8_DOT_ACC(isum, w[m], _mm256_set1_epi32(*(const int32_t *)(a + 4 * m)));
#else
    const int group = bits <= 4 ? 8 : bits == 5 ? 4 : 2;
    for (int g = 0; g < n; g += group) {
        __m256i p = _mm256_maddubs_epi16(w[g], _mm256_set1_epi32(*(const int32_t *)(a + 4 * g)));
        for (int m = g + 1; m < g + group && m < n; m++)
            p = _mm256_add_epi16(p, _mm256_maddubs_epi16(w[m], _mm256_set1_epi32(*(const int32_t *)(a + 4 * m))));
        isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p, _mm256_set1_epi16(1)));
    }
#endif
    return isum;
}

/// 8 rows of Q4_0, Q4_1, Q5_0 or Q5_1 × V vectors; out[v·out_stride + r] for r = 0..7.
static inline __attribute__((always_inline)) void QK8_FN(tile_q4q5)(QK8_TILE_ARGS, const int V, const int type) {
    const int has_m = type == QK_TYPE_Q4_1 || type == QK_TYPE_Q5_1;
    const int five = type == QK_TYPE_Q5_0 || type == QK_TYPE_Q5_1;
    const size_t bytes = 18 + (has_m ? 2 : 0) + (five ? 4 : 0), qs = (has_m ? 4 : 2) + (five ? 4 : 0);
    const size_t nb = cols / 32;
    const __m256i low = _mm256_set1_epi8(0x0F);
    __m256 acc[QK8_TILE_MAXV];
    for (int v = 0; v < V; v++) acc[v] = _mm256_setzero_ps();
    const size_t pf_lines = prefetch ? (prefetch_bytes + 63) / 64 : 0, pf_step = (pf_lines + nb - 1) / nb;
    for (size_t j = 0; j < nb; j++) {
        QK8_FN(prefetch_lines)(prefetch, j * pf_step, pf_step, pf_lines);
        const size_t o = j * bytes;
        __m256i t[4], w[8];
        QK8_FN(transpose8x4)(rows, o + qs, t);
        for (int k = 0; k < 4; k++) {
            w[k] = _mm256_and_si256(t[k], low);
            w[k + 4] = _mm256_and_si256(_mm256_srli_epi16(t[k], 4), low);
        }
        if (five) {
            const __m256i h = QK8_FN(gather8)(rows, o + (has_m ? 4 : 2));
            for (int m = 0; m < 8; m++) w[m] = _mm256_or_si256(w[m], QK8_FN(tile_fifth_bits)(h, m));
        }
        const __m256i dm = QK8_FN(gather8)(rows, o);
        const __m256 dw = QK8_FN(lane_halves)(dm, 0);
        const __m256 mw = has_m ? QK8_FN(lane_halves)(dm, 1) : _mm256_mul_ps(dw, _mm256_set1_ps(five ? -16.0f : -8.0f));
        for (int v = 0; v < V; v++) {
            const int8_t *a = q + (size_t)v * cols + 32 * j;
            const __m256i isum = QK8_FN(tile_dot)(w, a, 8, five ? 5 : 4);
            const float *sv = s + (size_t)v * 2 * nb + 2 * j;
            acc[v] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_mul_ps(dw, _mm256_set1_ps(d[(size_t)v * nb + j])), acc[v]);
            acc[v] = _mm256_fmadd_ps(mw, _mm256_set1_ps(sv[has_m]), acc[v]);  // see qk_q8_portable.c
        }
    }
    for (int v = 0; v < V; v++) _mm256_storeu_ps(out + (size_t)v * out_stride, acc[v]);
}

/// 8 rows of Q8_0 × V vectors.
static inline __attribute__((always_inline)) void QK8_FN(tile_q8_0)(QK8_TILE_ARGS, const int V) {
    (void)s;
    const size_t nb = cols / 32;
    __m256 acc[QK8_TILE_MAXV];
    for (int v = 0; v < V; v++) acc[v] = _mm256_setzero_ps();
    const size_t pf_lines = prefetch ? (prefetch_bytes + 63) / 64 : 0, pf_step = (pf_lines + nb - 1) / nb;
    for (size_t j = 0; j < nb; j++) {
        QK8_FN(prefetch_lines)(prefetch, j * pf_step, pf_step, pf_lines);
        const size_t o = j * 34;
        __m256i w[8];
        QK8_FN(transpose8x4)(rows, o + 2, w);
        QK8_FN(transpose8x4)(rows, o + 18, w + 4);
        const __m256 dw = QK8_FN(lane_halves)(QK8_FN(gather8)(rows, o), 0);
        __m256i wa[8];  // |w| as unsigned bytes (−128 gives 0x80 = 128)
        for (int m = 0; m < 8; m++) wa[m] = _mm256_abs_epi8(w[m]);
        for (int v = 0; v < V; v++) {
            const int8_t *a = q + (size_t)v * cols + 32 * j;
            __m256i isum = _mm256_setzero_si256();
            for (int m = 0; m < 8; m++) {
                const __m256i x = _mm256_set1_epi32(*(const int32_t *)(a + 4 * m));
                // |w| · (x with w's sign) = w · x (x is never −128); pairs stay below 2 · 128 · 127 < 2^15.
#ifdef QK8_DOT_ACC
                isum = QK8_DOT_ACC(isum, wa[m], _mm256_sign_epi8(x, w[m]));
#else
                isum = _mm256_add_epi32(isum, QK8_DOT(wa[m], _mm256_sign_epi8(x, w[m])));
#endif
            }
            acc[v] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_mul_ps(dw, _mm256_set1_ps(d[(size_t)v * nb + j])), acc[v]);
        }
    }
    for (int v = 0; v < V; v++) _mm256_storeu_ps(out + (size_t)v * out_stride, acc[v]);
}

/// The 6-bit scale (which = 0) or min (which = 1) of sub-block j of Q4_K/Q5_K blocks, one row per lane,
/// from the rows' 12 packed bytes gathered as s0 = bytes 0..3, s1 = 4..7, s2 = 8..11 (see qk_scale_min_k4).
static inline __m256i QK8_FN(k4_scale)(__m256i s0, __m256i s1, __m256i s2, const int j, const int which) {
    const __m256i m6 = _mm256_set1_epi32(63), m4 = _mm256_set1_epi32(15), m2 = _mm256_set1_epi32(3);
    if (j < 4) return _mm256_and_si256(_mm256_srli_epi32(which ? s1 : s0, 8 * j), m6);
    const int k = j - 4;
    const __m256i low = _mm256_and_si256(_mm256_srli_epi32(s2, 8 * k + (which ? 4 : 0)), m4);
    const __m256i high = _mm256_and_si256(_mm256_srli_epi32(which ? s1 : s0, 8 * k + 6), m2);
    return _mm256_or_si256(low, _mm256_slli_epi32(high, 4));
}

/// 8 rows of Q4_K or Q5_K × V vectors (Q8_K-style vectors: one scale per 256 values).
static inline __attribute__((always_inline)) void QK8_FN(tile_k4k5)(QK8_TILE_ARGS, const int V, const int five) {
    const size_t bytes = five ? 176 : 144, qs = five ? 48 : 16, nsb = cols / 256, nb = cols / 32;
    const __m256i low = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    __m256 acc[QK8_TILE_MAXV];
    for (int v = 0; v < V; v++) acc[v] = _mm256_setzero_ps();
    const size_t pf_lines = prefetch ? (prefetch_bytes + 63) / 64 : 0, pf_step = (pf_lines + 4 * nsb - 1) / (4 * nsb);
    for (size_t i = 0; i < nsb; i++) {
        const size_t o = i * bytes;
        const __m256i dm = QK8_FN(gather8)(rows, o);
        const __m256 dw = QK8_FN(lane_halves)(dm, 0), dmin = QK8_FN(lane_halves)(dm, 1);
        const __m256i s0 = QK8_FN(gather8)(rows, o + 4), s1 = QK8_FN(gather8)(rows, o + 8), s2 = QK8_FN(gather8)(rows, o + 12);
        __m256i h[8];
        if (five) {
            QK8_FN(transpose8x4)(rows, o + 16, h);
            QK8_FN(transpose8x4)(rows, o + 32, h + 4);
        }
        __m256 t[QK8_TILE_MAXV];  // this block's Σ_j scale_j · sums_j, scaled by the vector's d at the end
        for (int v = 0; v < V; v++) t[v] = _mm256_setzero_ps();
        for (int c = 0; c < 4; c++) {
            QK8_FN(prefetch_lines)(prefetch, (4 * i + (size_t)c) * pf_step, pf_step, pf_lines);
            __m256i raw[8];
            QK8_FN(transpose8x4)(rows, o + qs + 32 * (size_t)c, raw);
            QK8_FN(transpose8x4)(rows, o + qs + 32 * (size_t)c + 16, raw + 4);
            for (int half = 0; half < 2; half++) {
                const int j = 2 * c + half;
                __m256i w[8];
                for (int m = 0; m < 8; m++) {
                    w[m] = _mm256_and_si256(half ? _mm256_srli_epi16(raw[m], 4) : raw[m], low);
                    if (five) w[m] = _mm256_or_si256(w[m], _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h[m], j), one), 4));
                }
                const __m256 scale = _mm256_mul_ps(dw, _mm256_cvtepi32_ps(QK8_FN(k4_scale)(s0, s1, s2, j, 0)));
                const __m256 min = _mm256_mul_ps(_mm256_sub_ps(_mm256_setzero_ps(), dmin), _mm256_cvtepi32_ps(QK8_FN(k4_scale)(s0, s1, s2, j, 1)));
                const size_t jj = 8 * i + (size_t)j;  // the 32-value block within the row
                for (int v = 0; v < V; v++) {
                    const __m256i isum = QK8_FN(tile_dot)(w, q + (size_t)v * cols + 32 * jj, 8, five ? 5 : 4);
                    t[v] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), scale, t[v]);
                    const float *sv = s + (size_t)v * 2 * nb + 2 * jj;
                    acc[v] = _mm256_fmadd_ps(min, _mm256_set1_ps(sv[0] + sv[1]), acc[v]);
                }
            }
        }
        for (int v = 0; v < V; v++) acc[v] = _mm256_fmadd_ps(t[v], _mm256_set1_ps(d[(size_t)v * nb + 8 * i]), acc[v]);
    }
    for (int v = 0; v < V; v++) _mm256_storeu_ps(out + (size_t)v * out_stride, acc[v]);
}

/// Signed byte `index` (0..3) of each 32-bit lane, as int32.
static inline __m256i QK8_FN(lane_byte)(__m256i x, const int index) {
    return _mm256_srai_epi32(_mm256_slli_epi32(x, 24 - 8 * index), 24);
}

/// 8 rows of Q6_K × V vectors (Q8_K-style vectors). Values 0..63 with offset −32 and a signed 8-bit scale
/// per 16 values: sub-block (n, k) of block i holds values 128n + 32k … of which the first 16 use scale
/// 8n + 2k and the next 16 scale 8n + 2k + 1 (see qk_common.h).
static inline __attribute__((always_inline)) void QK8_FN(tile_q6_k)(QK8_TILE_ARGS, const int V) {
    const size_t nsb = cols / 256, nb = cols / 32;
    const __m256i low = _mm256_set1_epi8(0x0F), three = _mm256_set1_epi8(3);
    __m256 acc[QK8_TILE_MAXV];
    for (int v = 0; v < V; v++) acc[v] = _mm256_setzero_ps();
    const size_t pf_lines = prefetch ? (prefetch_bytes + 63) / 64 : 0, pf_step = (pf_lines + 2 * nsb - 1) / (2 * nsb);
    for (size_t i = 0; i < nsb; i++) {
        const size_t o = i * 210;
        const __m256 dw = QK8_FN(lane_halves)(QK8_FN(gather8)(rows, o + 206), 1);  // d is the last 2 bytes
        __m256i sc[4];
        for (int g = 0; g < 4; g++) sc[g] = QK8_FN(gather8)(rows, o + 192 + 4 * (size_t)g);
        __m256 t[QK8_TILE_MAXV];
        for (int v = 0; v < V; v++) t[v] = _mm256_setzero_ps();
        for (int n = 0; n < 2; n++) {
            QK8_FN(prefetch_lines)(prefetch, (2 * i + (size_t)n) * pf_step, pf_step, pf_lines);
            __m256i l0[8], l1[8], hb[8];
            QK8_FN(transpose8x4)(rows, o + 64 * (size_t)n, l0);
            QK8_FN(transpose8x4)(rows, o + 64 * (size_t)n + 16, l0 + 4);
            QK8_FN(transpose8x4)(rows, o + 64 * (size_t)n + 32, l1);
            QK8_FN(transpose8x4)(rows, o + 64 * (size_t)n + 48, l1 + 4);
            QK8_FN(transpose8x4)(rows, o + 128 + 32 * (size_t)n, hb);
            QK8_FN(transpose8x4)(rows, o + 128 + 32 * (size_t)n + 16, hb + 4);
            for (int k = 0; k < 4; k++) {
                __m256i w[8];
                for (int m = 0; m < 8; m++) {
                    const __m256i l = (k & 1) ? l1[m] : l0[m];
                    const __m256i nib = _mm256_and_si256(k >= 2 ? _mm256_srli_epi16(l, 4) : l, low);
                    const __m256i top = _mm256_and_si256(_mm256_srli_epi16(hb[m], 2 * k), three);
                    w[m] = _mm256_or_si256(nib, _mm256_slli_epi16(top, 4));
                }
                const int ia = 8 * n + 2 * k, ib = ia + 1;
                const __m256 scale_a = _mm256_mul_ps(dw, _mm256_cvtepi32_ps(QK8_FN(lane_byte)(sc[ia / 4], ia % 4)));
                const __m256 scale_b = _mm256_mul_ps(dw, _mm256_cvtepi32_ps(QK8_FN(lane_byte)(sc[ib / 4], ib % 4)));
                const __m256 min_a = _mm256_mul_ps(scale_a, _mm256_set1_ps(-32.0f));
                const __m256 min_b = _mm256_mul_ps(scale_b, _mm256_set1_ps(-32.0f));
                const size_t jj = 8 * i + 4 * (size_t)n + (size_t)k;
                for (int v = 0; v < V; v++) {
                    const int8_t *a = q + (size_t)v * cols + 32 * jj;
                    const __m256i sa = QK8_FN(tile_dot)(w, a, 4, 6), sb = QK8_FN(tile_dot)(w + 4, a + 16, 4, 6);
                    t[v] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sa), scale_a, t[v]);
                    t[v] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sb), scale_b, t[v]);
                    const float *sv = s + (size_t)v * 2 * nb + 2 * jj;
                    acc[v] = _mm256_fmadd_ps(min_a, _mm256_set1_ps(sv[0]), acc[v]);
                    acc[v] = _mm256_fmadd_ps(min_b, _mm256_set1_ps(sv[1]), acc[v]);
                }
            }
        }
        for (int v = 0; v < V; v++) acc[v] = _mm256_fmadd_ps(t[v], _mm256_set1_ps(d[(size_t)v * nb + 8 * i]), acc[v]);
    }
    for (int v = 0; v < V; v++) _mm256_storeu_ps(out + (size_t)v * out_stride, acc[v]);
}

// One function per (type, V), so that V is a constant inside and the accumulators live in registers.
#define QK8_TILE_INSTANCES(NAME, CALL)                                                               \
    static void QK8_FN(NAME##_t1)(QK8_TILE_ARGS) { CALL(1); }                                        \
    static void QK8_FN(NAME##_t2)(QK8_TILE_ARGS) { CALL(2); }                                        \
    static void QK8_FN(NAME##_t3)(QK8_TILE_ARGS) { CALL(3); }                                        \
    static void QK8_FN(NAME##_t4)(QK8_TILE_ARGS) { CALL(4); }                                        \
    static void QK8_FN(NAME##_t5)(QK8_TILE_ARGS) { CALL(5); }                                        \
    static void QK8_FN(NAME##_t6)(QK8_TILE_ARGS) { CALL(6); }                                        \
    static void QK8_FN(NAME##_t7)(QK8_TILE_ARGS) { CALL(7); }                                        \
    static void QK8_FN(NAME##_t8)(QK8_TILE_ARGS) { CALL(8); }                                        \
    static void (*const QK8_FN(NAME##_tiles)[QK8_TILE_MAXV + 1])(QK8_TILE_ARGS) = {                  \
        NULL, QK8_FN(NAME##_t1), QK8_FN(NAME##_t2), QK8_FN(NAME##_t3), QK8_FN(NAME##_t4),             \
        QK8_FN(NAME##_t5), QK8_FN(NAME##_t6), QK8_FN(NAME##_t7), QK8_FN(NAME##_t8)};

#define QK8_TILE_Q4_0(V) QK8_FN(tile_q4q5)(QK8_TILE_PASS, V, QK_TYPE_Q4_0)
#define QK8_TILE_Q4_1(V) QK8_FN(tile_q4q5)(QK8_TILE_PASS, V, QK_TYPE_Q4_1)
#define QK8_TILE_Q5_0(V) QK8_FN(tile_q4q5)(QK8_TILE_PASS, V, QK_TYPE_Q5_0)
#define QK8_TILE_Q5_1(V) QK8_FN(tile_q4q5)(QK8_TILE_PASS, V, QK_TYPE_Q5_1)
#define QK8_TILE_Q8_0(V) QK8_FN(tile_q8_0)(QK8_TILE_PASS, V)
#define QK8_TILE_Q4_K(V) QK8_FN(tile_k4k5)(QK8_TILE_PASS, V, 0)
#define QK8_TILE_Q5_K(V) QK8_FN(tile_k4k5)(QK8_TILE_PASS, V, 1)
#define QK8_TILE_Q6_K(V) QK8_FN(tile_q6_k)(QK8_TILE_PASS, V)
QK8_TILE_INSTANCES(q4_0, QK8_TILE_Q4_0)
QK8_TILE_INSTANCES(q4_1, QK8_TILE_Q4_1)
QK8_TILE_INSTANCES(q5_0, QK8_TILE_Q5_0)
QK8_TILE_INSTANCES(q5_1, QK8_TILE_Q5_1)
QK8_TILE_INSTANCES(q8_0, QK8_TILE_Q8_0)
QK8_TILE_INSTANCES(q4_k, QK8_TILE_Q4_K)
QK8_TILE_INSTANCES(q5_k, QK8_TILE_Q5_K)
QK8_TILE_INSTANCES(q6_k, QK8_TILE_Q6_K)

/// Rows [row_begin, row_end) in tiles of 8 (the last one padded by repeating its last row, whose extra
/// results are dropped) × nvec vectors in groups of up to QK8_TILE_MAXV.
static void QK8_FN(matmul_tiles)(void (*const *tiles)(QK8_TILE_ARGS), const uint8_t *w, size_t row_bytes,
                                 size_t cols, size_t row_begin, size_t row_end, const int8_t *q, const float *d,
                                 const float *s, size_t nvec, float *y, size_t y_stride) {
    const size_t nb = cols / 32;
    size_t block = (48 * 1024) / (cols + 8 * nb);
    block = block < QK8_TILE_MAXV ? QK8_TILE_MAXV : block / QK8_TILE_MAXV * QK8_TILE_MAXV;
    float partial[QK8_TILE_MAXV * 8];
    for (size_t v0 = 0; v0 < nvec; v0 += block) {
        const size_t v_end = nvec - v0 < block ? nvec : v0 + block;
        for (size_t r0 = row_begin; r0 < row_end; r0 += 8) {
            const size_t valid = row_end - r0 < 8 ? row_end - r0 : 8;
            const uint8_t *rows[8];
            for (size_t r = 0; r < 8; r++) rows[r] = w + (r0 + (r < valid ? r : valid - 1)) * row_bytes;
            // The next tile's rows, fetched while this one is computed (once per tile, by its first group).
            const size_t next = r0 + 16 < row_end ? r0 + 16 : row_end;
            const size_t next_rows = row_end - next < 8 ? row_end - next : 8;
            for (size_t g = v0; g < v_end; g += QK8_TILE_MAXV) {
                const size_t n = v_end - g < QK8_TILE_MAXV ? v_end - g : QK8_TILE_MAXV;
                const uint8_t *pf = g == v0 && next_rows > 0 ? w + next * row_bytes : NULL;
                const size_t pf_bytes = next_rows * row_bytes;
                if (valid == 8) {
                    tiles[n](rows, cols, q + g * cols, d + g * nb, s + g * 2 * nb, y + g * y_stride + r0, y_stride, pf, pf_bytes);
                } else {
                    tiles[n](rows, cols, q + g * cols, d + g * nb, s + g * 2 * nb, partial, 8, pf, pf_bytes);
                    for (size_t v = 0; v < n; v++)
                        for (size_t r = 0; r < valid; r++) y[(g + v) * y_stride + r0 + r] = partial[v * 8 + r];
                }
            }
        }
    }
}

/// Rows [row_begin, row_end) × nvec vectors. Vectors are taken in blocks small enough to stay in the L1/L2
/// cache while every row of the range passes over them; within a block, in groups of up to QK8_MAXV.
/// The public entry of this path: rows [row_begin, row_end) × nvec vectors for any 8-bit type.
static void QK8_FN(matmul_q8_impl)(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                                   size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec,
                                   float *y, size_t y_stride) {
    void (*const *tiles)(QK8_TILE_ARGS);
    switch (type) {
    case QK_TYPE_Q4_0: tiles = QK8_FN(q4_0_tiles); break;
    case QK_TYPE_Q4_1: tiles = QK8_FN(q4_1_tiles); break;
    case QK_TYPE_Q5_0: tiles = QK8_FN(q5_0_tiles); break;
    case QK_TYPE_Q5_1: tiles = QK8_FN(q5_1_tiles); break;
    case QK_TYPE_Q8_0: tiles = QK8_FN(q8_0_tiles); break;
    case QK_TYPE_Q4_K: tiles = QK8_FN(q4_k_tiles); break;
    case QK_TYPE_Q5_K: tiles = QK8_FN(q5_k_tiles); break;
    case QK_TYPE_Q6_K: tiles = QK8_FN(q6_k_tiles); break;
    default: return;
    }
    QK8_FN(matmul_tiles)(tiles, w, row_bytes, cols, row_begin, row_end, q, d, s, nvec, y, y_stride);
}
