package io.zetaspark.job.plan;

import io.zetaspark.job.plan.rows.CandRow;
import io.zetaspark.kernels.TopK;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Per-query merge of partial candidate lists (one per curve window, or per brute-force block): the
 * top-k of their union, deduplicated by key position. Because every source ranks with the same
 * total order, the top-k of per-source top-k lists is the top-k of the union of all candidates.
 * Input rows must arrive sorted (or at least grouped) by (seq, pos).
 */
final class MergeStage {
    private MergeStage() {
    }

    static Iterator<CandRow> merge(Iterator<CandRow> rows, int k) {
        FaultInjection.at("merge");
        Peeking<CandRow> in = new Peeking<>(rows);
        TopK top = new TopK(k);
        double[] dist = new double[k];
        long[] pos = new long[k];
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return in.hasNext();
            }

            @Override
            public CandRow next() {
                if (!in.hasNext()) {
                    throw new NoSuchElementException();
                }
                CandRow first = in.peek();
                String seq = first.getSeq();
                long q = first.getPos();
                top.reset(k);
                while (in.hasNext() && in.peek().getPos() == q && in.peek().getSeq().equals(seq)) {
                    CandRow c = in.next();
                    double[] cd = c.getDist();
                    long[] cp = c.getKpos();
                    for (int j = 0; j < cd.length; j++) {
                        top.offerDistinct(cd[j], cp[j], 0);
                    }
                }
                int n = top.drainSorted(dist, pos, null, 0);
                CandRow out = new CandRow();
                out.setSeq(seq);
                out.setPos(q);
                out.setDist(Arrays.copyOf(dist, n));
                out.setKpos(Arrays.copyOf(pos, n));
                return out;
            }
        };
    }
}
