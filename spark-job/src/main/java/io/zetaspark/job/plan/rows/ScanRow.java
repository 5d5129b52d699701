package io.zetaspark.job.plan.rows;

/**
 * What the window scan reads from a row of one sorted run: a key (tag 0) or a query (tag 1) at
 * {@code pos} with its vector, the run it belongs to ({@link #runMajor}, {@link #runMinor} within
 * a sequence) and its code on the run's curve. The methods are not bean properties, so they add no
 * column to the encoded rows.
 */
public interface ScanRow {
    String getSeq();

    int getTag();

    long getPos();

    float[] getVec();

    /** The first part of the run's identity within the sequence. */
    int runMajor();

    /** The second part of the run's identity within the sequence. */
    int runMinor();

    /** The Morton code on the run's curve (equal codes are jumped together by the scan). */
    long scanCode();
}
