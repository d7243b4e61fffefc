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

#define QK8_MAXV 8

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

/// Writes out[v·out_stride] = Σ acc[v] + mins · s_v for v < V.
static inline __attribute__((always_inline)) void QK8_FN(finish)(
    const __m256 *acc, const int V, const int has_mins, const float *mins, const float *s, size_t nb, float *out,
    size_t out_stride) {
    for (int v = 0; v < V; v++) {
        float t = QK8_FN(hsum8)(acc[v]);
        if (has_mins) t += QK8_FN(fdot)(mins, s + (size_t)v * 2 * nb, 2 * nb);
        out[(size_t)v * out_stride] = t;
    }
}

#define QK8_ARGS const uint8_t *row, size_t cols, const int8_t *q, const float *d, const float *s, float *mins, \
                 float *out, size_t out_stride
#define QK8_PASS row, cols, q, d, s, mins, out, out_stride

/// Q4_0, Q4_1, Q5_0, Q5_1: 32-value blocks with a half-precision scale (and min, or an implied offset).
static inline __attribute__((always_inline)) void QK8_FN(row_q4q5)(QK8_ARGS, const int V, const int type) {
    const int has_m = type == QK_TYPE_Q4_1 || type == QK_TYPE_Q5_1;
    const int five = type == QK_TYPE_Q5_0 || type == QK_TYPE_Q5_1;
    const size_t bytes = 18 + (has_m ? 2 : 0) + (five ? 4 : 0);
    const size_t nb = cols / 32;
    __m256 acc[QK8_MAXV];
    for (int v = 0; v < V; v++) acc[v] = _mm256_setzero_ps();
    for (size_t j = 0; j < nb; j++) {
        const uint8_t *b = row + j * bytes;
        const __m128 dm = QK8_FN(halves)(b);  // d, and m or the first two bytes that follow
        const float dd = _mm_cvtss_f32(dm);
        const float m = has_m ? _mm_cvtss_f32(_mm_movehdup_ps(dm)) : (five ? -16.0f : -8.0f) * dd;
        __m256i w = QK8_FN(nibbles)(b + (has_m ? 4 : 2) + (five ? 4 : 0));
        if (five) w = _mm256_or_si256(w, QK8_FN(fifth_bits)(qk_u32(b + (has_m ? 4 : 2))));
        mins[2 * j] = mins[2 * j + 1] = m;
        QK8_FN(block)(acc, V, 0, w, _mm256_set1_ps(dd), j, q, d, cols, nb);
    }
    QK8_FN(finish)(acc, V, 1, mins, s, nb, out, out_stride);
}

static inline __attribute__((always_inline)) void QK8_FN(row_q8_0)(QK8_ARGS, const int V) {
    (void)s;
    (void)mins;
    const size_t nb = cols / 32;
    __m256 acc[QK8_MAXV];
    for (int v = 0; v < V; v++) acc[v] = _mm256_setzero_ps();
    for (size_t j = 0; j < nb; j++) {
        const uint8_t *b = row + j * 34;
        const __m256i w = _mm256_loadu_si256((const __m256i *)(b + 2));
        QK8_FN(block)(acc, V, 1, w, _mm256_broadcastss_ps(QK8_FN(halves)(b)), j, q, d, cols, nb);
    }
    QK8_FN(finish)(acc, V, 0, NULL, NULL, nb, out, out_stride);
}

/// Q4_K and Q5_K: 256-value blocks of eight 32-value sub-blocks with 6-bit scales and mins.
static inline __attribute__((always_inline)) void QK8_FN(row_k4k5)(QK8_ARGS, const int V, const int five) {
    const size_t nb = cols / 32, bytes = five ? 176 : 144;
    const __m256i low = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    __m256 acc[QK8_MAXV];
    for (int v = 0; v < V; v++) acc[v] = _mm256_setzero_ps();
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
            QK8_FN(block)(acc, V, 0, w0, _mm256_set1_ps(dd * s0), j, q, d, cols, nb);
            QK8_FN(block)(acc, V, 0, w1, _mm256_set1_ps(dd * s1), j + 1, q, d, cols, nb);
        }
    }
    QK8_FN(finish)(acc, V, 1, mins, s, nb, out, out_stride);
}

