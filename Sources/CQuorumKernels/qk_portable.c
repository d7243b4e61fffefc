// The portable path: plain C for any CPU.
#define QK_FN(name) name##_portable_
#define QK_HALF(h) qk_half_to_float(h)
#include "qk_generic.h"

int qk_dequantize_portable(int type, const uint8_t *src, float *dst, size_t count) {
    return dequantize_impl_portable_(type, src, dst, count);
}

float qk_dot_portable(const float *a, const float *b, size_t n) { return dot_impl_portable_(a, b, n); }

void qk_axpy_portable(float *y, float a, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] += a * x[i];
}

void qk_matmul_portable(int type, const uint8_t *w, size_t row_bytes, size_t cols, size_t row_begin,
                        size_t row_end, const float *x, size_t x_stride, size_t nvec, float *y, size_t y_stride,
                        float *scratch) {
    // The shortcut for a single vector is for quantised types only (see qk_matmul_avx2): float rows take the
    // tile path whatever the number of vectors, so that a row's result does not depend on the batch.
    if (nvec == 1 && type != QK_TYPE_F32 && type != QK_TYPE_F16 && type != QK_TYPE_BF16) {
        for (size_t r = row_begin; r < row_end; r++)
            y[r] = dot_row_generic_portable_(type, w + r * row_bytes, x, cols);
        return;
    }
    // Decode a tile of rows once, then dot it with every vector.
    for (size_t r = row_begin; r < row_end; r += QK_MATMUL_TILE) {
        const size_t rows = row_end - r < QK_MATMUL_TILE ? row_end - r : QK_MATMUL_TILE;
        for (size_t i = 0; i < rows; i++)
            dequantize_impl_portable_(type, w + (r + i) * row_bytes, scratch + i * cols, cols);
        for (size_t v = 0; v < nvec; v++)
            for (size_t i = 0; i < rows; i++)
                y[v * y_stride + r + i] = dot_impl_portable_(scratch + i * cols, x + v * x_stride, cols);
    }
}
