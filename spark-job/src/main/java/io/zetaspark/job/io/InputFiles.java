package io.zetaspark.job.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;

import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.ZetaInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Reads the operator's input from files in one of the {@link DataFormat}s. */
public final class InputFiles {
    private InputFiles() {
    }

    /** The column Spark fills with the text of a record it cannot parse (JSON and CSV). */
    static final String CORRUPT = "_corrupt_record";

    /**
     * Parquet and JSON are read as they are (JSON numbers arrive as double or long and are cast by
     * {@link InputValidator}). CSV needs a header; its q, k and v cells are {@code ;}-separated
     * numbers, parsed to array&lt;float&gt; (an element that is not a number becomes null and is
     * then reported by the validator), and pos is cast to long; seq stays a string.
     *
     * <p>Malformed records are an input error, not nulls: a JSON line that does not parse, or a CSV
     * row with another number of fields than its header, fails with a {@link ZetaInputException}
     * that says how many records are malformed, in which file the first one is and what it holds.
     * A CSV header that names none of the operator's columns is reported as a bad header. Finding
     * the malformed records costs one extra job over the input for CSV, and for JSON only when
     * schema inference met one.
     */
    public static Dataset<Row> read(SparkSession spark, String path, DataFormat format, ZetaColumns cols) {
        if (format == DataFormat.PARQUET) {
            return spark.read().format(format.sparkName()).load(path);
        }
        if (format == DataFormat.JSON) {
            Dataset<Row> json = spark.read().option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT)
                    .json(path);
            if (Arrays.asList(json.columns()).contains(CORRUPT)) {
                rejectMalformed(json, "JSON", path);
            }
            return json;
        }
        Dataset<Row> header = spark.read().option("header", "true").csv(path);
        checkCsvHeader(header.schema(), cols, path);
        StructType withCorrupt = header.schema().add(CORRUPT, DataTypes.StringType, true);
        Dataset<Row> raw = spark.read().option("header", "true").option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT).schema(withCorrupt).csv(path);
        rejectMalformed(raw, "CSV", path);
        List<Column> out = new ArrayList<>();
        for (StructField f : header.schema().fields()) {
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

    /**
     * A header that names none of seq, pos, q, k, v was most likely a data row (or the file has no
     * header): say so instead of "column 'seq' not found". A header that names some of them is
     * left to the validator, which names the missing one.
     */
    private static void checkCsvHeader(StructType header, ZetaColumns cols, String path) {
        List<String> names = Arrays.asList(header.fieldNames());
        for (String c : List.of(cols.seq(), cols.pos(), cols.q(), cols.k(), cols.v())) {
            if (names.contains(c)) {
                return;
            }
        }
        throw new ZetaInputException(cols.seq(), "not in the CSV header of " + path + ", which names "
                + String.join(", ", names) + "; the first line of every CSV file must be a header naming "
                + String.join(", ", cols.seq(), cols.pos(), cols.q(), cols.k(), cols.v())
                + " (arrays as '" + DataFormat.ARRAY_SEPARATOR + "'-separated numbers)");
    }

    /** Fails with the count, file and text of the malformed records, if any (one job). */
    private static void rejectMalformed(Dataset<Row> frame, String format, String path) {
        Dataset<Row> bad;
        Column other;
        if (frame.columns().length == 1) {
            // no record parsed at all (JSON): every non-blank line is malformed; read them as text
            bad = frame.sparkSession().read().text(path).withColumnRenamed("value", CORRUPT)
                    .filter(functions.trim(col(CORRUPT)).notEqual(""));
            other = lit(0);
        } else {
            bad = frame.filter(col(CORRUPT).isNotNull());
            // the aggregate reads every data column: Spark refuses a query over raw JSON/CSV whose
            // columns are only the corrupt-record one, and with fewer columns the CSV parser would
            // not see a row with a missing field as malformed (it parses the columns a query needs)
            List<Column> all = new ArrayList<>();
            for (String c : frame.columns()) {
                all.add(InputValidator.ref(c));
            }
            other = functions.max(functions.hash(all.toArray(new Column[0])));
        }
        // the smallest (file, text) pair names one malformed record whatever the partitioning
        Row found = bad.agg(functions.count(lit(1)),
                functions.min(functions.struct(col("_metadata.file_path"), col(CORRUPT))), other).first();
        long count = found.getLong(0);
        if (count == 0) {
            return;
        }
        Row example = found.getStruct(1);
        String text = example.getString(1).strip();
        String shown = text.length() > 120 ? text.substring(0, 120) + "..." : text;
        throw new ZetaInputException("input " + path + ": " + count + (count == 1 ? " record is" : " records are")
                + " malformed " + format + ", for example in " + example.getString(0) + ": '" + shown
                + "' (fix or remove " + (count == 1 ? "it" : "them") + ")", (Throwable) null);
    }
}