/// Q6_K: 256-value blocks; 6-bit values (offset 32) with a signed 8-bit scale per 16 values.
static inline __attribute__((always_inline)) void QK8_FN(row_q6_k)(QK8_ARGS, const int V) {
    const size_t nb = cols / 32;
    const __m256i low = _mm256_set1_epi8(0x0F), three = _mm256_set1_epi8(3);
    __m256 acc[QK8_MAXV];
    for (int v = 0; v < V; v++) acc[v] = _mm256_setzero_ps();
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
                QK8_FN(block)(acc, V, 0, w[k], _mm256_set_m128(_mm_set1_ps(sb), _mm_set1_ps(sa)), j, q, d, cols, nb);
            }
        }
    }
    QK8_FN(finish)(acc, V, 1, mins, s, nb, out, out_stride);
}

// One function per (type, V), so that V is a constant inside and the accumulators live in registers.
#define QK8_INSTANCES(NAME, CALL)                                                          \
    static void QK8_FN(NAME##_1)(QK8_ARGS) { CALL(1); }                                    \
    static void QK8_FN(NAME##_2)(QK8_ARGS) { CALL(2); }                                    \
    static void QK8_FN(NAME##_3)(QK8_ARGS) { CALL(3); }                                    \
    static void QK8_FN(NAME##_4)(QK8_ARGS) { CALL(4); }                                    \
    static void QK8_FN(NAME##_5)(QK8_ARGS) { CALL(5); }                                    \
    static void QK8_FN(NAME##_6)(QK8_ARGS) { CALL(6); }                                    \
    static void QK8_FN(NAME##_7)(QK8_ARGS) { CALL(7); }                                    \
    static void QK8_FN(NAME##_8)(QK8_ARGS) { CALL(8); }                                    \
    static void (*const QK8_FN(NAME##_table)[QK8_MAXV + 1])(QK8_ARGS) = {                  \
        NULL, QK8_FN(NAME##_1), QK8_FN(NAME##_2), QK8_FN(NAME##_3), QK8_FN(NAME##_4),       \
        QK8_FN(NAME##_5), QK8_FN(NAME##_6), QK8_FN(NAME##_7), QK8_FN(NAME##_8)};

#define QK8_CALL_Q4_0(V) QK8_FN(row_q4q5)(QK8_PASS, V, QK_TYPE_Q4_0)
#define QK8_CALL_Q4_1(V) QK8_FN(row_q4q5)(QK8_PASS, V, QK_TYPE_Q4_1)
#define QK8_CALL_Q5_0(V) QK8_FN(row_q4q5)(QK8_PASS, V, QK_TYPE_Q5_0)
#define QK8_CALL_Q5_1(V) QK8_FN(row_q4q5)(QK8_PASS, V, QK_TYPE_Q5_1)
#define QK8_CALL_Q8_0(V) QK8_FN(row_q8_0)(QK8_PASS, V)
#define QK8_CALL_Q4_K(V) QK8_FN(row_k4k5)(QK8_PASS, V, 0)
#define QK8_CALL_Q5_K(V) QK8_FN(row_k4k5)(QK8_PASS, V, 1)
#define QK8_CALL_Q6_K(V) QK8_FN(row_q6_k)(QK8_PASS, V)
QK8_INSTANCES(q4_0, QK8_CALL_Q4_0)
QK8_INSTANCES(q4_1, QK8_CALL_Q4_1)
QK8_INSTANCES(q5_0, QK8_CALL_Q5_0)
QK8_INSTANCES(q5_1, QK8_CALL_Q5_1)
QK8_INSTANCES(q8_0, QK8_CALL_Q8_0)
QK8_INSTANCES(q4_k, QK8_CALL_Q4_K)
QK8_INSTANCES(q5_k, QK8_CALL_Q5_K)
QK8_INSTANCES(q6_k, QK8_CALL_Q6_K)

/// Rows [row_begin, row_end) × nvec vectors. Vectors are taken in blocks small enough to stay in the L1/L2
/// cache while every row of the range passes over them; within a block, in groups of up to QK8_MAXV.
static void QK8_FN(matmul_q8_impl)(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                                   size_t row_end, const int8_t *q, const float *d, const float *s, size_t nvec,
                                   float *y, size_t y_stride, float *mins) {
    void (*const *table)(QK8_ARGS);
    switch (type) {
    case QK_TYPE_Q4_0: table = QK8_FN(q4_0_table); break;
    case QK_TYPE_Q4_1: table = QK8_FN(q4_1_table); break;
    case QK_TYPE_Q5_0: table = QK8_FN(q5_0_table); break;
    case QK_TYPE_Q5_1: table = QK8_FN(q5_1_table); break;
    case QK_TYPE_Q8_0: table = QK8_FN(q8_0_table); break;
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
