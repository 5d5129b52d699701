package io.zetaspark.kernels;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Every parameter of the operator, immutable and validated on construction. Defaults follow
 * {@code docs/ALGORITHM.md}; each {@code withX} returns a validated copy.
 */
public final class ZetaParams implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_K = 32;
    public static final int DEFAULT_CURVES = 4;
    public static final int DEFAULT_WINDOW = 192;
    public static final int DEFAULT_CHUNK = 256;
    public static final double DEFAULT_RANGE_LO = -16.0;
    public static final double DEFAULT_RANGE_HI = 16.0;
    public static final double DEFAULT_GAMMA = 0.5;
    public static final double DEFAULT_TAU = 1.0;
    public static final long DEFAULT_SEED = 42L;

    private int k = DEFAULT_K;
    private int curves = DEFAULT_CURVES;
    private int window = DEFAULT_WINDOW;
    private int chunkSize = DEFAULT_CHUNK;
    private int bits; // 0: floor(63/d)
    private double[] rangeLo = {DEFAULT_RANGE_LO};
    private double[] rangeHi = {DEFAULT_RANGE_HI};
    private double gamma = DEFAULT_GAMMA;
    private double tau = DEFAULT_TAU;
    private KernelType kernel = KernelType.CAUCHY;
    private boolean meanSlot = true;
    private boolean includeSelf = true;
    private boolean causal = true;
    private boolean exact;
    private long seed = DEFAULT_SEED;

    public static ZetaParams defaults() {
        return new ZetaParams();
    }

    private ZetaParams copy() {
        ZetaParams p = new ZetaParams();
        p.k = k;
        p.curves = curves;
        p.window = window;
        p.chunkSize = chunkSize;
        p.bits = bits;
        p.rangeLo = rangeLo.clone();
        p.rangeHi = rangeHi.clone();
        p.gamma = gamma;
        p.tau = tau;
        p.kernel = kernel;
        p.meanSlot = meanSlot;
        p.includeSelf = includeSelf;
        p.causal = causal;
        p.exact = exact;
        p.seed = seed;
        return p;
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }

    /** Number of selected keys per query (k ≥ 1). */
    public ZetaParams withK(int value) {
        require(value >= 1 && value <= 4096, "k must be in 1..4096, got " + value);
        ZetaParams p = copy();
        p.k = value;
        return p;
    }

    /** Number of shifted Z-order curves (1..16); curve 0 is unshifted. */
    public ZetaParams withCurves(int value) {
        require(value >= 1 && value <= 16, "curves must be in 1..16, got " + value);
        ZetaParams p = copy();
        p.curves = value;
        return p;
    }

    /** Window W: W/2 earlier-chunk keys are taken on each side of the query in every curve (even, ≥ 2). */
    public ZetaParams withWindow(int value) {
        require(value >= 2 && value % 2 == 0 && value <= (1 << 24), "window must be even and in 2..2^24, got " + value);
        ZetaParams p = copy();
        p.window = value;
        return p;
    }

    /** Chunk size M in position units: the query's own chunk is scored exactly. */
    public ZetaParams withChunkSize(int value) {
        require(value >= 1 && value <= (1 << 20), "chunkSize must be in 1..2^20, got " + value);
        ZetaParams p = copy();
        p.chunkSize = value;
        return p;
    }

    /** Bits per dimension of the Morton code; 0 means floor(63/d). */
    public ZetaParams withBits(int value) {
        require(value >= 0 && value <= 63, "bits must be in 0..63 (0 = floor(63/d)), got " + value);
        ZetaParams p = copy();
        p.bits = value;
        return p;
    }

    /** The same fixed quantiser range for every dimension. */
    public ZetaParams withRange(double lo, double hi) {
        return withRange(new double[] {lo}, new double[] {hi});
    }

    /** A fixed quantiser range per dimension (arrays of length d, or of length 1 for all dimensions). */
    public ZetaParams withRange(double[] lo, double[] hi) {
        require(lo.length >= 1 && lo.length == hi.length, "range bounds need equal, non-zero lengths");
        for (int m = 0; m < lo.length; m++) {
            require(Double.isFinite(lo[m]) && Double.isFinite(hi[m]) && lo[m] < hi[m],
                    "range must be finite with lo < hi, got [" + lo[m] + ", " + hi[m] + "] in dimension " + m);
        }
        ZetaParams p = copy();
        p.rangeLo = lo.clone();
        p.rangeHi = hi.clone();
        return p;
    }

    /**
     * These parameters with a per-dimension quantiser range that covers {@code min[m] .. max[m]}
     * (the observed components of q and k), each bound rounded outward to two significant digits
     * of the dimension's span, so that the printed range can be pinned with {@code withRange}. No
     * value in [min, max] is clamped: the quantiser is monotone, so it is enough that min and max
     * are not, which is checked with the quantiser itself (a bound is widened by one more step
     * otherwise). Such a range depends on the data: appending tokens outside it changes it, and
     * with it every code, so it is prefix-stable only for a fixed input.
     */
    public ZetaParams withRangeCovering(float[] min, float[] max) {
        int d = min.length;
        if (d == 0 || max.length != d) {
            throw new IllegalArgumentException("range covering: need one min and one max per dimension, got "
                    + min.length + " and " + max.length);
        }
        double[] lo = new double[d];
        double[] hi = new double[d];
        java.math.BigDecimal[] step = new java.math.BigDecimal[d];
        for (int m = 0; m < d; m++) {
            if (!Float.isFinite(min[m]) || !Float.isFinite(max[m]) || min[m] > max[m]) {
                throw new IllegalArgumentException("range covering: dimension " + m + " has min " + min[m]
                        + " and max " + max[m]);
            }
            double span = (double) max[m] - min[m];
            if (span <= 0) {
                span = Math.max(1.0, Math.abs((double) max[m]));
            }
            step[m] = java.math.BigDecimal.ONE.scaleByPowerOfTen((int) Math.floor(Math.log10(span)) - 1);
            java.math.BigDecimal a = new java.math.BigDecimal(min[m]);
            java.math.BigDecimal b = new java.math.BigDecimal(max[m]);
            lo[m] = a.divide(step[m]).setScale(0, java.math.RoundingMode.FLOOR).multiply(step[m]).doubleValue();
            hi[m] = b.divide(step[m]).setScale(0, java.math.RoundingMode.FLOOR).add(java.math.BigDecimal.ONE)
                    .multiply(step[m]).doubleValue();
        }
        for (int round = 0; ; round++) {
            ZetaParams p = withRange(lo, hi);
            ShiftedCurves sc = new ShiftedCurves(d, p);
            boolean covered = true;
            for (int m = 0; m < d; m++) {
                if (sc.clamps(m, min[m])) {
                    lo[m] = new java.math.BigDecimal(lo[m]).subtract(step[m]).doubleValue();
                    covered = false;
                }
                if (sc.clamps(m, max[m])) {
                    hi[m] = new java.math.BigDecimal(hi[m]).add(step[m]).doubleValue();
                    covered = false;
                }
            }
            if (covered) {
                return p;
            }
            if (round == 8) {
                throw new IllegalStateException("range covering: no range found that covers the observed values");
            }
        }
    }

    /** γ of the Cauchy kernel (> 0). */
    public ZetaParams withGamma(double value) {
        require(value > 0 && Double.isFinite(value), "gamma must be finite and > 0, got " + value);
        ZetaParams p = copy();
        p.gamma = value;
        return p;
    }

    /** τ of the softmax kernel (> 0). */
    public ZetaParams withTau(double value) {
        require(value > 0 && Double.isFinite(value), "tau must be finite and > 0, got " + value);
        ZetaParams p = copy();
        p.tau = value;
        return p;
    }

    public ZetaParams withKernel(KernelType value) {
        require(value != null, "kernel must not be null");
        ZetaParams p = copy();
        p.kernel = value;
        return p;
    }

    public ZetaParams withMeanSlot(boolean value) {
        ZetaParams p = copy();
        p.meanSlot = value;
        return p;
    }

    public ZetaParams withIncludeSelf(boolean value) {
        ZetaParams p = copy();
        p.includeSelf = value;
        return p;
    }

    public ZetaParams withCausal(boolean value) {
        ZetaParams p = copy();
        p.causal = value;
        return p;
    }

    public ZetaParams withExact(boolean value) {
        ZetaParams p = copy();
        p.exact = value;
        return p;
    }

    public ZetaParams withSeed(long value) {
        ZetaParams p = copy();
        p.seed = value;
        return p;
    }

    public int k() {
        return k;
    }

    public int curves() {
        return curves;
    }

    public int window() {
        return window;
    }

    public int halfWindow() {
        return window / 2;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** The configured bits (0 = default). */
    public int bitsSetting() {
        return bits;
    }

    /** Bits per dimension for dimension count d, validated against floor(63/d). */
    public int bitsFor(int d) {
        int max = MortonCodec.maxBits(d);
        if (bits == 0) {
            return max;
        }
        require(bits >= 2 && bits <= max, "bits must be in 2.." + max + " for d=" + d + ", got " + bits);
        return bits;
    }

    /** Lower range bound of dimension m. */
    public double rangeLo(int m) {
        return rangeLo.length == 1 ? rangeLo[0] : rangeLo[m];
    }

    public double rangeHi(int m) {
        return rangeHi.length == 1 ? rangeHi[0] : rangeHi[m];
    }

    public double[] rangeLoArray() {
        return rangeLo.clone();
    }

    public double[] rangeHiArray() {
        return rangeHi.clone();
    }

    /** Checks that the per-dimension range fits dimension count d. */
    public void checkDims(int d) {
        require(d >= 1 && d <= 8, "q/k dimension must be in 1..8, got " + d);
        require(rangeLo.length == 1 || rangeLo.length == d,
                "range has " + rangeLo.length + " dimensions but q/k have " + d);
        bitsFor(d);
    }

    public double gamma() {
        return gamma;
    }

    public double tau() {
        return tau;
    }

    public KernelType kernel() {
        return kernel;
    }

    public boolean meanSlot() {
        return meanSlot;
    }

    public boolean includeSelf() {
        return includeSelf;
    }

    public boolean causal() {
        return causal;
    }

    public boolean exact() {
        return exact;
    }

    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "ZetaParams{k=" + k + ", curves=" + curves + ", window=" + window + ", chunkSize=" + chunkSize
                + ", bits=" + (bits == 0 ? "auto" : bits) + ", range=" + Arrays.toString(rangeLo) + ".."
                + Arrays.toString(rangeHi) + ", kernel=" + kernel + ", gamma=" + gamma + ", tau=" + tau
                + ", meanSlot=" + meanSlot + ", includeSelf=" + includeSelf + ", causal=" + causal
                + ", exact=" + exact + ", seed=" + seed + '}';
    }
}
