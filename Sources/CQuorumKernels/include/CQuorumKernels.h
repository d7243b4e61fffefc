// CQuorumKernels: the hot loops of Quorum's GGUF engine. NOT API — used only by QuorumEngine (see README.md).
//
// Every function is pure: it reads and writes only the memory it is given, allocates nothing, does no I/O
// and keeps no state. Swift owns files, memory and threads.
//
// `isa` selects the instruction set: QK_ISA_PORTABLE (plain C, any CPU) or QK_ISA_AVX2 (x86-64 with AVX2,
// FMA and F16C). Pick it once with qk_isa_detect(); a level the CPU or the build lacks falls back to plain C.
// Tests run both levels and compare them.
#ifndef CQUORUM_KERNELS_H
#define CQUORUM_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels.
enum { QK_ISA_PORTABLE = 0, QK_ISA_AVX2 = 1 };

/// Tensor element types, numbered as GGML numbers them (part of the GGUF format).
enum {
    QK_TYPE_F32 = 0, QK_TYPE_F16 = 1, QK_TYPE_Q4_0 = 2, QK_TYPE_Q4_1 = 3, QK_TYPE_Q5_0 = 6, QK_TYPE_Q5_1 = 7,
    QK_TYPE_Q8_0 = 8, QK_TYPE_Q4_K = 12, QK_TYPE_Q5_K = 13, QK_TYPE_Q6_K = 14, QK_TYPE_BF16 = 30
};

/// The best level this CPU and this build support.
int qk_isa_detect(void);

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

/// out = x / sqrt(mean(x²) + eps) ⊙ weight over n values (sum of squares in double). out may equal x.
void qk_rmsnorm(float *out, const float *x, const float *weight, size_t n, float eps);

/// Rotary position embedding in place on `n_heads` heads of `head_dim` values at position `pos`; the first
/// `rot_dim` values of each head rotate, pair i by the angle pos · freq_base^(−2i/rot_dim) / factor_i, where
/// factor_i = freq_factors[i] (rot_dim/2 values, Llama 3's `rope_freqs`) or 1 when freq_factors is NULL.
/// neox = 0: pairs (2i, 2i+1) (GGML's normal mode, llama); neox = 1: pairs (i, i + rot_dim/2) (qwen2).
void qk_rope(float *x, size_t n_heads, size_t head_dim, size_t rot_dim, double pos, float freq_base,
             const float *freq_factors, int neox);

/// One attention head for one query over positions 0..<n_pos:
///   s_p = scale · q·k_p,  a = softmax(s),  out = Σ_p a_p v_p
/// k_p = k + p·stride and v_p = v + p·stride (floats); `scores` holds n_pos floats of scratch.
void qk_attention(int isa, float *out, const float *q, const float *k, const float *v, size_t stride,
                  size_t n_pos, size_t head_dim, float scale, float *scores);

/// gate[i] = silu(gate[i]) · up[i] (SwiGLU), silu(g) = g / (1 + e^−g).
void qk_swiglu(float *gate, const float *up, size_t n);

/// y[i] += x[i].
void qk_add(float *y, const float *x, size_t n);

/// Over n logits, in double: log Σ e^l (the log-softmax normaliser) and the entropy −Σ p ln p in nats.
void qk_logsumexp(const float *logits, size_t n, double *lse, double *entropy);

#ifdef __cplusplus
}
#endif
#endif
