// Matrix × 8-bit vectors for x86-64, shared by the AVX2 path (qk_avx2.c) and the AVX-512 VNNI path
// (qk_vnni.c). Included inside a `#pragma clang attribute` target region; before including, define
//   QK8_FN(name)    adds the path's suffix to a name;
//   QK8_DOT(u, s)   eight int32 sums of four u8·s8 products each, of the 32 bytes of u (unsigned) and s (signed):
//                   _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), ones) on AVX2, _mm256_dpbusd_epi32 with VNNI.
//                   The weights' integers are at most 63 (or |−128| for Q8_0 through the sign trick) and the
//                   vector's at most 127, so VPMADDUBSW never saturates and both give the same sums.
//
// The decomposition is the one described at the top of qk_q8_portable.c: each 32-value block gives 32 small
// integers u (one 256-bit register), a scale per 16-value half (a register whose low four lanes hold the
// first half's scale and high four lanes the second's: those are the lanes QK8_DOT sums that half into) and
// a min per half, written to `mins` and dotted with the vector's s = d·Σq at the end.
//
// One weight row is decoded once for up to QK8_MAXV vectors, whose accumulators stay in registers.
#include <immintrin.h>
#include "qk_common.h"

#define QK8_MAXV 4

static inline float QK8_FN(hsum8)(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// The two half-precision values in the 4 bytes at p, as floats (lanes 0 and 1). Loaded with MOVD, which
/// clears the rest of the register: a 16-bit load compiles to a PINSRW that merges into whatever register
/// the compiler picks (often an accumulator), which chains every block to the one before.
static inline __m128 QK8_FN(halves)(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return _mm_cvtph_ps(_mm_cvtsi32_si128(v));
}

/// Σ a·b over n floats.
static inline float QK8_FN(fdot)(const float *a, const float *b, size_t n) {
    __m256 acc = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc);
    float t = QK8_FN(hsum8)(acc);
    for (; i < n; i++) t += a[i] * b[i];
    return t;
}

/// QK8_DOT for signed weights (Q8_0): |w| · (x with w's sign).
static inline __m256i QK8_FN(dot_signed)(__m256i w, __m256i a) {
    return QK8_DOT(_mm256_sign_epi8(w, w), _mm256_sign_epi8(a, w));
}

/// Nibbles of 16 bytes: values 0..15 from the low nibbles, 16..31 from the high ones.
static inline __m256i QK8_FN(nibbles)(const uint8_t *qs) {
    const __m128i v = _mm_loadu_si128((const __m128i *)qs), m = _mm_set1_epi8(0x0F);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(v, 4), m), _mm_and_si128(v, m));
}

/// Bit i of `bits` as 0x10 or 0 in byte i (the fifth bit of Q5_0/Q5_1 values).
static inline __m256i QK8_FN(fifth_bits)(uint32_t bits) {
    const __m256i spread = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                            2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const __m256i select = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    const __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits), spread);
    return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(v, select), select), _mm256_set1_epi8(0x10));
}

/// acc[v] += (integer sums of w against vector v's block j) · ws · d_v[j], for v < V.
static inline __attribute__((always_inline)) void QK8_FN(block)(
    __m256 *acc, const int V, const int is_signed, __m256i w, __m256 ws, size_t j, const int8_t *q,
    const float *d, size_t cols, size_t nb) {
    for (int v = 0; v < V; v++) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(q + (size_t)v * cols + 32 * j));
        const __m256i p = is_signed ? QK8_FN(dot_signed)(w, a) : QK8_DOT(w, a);
        acc[v] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_mul_ps(ws, _mm256_set1_ps(d[(size_t)v * nb + j])), acc[v]);
    }
}

/// Σ a·b over n floats (n ≥ 0), two accumulators, the tail through a masked load.
static inline float QK8_FN(fdot2)(const float *a, const float *b, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    }
    if (i + 8 <= n) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        i += 8;
    }
    if (i < n) {
        const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - i)), lanes);
        s1 = _mm256_fmadd_ps(_mm256_maskload_ps(a + i, mask), _mm256_maskload_ps(b + i, mask), s1);
    }
    return QK8_FN(hsum8)(_mm256_add_ps(s0, s1));
}

/// Writes out[v·out_stride] = Σ (acc0[v] + acc1[v]) + mins · s_v for v < V.
static inline __attribute__((always_inline)) void QK8_FN(finish)(
    const __m256 *acc0, const __m256 *acc1, const int V, const int has_mins, const float *mins, const float *s,
    size_t nb, float *out, size_t out_stride) {
    for (int v = 0; v < V; v++) {
        float t = QK8_FN(hsum8)(_mm256_add_ps(acc0[v], acc1[v]));
        if (has_mins) t += QK8_FN(fdot2)(mins, s + (size_t)v * 2 * nb, 2 * nb);
        out[(size_t)v * out_stride] = t;
    }
}

