package io.zetaspark.job.plan;

import io.zetaspark.job.plan.rows.GroupRow;
import io.zetaspark.job.plan.rows.OutRow;
import io.zetaspark.kernels.Attention;
import io.zetaspark.kernels.Distances;
import io.zetaspark.kernels.TopK;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The last stage, one (seq, chunk) group at a time: the chunk's tokens (tag 1, by position), its
 * mean-slot offset (tag 0) and the selected far keys of its queries with their values (tag 2, by
 * query then rank). For each query it scores the own chunk exactly, merges with the far keys into
 * the final top-k, adds the mean slot and computes the outputs with the kernels' {@link Attention},
 * in the same order of operations as {@link ZetaAttention}.
 */
final class FinalStage {
    private FinalStage() {
    }

    static Iterator<OutRow> run(Iterator<GroupRow> rows, ZetaParams params, int d, int dv) {
        FaultInjection.at("final");
        return new FinalIterator(new Peeking<>(rows), params, d, dv);
    }

    private static final class FinalIterator implements Iterator<OutRow> {
        private final Peeking<GroupRow> in;
        private final int d;
        private final int dv;
        private final int k;
        private final boolean causal;
        private final boolean self;
        private final boolean mean;
        private final Attention att;
        private final TopK top;
        // current chunk
        private String seq;
        private long offsetCount;
        private double[] offsetSum;
        private final List<GroupRow> tokens = new ArrayList<>();
        private final List<GroupRow> far = new ArrayList<>();
        private int next;
        private int farNext;
        private double[] own;
        private long ownCount;
        // scratch
        private final double[] selDist;
        private final long[] selPos;
        private final int[] selPay;
        private final float[] vals;
        private final int[] valOff;
        private final double[] sum;
        private final double[] meanK;
        private final double[] meanV;

        FinalIterator(Peeking<GroupRow> in, ZetaParams params, int d, int dv) {
            this.in = in;
            this.d = d;
            this.dv = dv;
            this.k = params.k();
            this.causal = params.causal();
            this.self = params.includeSelf();
            this.mean = params.meanSlot();
            this.att = new Attention(params, dv);
            this.top = new TopK(k);
            this.selDist = new double[k];
            this.selPos = new long[k];
            this.selPay = new int[k];
            this.vals = new float[k * dv];
            this.valOff = new int[k];
            for (int j = 0; j < k; j++) {
                valOff[j] = j * dv;
            }
            this.sum = new double[d + dv];
            this.meanK = new double[d];
            this.meanV = new double[dv];
        }

        @Override
        public boolean hasNext() {
            while (next >= tokens.size()) {
                if (!in.hasNext()) {
                    return false;
                }
                load();
            }
            return true;
        }

        private void load() {
            GroupRow first = in.peek();
            seq = first.getSeq();
            long chunk = first.getChunk();
            tokens.clear();
            far.clear();
            next = 0;
            farNext = 0;
            offsetCount = 0;
            offsetSum = null;
            own = new double[d + dv];
            ownCount = 0;
            while (in.hasNext() && in.peek().getChunk() == chunk && in.peek().getSeq().equals(seq)) {
                GroupRow r = in.next();
                switch (r.getTag()) {
                    case 0:
                        offsetCount = r.getCount();
                        offsetSum = r.getSum();
                        break;
                    case 1:
                        tokens.add(r);
                        break;
                    default:
                        far.add(r);
                        break;
                }
            }
            if (mean && offsetSum == null) {
                throw new IllegalStateException("missing mean-slot offset for seq " + seq + " chunk " + chunk);
            }
        }

        @Override
        public OutRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int i = next++;
            GroupRow t = tokens.get(i);
            long p = t.getPos();
            float[] q = t.getQ();
            top.reset(k);
            int ownEnd = causal ? (self ? i + 1 : i) : tokens.size();
            for (int j = 0; j < ownEnd; j++) {
                if (!self && j == i) {
                    continue;
                }
                GroupRow o = tokens.get(j);
                top.offer(Distances.squared(q, 0, o.getK(), 0, d), o.getPos(), j);
            }
            if (farNext < far.size() && far.get(farNext).getPos() < p) {
                // every query of a chunk has a token row; a far key before it would be silently lost
                throw new IllegalStateException("seq " + seq + ": selected far key for position "
                        + far.get(farNext).getPos() + " has no token row in its chunk");
            }
            while (farNext < far.size() && far.get(farNext).getPos() == p) {
                GroupRow f = far.get(farNext);
                top.offer(f.getDist(), f.getKpos(), -1 - farNext);
                farNext++;
            }
            int cnt = top.drainSorted(selDist, selPos, selPay, 0);
            for (int j = 0; j < cnt; j++) {
                int pay = selPay[j];
                float[] v = pay >= 0 ? tokens.get(pay).getV() : far.get(-1 - pay).getV();
                System.arraycopy(v, 0, vals, j * dv, dv);
            }
            boolean hasMean = false;
            double meanDist = 0.0;
            if (mean) {
                long eligible;
                if (causal) {
                    if (!self) {
                        prefix();
                        eligible = offsetCount + ownCount;
                        addOwn(t);
                    } else {
                        addOwn(t);
                        prefix();
                        eligible = offsetCount + ownCount;
                    }
                } else {
                    eligible = self ? offsetCount : offsetCount - 1;
                    float[] kk = t.getK();
                    float[] vv = t.getV();
                    for (int c = 0; c < d; c++) {
                        sum[c] = self ? offsetSum[c] : offsetSum[c] - kk[c];
                    }
                    for (int c = 0; c < dv; c++) {
                        sum[d + c] = self ? offsetSum[d + c] : offsetSum[d + c] - vv[c];
                    }
                }
                if (eligible > 0) {
                    hasMean = true;
                    ZetaAttention.meanOf(sum, eligible, d, dv, meanK, meanV);
                    meanDist = Distances.squared(q, 0, meanK, 0, d);
                }
            }
            float[] out = new float[dv];
            float[] w = new float[cnt];
            att.apply(cnt, selDist, 0, vals, valOff, hasMean, meanDist, meanV, out, 0, w, 0);
            OutRow o = new OutRow();
            o.setSeq(seq);
            o.setPos(p);
            o.setOut(out);
            o.setNbrPos(Arrays.copyOf(selPos, cnt));
            o.setNbrW(w);
            o.setNnDist(cnt == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(selDist[0]));
            return o;
        }

        private void addOwn(GroupRow t) {
            float[] kk = t.getK();
            float[] vv = t.getV();
            for (int c = 0; c < d; c++) {
                own[c] += kk[c];
            }
            for (int c = 0; c < dv; c++) {
                own[d + c] += vv[c];
            }
            ownCount++;
        }

        // (superblocks + chunks) + own: offsetSum already holds superblocks + chunks
        private void prefix() {
            for (int c = 0; c < d + dv; c++) {
                sum[c] = offsetSum[c] + own[c];
            }
        }
    }
}
