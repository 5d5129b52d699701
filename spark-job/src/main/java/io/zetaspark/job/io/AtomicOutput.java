package io.zetaspark.job.io;

import static org.apache.spark.sql.functions.concat_ws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Writes a result all-or-nothing: the DataFrame goes to a temporary sibling directory
 * {@code <out>._tmp-<uuid>} and is renamed into place only once Spark's write has completed. Any
 * failure (a failed task, a failed rename) deletes the temporary directory, so a reader never sees
 * a half-written output and nothing is left behind. An existing output is refused unless
 * {@code overwrite} is set; then it is moved aside ({@code <out>._old-<uuid>}) only after the new
 * output is complete, and deleted after the rename (restored if the rename fails).
 *
 * <p>Uses the Hadoop FileSystem API that Spark ships (the shaded hadoop-client-api), so local
 * paths, HDFS and object stores work alike. On stores whose rename is a copy (S3A), the rename
 * is not atomic; the cleanup on failure still holds.
 */
public final class AtomicOutput {
    /** Called after the temporary output is complete and before it is renamed (tests inject failures here). */
    @FunctionalInterface
    interface BeforeRename {
        void accept(Path tmp) throws IOException;
    }

    private AtomicOutput() {
    }

    /**
     * Fails fast, before any job runs, when {@code path} exists and {@code overwrite} is false.
     */
    public static void checkTarget(SparkSession spark, String path, boolean overwrite) {
        try {
            Path target = new Path(path);
            FileSystem fs = target.getFileSystem(hadoopConf(spark));
            if (!overwrite && fs.exists(target)) {
                throw new OutputExistsException(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check output path " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code result} to {@code path} in {@code format}, atomically (see the class comment). */
    public static void write(Dataset<Row> result, String path, DataFormat format, boolean overwrite) {
        write(result, path, format, overwrite, tmp -> { });
    }

    static void write(Dataset<Row> result, String path, DataFormat format, boolean overwrite, BeforeRename hook) {
        SparkSession spark = result.sparkSession();
        Path target;
        FileSystem fs;
        try {
            target = new Path(path);
            fs = target.getFileSystem(hadoopConf(spark));
            target = fs.makeQualified(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open output path " + path + ": " + e.getMessage(), e);
        }
        Path parent = target.getParent();
        if (parent == null) {
            throw new IllegalArgumentException("output path " + path + " has no parent directory");
        }
        checkTarget(spark, path, overwrite);
        String id = UUID.randomUUID().toString();
        Path tmp = new Path(parent, target.getName() + "._tmp-" + id);
        Path old = null;
        boolean committed = false;
        try {
            writer(result, format).save(tmp.toString());
            hook.accept(tmp);
            if (fs.exists(target)) {
                if (!overwrite) { // appeared while we were writing
                    throw new OutputExistsException(path);
                }
                old = new Path(parent, target.getName() + "._old-" + id);
                if (!fs.rename(target, old)) {
                    old = null;
                    throw new IOException("cannot move the existing output " + target + " aside");
                }
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
            committed = true;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path + " failed: " + e.getMessage(), e);
        } finally {
            if (committed) {
                if (old != null) {
                    deleteQuietly(fs, old);
                }
            } else {
                deleteQuietly(fs, tmp);
                if (old != null) {
                    restore(fs, old, target);
                }
            }
        }
    }

    private static void restore(FileSystem fs, Path old, Path target) {
        try {
            if (!fs.exists(target)) {
                fs.rename(old, target);
            }
        } catch (IOException e) {
            // the previous output stays at 'old'; say where
            throw new UncheckedIOException("could not restore the previous output from " + old, e);
        }
    }

    private static void deleteQuietly(FileSystem fs, Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException ignored) {
            // best effort: the original failure is what the caller needs to see
        }
    }

    private static Configuration hadoopConf(SparkSession spark) {
        return spark.sessionState().newHadoopConf();
    }

    private static org.apache.spark.sql.DataFrameWriter<Row> writer(Dataset<Row> result, DataFormat format) {
        Dataset<Row> df = format == DataFormat.CSV ? arraysAsText(result) : result;
        org.apache.spark.sql.DataFrameWriter<Row> w = df.write().mode(SaveMode.ErrorIfExists).format(format.sparkName());
        if (format == DataFormat.CSV) {
            w = w.option("header", "true");
        }
        return w;
    }

    /** For CSV: every array column becomes a {@code ;}-joined string of its elements. */
    public static Dataset<Row> arraysAsText(Dataset<Row> df) {
        List<Column> cols = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            Column c = InputValidator.ref(f.name());
            if (f.dataType() instanceof ArrayType) {
                c = concat_ws(DataFormat.ARRAY_SEPARATOR, c.cast(DataTypes.createArrayType(DataTypes.StringType)))
                        .as(f.name());
            }
            cols.add(c);
        }
        return df.select(cols.toArray(new Column[0]));
    }
}