#define QK8_ARGS const uint8_t *row, size_t cols, const int8_t *q, const float *d, const float *s, float *mins, \
                 float *out, size_t out_stride
#define QK8_PASS row, cols, q, d, s, mins, out, out_stride

// Every row kernel keeps two sets of accumulators and feeds them alternately (even and odd blocks or
// sub-blocks), so that consecutive blocks do not wait on one chain of dependent FMAs. The arithmetic of
// each (row, vector) pair is the same whatever the number of vectors and the vector's place among them, so
// a row of a batch gets exactly the result it gets alone (8-bit rounding of the next layer's input would
// turn even float-rounding differences into visible ones).
#define QK8_ACCUMULATORS(V)                                                    \
    __m256 acc0[QK8_MAXV], acc1[QK8_MAXV];                                     \
    for (int v = 0; v < (V); v++) acc0[v] = acc1[v] = _mm256_setzero_ps();

/// Q4_K and Q5_K: 256-value blocks of eight 32-value sub-blocks with 6-bit scales and mins.
static inline __attribute__((always_inline)) void QK8_FN(row_k4k5)(QK8_ARGS, const int V, const int five) {
    const size_t nb = cols / 32, bytes = five ? 176 : 144;
    const __m256i low = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    QK8_ACCUMULATORS(V)
    for (size_t i = 0; i < cols / 256; i++) {
        const uint8_t *b = row + i * bytes;
        const __m128 dm = QK8_FN(halves)(b);
        const float dd = _mm_cvtss_f32(dm), dmin = _mm_cvtss_f32(_mm_movehdup_ps(dm));
        const uint8_t *qs = b + (five ? 48 : 16);
        const __m256i qh = five ? _mm256_loadu_si256((const __m256i *)(b + 16)) : _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            uint8_t s0, m0, s1, m1;
            qk_scale_min_k4(2 * c, b + 4, &s0, &m0);
            qk_scale_min_k4(2 * c + 1, b + 4, &s1, &m1);
            const __m256i raw = _mm256_loadu_si256((const __m256i *)(qs + 32 * c));
            __m256i w0 = _mm256_and_si256(raw, low), w1 = _mm256_and_si256(_mm256_srli_epi16(raw, 4), low);
            if (five) {
                w0 = _mm256_or_si256(w0, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c), one), 4));
                w1 = _mm256_or_si256(w1, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c + 1), one), 4));
            }
            const size_t j = 8 * i + 2 * (size_t)c;
            mins[2 * j] = mins[2 * j + 1] = -dmin * m0;
            mins[2 * j + 2] = mins[2 * j + 3] = -dmin * m1;
            QK8_FN(block)(acc0, V, 0, w0, _mm256_set1_ps(dd * s0), j, q, d, cols, nb);
            QK8_FN(block)(acc1, V, 0, w1, _mm256_set1_ps(dd * s1), j + 1, q, d, cols, nb);
        }
    }
    QK8_FN(finish)(acc0, acc1, V, 1, mins, s, nb, out, out_stride);
}

/// Q6_K: 256-value blocks; 6-bit values (offset 32) with a signed 8-bit scale per 16 values.
static inline __attribute__((always_inline)) void QK8_FN(row_q6_k)(QK8_ARGS, const int V) {
    const size_t nb = cols / 32;
    const __m256i low = _mm256_set1_epi8(0x0F), three = _mm256_set1_epi8(3);
    QK8_ACCUMULATORS(V)
    for (size_t i = 0; i < cols / 256; i++) {
        const uint8_t *b = row + i * 210;
        const float dd = _mm_cvtss_f32(_mm_movehdup_ps(QK8_FN(halves)(b + 206)));  // stays inside the block
        for (int n = 0; n < 2; n++) {
            const uint8_t *ql = b + 64 * n;
            const int8_t *sc = (const int8_t *)(b + 192) + 8 * n;
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)ql);
            const __m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
            const __m256i h = _mm256_loadu_si256((const __m256i *)(b + 128 + 32 * n));
            __m256i w[4];
            w[0] = _mm256_or_si256(_mm256_and_si256(l0, low), _mm256_slli_epi16(_mm256_and_si256(h, three), 4));
            w[1] = _mm256_or_si256(_mm256_and_si256(l1, low),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 2), three), 4));
            w[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), low),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 4), three), 4));
            w[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), low),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 6), three), 4));
            for (int k = 0; k < 4; k++) {
                const float sa = dd * sc[2 * k], sb = dd * sc[2 * k + 1];
                const size_t j = 8 * i + 4 * (size_t)n + (size_t)k;
                mins[2 * j] = -32.0f * sa;
                mins[2 * j + 1] = -32.0f * sb;
                QK8_FN(block)((k & 1) ? acc1 : acc0, V, 0, w[k], _mm256_set_m128(_mm_set1_ps(sb), _mm_set1_ps(sa)), j, q, d, cols, nb);
            }
        }
    }
    QK8_FN(finish)(acc0, acc1, V, 1, mins, s, nb, out, out_stride);
}

