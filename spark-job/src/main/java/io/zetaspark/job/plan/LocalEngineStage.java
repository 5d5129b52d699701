package io.zetaspark.job.plan;

import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.plan.rows.OutRow;
import io.zetaspark.job.plan.rows.OutRowWriter;
import io.zetaspark.job.plan.rows.RoutedRows;
import io.zetaspark.job.plan.rows.TokenRow;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

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
     * margin holds. The level sort's scratch while a level is built (24 bytes per key: the codes
     * being sorted, their copy, the order and its copy) is not counted either: it lives only while
     * one level is sorted and fits the 60% of the heap share that the limit leaves (the peak heap
     * of a 4M-token run stayed at 6.2 GiB with it).
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
        return new SequenceIterator<OutRow>(new BeanRows(rows, d, dv), params, d, dv, counts, java.util.Set.of()) {
            @Override
            OutRow emit(String seq, ZetaAttention.Cursor c) {
                return bean(seq, c);
            }
        };
    }

    /**
     * The engine over the validation pass's rows as Spark left them ({@link RoutedRows}), straight
     * from the sorter into the primitive arrays; the sequences named in {@code skip} (they run
     * through the distributed plan) are passed over without being read. Emits Spark's own rows
     * ({@link OutRowWriter}, the columns of the bean path's projection, named by {@code cols}), not
     * beans; the row object is reused: each row is valid until the next one is asked for.
     */
    static Iterator<InternalRow> runRoutedRows(Iterator<InternalRow> rows, ZetaParams params, int d, int dv,
                                               java.util.Map<String, Long> counts, boolean longSeq,
                                               java.util.Set<String> skip, ZetaColumns cols) {
        FaultInjection.at("engine");
        SparkRows in = new SparkRows(rows, longSeq, d, dv);
        OutRowWriter writer = new OutRowWriter(longSeq, cols);
        return new SequenceIterator<InternalRow>(in, params, d, dv, counts, skip) {
            // the key of the sequence being emitted, copied when it is loaded (the reader's key
            // moves on to the next group only after this sequence's last token)
            private boolean seqNull;
            private long seqNumber;
            private UTF8String seqText;

            @Override
            void loaded() {
                seqNull = in.key.isNull();
                seqNumber = in.key.number();
                seqText = in.key.text();
            }

            @Override
            InternalRow emit(String seq, ZetaAttention.Cursor c) {
                return writer.write(seqNull, seqNumber, seqText, c.pos, c.out, c.nbrPos, c.nbrW, c.count, c.nnDist);
            }
        };
    }

    private static OutRow bean(String seq, ZetaAttention.Cursor c) {
        OutRow o = new OutRow();
        o.setSeq(seq);
        o.setPos(c.pos);
        o.setOut(c.out.clone());
        o.setNbrPos(Arrays.copyOf(c.nbrPos, c.count));
        o.setNbrW(Arrays.copyOf(c.nbrW, c.count));
        o.setNnDist(c.nnDist);
        return o;
    }

    /** A stream of token rows grouped by (seq, queryFrom), read one group at a time into primitive arrays. */
    private interface Rows {
        /** Whether a row is left; positions the reader on the first row of the next group. */
        boolean hasGroup();

        String seq();

        long queryFrom();

        /** Whether the current row belongs to the current group; false ends the group. */
        boolean inGroup();

        long pos();

        /** Copies the current row's q, k and v to row {@code n} of the arrays, then advances. */
        void copyAndAdvance(int n, float[] q, float[] k, float[] v);

        /** Skips the current row. */
        void skip();
    }

    /** Token beans (the general path, already hash-partitioned and sorted by (seq, pos)). */
    private static final class BeanRows implements Rows {
        private final Peeking<TokenRow> in;
        private final int d;
        private final int dv;
        private String seq;
        private long queryFrom;

        BeanRows(Iterator<TokenRow> rows, int d, int dv) {
            this.in = new Peeking<>(rows);
            this.d = d;
            this.dv = dv;
        }

        @Override
        public boolean hasGroup() {
            if (!in.hasNext()) {
                return false;
            }
            seq = in.peek().getSeq();
            queryFrom = in.peek().getQueryFrom();
            return true;
        }

        @Override
        public String seq() {
            return seq;
        }

        @Override
        public long queryFrom() {
            return queryFrom;
        }

        @Override
        public boolean inGroup() {
            return in.hasNext() && in.peek().getSeq().equals(seq) && in.peek().getQueryFrom() == queryFrom;
        }

        @Override
        public long pos() {
            return in.peek().getPos();
        }

        @Override
        public void copyAndAdvance(int n, float[] q, float[] k, float[] v) {
            TokenRow t = in.next();
            System.arraycopy(t.getQ(), 0, q, n * d, d);
            System.arraycopy(t.getK(), 0, k, n * d, d);
            System.arraycopy(t.getV(), 0, v, n * dv, dv);
        }

        @Override
        public void skip() {
            in.next();
        }
    }

    /**
     * Spark's rows from the sorter. Spark reuses the row object, so the current row is read before
     * the iterator advances (it is never held across an advance), and the group's key is cloned.
     */
    private static final class SparkRows implements Rows {
        private final Iterator<InternalRow> in;
        final RoutedRows.SeqKey key;
        private final int d;
        private final int dv;
        private InternalRow current;
        private long queryFrom;

        SparkRows(Iterator<InternalRow> in, boolean longSeq, int d, int dv) {
            this.in = in;
            this.key = new RoutedRows.SeqKey(longSeq);
            this.d = d;
            this.dv = dv;
        }

        @Override
        public boolean hasGroup() {
            if (current == null) {
                if (!in.hasNext()) {
                    return false;
                }
                current = in.next();
            }
            key.take(current);
            queryFrom = current.getLong(RoutedRows.QUERY_FROM);
            return true;
        }

        @Override
        public String seq() {
            return key.string();
        }

        @Override
        public long queryFrom() {
            return queryFrom;
        }

        @Override
        public boolean inGroup() {
            return current != null && key.matches(current) && current.getLong(RoutedRows.QUERY_FROM) == queryFrom;
        }

        @Override
        public long pos() {
            return current.getLong(RoutedRows.POS);
        }

        @Override
        public void copyAndAdvance(int n, float[] q, float[] k, float[] v) {
            RoutedRows.copyFloats(current.getArray(RoutedRows.Q), d, q, n * d);
            RoutedRows.copyFloats(current.getArray(RoutedRows.K), d, k, n * d);
            RoutedRows.copyFloats(current.getArray(RoutedRows.V), dv, v, n * dv);
            skip();
        }

        @Override
        public void skip() {
            current = in.hasNext() ? in.next() : null;
        }
    }

    /** The engine over a stream of groups, one sequence (or part) loaded at a time; {@link #emit} makes the output rows. */
    private abstract static class SequenceIterator<T> implements Iterator<T> {
        private final Rows in;
        private final ZetaAttention engine;
        private final java.util.Map<String, Long> counts;
        private final java.util.Set<String> skip;
        private final int d;
        private final int dv;
        private long[] pos;
        private float[] q;
        private float[] k;
        private float[] v;
        private String seq;
        private long queryFrom;
        private ZetaAttention.Cursor cursor;

        SequenceIterator(Rows in, ZetaParams params, int d, int dv, java.util.Map<String, Long> counts,
                         java.util.Set<String> skip) {
            this.in = in;
            this.engine = new ZetaAttention(params);
            this.counts = counts;
            this.skip = skip;
            this.d = d;
            this.dv = dv;
        }

        @Override
        public boolean hasNext() {
            while (cursor == null || !cursor.hasNext()) {
                cursor = null;
                if (!in.hasGroup()) {
                    return false;
                }
                if (skip.contains(in.seq())) {
                    while (in.inGroup()) {
                        in.skip();
                    }
                    continue;
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
            seq = in.seq();
            queryFrom = in.queryFrom();
            Long known = counts == null ? null : counts.get(seq);
            allocate(known == null ? 1024 : Math.toIntExact(known));
            int n = 0;
            int first = -1; // the first query: rows below queryFrom are keys only (a part of a split sequence)
            while (in.inGroup()) {
                if (n == pos.length) {
                    int cap = Math.max(16, n * 2);
                    pos = Arrays.copyOf(pos, cap);
                    q = Arrays.copyOf(q, cap * d);
                    k = Arrays.copyOf(k, cap * d);
                    v = Arrays.copyOf(v, cap * dv);
                }
                pos[n] = in.pos();
                if (first < 0 && pos[n] >= queryFrom) {
                    first = n;
                }
                in.copyAndAdvance(n, q, k, v);
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
            loaded();
        }

        /** Called once a sequence is loaded, before its first token is emitted. */
        void loaded() {
        }

        /** The output row of the token the cursor has just advanced to. */
        abstract T emit(String seq, ZetaAttention.Cursor c);

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            cursor.advance();
            return emit(seq, cursor);
        }
    }
}
