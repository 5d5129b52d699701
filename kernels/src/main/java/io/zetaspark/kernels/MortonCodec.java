package io.zetaspark.kernels;

/**
 * Interleaves the bits of {@code d} non-negative cells into one non-negative long (a Morton or
 * Z-order code), most significant bit first with dimension 0 most significant: bit {@code t} of
 * dimension {@code m} (t = 0 the least significant) lands at code bit {@code t·d + (d−1−m)}.
 *
 * <p>With {@code b = floor(63/d)} bits per dimension a code uses at most 63 bits, so codes are
 * non-negative and compare correctly as signed longs. Dimensions 2, 3 and 4 use magic-number bit
 * spreading; every other d uses a per-bit loop that is the reference for those fast paths.
 */
public final class MortonCodec implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int dims;
    private final int bits;
    private final long cellMask;

    public MortonCodec(int dims, int bits) {
        if (dims < 1 || dims > 8) {
            throw new IllegalArgumentException("dimension must be in 1..8, got " + dims);
        }
        if (bits < 1 || bits > maxBits(dims)) {
            throw new IllegalArgumentException(
                    "bits per dimension must be in 1.." + maxBits(dims) + " for d=" + dims + ", got " + bits);
        }
        this.dims = dims;
        this.bits = bits;
        this.cellMask = bits == 63 ? Long.MAX_VALUE : (1L << bits) - 1;
    }

    /** The largest bit budget per dimension that keeps a code in 63 bits: floor(63/d). */
    public static int maxBits(int dims) {
        return 63 / dims;
    }

    public int dims() {
        return dims;
    }

    public int bits() {
        return bits;
    }

    /** Encodes {@code cells[off .. off+d)}; every cell must lie in [0, 2^bits). */
    public long encode(long[] cells, int off) {
        switch (dims) {
            case 1:
                return cells[off] & cellMask;
            case 2:
                if (bits <= 31) {
                    return (spread2(cells[off]) << 1) | spread2(cells[off + 1]);
                }
                break;
            case 3:
                if (bits <= 21) {
                    return (spread3(cells[off]) << 2) | (spread3(cells[off + 1]) << 1) | spread3(cells[off + 2]);
                }
                break;
            case 4:
                if (bits <= 15) {
                    return (spread4(cells[off]) << 3) | (spread4(cells[off + 1]) << 2)
                            | (spread4(cells[off + 2]) << 1) | spread4(cells[off + 3]);
                }
                break;
            default:
                break;
        }
        return encodeGeneral(cells, off);
    }

    /** The per-bit reference encoding (any d); the fast paths must agree with it. */
    public long encodeGeneral(long[] cells, int off) {
        long code = 0;
        for (int t = bits - 1; t >= 0; t--) {
            for (int m = 0; m < dims; m++) {
                code = (code << 1) | ((cells[off + m] >>> t) & 1L);
            }
        }
        return code;
    }

    /** Decodes a code into {@code out[off .. off+d)}. */
    public void decode(long code, long[] out, int off) {
        for (int m = 0; m < dims; m++) {
            out[off + m] = 0;
        }
        for (int t = 0; t < bits; t++) {
            for (int m = 0; m < dims; m++) {
                long bit = (code >>> (t * dims + (dims - 1 - m))) & 1L;
                out[off + m] |= bit << t;
            }
        }
    }

    // Spread the low 31 bits of x so that bit i moves to bit 2i.
    static long spread2(long x) {
        x &= 0x7FFFFFFFL;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x << 2)) & 0x3333333333333333L;
        x = (x | (x << 1)) & 0x5555555555555555L;
        return x;
    }

    // Spread the low 21 bits of x so that bit i moves to bit 3i.
    static long spread3(long x) {
        x &= 0x1FFFFFL;
        x = (x | (x << 32)) & 0x001F00000000FFFFL;
        x = (x | (x << 16)) & 0x001F0000FF0000FFL;
        x = (x | (x << 8)) & 0x100F00F00F00F00FL;
        x = (x | (x << 4)) & 0x10C30C30C30C30C3L;
        x = (x | (x << 2)) & 0x1249249249249249L;
        return x;
    }

    // Spread the low 15 bits of x so that bit i moves to bit 4i.
    static long spread4(long x) {
        x &= 0x7FFFL;
        x = (x | (x << 24)) & 0x000000FF000000FFL;
        x = (x | (x << 12)) & 0x000F000F000F000FL;
        x = (x | (x << 6)) & 0x0303030303030303L;
        x = (x | (x << 3)) & 0x1111111111111111L;
        return x;
    }
}
