// The small per-token operations around the matmuls.
#include <math.h>
#include "qk_common.h"

void qk_rmsnorm(float *out, const float *x, const float *weight, size_t n, float eps) {
    // As GGML rounds it: float squares summed in double, the mean and the scale in float.
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += (double)(x[i] * x[i]);
    const float mean = (float)(sum / (double)n);
    const float scale = 1.0f / sqrtf(mean + eps);
    for (size_t i = 0; i < n; i++) out[i] = x[i] * scale * weight[i];
}

void qk_rope(float *x, size_t n_heads, size_t head_dim, size_t rot_dim, double pos, float freq_base,
             const float *freq_factors, int neox) {
    // The angles of qk_rope_angles (freq_scale 1), one pair index at a time.
    const float step = powf(freq_base, -2.0f / (float)rot_dim);
    const size_t half = rot_dim / 2;
    float theta = (float)pos;
    for (size_t i = 0; i < half; i++) {
        const float angle = freq_factors ? theta / freq_factors[i] : theta;
        const float c = cosf(angle), s = sinf(angle);
        for (size_t h = 0; h < n_heads; h++) {
            float *head = x + h * head_dim;
            const size_t a = neox ? i : 2 * i, b = neox ? i + half : 2 * i + 1;
            const float x0 = head[a], x1 = head[b];
            head[a] = x0 * c - x1 * s;
            head[b] = x0 * s + x1 * c;
        }
        theta *= step;
    }
}

void qk_rope_angles(float *cs, size_t rot_dim, float pos, float freq_base, float freq_scale, const float *freq_factors) {
    const float step = powf(freq_base, -2.0f / (float)rot_dim);
    float theta = pos;
    for (size_t i = 0; i < rot_dim / 2; i++) {
        const float angle = freq_scale * (freq_factors ? theta / freq_factors[i] : theta);  // 1 · a = a exactly
        cs[2 * i] = cosf(angle);
        cs[2 * i + 1] = sinf(angle);
        theta *= step;
    }
}

void qk_rope_apply(float *x, size_t n_heads, size_t head_dim, size_t rot_dim, const float *cs, int neox) {
    const size_t half = rot_dim / 2;
    for (size_t h = 0; h < n_heads; h++) {
        float *head = x + h * head_dim;
        for (size_t i = 0; i < half; i++) {
            const size_t a = neox ? i : 2 * i, b = neox ? i + half : 2 * i + 1;
            const float c = cs[2 * i], s = cs[2 * i + 1], x0 = head[a], x1 = head[b];
            head[a] = x0 * c - x1 * s;
            head[b] = x0 * s + x1 * c;
        }
    }
}

void qk_attention(int isa, float *out, const float *q, const float *k, const float *v, size_t stride,
                  size_t n_pos, size_t head_dim, float scale, float *scores) {
    float (*dot)(const float *, const float *, size_t) = qk_uses_avx2(isa) ? qk_dot_avx2 : qk_dot_portable;
    void (*axpy)(float *, float, const float *, size_t) = qk_uses_avx2(isa) ? qk_axpy_avx2 : qk_axpy_portable;
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

/// Element p·stride + c of a float or half array.
static inline float kv_at(const void *base, size_t index, int half) {
    return half ? qk_half_to_float(((const uint16_t *)base)[index]) : ((const float *)base)[index];
}

void qk_attention_spans_portable(float *out, const float *q, size_t n_q, size_t head_dim, const void *const *keys,
                                 const void *const *values, const size_t *counts, size_t n_spans,
                                 size_t kv_stride, int kv_half, float scale, float *scores) {
    size_t total = 0;
    for (size_t j = 0; j < n_spans; j++) total += counts[j];
    for (size_t i = 0; i < n_q; i++) {
        float *row = scores + i * total;
        const float *qi = q + i * head_dim;
        size_t base = 0;
        for (size_t j = 0; j < n_spans; j++) {
            for (size_t p = 0; p < counts[j]; p++) {
                float dot = 0;
                for (size_t c = 0; c < head_dim; c++) dot += qi[c] * kv_at(keys[j], p * kv_stride + c, kv_half);
                row[base + p] = scale * dot;
            }
            base += counts[j];
        }
        float max = -INFINITY;
        for (size_t p = 0; p < total; p++) max = row[p] > max ? row[p] : max;
        double sum = 0;
        for (size_t p = 0; p < total; p++) {
            row[p] = expf(row[p] - max);
            sum += row[p];
        }
        const float inv = (float)(1.0 / sum);
        float *o = out + i * head_dim;
        for (size_t c = 0; c < head_dim; c++) o[c] = 0;
        base = 0;
        for (size_t j = 0; j < n_spans; j++) {
            for (size_t p = 0; p < counts[j]; p++) {
                const float a = row[base + p] * inv;
                for (size_t c = 0; c < head_dim; c++) o[c] += a * kv_at(values[j], p * kv_stride + c, kv_half);
            }
            base += counts[j];
        }
    }
}

void qk_attention_spans(int isa, float *out, const float *q, size_t n_q, size_t head_dim,
                        const void *const *keys, const void *const *values, const size_t *counts, size_t n_spans,
                        size_t kv_stride, int kv_half, float scale, float *scores) {
    if (qk_uses_avx2(isa))
        qk_attention_spans_avx2(out, q, n_q, head_dim, keys, values, counts, n_spans, kv_stride, kv_half, scale, scores);
    else
        qk_attention_spans_portable(out, q, n_q, head_dim, keys, values, counts, n_spans, kv_stride, kv_half, scale, scores);
}

void qk_store_kv(int isa, void *dst, const float *src, size_t n, int half) {
    if (!half) {
        memcpy(dst, src, n * sizeof(float));
    } else if (qk_uses_avx2(isa)) {
        qk_store_kv_avx2(dst, src, n, half);
    } else {
        for (size_t i = 0; i < n; i++) ((uint16_t *)dst)[i] = qk_float_to_half(src[i]);
    }
}

void qk_swiglu_isa(int isa, float *gate, const float *up, size_t n) {
    if (qk_uses_avx2(isa))
        qk_swiglu_avx2(gate, up, n);
    else
        qk_swiglu(gate, up, n);
}

void qk_logsumexp_isa(int isa, const float *logits, size_t n, double *lse, double *entropy) {
    if (qk_uses_avx2(isa))
        qk_logsumexp_avx2(logits, n, lse, entropy);
    else
        qk_logsumexp(logits, n, lse, entropy);
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
