// One 32-value block of a quantised row as small integers with a scale and a min per 16-value half; used by
// the portable 8-bit path (qk_q8_portable.c) and the NEON path (qk_neon.c). The decomposition is described
// at the top of qk_q8_portable.c.
#ifndef QK_DECODE32_H
#define QK_DECODE32_H
#include "qk_common.h"

/// Block j (values 32j..32j+31) of a row of `type`: u (32 small integers), scale and min of each half.
/// Returns 0 for a type without an 8-bit product.
static inline int qk_decode32(int type, const uint8_t *row, size_t j, int u[32], float scale[2], float min[2]) {
    switch (type) {
    case QK_TYPE_Q4_0: case QK_TYPE_Q4_1: case QK_TYPE_Q5_0: case QK_TYPE_Q5_1: {
        const int has_m = type == QK_TYPE_Q4_1 || type == QK_TYPE_Q5_1;
        const int five = type == QK_TYPE_Q5_0 || type == QK_TYPE_Q5_1;
        const uint8_t *b = row + j * qk_block_bytes(type);
        const float dd = qk_half_to_float(qk_u16(b));
        const float m = has_m ? qk_half_to_float(qk_u16(b + 2)) : (five ? -16.0f : -8.0f) * dd;
        const uint32_t qh = five ? qk_u32(b + (has_m ? 4 : 2)) : 0;
        const uint8_t *qs = b + (has_m ? 4 : 2) + (five ? 4 : 0);
        for (int i = 0; i < 16; i++) {
            u[i] = (qs[i] & 0x0F) | (int)(((qh >> i) & 1u) << 4);
            u[i + 16] = (qs[i] >> 4) | (int)(((qh >> (i + 16)) & 1u) << 4);
        }
        scale[0] = scale[1] = dd;
        min[0] = min[1] = m;
        return 1;
    }
    case QK_TYPE_Q8_0: {
        const uint8_t *b = row + j * 34;
        for (int i = 0; i < 32; i++) u[i] = (int8_t)b[2 + i];
        scale[0] = scale[1] = qk_half_to_float(qk_u16(b));
        min[0] = min[1] = 0;
        return 1;
    }
    case QK_TYPE_Q4_K: case QK_TYPE_Q5_K: {
        const int five = type == QK_TYPE_Q5_K;
        const uint8_t *b = row + (j / 8) * (five ? 176 : 144);
        const int sub = (int)(j % 8);
        const float dd = qk_half_to_float(qk_u16(b)), dmin = qk_half_to_float(qk_u16(b + 2));
        uint8_t sc, m;
        qk_scale_min_k4(sub, b + 4, &sc, &m);
        const uint8_t *qh = b + 16, *qs = b + (five ? 48 : 16) + 32 * (sub / 2);
        for (int l = 0; l < 32; l++) {
            u[l] = (sub & 1) ? qs[l] >> 4 : qs[l] & 0x0F;
            if (five) u[l] |= ((qh[l] >> sub) & 1) << 4;
        }
        scale[0] = scale[1] = dd * sc;
        min[0] = min[1] = -dmin * m;
        return 1;
    }
    case QK_TYPE_Q6_K: {
        const uint8_t *b = row + (j / 8) * 210;
        const int sub = (int)(j % 8), n = sub / 4, k = sub % 4;
        const uint8_t *ql = b + 64 * n, *qh = b + 128 + 32 * n;
        const int8_t *sc = (const int8_t *)(b + 192) + 8 * n;
        const float dd = qk_half_to_float(qk_u16(b + 208));
        for (int l = 0; l < 32; l++) {
            const uint8_t low = (k & 1) ? ql[l + 32] : ql[l];
            u[l] = ((k >= 2) ? low >> 4 : low & 0x0F) | (((qh[l] >> (2 * k)) & 3) << 4);
        }
        scale[0] = dd * sc[2 * k];
        scale[1] = dd * sc[2 * k + 1];
        min[0] = -32.0f * scale[0];
        min[1] = -32.0f * scale[1];
        return 1;
    }
    default: return 0;
    }
}

#endif
