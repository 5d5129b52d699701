package io.zetaspark.job.plan.rows;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The rows of the shuffle that the validation pass and the in-task engine share, read as Spark's
 * own {@link InternalRow}s: no bean is decoded, no array is allocated per row. The layout (ordinals
 * below) is the one {@code InputValidator} projects before the shuffle; the rows arrive sorted by
 * (seq, queryFrom, pos) within a partition.
 *
 * <p>Spark reuses one row object for a whole partition: a row is valid only until the iterator
 * advances, so readers copy what they keep (a sequence key is cloned once per sequence, floats go
 * straight into primitive arrays).
 */
public final class RoutedRows {
    /** seq in its canonical type (string or long); null on a bad row. */
    public static final int SEQ = 0;
    /** pos (long); null on a bad row. */
    public static final int POS = 1;
    /** Rows of this part below this position are keys only (Long.MIN_VALUE: every row is a query). */
    public static final int QUERY_FROM = 2;
    /** q, k and v as array&lt;float&gt;, as the input holds them (bad rows included). */
    public static final int Q = 3;
    public static final int K = 4;
    public static final int V = 5;
    /** The per-row check: null, or struct(col string, text string) naming the row's first problem. */
    public static final int BAD = 6;

    private RoutedRows() {
    }

    /** Copies a float array of exactly {@code len} elements into {@code dst} from {@code offset}. */
    public static void copyFloats(ArrayData a, int len, float[] dst, int offset) {
        if (a.numElements() != len) {
            throw new IllegalStateException("array of " + a.numElements() + " elements where " + len
                    + " were validated");
        }
        if (a instanceof UnsafeArrayData) {
            UnsafeArrayData u = (UnsafeArrayData) a;
            long header = UnsafeArrayData.calculateHeaderPortionInBytes(len);
            Platform.copyMemory(u.getBaseObject(), u.getBaseOffset() + header, dst,
                    Platform.FLOAT_ARRAY_OFFSET + 4L * offset, 4L * len);
        } else {
            for (int i = 0; i < len; i++) {
                dst[offset + i] = a.getFloat(i);
            }
        }
    }

    /** A copy of a float array (for the beans of the distributed plan). */
    public static float[] floats(ArrayData a, int len) {
        float[] out = new float[len];
        copyFloats(a, len, out, 0);
        return out;
    }

    /**
     * The sequence key of the current run of rows, compared with the next row without building a
     * string; the string (as {@code cast(seq as string)} writes it) is made once per sequence, on demand.
     */
    public static final class SeqKey {
        private final boolean longSeq;
        private boolean set;
        private boolean isNull;
        private long number;
        private UTF8String text;
        private String string;

        public SeqKey(boolean longSeq) {
            this.longSeq = longSeq;
        }

        /** Whether row {@code r} has this key (false before the first {@link #take}). */
        public boolean matches(InternalRow r) {
            if (!set) {
                return false;
            }
            if (r.isNullAt(SEQ)) {
                return isNull;
            }
            if (isNull) {
                return false;
            }
            return longSeq ? r.getLong(SEQ) == number : r.getUTF8String(SEQ).equals(text);
        }

        /** Makes row {@code r}'s sequence the current key (copies it: the row will be reused). */
        public void take(InternalRow r) {
            set = true;
            isNull = r.isNullAt(SEQ);
            string = null;
            if (isNull) {
                text = null;
            } else if (longSeq) {
                number = r.getLong(SEQ);
            } else {
                text = r.getUTF8String(SEQ).clone();
            }
        }

        public boolean isNull() {
            return isNull;
        }

        /** The key of a long seq column (undefined for a string or null key). */
        public long number() {
            return number;
        }

        /** The key of a string seq column, a copy that no later row overwrites (null for a long or null key). */
        public UTF8String text() {
            return text;
        }

        /** The key as a string; null for a null seq. */
        public String string() {
            if (string == null && set && !isNull) {
                string = longSeq ? Long.toString(number) : text.toString();
            }
            return string;
        }
    }

    /**
     * The rows of the sequences named in {@code keep} as token beans (chunk = pos / chunkSize), for
     * the distributed plan; the other rows are skipped without decoding.
     */
    public static Iterator<TokenRow> tokens(Iterator<InternalRow> rows, boolean longSeq, Set<String> keep,
                                            long chunkSize, int d, int dv) {
        return new Iterator<TokenRow>() {
            private final SeqKey key = new SeqKey(longSeq);
            private boolean kept;
            private TokenRow next = advance();

            private TokenRow advance() {
                while (rows.hasNext()) {
                    InternalRow r = rows.next();
                    if (!key.matches(r)) {
                        key.take(r);
                        kept = keep.contains(key.string());
                    }
                    if (kept) {
                        TokenRow t = new TokenRow();
                        t.setSeq(key.string());
                        t.setPos(r.getLong(POS));
                        t.setChunk(Math.floorDiv(t.getPos(), chunkSize));
                        t.setQ(floats(r.getArray(Q), d));
                        t.setK(floats(r.getArray(K), d));
                        t.setV(floats(r.getArray(V), dv));
                        return t;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public TokenRow next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                TokenRow t = next;
                next = advance();
                return t;
            }
        };
    }
}