// One function per (type, V), so that V is a constant inside and the accumulators live in registers.
#define QK8_INSTANCES(NAME, CALL)                                                          \
    static void QK8_FN(NAME##_1)(QK8_ARGS) { CALL(1); }                                    \
    static void QK8_FN(NAME##_2)(QK8_ARGS) { CALL(2); }                                    \
    static void QK8_FN(NAME##_3)(QK8_ARGS) { CALL(3); }                                    \
    static void QK8_FN(NAME##_4)(QK8_ARGS) { CALL(4); }                                    \
    static void (*const QK8_FN(NAME##_table)[QK8_MAXV + 1])(QK8_ARGS) = {                  \
        NULL, QK8_FN(NAME##_1), QK8_FN(NAME##_2), QK8_FN(NAME##_3), QK8_FN(NAME##_4)};

#define QK8_CALL_Q4_K(V) QK8_FN(row_k4k5)(QK8_PASS, V, 0)
#define QK8_CALL_Q5_K(V) QK8_FN(row_k4k5)(QK8_PASS, V, 1)
#define QK8_CALL_Q6_K(V) QK8_FN(row_q6_k)(QK8_PASS, V)
QK8_INSTANCES(q4_k, QK8_CALL_Q4_K)
QK8_INSTANCES(q5_k, QK8_CALL_Q5_K)
QK8_INSTANCES(q6_k, QK8_CALL_Q6_K)

// ---- 8-row tiles (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) -------------------------------------------------------
//
// Eight rows are processed together, one row per 32-bit lane: the blocks of the 8 rows are transposed on the
// fly (nothing is converted in memory) so that register m holds values 4m..4m+3 of every row. One VPMADDUBSW
// against the vector's 4 bytes 4m..4m+3 broadcast to all lanes then advances all 8 rows at once, and one
// float scale and one FMA per block serve 8 rows. Each (row, vector) pair is computed the same way whatever
// the other rows and vectors of the call: integer sums per block are exact, and the float steps per lane
// are the same.

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

/// For register m (values 4m..4m+3 of each row), the fifth bits from the rows' 32-bit masks `h` (one per
/// lane): 0x10 where bit 4m+t of the row's mask is set, in byte 4r+t.
static inline __m256i QK8_FN(tile_fifth_bits)(__m256i h, const int m) {
    const char b = (char)(m / 2);  // the mask byte holding bits 4m..4m+3
    const __m256i spread = _mm256_setr_epi8(b, b, b, b, (char)(4 + b), (char)(4 + b), (char)(4 + b), (char)(4 + b),
                                            (char)(8 + b), (char)(8 + b), (char)(8 + b), (char)(8 + b),
                                            (char)(12 + b), (char)(12 + b), (char)(12 + b), (char)(12 + b),
                                            b, b, b, b, (char)(4 + b), (char)(4 + b), (char)(4 + b), (char)(4 + b),
                                            (char)(8 + b), (char)(8 + b), (char)(8 + b), (char)(8 + b),
                                            (char)(12 + b), (char)(12 + b), (char)(12 + b), (char)(12 + b));
    const int sh = 4 * (m & 1);
    const __m256i bit = _mm256_set1_epi32((int)((1u << sh) | (2u << (sh + 8)) | (4u << (sh + 16)) | (8u << (sh + 24))));
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

/// 8 rows of Q4_0, Q4_1, Q5_0 or Q5_1 × V vectors; out[v·out_stride + r] for r = 0..7.
static inline __attribute__((always_inline)) void QK8_FN(tile_q4q5)(QK8_TILE_ARGS, const int V, const int type) {
    const int has_m = type == QK_TYPE_Q4_1 || type == QK_TYPE_Q5_1;
    const int five = type == QK_TYPE_Q5_0 || type == QK_TYPE_Q5_1;
    const size_t bytes = 18 + (has_m ? 2 : 0) + (five ? 4 : 0), qs = (has_m ? 4 : 2) + (five ? 4 : 0);
    const size_t nb = cols / 32;
    const __m256i low = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi16(1);
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
            __m256i isum;
            if (five) {  // 5-bit values: int16 sums of at most four products pairs stay below 2^15
                __m256i p0 = _mm256_maddubs_epi16(w[0], _mm256_set1_epi32(*(const int32_t *)(a + 0)));
                __m256i p1 = _mm256_maddubs_epi16(w[4], _mm256_set1_epi32(*(const int32_t *)(a + 16)));
                for (int m = 1; m < 4; m++) {
                    p0 = _mm256_add_epi16(p0, _mm256_maddubs_epi16(w[m], _mm256_set1_epi32(*(const int32_t *)(a + 4 * m))));
                    p1 = _mm256_add_epi16(p1, _mm256_maddubs_epi16(w[m + 4], _mm256_set1_epi32(*(const int32_t *)(a + 16 + 4 * m))));
                }
                isum = _mm256_add_epi32(_mm256_madd_epi16(p0, ones), _mm256_madd_epi16(p1, ones));
            } else {  // 4-bit values: all eight in int16 (at most 8 · 2 · 15 · 127 < 2^15)
                __m256i p = _mm256_maddubs_epi16(w[0], _mm256_set1_epi32(*(const int32_t *)a));
                for (int m = 1; m < 8; m++)
                    p = _mm256_add_epi16(p, _mm256_maddubs_epi16(w[m], _mm256_set1_epi32(*(const int32_t *)(a + 4 * m))));
                isum = _mm256_madd_epi16(p, ones);
            }
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
                isum = _mm256_add_epi32(isum, QK8_DOT(wa[m], _mm256_sign_epi8(x, w[m])));
            }
            acc[v] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_mul_ps(dw, _mm256_set1_ps(d[(size_t)v * nb + j])), acc[v]);
        }
    }
    for (int v = 0; v < V; v++) _mm256_storeu_ps(out + (size_t)v * out_stride, acc[v]);
}

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
QK8_TILE_INSTANCES(q4_0, QK8_TILE_Q4_0)
QK8_TILE_INSTANCES(q4_1, QK8_TILE_Q4_1)
QK8_TILE_INSTANCES(q5_0, QK8_TILE_Q5_0)
QK8_TILE_INSTANCES(q5_1, QK8_TILE_Q5_1)
QK8_TILE_INSTANCES(q8_0, QK8_TILE_Q8_0)

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
static void QK8_FN(matmul_q8_impl)(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                                   size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec,
                                   float *y, size_t y_stride, float *mins) {
    void (*const *tiles)(QK8_TILE_ARGS) = NULL;
    switch (type) {
    case QK_TYPE_Q4_0: tiles = QK8_FN(q4_0_tiles); break;
    case QK_TYPE_Q4_1: tiles = QK8_FN(q4_1_tiles); break;
    case QK_TYPE_Q5_0: tiles = QK8_FN(q5_0_tiles); break;
    case QK_TYPE_Q5_1: tiles = QK8_FN(q5_1_tiles); break;
    case QK_TYPE_Q8_0: tiles = QK8_FN(q8_0_tiles); break;
    default: break;
    }
    if (tiles) {
        QK8_FN(matmul_tiles)(tiles, w, row_bytes, cols, row_begin, row_end, q, d, s, nvec, y, y_stride);
        return;
    }
    void (*const *table)(QK8_ARGS);
    switch (type) {
    case QK_TYPE_Q4_K: table = QK8_FN(q4_k_table); break;
    case QK_TYPE_Q5_K: table = QK8_FN(q5_k_table); break;
    case QK_TYPE_Q6_K: table = QK8_FN(q6_k_table); break;
    default: return;
    }
    const size_t nb = cols / 32;
    size_t block = (48 * 1024) / (cols + 8 * nb);
    block = block < QK8_MAXV ? QK8_MAXV : block / QK8_MAXV * QK8_MAXV;
    for (size_t v0 = 0; v0 < nvec; v0 += block) {
        const size_t v_end = nvec - v0 < block ? nvec : v0 + block;
        for (size_t r = row_begin; r < row_end; r++) {
            const uint8_t *row = w + r * row_bytes;
            for (size_t g = v0; g < v_end; g += QK8_MAXV) {
                const size_t n = v_end - g < QK8_MAXV ? v_end - g : QK8_MAXV;
                table[n](row, cols, q + g * cols, d + g * nb, s + g * 2 * nb, mins, y + g * y_stride + r, y_stride);
            }
        }
    }
}
