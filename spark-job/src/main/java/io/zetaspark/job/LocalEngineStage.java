package io.zetaspark.job;

import io.zetaspark.job.rows.OutRow;
import io.zetaspark.job.rows.TokenRow;
import io.zetaspark.kernels.AttentionResult;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The whole operator inside one task, one sequence at a time: a partition's rows arrive sorted by
 * (seq, pos); each sequence is gathered into primitive arrays and run through the in-memory engine
 * {@link ZetaAttention} (the reference every other path reproduces, so the bytes are the engine's
 * by construction). The plan routes here every sequence that fits one task's memory budget
 * ({@link ZetaPlan#LOCAL_MAX_TOKENS_CONF}); one sequence at a time is held, so a task's memory is
 * bounded by its longest sequence, not by its share of the input.
 */
final class LocalEngineStage {
    private LocalEngineStage() {
    }

    /**
     * Estimated peak heap bytes per token of one in-memory run: input arrays, the codes of every
     * curve, the per-level sorted runs (about two copies per key), the selection and the outputs.
     */
    static long bytesPerToken(ZetaParams params, int d, int dv) {
        int c = params.curves();
        int k = params.k();
        long input = 8L + 4L * (2L * d + dv) * 2; // the gathered arrays, and TokenSequence's sorted copy at worst
        long codes = 16L * c;
        long runs = 2L * c * (8 + 8 + 4 + 4L * d); // codes, pos, id, key vectors of two levels
        long selection = (long) k * (8 + 8 + 4 + 4); // pos, dist, idx, nbr_w
        long outputs = 4L * dv + 8 + 64; // out, nn_dist, row objects while the result streams out
        return input + codes + runs + selection + outputs;
    }

    static Iterator<OutRow> run(Iterator<TokenRow> rows, ZetaParams params, int d, int dv) {
        return new SequenceIterator(new Peeking<>(rows), params, d, dv);
    }

    private static final class SequenceIterator implements Iterator<OutRow> {
        private final Peeking<TokenRow> in;
        private final ZetaAttention engine;
        private final int d;
        private final int dv;
        private long[] pos;
        private float[] q;
        private float[] k;
        private float[] v;
        private String seq;
        private AttentionResult result;
        private int next;

        SequenceIterator(Peeking<TokenRow> in, ZetaParams params, int d, int dv) {
            this.in = in;
            this.engine = new ZetaAttention(params);
            this.d = d;
            this.dv = dv;
            allocate(1024);
        }

        private void allocate(int cap) {
            pos = new long[cap];
            q = new float[cap * d];
            k = new float[cap * d];
            v = new float[cap * dv];
        }

        @Override
        public boolean hasNext() {
            while (result == null || next >= result.size()) {
                result = null;
                if (!in.hasNext()) {
                    return false;
                }
                loadSequence();
            }
            return true;
        }

        private void loadSequence() {
            seq = in.peek().getSeq();
            int n = 0;
            while (in.hasNext() && in.peek().getSeq().equals(seq)) {
                TokenRow t = in.next();
                if (n == pos.length) {
                    int cap = n * 2;
                    pos = Arrays.copyOf(pos, cap);
                    q = Arrays.copyOf(q, cap * d);
                    k = Arrays.copyOf(k, cap * d);
                    v = Arrays.copyOf(v, cap * dv);
                }
                pos[n] = t.getPos();
                System.arraycopy(t.getQ(), 0, q, n * d, d);
                System.arraycopy(t.getK(), 0, k, n * d, d);
                System.arraycopy(t.getV(), 0, v, n * dv, dv);
                n++;
            }
            TokenSequence s = TokenSequence.of(Arrays.copyOf(pos, n), Arrays.copyOf(q, n * d),
                    Arrays.copyOf(k, n * d), Arrays.copyOf(v, n * dv), d, dv);
            result = engine.run(s);
            next = 0;
            if (pos.length > 1 << 16) { // do not keep a long sequence's buffers for the next, short ones
                allocate(1024);
            }
        }

        @Override
        public OutRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int i = next++;
            OutRow o = new OutRow();
            o.setSeq(seq);
            o.setPos(result.pos[i]);
            o.setOut(result.outOf(i));
            o.setNbrPos(result.selection.positionsOf(i));
            o.setNbrW(result.weightsOf(i));
            o.setNnDist(result.nnDist[i]);
            return o;
        }
    }
}
