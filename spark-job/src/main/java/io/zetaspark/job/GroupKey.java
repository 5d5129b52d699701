package io.zetaspark.job;

import java.io.Serializable;
import java.util.Objects;

/** Identity of one sorted run of the window stage: (seq, level, curve). */
final class GroupKey implements Serializable {
    private static final long serialVersionUID = 1L;

    final String seq;
    final int level;
    final int curve;

    GroupKey(String seq, int level, int curve) {
        this.seq = seq;
        this.level = level;
        this.curve = curve;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GroupKey)) {
            return false;
        }
        GroupKey g = (GroupKey) o;
        return level == g.level && curve == g.curve && seq.equals(g.seq);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seq, level, curve);
    }

    @Override
    public String toString() {
        return "(" + seq + ", level " + level + ", curve " + curve + ")";
    }
}
