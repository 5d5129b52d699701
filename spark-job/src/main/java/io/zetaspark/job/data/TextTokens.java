package io.zetaspark.job.data;

import io.zetaspark.kernels.TextSequenceLoader;
import io.zetaspark.kernels.TokenSequence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The real long sequence of {@code shared/data/README.md} (War and Peace through GloVe vectors,
 * built by {@link TextSequenceLoader}) as a DataFrame {@code seq, pos, q, k, v} with one sequence
 * {@code war-and-peace}: q = k = the d-dimensional projection, v the 25-d word vector.
 */
public final class TextTokens {
    public static final String SEQ_ID = "war-and-peace";

    private TextTokens() {
    }

    /**
     * The data directory: {@code dir} when given, else {@link TextSequenceLoader#locateDataDir()}
     * (-Dzeta.data.dir, $ZETA_DATA_DIR, or the first shared/data walking up from the working
     * directory, i.e. ../shared/data beside a checkout). Fails naming what is missing.
     */
    public static Path dataDir(String dir) {
        Path p;
        if (dir != null) {
            p = Path.of(dir);
            if (!Files.isDirectory(p)) {
                throw new IllegalArgumentException("data directory " + p.toAbsolutePath() + " does not exist; the text "
                        + "kind needs " + TextSequenceLoader.TEXT_FILE + " and " + TextSequenceLoader.VECTORS_FILE);
            }
        } else {
            p = TextSequenceLoader.locateDataDir().orElseThrow(() -> new IllegalArgumentException(
                    "no data directory found (looked in " + TextSequenceLoader.searchedLocations() + "); the text kind "
                            + "needs " + TextSequenceLoader.TEXT_FILE + " and " + TextSequenceLoader.VECTORS_FILE
                            + "; pass --data-dir DIR"));
        }
        List<String> missing = new ArrayList<>();
        for (String f : new String[] {TextSequenceLoader.TEXT_FILE, TextSequenceLoader.VECTORS_FILE}) {
            if (!Files.isRegularFile(p.resolve(f))) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("data directory " + p.toAbsolutePath() + " lacks " + String.join(" and ", missing)
                    + " (see shared/data/README.md)");
        }
        return p;
    }

    /** Loads the sequence on the driver (first {@code maxTokens}, all when ≤ 0) and spreads it over partitions. */
    public static Dataset<Row> generate(SparkSession spark, Path dataDir, int d, int maxTokens, long seed, long stride,
                                        int partitions) {
        TokenSequence s = TextSequenceLoader.load(dataDir, d, maxTokens, seed);
        int p = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        Broadcast<float[][]> bc = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(new float[][] {s.q(), s.v()});
        int dv = s.dv();
        return spark.range(0, s.size(), 1, p).mapPartitions((MapPartitionsFunction<Long, Row>) it -> {
            float[] q = bc.value()[0];
            float[] v = bc.value()[1];
            return new Iterator<Row>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Row next() {
                    if (!it.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    int i = (int) (long) it.next();
                    float[] qi = java.util.Arrays.copyOfRange(q, i * d, i * d + d);
                    return RowFactory.create(SEQ_ID, i * stride, qi, qi.clone(),
                            java.util.Arrays.copyOfRange(v, i * dv, i * dv + dv));
                }
            };
        }, Encoders.row(SyntheticTokens.schema()));
    }
}
