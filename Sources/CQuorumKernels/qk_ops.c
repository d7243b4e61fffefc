// The small per-token operations around the matmuls.
#include <math.h>
#include "qk_common.h"

void qk_rmsnorm(float *out, const float *x, const float *weight, size_t n, float eps) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += (double)x[i] * (double)x[i];
    const float scale = (float)(1.0 / sqrt(sum / (double)n + (double)eps));
    for (size_t i = 0; i < n; i++) out[i] = x[i] * scale * weight[i];
}

void qk_rope(float *x, size_t n_heads, size_t head_dim, size_t rot_dim, double pos, float freq_base,
             const float *freq_factors, int neox) {
    const size_t half = rot_dim / 2;
    for (size_t i = 0; i < half; i++) {
        double angle = pos * pow((double)freq_base, -2.0 * (double)i / (double)rot_dim);
        if (freq_factors) angle /= (double)freq_factors[i];
        const float c = (float)cos(angle), s = (float)sin(angle);
        for (size_t h = 0; h < n_heads; h++) {
            float *head = x + h * head_dim;
            const size_t a = neox ? i : 2 * i, b = neox ? i + half : 2 * i + 1;
            const float x0 = head[a], x1 = head[b];
            head[a] = x0 * c - x1 * s;
            head[b] = x0 * s + x1 * c;
        }
    }
}

void qk_attention(int isa, float *out, const float *q, const float *k, const float *v, size_t stride,
                  size_t n_pos, size_t head_dim, float scale, float *scores) {
    float (*dot)(const float *, const float *, size_t) = isa == QK_ISA_AVX2 ? qk_dot_avx2 : qk_dot_portable;
    void (*axpy)(float *, float, const float *, size_t) = isa == QK_ISA_AVX2 ? qk_axpy_avx2 : qk_axpy_portable;
    float max = -INFINITY;
    for (size_t p = 0; p < n_pos; p++) {
        scores[p] = scale * dot(q, k + p * stride, head_dim);
        if (scores[p] > max) max = scores[p];
    }
    double sum = 0;
    for (size_t p = 0; p < n_pos; p++) {
        scores[p] = expf(scores[p] - max);
        sum += scores[p];
    }
    const float inv = (float)(1.0 / sum);
    for (size_t i = 0; i < head_dim; i++) out[i] = 0;
    for (size_t p = 0; p < n_pos; p++) axpy(out, scores[p] * inv, v + p * stride, head_dim);
}

void qk_swiglu(float *gate, const float *up, size_t n) {
    for (size_t i = 0; i < n; i++) gate[i] = gate[i] / (1.0f + expf(-gate[i])) * up[i];
}

void qk_add(float *y, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

void qk_logsumexp(const float *logits, size_t n, double *lse, double *entropy) {
    double max = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (logits[i] > max) max = logits[i];
    if (n == 0 || !isfinite(max)) {
        *lse = max;
        *entropy = NAN;
        return;
    }
    double s = 0, t = 0;
    for (size_t i = 0; i < n; i++) {
        const double z = (double)logits[i] - max;
        const double e = exp(z);
        if (e > 0) {  // a −∞ logit adds nothing (and must not add 0 · −∞)
            s += e;
            t += e * z;
        }
    }
    *lse = max + log(s);
    *entropy = log(s) - t / s;
}
