package io.zetaspark.job;

import static org.apache.spark.sql.functions.split;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/** Reads the operator's input from files in one of the {@link DataFormat}s. */
public final class InputFiles {
    private InputFiles() {
    }

    /**
     * Parquet and JSON are read as they are (JSON numbers arrive as double or long and are cast by
     * {@link InputValidator}). CSV needs a header; its q, k and v cells are {@code ;}-separated
     * numbers, parsed to array&lt;float&gt; (an element that is not a number becomes null and is
     * then reported by the validator), and pos is cast to long; seq stays a string.
     */
    public static Dataset<Row> read(SparkSession spark, String path, DataFormat format, ZetaColumns cols) {
        if (format != DataFormat.CSV) {
            return spark.read().format(format.sparkName()).load(path);
        }
        Dataset<Row> raw = spark.read().option("header", "true").csv(path);
        List<Column> out = new ArrayList<>();
        for (StructField f : raw.schema().fields()) {
            String n = f.name();
            Column c = InputValidator.ref(n);
            if (n.equals(cols.q()) || n.equals(cols.k()) || n.equals(cols.v())) {
                c = split(c, DataFormat.ARRAY_SEPARATOR).try_cast(DataTypes.createArrayType(DataTypes.FloatType)).as(n);
            } else if (n.equals(cols.pos())) {
                c = c.try_cast(DataTypes.LongType).as(n);
            }
            out.add(c);
        }
        return raw.select(out.toArray(new Column[0]));
    }
}
