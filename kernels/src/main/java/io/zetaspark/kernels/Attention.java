package io.zetaspark.kernels;

/**
 * Weights and the attention output of one query from its selected keys and the mean slot
 * (docs/ALGORITHM.md, "Weights, mean slot and outputs"). Accumulates in double in candidate order,
 * then the mean slot, and stores floats. Shared by the in-memory engine, the oracle and the Spark
 * job so that all produce the same bytes.
 */
public final class Attention {
    /** ε of the inverse-distance kernel. */
    public static final double INVERSE_EPS = 1e-6;

    private final KernelType kernel;
    private final double gammaSq;
    private final double tau;
    private final int dv;
    private final double[] num;
    /** Receives the touch pass's sum, so the JIT keeps its loads. */
    private float touched;

    public Attention(ZetaParams params, int dv) {
        this.kernel = params.kernel();
        this.gammaSq = params.gamma() * params.gamma();
        this.tau = params.tau();
        this.dv = dv;
        this.num = new double[dv];
    }

    /** The weight of a slot at squared distance δ; {@code ref} is the smallest slot distance of the query (softmax only). */
    public double weight(double delta, double ref) {
        switch (kernel) {
            case CAUCHY:
                return 1.0 / (delta + gammaSq);
            case SOFTMAX:
                return Math.exp(-(delta - ref) / tau);
            case INVERSE:
                return 1.0 / (Math.sqrt(delta) + INVERSE_EPS);
            default:
                throw new IllegalStateException(String.valueOf(kernel));
        }
    }

    /**
     * Loads one float of every 64-byte line of the selected value rows before the accumulation
     * uses them. The rows sit at random places of a long sequence's value array, so each is a cache
     * miss; these loads are independent of each other and the processor overlaps them, whereas the
     * accumulation loop meets them one row at a time. Changes no result.
     */
    private void touch(int count, float[] vals, int[] valOff) {
        float acc = 0.0f;
        for (int j = 0; j < count; j++) {
            int vo = valOff[j];
            for (int i = 0; i < dv; i += 16) {
                acc += vals[vo + i];
            }
        }
        touched = acc;
    }

    /**
     * Computes one query's outputs.
     *
     * @param count     number of selected keys
     * @param dist      their squared distances, best first ({@code dist[distOff + j]})
     * @param values    the value vectors of the selected keys, row j at {@code valOff[j]} in {@code vals}
     * @param hasMean   whether the mean slot takes part
     * @param meanDist  squared distance from the query to the mean key
     * @param meanV     the mean value vector (length dv)
     * @param out       receives the output vector at {@code out[outOff .. outOff+dv)}
     * @param nbrW      receives the normalised weights of the selected keys at {@code nbrW[wOff + j]}
     * @return the normalising total Σw (0 when there is no slot)
     */
    public double apply(int count, double[] dist, int distOff, float[] vals, int[] valOff,
                        boolean hasMean, double meanDist, double[] meanV,
                        float[] out, int outOff, float[] nbrW, int wOff) {
        double ref = Double.POSITIVE_INFINITY;
        if (kernel == KernelType.SOFTMAX) {
            for (int j = 0; j < count; j++) {
                ref = Math.min(ref, dist[distOff + j]);
            }
            if (hasMean) {
                ref = Math.min(ref, meanDist);
            }
        }
        touch(count, vals, valOff);
        for (int i = 0; i < dv; i++) {
            num[i] = 0.0;
        }
        double total = 0.0;
        for (int j = 0; j < count; j++) {
            double w = weight(dist[distOff + j], ref);
            total += w;
            int vo = valOff[j];
            for (int i = 0; i < dv; i++) {
                num[i] += w * vals[vo + i];
            }
        }
        double meanW = 0.0;
        if (hasMean) {
            meanW = weight(meanDist, ref);
            total += meanW;
            for (int i = 0; i < dv; i++) {
                num[i] += meanW * meanV[i];
            }
        }
        if (total > 0.0) {
            for (int i = 0; i < dv; i++) {
                out[outOff + i] = (float) (num[i] / total);
            }
            if (nbrW != null) {
                for (int j = 0; j < count; j++) {
                    nbrW[wOff + j] = (float) (weight(dist[distOff + j], ref) / total);
                }
            }
        } else {
            for (int i = 0; i < dv; i++) {
                out[outOff + i] = 0.0f;
            }
        }
        return total;
    }
}
