package io.zetaspark.job.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.Fixtures;
import io.zetaspark.job.SparkTestSession;
import io.zetaspark.job.ZetaColumns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicOutputTest {
    @TempDir
    Path dir;

    private final SparkSession spark = SparkTestSession.get();

    private List<String> entries() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private Path existingOutput() throws IOException {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("marker.txt"), "previous output");
        return out;
    }

    /** 1,000 rows over 4 partitions; the task holding row 777 fails. */
    private Dataset<Row> failingMidWrite() {
        return spark.range(0, 1000, 1, 4).map((MapFunction<Long, Long>) x -> {
            if (x == 777) {
                throw new IllegalStateException("injected failure at row 777");
            }
            return x;
        }, Encoders.LONG()).toDF("x");
    }

    @Test
    void parquetRoundTripLeavesOnlyTheOutput() throws IOException {
        String out = dir.resolve("out").toString();
        AtomicOutput.write(Fixtures.frame(Fixtures.goodRows()), out, DataFormat.PARQUET, false);
        assertEquals(List.of("out"), entries());
        assertEquals(5, spark.read().parquet(out).count());
        assertTrue(Files.exists(dir.resolve("out").resolve("_SUCCESS")));
    }

    @Test
    void jsonRoundTrip() {
        String out = dir.resolve("out.json").toString();
        AtomicOutput.write(Fixtures.frame(Fixtures.goodRows()), out, DataFormat.JSON, false);
        ValidatedInput in = InputValidator.validate(InputFiles.read(spark, out, DataFormat.JSON, ZetaColumns.defaults()),
                ZetaColumns.defaults());
        assertEquals(5, in.rows());
        assertEquals(3, in.d());
    }

    @Test
    void csvWritesArraysAsSemicolonSeparatedNumbersAndReadsThemBack() throws IOException {
        String out = dir.resolve("out.csv").toString();
        AtomicOutput.write(Fixtures.frame(Fixtures.goodRows()).orderBy("seq", "pos").coalesce(1), out, DataFormat.CSV,
                false);
        List<String> lines;
        try (Stream<Path> s = Files.list(dir.resolve("out.csv"))) {
            Path part = s.filter(p -> p.getFileName().toString().endsWith(".csv")).findFirst().orElseThrow();
            lines = Files.readAllLines(part);
        }
        assertEquals("seq,pos,q,k,v", lines.get(0));
        assertEquals("doc-a,1,0.0;1.0;0.0,0.0;1.0;0.0,3.0;4.0", lines.get(2));
        Dataset<Row> back = InputFiles.read(spark, out, DataFormat.CSV, ZetaColumns.defaults());
        ValidatedInput in = InputValidator.validate(back, ZetaColumns.defaults());
        assertEquals(5, in.rows());
        assertEquals(2, in.dv());
        Row r = in.dataset().where("seq = 'doc-b' AND pos = 5").first();
        assertEquals(List.of(9f, 10f), r.getList(4));
    }

    @Test
    void existingOutputIsRefusedWithoutOverwrite() throws IOException {
        Path out = existingOutput();
        OutputExistsException e = assertThrows(OutputExistsException.class,
                () -> AtomicOutput.write(Fixtures.frame(Fixtures.goodRows()), out.toString(), DataFormat.PARQUET, false));
        assertTrue(e.getMessage().contains(out.toString()) && e.getMessage().contains("--overwrite"), e.getMessage());
        assertEquals(List.of("out"), entries());
        assertTrue(Files.exists(out.resolve("marker.txt")));
        assertThrows(OutputExistsException.class,
                () -> AtomicOutput.checkTarget(spark, out.toString(), false));
    }

    @Test
    void overwriteReplacesTheExistingOutput() throws IOException {
        Path out = existingOutput();
        AtomicOutput.write(Fixtures.frame(Fixtures.goodRows()), out.toString(), DataFormat.PARQUET, true);
        assertEquals(List.of("out"), entries());
        assertFalse(Files.exists(out.resolve("marker.txt")));
        assertEquals(5, spark.read().parquet(out.toString()).count());
    }

    @Test
    void failedTaskMidWriteLeavesNothing() throws IOException {
        String out = dir.resolve("out").toString();
        Exception e = assertThrows(Exception.class,
                () -> AtomicOutput.write(failingMidWrite(), out, DataFormat.PARQUET, false));
        assertTrue(String.valueOf(e.getMessage()).contains("injected failure") || rootMessage(e).contains("injected failure"),
                e.toString());
        assertEquals(List.of(), entries());
    }

    @Test
    void failedOverwriteKeepsThePreviousOutput() throws IOException {
        Path out = existingOutput();
        assertThrows(Exception.class, () -> AtomicOutput.write(failingMidWrite(), out.toString(), DataFormat.PARQUET, true));
        assertEquals(List.of("out"), entries());
        assertEquals("previous output", Files.readString(out.resolve("marker.txt")));
    }

    @Test
    void failureAfterTheWriteBeforeTheRenameLeavesNothing() throws IOException {
        String out = dir.resolve("out").toString();
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> AtomicOutput.write(Fixtures.frame(Fixtures.goodRows()), out, DataFormat.PARQUET, false, tmp -> {
                    throw new IOException("injected failure before rename of " + tmp.getName());
                }));
        assertTrue(e.getMessage().contains("injected failure before rename"), e.getMessage());
        assertEquals(List.of(), entries());
    }

    private static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
