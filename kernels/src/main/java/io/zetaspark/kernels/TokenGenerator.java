package io.zetaspark.kernels;

import java.util.Locale;

/**
 * Seeded synthetic tokens, each a pure function of (seed, sequence id, position), so that any
 * partitioning of a generator job produces the same bytes. Kinds:
 * <ul>
 *   <li>{@code gaussian}: q, k, v independent standard normal;</li>
 *   <li>{@code clustered}: q and k near one of 32 seeded centres (spread 3, noise 0.25);</li>
 *   <li>{@code ties}: text-like, a Zipf-distributed vocabulary of 2,000 "words" whose vectors are
 *       shared exactly (q = k = the word's vector), so most queries have many earlier keys at
 *       exactly the same distance, as in real text.</li>
 * </ul>
 */
public final class TokenGenerator implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        GAUSSIAN, CLUSTERED, TIES;

        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown distribution '" + s + "': expected gaussian, clustered or ties", e);
            }
        }
    }

    public static final int CLUSTERS = 32;
    public static final int VOCABULARY = 2000;

    private final Kind kind;
    private final long seed;
    private final int d;
    private final int dv;
    private final double[] zipfCdf;

    public TokenGenerator(Kind kind, long seed, int d, int dv) {
        this.kind = kind;
        this.seed = seed;
        this.d = d;
        this.dv = dv;
        if (kind == Kind.TIES) {
            zipfCdf = new double[VOCABULARY];
            double acc = 0;
            for (int w = 0; w < VOCABULARY; w++) {
                acc += 1.0 / (w + 1);
                zipfCdf[w] = acc;
            }
            for (int w = 0; w < VOCABULARY; w++) {
                zipfCdf[w] /= acc;
            }
        } else {
            zipfCdf = null;
        }
    }

    /** A uniform double in [0, 1) from a hash of the inputs. */
    static double uniform(long seed, long a, long b, long c) {
        long h = ShiftedCurves.splitMix64(seed ^ ShiftedCurves.splitMix64(a * 0x9E3779B97F4A7C15L
                ^ ShiftedCurves.splitMix64(b * 0xC2B2AE3D27D4EB4FL + c)));
        return (h >>> 11) * 0x1.0p-53;
    }

    /** A standard normal from a hash of the inputs (Box–Muller). */
    static double gaussian(long seed, long a, long b, long c) {
        double u1 = uniform(seed, a, b, 2 * c);
        double u2 = uniform(seed, a, b, 2 * c + 1);
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Fills token (seq, pos) into q[qo..], k[qo..] (d each) and v[vo..] (dv). */
    public void fill(long seq, long pos, float[] q, float[] k, int qo, float[] v, int vo) {
        switch (kind) {
            case GAUSSIAN:
                for (int m = 0; m < d; m++) {
                    q[qo + m] = (float) gaussian(seed, seq, pos, m);
                    k[qo + m] = (float) gaussian(seed, seq, pos, 100 + m);
                }
                break;
            case CLUSTERED: {
                int cq = (int) (uniform(seed, seq, pos, 7001) * CLUSTERS);
                int ck = (int) (uniform(seed, seq, pos, 7002) * CLUSTERS);
                for (int m = 0; m < d; m++) {
                    q[qo + m] = (float) (3.0 * gaussian(seed, -1, cq, m) + 0.25 * gaussian(seed, seq, pos, m));
                    k[qo + m] = (float) (3.0 * gaussian(seed, -1, ck, m) + 0.25 * gaussian(seed, seq, pos, 100 + m));
                }
                break;
            }
            case TIES: {
                int w = word(uniform(seed, seq, pos, 9001));
                for (int m = 0; m < d; m++) {
                    float x = (float) (2.0 * gaussian(seed, -2, w, m));
                    q[qo + m] = x;
                    k[qo + m] = x;
                }
                for (int j = 0; j < dv; j++) {
                    v[vo + j] = (float) gaussian(seed, -3, w, j);
                }
                return;
            }
            default:
                throw new IllegalStateException(String.valueOf(kind));
        }
        for (int j = 0; j < dv; j++) {
            v[vo + j] = (float) gaussian(seed, seq, pos, 1000 + j);
        }
    }

    private int word(double u) {
        int lo = 0;
        int hi = VOCABULARY - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (zipfCdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** A whole sequence with positions {@code pos[i] = i · stride} (stride > 1 leaves gaps). */
    public TokenSequence sequence(long seq, int n, long stride) {
        long[] pos = new long[n];
        float[] q = new float[n * d];
        float[] k = new float[n * d];
        float[] v = new float[n * dv];
        for (int i = 0; i < n; i++) {
            pos[i] = i * stride;
            fill(seq, pos[i], q, k, i * d, v, i * dv);
        }
        return TokenSequence.of(pos, q, k, v, d, dv);
    }
}
