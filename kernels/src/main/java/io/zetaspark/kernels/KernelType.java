package io.zetaspark.kernels;

import java.util.Locale;

/**
 * The weight kernel applied to a squared distance {@code δ = ||q − k||²}. {@link #CAUCHY} is the
 * paper's adaptive Cauchy softmax (§3.3); the others are the paper's ablations.
 */
public enum KernelType {
    /** {@code w = 1 / (δ + γ²)}. */
    CAUCHY,
    /** {@code w = exp(−(δ − δ_ref) / τ)}, δ_ref the smallest distance among the slots of one query. */
    SOFTMAX,
    /** {@code w = 1 / (sqrt(δ) + 1e-6)}. */
    INVERSE;

    /** Parses a kernel name case-insensitively, naming the accepted values on failure. */
    public static KernelType parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "unknown kernel '" + name + "': expected one of cauchy, softmax, inverse", e);
        }
    }
}
