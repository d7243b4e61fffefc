// CQuorumKernels: the hot loops of Quorum's GGUF engine. NOT API — used only by QuorumEngine (see README.md).
//
// Every function is pure: it reads and writes only the memory it is given, allocates nothing, does no I/O
// and keeps no state. Swift owns files, memory and threads.
//
// `isa` selects the instruction set: QK_ISA_PORTABLE (plain C, any CPU), QK_ISA_AVX2 (x86-64 with AVX2, FMA
// and F16C), QK_ISA_AVX512_VNNI (AVX2 plus AVX-512 F/BW/VL/VNNI: the 8-bit products use VPDPBUSD; everything
// else runs the AVX2 code) or QK_ISA_NEON (AArch64; the 8-bit products use SDOT when the CPU has it).
// Pick it once with qk_isa_detect(); a level the CPU or the build lacks falls back to plain C.
// Tests run every level the machine has and compare it with plain C.
#ifndef CQUORUM_KERNELS_H
#define CQUORUM_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels.
enum { QK_ISA_PORTABLE = 0, QK_ISA_AVX2 = 1, QK_ISA_AVX512_VNNI = 2, QK_ISA_NEON = 3 };

/// Tensor element types, numbered as GGML numbers them (part of the GGUF format).
enum {
    QK_TYPE_F32 = 0, QK_TYPE_F16 = 1, QK_TYPE_Q4_0 = 2, QK_TYPE_Q4_1 = 3, QK_TYPE_Q5_0 = 6, QK_TYPE_Q5_1 = 7,
    QK_TYPE_Q8_0 = 8, QK_TYPE_Q4_K = 12, QK_TYPE_Q5_K = 13, QK_TYPE_Q6_K = 14, QK_TYPE_BF16 = 30
};

/// The best level this CPU and this build support.
int qk_isa_detect(void);

/// 1 when this CPU and build can run `isa`, else 0 (QK_ISA_PORTABLE always can).
int qk_isa_available(int isa);

/// 1 when `type` is one of the QK_TYPE_* values above, else 0.
int qk_type_supported(int type);

/// Decodes `count` values of a `type` tensor starting at the block-aligned `src` into `dst`.
/// `count` must be a multiple of the type's block size (32 or 256; 1 for F32/F16/BF16). Returns 0, or -1
/// for an unsupported type or a bad count (nothing written).
int qk_dequantize(int isa, int type, const void *src, float *dst, size_t count);

/// Floats of scratch `qk_matmul` needs per call: QK_MATMUL_TILE rows of `cols` floats.
#define QK_MATMUL_TILE 4
size_t qk_matmul_scratch_count(size_t cols);

/// Matrix × several vectors, over a range of rows (so callers can split rows across threads):
///   y[v * y_stride + r] = Σ_c W[r][c] · x[v * x_stride + c]   for r in [row_begin, row_end), v in [0, nvec)
/// W is row-major with `row_bytes` bytes per row of `cols` values of `type` (cols a multiple of the block
/// size). `scratch` holds qk_matmul_scratch_count(cols) floats (used only when nvec > 1).
/// Returns 0, or -1 for an unsupported type.
int qk_matmul(int isa, int type, const void *w, size_t row_bytes, size_t cols, size_t row_begin, size_t row_end,
              const float *x, size_t x_stride, size_t nvec, float *y, size_t y_stride, float *scratch);

/// How a weight type's product wants its input vectors (GGML's "vec_dot_type"):
///   QK_ACT_FLOAT: as floats (F32, F16, BF16 weights);
///   QK_ACT_Q8_32: 8-bit blocks of 32, q = round(x·127/amax), scale d = amax/127 rounded to half precision
///                 (GGML's Q8_0/Q8_1; for Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 weights);
///   QK_ACT_Q8_256: 8-bit blocks of 256, q = round(x·127/amax), d = amax/127 in float (GGML's Q8_K; for the
///                  K-quants Q4_K, Q5_K and Q6_K).
/// Rounding is to nearest, ties to even, as GGML's x86 code does.
enum { QK_ACT_FLOAT = 0, QK_ACT_Q8_32 = 1, QK_ACT_Q8_256 = 2 };

/// The QK_ACT_* kind that `type`'s product takes, or -1 for an unsupported type.
int qk_act_kind(int type);

/// Quantises one vector of `cols` floats (a multiple of 32 for QK_ACT_Q8_32, of 256 for QK_ACT_Q8_256) into
///   q: cols int8 values;
///   d: cols/32 floats, the scale of each 32 values (for QK_ACT_Q8_256 its block's scale, repeated);
///   s: cols/16 floats of block sums. QK_ACT_Q8_32: s[2j] = d·Σq over block j, s[2j+1] = the same rounded to
///      half precision (GGML's Q8_1 keeps it so; Q4_1/Q5_1 products use it). QK_ACT_Q8_256: s[k] = d·Σq over
///      each 16 values.
/// x ≈ d·q. Returns 0, or -1 for a bad kind or count (nothing written).
int qk_quantize_act(int isa, int kind, const float *x, size_t cols, int8_t *q, float *d, float *s);

/// Floats of scratch qk_matmul_q8 needs per call.
size_t qk_matmul_q8_scratch_count(size_t cols);

