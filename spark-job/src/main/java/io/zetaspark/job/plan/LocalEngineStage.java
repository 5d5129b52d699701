package io.zetaspark.job.plan;

import io.zetaspark.job.plan.rows.OutRow;
import io.zetaspark.job.plan.rows.TokenRow;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The whole operator inside one task, one sequence at a time: a partition's rows arrive sorted by
 * (seq, queryFrom, pos); each sequence (or part of a split sequence: the rows below queryFrom are
 * its keys only) is gathered into primitive arrays and run through the in-memory engine
 * {@link ZetaAttention}, streamed token by token through its cursor (the reference every other
 * path reproduces, so the bytes are the engine's by construction). The plan routes here every sequence that fits one task's memory budget
 * ({@link ZetaPlan#LOCAL_MAX_TOKENS_CONF}); one sequence at a time is held, so a task's memory is
 * bounded by its longest sequence, not by its share of the input.
 */
final class LocalEngineStage {
    private LocalEngineStage() {
    }

    /**
     * Estimated peak heap bytes per token of one streamed in-memory run ({@link ZetaAttention#cursor}):
     * the sequence's arrays (allocated once at the sequence's known length), the codes of every
     * curve and one level's sorted runs per curve. The outputs stream out one
     * token at a time, so nothing grows with k; the engine's selection block (at most 2^21 selected
     * entries, about 25 MB, whatever the sequence's length) is a constant that the budget's
     * margin holds.
     */
    static long bytesPerToken(ZetaParams params, int d, int dv) {
        int c = params.curves();
        long input = 8L + 4L * (2L * d + dv);
        long codes = 16L * c;
        long runs = (long) c * (8 + 4 + 4L * d); // codes and packed (index, key vector) rows of one level
        return input + codes + runs;
    }

    /**
     * @param counts tokens per sequence when known (the validation pass counted them): the arrays
     *               are then allocated once at the right length; null: they grow by doubling
     */
    static Iterator<OutRow> run(Iterator<TokenRow> rows, ZetaParams params, int d, int dv,
                                java.util.Map<String, Long> counts) {
        FaultInjection.at("engine");
        return new SequenceIterator(new Peeking<>(rows), params, d, dv, counts);
    }

    private static final class SequenceIterator implements Iterator<OutRow> {
        private final Peeking<TokenRow> in;
        private final ZetaAttention engine;
        private final java.util.Map<String, Long> counts;
        private final int d;
        private final int dv;
        private long[] pos;
        private float[] q;
        private float[] k;
        private float[] v;
        private String seq;
        private long queryFrom;
        private ZetaAttention.Cursor cursor;

        SequenceIterator(Peeking<TokenRow> in, ZetaParams params, int d, int dv, java.util.Map<String, Long> counts) {
            this.in = in;
            this.engine = new ZetaAttention(params);
            this.counts = counts;
            this.d = d;
            this.dv = dv;
        }

        @Override
        public boolean hasNext() {
            while (cursor == null || !cursor.hasNext()) {
                cursor = null;
                if (!in.hasNext()) {
                    return false;
                }
                loadSequence();
            }
            return true;
        }

        private void allocate(int cap) {
            pos = new long[cap];
            q = new float[cap * d];
            k = new float[cap * d];
            v = new float[cap * dv];
        }

        private void loadSequence() {
            seq = in.peek().getSeq();
            queryFrom = in.peek().getQueryFrom();
            Long known = counts == null ? null : counts.get(seq);
            allocate(known == null ? 1024 : Math.toIntExact(known));
            int n = 0;
            int first = -1; // the first query: rows below queryFrom are keys only (a part of a split sequence)
            while (in.hasNext() && in.peek().getSeq().equals(seq) && in.peek().getQueryFrom() == queryFrom) {
                TokenRow t = in.next();
                if (n == pos.length) {
                    int cap = Math.max(16, n * 2);
                    pos = Arrays.copyOf(pos, cap);
                    q = Arrays.copyOf(q, cap * d);
                    k = Arrays.copyOf(k, cap * d);
                    v = Arrays.copyOf(v, cap * dv);
                }
                pos[n] = t.getPos();
                if (first < 0 && t.getPos() >= queryFrom) {
                    first = n;
                }
                System.arraycopy(t.getQ(), 0, q, n * d, d);
                System.arraycopy(t.getK(), 0, k, n * d, d);
                System.arraycopy(t.getV(), 0, v, n * dv, dv);
                n++;
            }
            TokenSequence s = n == pos.length ? TokenSequence.of(pos, q, k, v, d, dv)
                    : TokenSequence.of(Arrays.copyOf(pos, n), Arrays.copyOf(q, n * d), Arrays.copyOf(k, n * d),
                            Arrays.copyOf(v, n * dv), d, dv);
            pos = null; // the sequence owns the arrays now
            q = null;
            k = null;
            v = null;
            cursor = engine.cursor(s, first < 0 ? n : first);
        }

        @Override
        public OutRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ZetaAttention.Cursor c = cursor;
            c.advance();
            OutRow o = new OutRow();
            o.setSeq(seq);
            o.setPos(c.pos);
            o.setOut(c.out.clone());
            o.setNbrPos(Arrays.copyOf(c.nbrPos, c.count));
            o.setNbrW(Arrays.copyOf(c.nbrW, c.count));
            o.setNnDist(c.nnDist);
            return o;
        }
    }
}
