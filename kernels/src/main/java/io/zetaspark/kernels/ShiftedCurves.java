package io.zetaspark.kernels;

import java.io.Serializable;

/**
 * The data-independent quantiser and the C shifted Z-order curves (docs/ALGORITHM.md,
 * "Quantiser and shifted Morton curves").
 *
 * <p>A value maps to a cell of a fixed grid: {@code v = ((double) x − lo) · scale} with
 * {@code scale = 2^(b−1) / (hi − lo)}; the cell is 0 when {@code v < 0}, {@code 2^(b−1) − 1} when
 * {@code v ≥ 2^(b−1)}, and {@code floor(v)} otherwise. The data range thus covers the lower half of
 * the {@code 2^b} grid and a curve's integer shift (below {@code 2^(b−1)}) never pushes a cell off
 * it. Curve 0 is unshifted; the shifts of the others come from {@link #splitMix64} of the seed, so
 * every engine and every executor derives the same curves. The Spark job writes the same formula as
 * Catalyst expressions; tests compare the two.
 */
public final class ShiftedCurves implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final int dims;
    private final int bits;
    private final int curves;
    private final double[] lo;
    private final double[] scale;
    private final double halfGrid; // 2^(b-1) as a double, exact
    private final long maxCell; // 2^(b-1) - 1
    private final long[] shifts; // [curve * dims + m]
    private final MortonCodec codec;

    public ShiftedCurves(int dims, ZetaParams params) {
        params.checkDims(dims);
        this.dims = dims;
        this.bits = params.bitsFor(dims);
        this.curves = params.curves();
        this.lo = new double[dims];
        this.scale = new double[dims];
        this.halfGrid = Math.scalb(1.0, bits - 1);
        this.maxCell = (1L << (bits - 1)) - 1;
        for (int m = 0; m < dims; m++) {
            lo[m] = params.rangeLo(m);
            scale[m] = halfGrid / (params.rangeHi(m) - params.rangeLo(m));
        }
        this.shifts = new long[curves * dims];
        for (int c = 1; c < curves; c++) {
            for (int m = 0; m < dims; m++) {
                shifts[c * dims + m] = shiftFor(params.seed(), c, m, bits);
            }
        }
        this.codec = new MortonCodec(dims, bits);
    }

    /** The integer offset of curve c ≥ 1 in dimension m: splitMix64 of (seed, c, m), below 2^(b−1). */
    public static long shiftFor(long seed, int curve, int m, int bits) {
        long mixed = splitMix64(seed + GOLDEN * (curve * 16L + m + 1));
        return mixed & ((1L << (bits - 1)) - 1);
    }

    /** The SplitMix64 finaliser (Steele, Lea, Flood 2014); stable across JVMs and the CUDA kernel. */
    public static long splitMix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public int dims() {
        return dims;
    }

    public int bits() {
        return bits;
    }

    public int curves() {
        return curves;
    }

    public double lo(int m) {
        return lo[m];
    }

    public double scale(int m) {
        return scale[m];
    }

    /** 2^(b−1): values at or above it (after scaling) clamp to the top cell. */
    public double halfGrid() {
        return halfGrid;
    }

    public long maxCell() {
        return maxCell;
    }

    public long shift(int curve, int m) {
        return shifts[curve * dims + m];
    }

    public MortonCodec codec() {
        return codec;
    }

    /** True when the value lies outside the quantiser range and is clamped. */
    public boolean clamps(int m, float x) {
        double v = ((double) x - lo[m]) * scale[m];
        return v < 0 || v >= halfGrid;
    }

    /** The unshifted cell of value x in dimension m. */
    public long cell(int m, float x) {
        double v = ((double) x - lo[m]) * scale[m];
        if (v < 0) {
            return 0;
        }
        if (v >= halfGrid) {
            return maxCell;
        }
        return (long) Math.floor(v);
    }

    /**
     * Writes the Morton code of vector {@code vec[off .. off+d)} on every curve into
     * {@code codesOut[codeOff + c]}; {@code scratch} must hold at least d longs. Returns how many of
     * the d components were clamped.
     */
    public int encodeAll(float[] vec, int off, long[] codesOut, int codeOff, long[] scratch) {
        int clamped = 0;
        for (int m = 0; m < dims; m++) {
            if (clamps(m, vec[off + m])) {
                clamped++;
            }
        }
        for (int c = 0; c < curves; c++) {
            for (int m = 0; m < dims; m++) {
                scratch[m] = cell(m, vec[off + m]) + shifts[c * dims + m];
            }
            codesOut[codeOff + c] = codec.encode(scratch, 0);
        }
        return clamped;
    }

    /**
     * The codes of {@code n} vectors of d components ({@code vecs[i·d .. i·d+d)}) on every curve, as
     * {@code codesOut[i·curves + c]}. Returns how many components were clamped.
     */
    public long encodeSequence(float[] vecs, int n, long[] codesOut) {
        long[] scratch = new long[dims];
        long clamped = 0;
        for (int i = 0; i < n; i++) {
            clamped += encodeAll(vecs, i * dims, codesOut, i * curves, scratch);
        }
        return clamped;
    }

    /** The code of one vector on one curve. */
    public long code(int curve, float[] vec, int off) {
        return code(curve, vec, off, new long[dims]);
    }

    /** {@link #code(int, float[], int)} with a scratch of at least d longs (no allocation: for loops over many vectors). */
    public long code(int curve, float[] vec, int off, long[] scratch) {
        for (int m = 0; m < dims; m++) {
            scratch[m] = cell(m, vec[off + m]) + shifts[curve * dims + m];
        }
        return codec.encode(scratch, 0);
    }
}