/// Matrix × several 8-bit vectors (made by qk_quantize_act with qk_act_kind(type)), over a range of rows:
///   y[v * y_stride + r] = Σ_c W[r][c] · x_v[c]   for r in [row_begin, row_end), v in [0, nvec)
/// where x_v is vector v: q + v·cols, d + v·cols/32, s + v·cols/16. Integer products per block, scaled in
/// float. Each weight block is decoded once for up to 8 vectors. `scratch` holds
/// qk_matmul_q8_scratch_count(cols) floats. Returns 0, or -1 for a type without an 8-bit product.
int qk_matmul_q8(int isa, int type, const void *w, size_t row_bytes, size_t cols, size_t row_begin, size_t row_end,
                 const int8_t *q, const float *d, const float *s, size_t nvec, float *y, size_t y_stride,
                 float *scratch);

/// out = x / sqrt(mean(x²) + eps) ⊙ weight over n values (float squares summed in double, mean and scale in
/// float, as GGML computes them). out may equal x.
void qk_rmsnorm(float *out, const float *x, const float *weight, size_t n, float eps);

/// Rotary position embedding in place on `n_heads` heads of `head_dim` values at position `pos`; the first
/// `rot_dim` values of each head rotate, pair i by the angle θ_i of qk_rope_angles (freq_scale 1), which is
/// pos · freq_base^(−2i/rot_dim) / factor_i up to float rounding; factor_i = freq_factors[i] (rot_dim/2
/// values, Llama 3's `rope_freqs`) or 1 when freq_factors is NULL.
/// neox = 0: pairs (2i, 2i+1) (GGML's normal mode, llama); neox = 1: pairs (i, i + rot_dim/2) (qwen2).
void qk_rope(float *x, size_t n_heads, size_t head_dim, size_t rot_dim, double pos, float freq_base,
             const float *freq_factors, int neox);

/// Attention of `n_q` query heads that share one key/value head (grouped-query attention), over positions
/// held in `n_spans` spans (a shared prompt prefix and a sequence's own positions, for example):
///   s_ip = scale · q_i·k_p,  a_i = softmax(s_i),  out_i = Σ_p a_ip v_p
/// Span j holds counts[j] positions: k_p = keys[j] + p·kv_stride, v_p = values[j] + p·kv_stride, in elements
/// of float (kv_half = 0) or IEEE half precision (kv_half = 1). q_i = q + i·head_dim, out_i = out + i·head_dim.
/// `scores` holds n_q · Σ counts floats of scratch. Each key and value is read once for all n_q heads.
void qk_attention_spans(int isa, float *out, const float *q, size_t n_q, size_t head_dim,
                        const void *const *keys, const void *const *values, const size_t *counts, size_t n_spans,
                        size_t kv_stride, int kv_half, float scale, float *scores);

/// Stores n floats as float (half = 0) or as half precision, rounded to nearest even (half = 1), at dst.
void qk_store_kv(int isa, void *dst, const float *src, size_t n, int half);

/// The cos/sin pairs of RoPE at position `pos`: cs[2i] = cos θ_i, cs[2i+1] = sin θ_i for the rot_dim/2 angles
///   θ_i = freq_scale · t_i / factor_i,  t_0 = pos,  t_{i+1} = t_i · freq_base^(−2/rot_dim)
/// computed in float as GGML computes them, so that qk_rope_apply can rotate every head of every layer at
/// that position without recomputing them. factor_i = freq_factors[i], or 1 when freq_factors is NULL.
void qk_rope_angles(float *cs, size_t rot_dim, float pos, float freq_base, float freq_scale, const float *freq_factors);

/// qk_rope with the angles from qk_rope_angles.
void qk_rope_apply(float *x, size_t n_heads, size_t head_dim, size_t rot_dim, const float *cs, int neox);

/// One attention head for one query over positions 0..<n_pos:
///   s_p = scale · q·k_p,  a = softmax(s),  out = Σ_p a_p v_p
/// k_p = k + p·stride and v_p = v + p·stride (floats); `scores` holds n_pos floats of scratch.
void qk_attention(int isa, float *out, const float *q, const float *k, const float *v, size_t stride,
                  size_t n_pos, size_t head_dim, float scale, float *scores);

/// gate[i] = silu(gate[i]) · up[i] (SwiGLU), silu(g) = g / (1 + e^−g).
void qk_swiglu(float *gate, const float *up, size_t n);

/// qk_swiglu at instruction-set level `isa` (a vectorised e^x, within a few float ulps).
void qk_swiglu_isa(int isa, float *gate, const float *up, size_t n);

/// y[i] += x[i].
void qk_add(float *y, const float *x, size_t n);

/// Over n logits, in double: log Σ e^l (the log-softmax normaliser) and the entropy −Σ p ln p in nats.
void qk_logsumexp(const float *logits, size_t n, double *lse, double *entropy);

/// qk_logsumexp at instruction-set level `isa`: e^x in float (a few ulps), sums in double.
void qk_logsumexp_isa(int isa, const float *logits, size_t n, double *lse, double *entropy);

/// Atomics and a spin hint for the engine's thread pool, on memory the caller owns (C11 atomics, which
/// Swift 6 on macOS 14 cannot use directly). Sequentially consistent.
static inline uint64_t qk_atomic_load(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static inline void qk_atomic_store(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
static inline uint64_t qk_atomic_fetch_add(uint64_t *p, uint64_t v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
/// Replaces *p by `desired` when it equals `expected`; 1 when it did.
static inline int qk_atomic_cas(uint64_t *p, uint64_t expected, uint64_t desired) {
    return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
static inline void qk_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#ifdef __cplusplus
}
#endif
#endif
