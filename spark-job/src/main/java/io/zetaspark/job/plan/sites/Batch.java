package io.zetaspark.job.plan.sites;

import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Records travelling between the sites of the distributed plan, many to a batch: one Spark shuffle
 * record carries every record one task sends one site in one step, so Spark's per-record cost is
 * paid per batch, and the records themselves are compact (a kind byte, varint sequence ids,
 * positions as deltas, raw floats and doubles). {@link Writer} builds a batch, {@link Reader} reads
 * it back; a batch holds records of any kinds, each starting with its kind byte ({@link Kind}).
 */
final class Batch implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The sending partition (a value request is answered to it). */
    final int source;
    final byte[] data;
    /** How many records the batch holds (a statistic). */
    final int records;

    Batch(int source, byte[] data, int records) {
        this.source = source;
        this.data = data;
        this.records = records;
    }

    /** Record kinds; a record's first byte is {@code kind | curve << 4} where the curve matters. */
    static final class Kind {
        /** A key for a curve's site: seq, pos, k (and v on curve 0, whose sites hold the values). */
        static final int KEY = 1;
        /** A query for a curve's site: seq, pos, q. */
        static final int QUERY = 2;
        /** A query's candidates for its home: seq, query pos, entries (key pos, and the distance when remote). */
        static final int LIST = 3;
        /** A walk to continue in a site: seq, curve, level, direction, keys still needed, the site's rank in the walk, home, q, bound. */
        static final int WALK = 4;
        /** A chunk's count and sums (d + dv doubles), for its super-block's site. */
        static final int CHUNK = 5;
        /** A chunk's running sum of the earlier chunks of its super-block, back to the chunk's partition. */
        static final int BASE = 6;
        /** A request for a key's value: seq, pos. */
        static final int FETCH = 7;
        /** A key's value: seq, pos, v. */
        static final int VALUE = 8;
        /** A query's mean slot: seq, pos, flag, distance to the mean key, mean value (dv doubles). */
        static final int MEAN = 9;
        /** A site's part of a walk, for the query's home: the keys it took, ranked in walk order. */
        static final int WALKED = 11;
        /** A query's k-th candidate so far (its home's curve-0 window), for its position block: seq, pos, distance, key pos. */
        static final int BOUND = 10;

        private Kind() {
        }
    }

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** A growing batch for one target. */
    static final class Writer {
        /** Where a sender's records for a target go (a pending list, or an outbox). */
        interface Factory {
            Writer to(int target);
        }

        private byte[] buf;
        private int len;
        /** The last position written, for deltas (reset with the sequence). */
        long lastPos;
        int lastSeq = -1;
        long records;

        Writer(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        int size() {
            return len;
        }

        private void ensure(int more) {
            if (len + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }

        void kind(int kind) {
            ensure(1);
            buf[len++] = (byte) kind;
            records++;
        }

        void varLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[len++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
        }

        void zigzag(long v) {
            varLong((v << 1) ^ (v >> 63));
        }

        /** The sequence id, then the position as a delta from the previous one of the same sequence. */
        void seqPos(int seq, long pos) {
            if (seq != lastSeq) {
                lastSeq = seq;
                lastPos = 0;
            }
            varLong(seq);
            zigzag(pos - lastPos);
            lastPos = pos;
        }

        void u8(int v) {
            ensure(1);
            buf[len++] = (byte) v;
        }

        void i32(int v) {
            ensure(4);
            INT.set(buf, len, v);
            len += 4;
        }

        void f64(double v) {
            ensure(8);
            LONG.set(buf, len, Double.doubleToRawLongBits(v));
            len += 8;
        }

        void floats(float[] a, int off, int n) {
            ensure(4 * n);
            for (int i = 0; i < n; i++) {
                INT.set(buf, len, Float.floatToRawIntBits(a[off + i]));
                len += 4;
            }
        }

        void doubles(double[] a, int off, int n) {
            ensure(8 * n);
            for (int i = 0; i < n; i++) {
                LONG.set(buf, len, Double.doubleToRawLongBits(a[off + i]));
                len += 8;
            }
        }

        Batch finish(int source) {
            Batch b = new Batch(source, Arrays.copyOf(buf, len), (int) Math.min(Integer.MAX_VALUE, records));
            len = 0;
            lastSeq = -1;
            lastPos = 0;
            return b;
        }
    }

    /** Reads a batch's records in order. */
    static final class Reader {
        private final byte[] buf;
        private int at;
        private int lastSeq = -1;
        private long lastPos;
        /** The sequence and position of the record read last by {@link #seqPos}. */
        int seq;
        long pos;

        Reader(Batch b) {
            this.buf = b.data;
        }

        boolean more() {
            return at < buf.length;
        }

        int kind() {
            return buf[at++] & 0xFF;
        }

        long varLong() {
            long v = 0;
            int shift = 0;
            while (true) {
                byte b = buf[at++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
                shift += 7;
            }
        }

        long zigzag() {
            long v = varLong();
            return (v >>> 1) ^ -(v & 1);
        }

        /** Reads a sequence id and position into {@link #seq} and {@link #pos}. */
        void seqPos() {
            seq = (int) varLong();
            if (seq != lastSeq) {
                lastSeq = seq;
                lastPos = 0;
            }
            pos = lastPos + zigzag();
            lastPos = pos;
        }

        int u8() {
            return buf[at++] & 0xFF;
        }

        int i32() {
            int v = (int) INT.get(buf, at);
            at += 4;
            return v;
        }

        double f64() {
            double v = Double.longBitsToDouble((long) LONG.get(buf, at));
            at += 8;
            return v;
        }

        void floats(float[] a, int off, int n) {
            for (int i = 0; i < n; i++) {
                a[off + i] = Float.intBitsToFloat((int) INT.get(buf, at));
                at += 4;
            }
        }

        void doubles(double[] a, int off, int n) {
            for (int i = 0; i < n; i++) {
                a[off + i] = Double.longBitsToDouble((long) LONG.get(buf, at));
                at += 8;
            }
        }
    }
}
