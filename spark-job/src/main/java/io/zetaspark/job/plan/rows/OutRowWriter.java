package io.zetaspark.job.plan.rows;

import io.zetaspark.job.ZetaColumns;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Output tokens written straight into Spark's {@link UnsafeRow} format, in the caller's column
 * names and the seq column's own type: the in-task engine's rows reach Spark without a bean, a
 * bean serializer or a cast of the seq key through a string. The columns and their order are those
 * of the bean path ({@link OutRow} and the plan's final projection, whose schema these rows are
 * given), so both kinds of rows can be unioned; an array is laid out as {@code UnsafeArrayData}
 * lays out a primitive array (element count, null bits all zero, values, zero padding to a word),
 * byte for byte.
 *
 * <p>One row object is reused: a row returned by {@link #write} is valid until the next call.
 */
public final class OutRowWriter {
    private final boolean longSeq;
    private final boolean nbrPos;
    private final boolean nbrW;
    private final boolean nnDist;
    private final UnsafeRowWriter w;

    public OutRowWriter(boolean longSeq, ZetaColumns cols) {
        this.longSeq = longSeq;
        this.nbrPos = !cols.nbrPos().isEmpty();
        this.nbrW = !cols.nbrW().isEmpty();
        this.nnDist = !cols.nnDist().isEmpty();
        int fields = 3 + (nbrPos ? 1 : 0) + (nbrW ? 1 : 0) + (nnDist ? 1 : 0);
        this.w = new UnsafeRowWriter(fields, 1024);
    }

    /**
     * One output row. {@code seqText} is read when the seq column is a string, {@code seqNumber}
     * when it is a long; {@code out} holds the whole output vector, the neighbour arrays their first
     * {@code count} entries.
     */
    public UnsafeRow write(boolean seqNull, long seqNumber, UTF8String seqText, long pos, float[] out,
                           long[] nbrPositions, float[] nbrWeights, int count, double nearest) {
        w.reset();
        w.zeroOutNullBytes();
        if (seqNull) {
            w.setNullAt(0);
        } else if (longSeq) {
            w.write(0, seqNumber);
        } else {
            w.write(0, seqText);
        }
        w.write(1, pos);
        int ordinal = 2;
        array(ordinal++, out, Platform.FLOAT_ARRAY_OFFSET, out.length, 4);
        if (nbrPos) {
            array(ordinal++, nbrPositions, Platform.LONG_ARRAY_OFFSET, count, 8);
        }
        if (nbrW) {
            array(ordinal++, nbrWeights, Platform.FLOAT_ARRAY_OFFSET, count, 4);
        }
        if (nnDist) {
            w.write(ordinal, nearest);
        }
        return w.getRow();
    }

    /** The first {@code n} elements of a primitive array, as UnsafeArrayData.fromPrimitiveArray writes them. */
    private void array(int ordinal, Object src, long srcOffset, int n, int elementSize) {
        int header = (int) UnsafeArrayData.calculateHeaderPortionInBytes(n);
        int values = elementSize * n;
        int size = (header + values + 7) & ~7;
        int start = w.cursor();
        w.grow(size);
        byte[] buf = w.getBuffer();
        Platform.putLong(buf, start, n);
        for (int b = 8; b < header; b += 8) {
            Platform.putLong(buf, start + b, 0L);
        }
        Platform.copyMemory(src, srcOffset, buf, start + header, values);
        for (int b = header + values; b < size; b++) {
            Platform.putByte(buf, start + b, (byte) 0);
        }
        w.increaseCursor(size);
        w.setOffsetAndSizeFromPreviousCursor(ordinal, start);
    }
}
