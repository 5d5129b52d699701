package io.zetaspark.kernels;

/** The one squared-distance expression every engine uses (docs/ALGORITHM.md): double, m = 0..d−1, no FMA. */
public final class Distances {
    private Distances() {
    }

    public static double squared(float[] a, int aOff, float[] b, int bOff, int d) {
        double s = 0.0;
        for (int m = 0; m < d; m++) {
            double diff = (double) a[aOff + m] - (double) b[bOff + m];
            s += diff * diff;
        }
        return s;
    }

    /**
     * {@link #squared(float[], int, float[], int, int)} for d = 3 with the query's components
     * already widened (held in registers across a loop of keys): the same operations in the same
     * order ({@code 0.0 + x·x} is {@code x·x}), so the same bits.
     */
    public static double squared3(double q0, double q1, double q2, float[] b, int bOff) {
        double x = q0 - (double) b[bOff];
        double y = q1 - (double) b[bOff + 1];
        double z = q2 - (double) b[bOff + 2];
        double s = x * x;
        s += y * y;
        s += z * z;
        return s;
    }

    /** Distance from a float query to a double point (the mean slot's key). */
    public static double squared(float[] a, int aOff, double[] b, int bOff, int d) {
        double s = 0.0;
        for (int m = 0; m < d; m++) {
            double diff = (double) a[aOff + m] - b[bOff + m];
            s += diff * diff;
        }
        return s;
    }
}
