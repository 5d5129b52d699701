package io.zetaspark.job.plan;

import io.zetaspark.job.plan.rows.ChunkSumRow;
import io.zetaspark.job.plan.rows.TokenRow;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The mean slot's sums in the fixed hierarchical order of {@link io.zetaspark.kernels.HierarchicalSum}
 * (docs/ALGORITHM.md): chunk totals in position order, chunk prefixes within a super-block of M
 * chunks in chunk order, super-block prefixes in order. Each function streams over rows sorted by
 * the stated keys and adds in exactly the order the in-memory engine does, so the doubles are equal.
 */
final class MeanSlotStages {
    private MeanSlotStages() {
    }

    /** Tokens sorted by (seq, chunk, pos) → one total of [k, v] per chunk. */
    static Iterator<ChunkSumRow> chunkTotals(Iterator<TokenRow> rows, int d, int dv) {
        Peeking<TokenRow> in = new Peeking<>(rows);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return in.hasNext();
            }

            @Override
            public ChunkSumRow next() {
                if (!in.hasNext()) {
                    throw new NoSuchElementException();
                }
                TokenRow first = in.peek();
                String seq = first.getSeq();
                long chunk = first.getChunk();
                double[] sum = new double[d + dv];
                long count = 0;
                while (in.hasNext() && in.peek().getChunk() == chunk && in.peek().getSeq().equals(seq)) {
                    TokenRow t = in.next();
                    float[] k = t.getK();
                    float[] v = t.getV();
                    for (int i = 0; i < d; i++) {
                        sum[i] += k[i];
                    }
                    for (int i = 0; i < dv; i++) {
                        sum[d + i] += v[i];
                    }
                    count++;
                }
                return row(seq, chunk, count, sum);
            }
        };
    }

    static ChunkSumRow row(String seq, long chunk, long count, double[] sum) {
        ChunkSumRow r = new ChunkSumRow();
        r.setSeq(seq);
        r.setChunk(chunk);
        r.setCount(count);
        r.setSum(sum);
        return r;
    }

    /**
     * Rows sorted by (seq, group, member) where {@code group(member)} is given → for every member,
     * the sequential sum (and count) of the earlier members of its group; with {@code totals} the
     * output is instead one row per group holding the group's total (chunk field = group id).
     */
    static Iterator<ChunkSumRow> prefixWithin(Iterator<ChunkSumRow> rows, long groupSize, boolean totals) {
        Peeking<ChunkSumRow> in = new Peeking<>(rows);
        return new Iterator<>() {
            private final List<ChunkSumRow> pending = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < pending.size()) {
                    return true;
                }
                pending.clear();
                next = 0;
                if (!in.hasNext()) {
                    return false;
                }
                ChunkSumRow first = in.peek();
                String seq = first.getSeq();
                long group = groupSize <= 0 ? 0 : first.getChunk() / groupSize;
                int w = first.getSum().length;
                double[] acc = new double[w];
                long count = 0;
                while (in.hasNext() && in.peek().getSeq().equals(seq)
                        && (groupSize <= 0 ? 0 : in.peek().getChunk() / groupSize) == group) {
                    ChunkSumRow r = in.next();
                    if (!totals) {
                        pending.add(row(seq, r.getChunk(), count, acc.clone()));
                    }
                    double[] s = r.getSum();
                    for (int i = 0; i < w; i++) {
                        acc[i] += s[i];
                    }
                    count += r.getCount();
                }
                if (totals) {
                    pending.add(row(seq, groupSize <= 0 ? -1 : group, count, acc));
                }
                return true;
            }

            @Override
            public ChunkSumRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.get(next++);
            }
        };
    }
}
