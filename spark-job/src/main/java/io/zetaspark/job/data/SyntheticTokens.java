package io.zetaspark.job.data;

import io.zetaspark.job.io.InputValidator;
import io.zetaspark.kernels.ShiftedCurves;
import io.zetaspark.kernels.TokenGenerator;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Seeded synthetic sequences as a DataFrame {@code seq, pos, q, k, v}, generated in parallel:
 * {@code spark.range} over the global token index, each partition filling its tokens with
 * {@link TokenGenerator#fill}. A token is a pure function of (seed, sequence, position), and the
 * sequence layout a pure function of the spec, so any partition count yields the same rows.
 *
 * <p>Kinds: {@code gaussian}, {@code clustered} and {@code ties} as in {@link TokenGenerator}, with
 * the tokens split as evenly as possible over {@code sequences}; {@code mix} is gaussian data with
 * skewed lengths: one long sequence holding half the tokens (rounded up) and the rest in short
 * sequences of seeded lengths 100..2000 (the last one takes the remainder), ignoring
 * {@code sequences}. Sequence ids are strings {@code seq-000042}; positions are
 * {@code index · stride}.
 */
public final class SyntheticTokens implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What to generate. */
    public enum Kind {
        GAUSSIAN, CLUSTERED, TIES, MIX;

        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("unknown kind '" + s + "': expected gaussian, clustered, ties or mix", e);
            }
        }

        TokenGenerator.Kind tokens() {
            return this == MIX ? TokenGenerator.Kind.GAUSSIAN : TokenGenerator.Kind.valueOf(name());
        }
    }

    public static final int MIX_SHORT_MIN = 100;
    public static final int MIX_SHORT_MAX = 2000;

    private long tokens = 1_000_000;
    private long sequences = 1;
    private Kind kind = Kind.GAUSSIAN;
    private int d = 3;
    private int dv = 64;
    private long seed = 42;
    private long stride = 1;

    public static SyntheticTokens of(long tokens) {
        return new SyntheticTokens().withTokens(tokens);
    }

    private SyntheticTokens copy() {
        SyntheticTokens s = new SyntheticTokens();
        s.tokens = tokens;
        s.sequences = sequences;
        s.kind = kind;
        s.d = d;
        s.dv = dv;
        s.seed = seed;
        s.stride = stride;
        return s;
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }

    public SyntheticTokens withTokens(long n) {
        require(n >= 1, "tokens must be >= 1, got " + n);
        SyntheticTokens s = copy();
        s.tokens = n;
        return s;
    }

    public SyntheticTokens withSequences(long n) {
        require(n >= 1, "sequences must be >= 1, got " + n);
        SyntheticTokens s = copy();
        s.sequences = n;
        return s;
    }

    public SyntheticTokens withKind(Kind k) {
        SyntheticTokens s = copy();
        s.kind = k;
        return s;
    }

    public SyntheticTokens withD(int value) {
        require(value >= 1 && value <= InputValidator.MAX_D, "d must be in 1.." + InputValidator.MAX_D + ", got " + value);
        SyntheticTokens s = copy();
        s.d = value;
        return s;
    }

    public SyntheticTokens withDv(int value) {
        require(value >= 1 && value <= 65_536, "dv must be in 1..65536, got " + value);
        SyntheticTokens s = copy();
        s.dv = value;
        return s;
    }

    public SyntheticTokens withSeed(long value) {
        SyntheticTokens s = copy();
        s.seed = value;
        return s;
    }

    public SyntheticTokens withStride(long value) {
        require(value >= 1, "stride must be >= 1, got " + value);
        SyntheticTokens s = copy();
        s.stride = value;
        return s;
    }

    public long tokens() {
        return tokens;
    }

    public Kind kind() {
        return kind;
    }

    /** The schema of the generated rows; arrays hold no nulls. */
    public static StructType schema() {
        return new StructType(new StructField[] {
            DataTypes.createStructField("seq", DataTypes.StringType, false),
            DataTypes.createStructField("pos", DataTypes.LongType, false),
            DataTypes.createStructField("q", DataTypes.createArrayType(DataTypes.FloatType, false), false),
            DataTypes.createStructField("k", DataTypes.createArrayType(DataTypes.FloatType, false), false),
            DataTypes.createStructField("v", DataTypes.createArrayType(DataTypes.FloatType, false), false),
        });
    }

    /** The id of sequence {@code i}. */
    public static String seqId(long i) {
        return String.format(Locale.ROOT, "seq-%06d", i);
    }

    /** Sequence boundaries: the sequences' first global token indices, plus the total at the end. */
    public long[] layout() {
        if (kind == Kind.MIX) {
            return mixLayout();
        }
        long n = Math.min(sequences, tokens);
        require(n <= 50_000_000L, "too many sequences: " + n);
        long[] starts = new long[(int) n + 1];
        long base = tokens / n;
        long rem = tokens % n;
        for (int i = 0; i < n; i++) {
            starts[i + 1] = starts[i] + base + (i < rem ? 1 : 0);
        }
        return starts;
    }

    private long[] mixLayout() {
        long longOne = tokens - tokens / 2;
        long rest = tokens / 2;
        // count the short sequences first, then fill their starts
        int count = 0;
        for (long left = rest; left > 0; count++) {
            left -= shortLength(count);
        }
        require(count < 50_000_000, "too many sequences for mix: " + count);
        long[] starts = new long[count + 2];
        starts[1] = longOne;
        for (int j = 0; j < count; j++) {
            starts[j + 2] = Math.min(tokens, starts[j + 1] + shortLength(j));
        }
        return starts;
    }

    /** Seeded length of the j-th short sequence of {@code mix}, in 100..2000. */
    private int shortLength(long j) {
        long h = ShiftedCurves.splitMix64(seed ^ ShiftedCurves.splitMix64(0x5EC1E46L + j));
        double u = (h >>> 11) * 0x1.0p-53;
        return MIX_SHORT_MIN + (int) (u * (MIX_SHORT_MAX - MIX_SHORT_MIN + 1));
    }

    /** The tokens as a DataFrame over {@code partitions} partitions (≤ 0: Spark's default parallelism). */
    public Dataset<Row> generate(SparkSession spark, int partitions) {
        int p = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        long[] starts = layout();
        return spark.range(0, tokens, 1, p)
                .mapPartitions(new Fill(kind.tokens(), seed, d, dv, stride, starts), Encoders.row(schema()));
    }

    /** Fills one partition's tokens; holds only the spec, so it serialises small. */
    private static final class Fill implements MapPartitionsFunction<Long, Row> {
        private static final long serialVersionUID = 1L;
        private final TokenGenerator.Kind kind;
        private final long seed;
        private final int d;
        private final int dv;
        private final long stride;
        private final long[] starts;

        Fill(TokenGenerator.Kind kind, long seed, int d, int dv, long stride, long[] starts) {
            this.kind = kind;
            this.seed = seed;
            this.d = d;
            this.dv = dv;
            this.stride = stride;
            this.starts = starts;
        }

        @Override
        public Iterator<Row> call(Iterator<Long> indices) {
            TokenGenerator gen = new TokenGenerator(kind, seed, d, dv);
            return new Iterator<Row>() {
                private int seq = -1;
                private String seqId;

                @Override
                public boolean hasNext() {
                    return indices.hasNext();
                }

                @Override
                public Row next() {
                    if (!indices.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    long t = indices.next();
                    if (seq < 0 || t < starts[seq] || t >= starts[seq + 1]) {
                        seq = sequenceOf(t);
                        seqId = seqId(seq);
                    }
                    long pos = (t - starts[seq]) * stride;
                    float[] q = new float[d];
                    float[] k = new float[d];
                    float[] v = new float[dv];
                    gen.fill(seq, pos, q, k, 0, v, 0);
                    return RowFactory.create(seqId, pos, q, k, v);
                }
            };
        }

        /** The sequence holding global token t: the last start ≤ t. */
        private int sequenceOf(long t) {
            int lo = 0;
            int hi = starts.length - 2;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (starts[mid] <= t) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }
    }
}
