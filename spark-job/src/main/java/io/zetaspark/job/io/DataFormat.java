package io.zetaspark.job.io;

import java.util.Locale;

/**
 * File formats the job reads and writes. CSV has no array type: array columns are written as one
 * string of {@code ;}-separated numbers ({@code 1.0;-2.5;3.0E-5}, Java's shortest round-trip
 * notation) and the q, k and v columns of a CSV input are parsed back the same way.
 */
public enum DataFormat {
    PARQUET, JSON, CSV;

    /** Separator of array elements in CSV cells. */
    public static final String ARRAY_SEPARATOR = ";";

    public static DataFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown format '" + name + "': expected parquet, json or csv", e);
        }
    }

    /** The name Spark's DataFrameReader/Writer uses. */
    public String sparkName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
