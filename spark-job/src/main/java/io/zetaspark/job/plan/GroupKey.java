package io.zetaspark.job.plan;

import io.zetaspark.job.plan.rows.ScanRow;
import java.io.Serializable;
import java.util.Objects;

/**
 * Identity of one sorted run of the scan: (seq, major, minor), that is (seq, level, curve) for the
 * window stage and (seq, query block, key block) for exact mode's brute force ({@link ScanRow}).
 */
final class GroupKey implements Serializable {
    private static final long serialVersionUID = 1L;

    final String seq;
    final int major;
    final int minor;

    GroupKey(String seq, int major, int minor) {
        this.seq = seq;
        this.major = major;
        this.minor = minor;
    }

    static GroupKey of(ScanRow r) {
        return new GroupKey(r.getSeq(), r.runMajor(), r.runMinor());
    }

    /** Whether {@code r} belongs to this run. */
    boolean holds(ScanRow r) {
        return r.runMajor() == major && r.runMinor() == minor && r.getSeq().equals(seq);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GroupKey)) {
            return false;
        }
        GroupKey g = (GroupKey) o;
        return major == g.major && minor == g.minor && seq.equals(g.seq);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seq, major, minor);
    }

    @Override
    public String toString() {
        return "(" + seq + ", " + major + ", " + minor + ")";
    }
}
