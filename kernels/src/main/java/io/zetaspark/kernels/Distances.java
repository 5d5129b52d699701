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
