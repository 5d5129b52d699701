package io.zetaspark.job.cli;

import static io.zetaspark.job.Fixtures.f;
import static io.zetaspark.job.Fixtures.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.Fixtures;
import io.zetaspark.job.SparkTestSession;
import io.zetaspark.job.ZetaColumns;
import io.zetaspark.job.io.InputValidator;
import io.zetaspark.job.io.ValidatedInput;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ZetaCliTest {
    @TempDir
    Path dir;

    /** The CLI reuses this session instead of opening (and stopping) its own. */
    @BeforeAll
    static void session() {
        SparkTestSession.get();
    }

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ZetaCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void helpListsTheCommands() {
        Result r = cli("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("run") && r.out().contains("generate") && r.out().contains("evaluate"), r.out());
        Result none = cli();
        assertEquals(2, none.code());
        assertTrue(none.err().contains("a command is required"), none.err());
    }

    @Test
    void runHelpShowsEveryParameterWithItsDefault() {
        Result r = cli("run", "--help");
        assertEquals(0, r.code());
        String help = r.out().replaceAll("\\s+", " "); // undo line wrapping
        for (String s : List.of("--k=N", "Default: 32", "--curves", "Default: 4", "--window", "Default: 192",
                "--chunk-size", "Default: 256", "--bits", "--range-lo", "Default: -16.0", "--range-hi", "Default: 16.0",
                "--gamma", "Default: 0.5", "--tau", "Default: 1.0", "--kernel", "Default: cauchy", "--[no-]mean-slot",
                "--[no-]include-self", "--[no-]causal", "--exact", "--seed", "Default: 42", "--device", "--master",
                "--conf", "--overwrite", "--format", "--nbr-pos-col", "--range-lo=X[,X...]")) {
            assertTrue(help.contains(s), "run --help lacks '" + s + "':\n" + r.out());
        }
        Result g = cli("generate", "--help");
        assertEquals(0, g.code());
        assertTrue(g.out().contains("--kind") && g.out().contains("mix"), g.out());
        assertEquals(0, cli("help", "run").code());
    }

    @Test
    void negatableFlagsParse() {
        OperatorOptions o = new OperatorOptions();
        new picocli.CommandLine(o).parseArgs("--no-mean-slot", "--no-causal", "--exact", "--range-lo", "-1,-2,-3",
                "--range-hi", "4", "--kernel", "SOFTMAX");
        io.zetaspark.kernels.ZetaParams p = o.toParams();
        assertFalse(p.meanSlot());
        assertFalse(p.causal());
        assertTrue(p.exact());
        assertTrue(p.includeSelf());
        assertEquals(-2.0, p.rangeLo(1));
        assertEquals(4.0, p.rangeHi(2));
        assertEquals(io.zetaspark.kernels.KernelType.SOFTMAX, p.kernel());
        OperatorOptions d = new OperatorOptions();
        new picocli.CommandLine(d).parseArgs("--mean-slot");
        assertTrue(d.toParams().meanSlot());
        assertEquals(io.zetaspark.kernels.ZetaParams.defaults().toString(), d.toParams().toString());
    }

    @Test
    void generateWritesAndRefusesToOverwriteUnlessAsked() throws IOException {
        String out = dir.resolve("tokens").toString();
        String[] args = {"generate", "--output", out, "--tokens", "5000", "--kind", "mix", "--dv", "4", "--partitions", "3"};
        Result r = cli(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s)zeta generate: 5000 tokens in \\d+ sequences \\(longest 2500\\), kind mix, d=3 dv=4, "
                + "[0-9.]+ s, \\d+ tokens/s; wrote parquet to .*\\n"), r.out());
        assertEquals(5000, SparkTestSession.get().read().parquet(out).count());

        Result again = cli(args);
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists; pass --overwrite"), again.err());

        List<String> withOverwrite = new ArrayList<>(Arrays.asList(args));
        withOverwrite.add("--overwrite");
        assertEquals(0, cli(withOverwrite.toArray(new String[0])).code());
        assertEquals(List.of("tokens"), entries());
    }

    @Test
    void textKindReadsTheRealDataOrSaysWhatIsMissing() throws IOException {
        Result missing = cli("generate", "--kind", "text", "--data-dir", dir.resolve("nowhere").toString(),
                "--output", dir.resolve("text").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nowhere does not exist; the text kind needs war-and-peace.txt and "
                + "glove-twitter-25d-top12k.txt"), missing.err());
        Files.createDirectories(dir.resolve("half"));
        Files.writeString(dir.resolve("half").resolve("war-and-peace.txt"), "*** START\nhello\n*** END\n");
        Result half = cli("generate", "--kind", "text", "--data-dir", dir.resolve("half").toString(),
                "--output", dir.resolve("text").toString());
        assertEquals(2, half.code());
        assertTrue(half.err().contains("lacks glove-twitter-25d-top12k.txt"), half.err());
        assertFalse(Files.exists(dir.resolve("text")));

        Assumptions.assumeTrue(io.zetaspark.kernels.TextSequenceLoader.locateDataDir().isPresent(),
                "no shared/data beside the checkout");
        String out = dir.resolve("text").toString();
        Result r = cli("generate", "--kind", "text", "--tokens", "3000", "--d", "3", "--output", out, "--partitions", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("zeta generate: 3000 tokens in 1 sequences (longest 3000), kind text from "), r.out());
        ValidatedInput in = InputValidator.validate(SparkTestSession.get().read().parquet(out), ZetaColumns.defaults());
        assertEquals(3000, in.rows());
        assertEquals(3, in.d());
        assertEquals(25, in.dv());
        io.zetaspark.kernels.TokenSequence s = io.zetaspark.kernels.TextSequenceLoader.load(
                io.zetaspark.kernels.TextSequenceLoader.locateDataDir().get(), 3, 3000);
        Row r17 = in.dataset().where("pos = 17").first();
        assertEquals(List.of(s.q()[51], s.q()[52], s.q()[53]), r17.getList(2));
        assertEquals(r17.getList(2), r17.getList(3));
    }

    @Test
    void gpuDeviceIsAClearError() throws IOException {
        Result r = cli("run", "--input", dir.resolve("none").toString(), "--output", dir.resolve("out").toString(),
                "--device", "gpu");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("engine=gpu requested but no usable GPU: "), r.err());
        assertEquals(List.of(), entries());
    }

    @Test
    void badParameterIsNamedAndWritesNothing() throws IOException {
        Result r = cli("run", "--input", dir.resolve("none").toString(), "--output", dir.resolve("out").toString(),
                "--window", "7");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("window must be even and in 2..2^24, got 7"), r.err());
        assertEquals(List.of(), entries());
    }

    static Stream<Arguments> badInputs() {
        List<Row> good = Fixtures.goodRows();
        List<Row> dup = Fixtures.goodRows();
        dup.add(row("doc-a", 2L, f(1, 1, 1), f(1, 1, 1), f(0, 0)));
        return Stream.of(
                Arguments.of("missing column", Fixtures.goodRows(), "drop:v", "column 'v': not found; input columns: seq, pos, q, k"),
                Arguments.of("wrong type", Fixtures.goodRows(), "string:q", "column 'q': type string is not supported"),
                Arguments.of("wrong length", Fixtures.goodRowsWith(1, row("doc-a", 1L, f(0, 1, 0), f(0, 1), f(3, 4))), "",
                        "column 'k': seq=doc-a pos=1: length 2, expected 3 (the length of 'q' in the same row)"),
                Arguments.of("inconsistent d", Fixtures.goodRowsWith(3, row("doc-b", 0L, f(1, 1), f(1, 1), f(7, 8))), "",
                        "column 'q': seq=doc-b pos=0: length 2, expected 3 (d from the first row"),
                Arguments.of("null", Fixtures.goodRowsWith(2, row("doc-a", 2L, f(0, 0, 1), null, f(5, 6))), "",
                        "column 'k': seq=doc-a pos=2: null value"),
                Arguments.of("NaN", Fixtures.goodRowsWith(2, row("doc-a", 2L, f(0, 0, Float.NaN), f(0, 0, 1), f(5, 6))), "",
                        "column 'q': seq=doc-a pos=2: q[2] is NaN"),
                Arguments.of("Inf", Fixtures.goodRowsWith(0, row("doc-a", 0L, f(0, 0, 0), f(1, 0, 0),
                        f(Float.POSITIVE_INFINITY, 2))), "", "column 'v': seq=doc-a pos=0: v[0] is Infinity"),
                Arguments.of("negative pos", Fixtures.goodRowsWith(3, row("doc-b", -1L, f(1, 1, 1), f(1, 1, 1), f(7, 8))), "",
                        "column 'pos': seq=doc-b pos=-1: negative position"),
                Arguments.of("duplicate (seq,pos)", dup, "",
                        "column 'pos': seq=doc-a pos=2: duplicate position: 2 rows have this (seq, pos)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputFailsWithItsMessageAndWritesNothing(String name, List<Row> rows, String change, String message)
            throws IOException {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> df = Fixtures.frame(rows);
        if (change.startsWith("drop:")) {
            df = df.drop(change.substring(5));
        } else if (change.startsWith("string:")) {
            String c = change.substring(7);
            df = df.withColumn(c, df.col(c).cast(DataTypes.StringType));
        }
        Path input = dir.resolve("input");
        df.write().parquet(input.toString());
        Path output = dir.resolve("out");
        Result r = cli("run", "--input", input.toString(), "--output", output.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in:\n" + r.err());
        assertEquals(List.of("input"), entries(), "nothing but the input may be left in " + dir);
        assertTrue(spark.read().parquet(input.toString()).count() > 0);
    }

    @Test
    void runWritesTheOutputOrNothing() throws IOException {
        String in = dir.resolve("tokens").toString();
        assertEquals(0, cli("generate", "--output", in, "--tokens", "3000", "--sequences", "3", "--dv", "4").code());
        String out = dir.resolve("att").toString();
        Result r = cli("run", "--input", in, "--output", out, "--output-format", "json", "--conf", "ignored.key=1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("zeta run: 3000 tokens, 3 sequences, "), r.out());
        assertEquals(3000, SparkTestSession.get().read().json(out).count());
        assertEquals(List.of("att", "tokens"), entries());
    }

    @Test
    void evaluationReportsRecall() throws IOException {
        String in = dir.resolve("tokens").toString();
        assertEquals(0, cli("generate", "--output", in, "--tokens", "2000", "--sequences", "2", "--dv", "3",
                "--kind", "ties").code());
        // the exact oracle must score a perfect recall: a check that can fail
        Result exact = cli("evaluate", "--input", in, "--sample", "40", "--exact", "--k", "8");
        assertEquals(0, exact.code(), exact.err());
        assertTrue(exact.out().matches("(?s)zeta evaluate: 2000 tokens, 2 sequences; recall@8 1\\.0000 over 40 queries .*"),
                exact.out());
        String out = dir.resolve("att").toString();
        Result run = cli("run", "--input", in, "--output", out, "--evaluate", "30", "--chunk-size", "64", "--window", "16");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().matches("(?s)zeta run: 2000 tokens, 2 sequences, .* tokens/s; recall@32 [01]\\.\\d{4} over 30 "
                + "queries .*; wrote parquet to .*"), run.out());
        Result noNbr = cli("run", "--input", in, "--output", dir.resolve("x").toString(), "--evaluate", "5",
                "--nbr-pos-col", "");
        assertEquals(2, noNbr.code());
        assertTrue(noNbr.err().contains("--evaluate needs the nbr_pos output column"), noNbr.err());
        assertEquals(List.of("att", "tokens"), entries());
    }

    @Test
    void clampedComponentsAreCountedAndAnAutoRangeCanBePinned() throws IOException {
        String in = dir.resolve("tokens").toString();
        assertEquals(0, cli("generate", "--output", in, "--tokens", "1500", "--sequences", "2", "--dv", "2").code());
        // an independent count: components of q and k outside [lo, hi)
        double lo = -0.5;
        double hi = 0.5;
        long outside = 0;
        float[] min = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
        float[] max = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
        for (Row r : SparkTestSession.get().read().parquet(in).select("q", "k").collectAsList()) {
            for (int c = 0; c < 2; c++) {
                List<Float> x = r.getList(c);
                for (int m = 0; m < x.size(); m++) {
                    outside += x.get(m) < lo || x.get(m) >= hi ? 1 : 0;
                    min[m] = Math.min(min[m], x.get(m));
                    max[m] = Math.max(max[m], x.get(m));
                }
            }
        }
        assertTrue(outside > 100, "the fixture must clamp: " + outside);
        Result narrow = cli("run", "--input", in, "--output", dir.resolve("narrow").toString(), "--range-lo", "" + lo,
                "--range-hi", "" + hi);
        assertEquals(0, narrow.code(), narrow.err());
        assertTrue(narrow.out().contains("; " + outside + " components outside the quantiser range (clamped)"), narrow.out());
        assertTrue(narrow.out().contains(String.format(java.util.Locale.ROOT, "q,k observed range [%s, %s] x", min[0], max[0])),
                narrow.out());

        Result auto = cli("run", "--input", in, "--output", dir.resolve("auto").toString(), "--range", "auto");
        assertEquals(0, auto.code(), auto.err());
        assertTrue(auto.out().contains("; 0 components outside the quantiser range"), auto.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("range auto: --range-lo (\\S+) --range-hi (\\S+) ")
                .matcher(auto.err());
        assertTrue(m.find(), auto.err());
        Result pinned = cli("run", "--input", in, "--output", dir.resolve("pinned").toString(), "--range-lo", m.group(1),
                "--range-hi", m.group(2));
        assertEquals(0, pinned.code(), pinned.err());
        assertTrue(pinned.out().contains("; 0 components outside the quantiser range"), pinned.out());
        Dataset<Row> a = SparkTestSession.get().read().parquet(dir.resolve("auto").toString());
        Dataset<Row> b = SparkTestSession.get().read().parquet(dir.resolve("pinned").toString());
        assertEquals(1500, a.count());
        assertEquals(0, a.exceptAll(b).count(), "the pinned range must give the auto run's bytes");
        // the auto range differs from the default one here, so the outputs differ from a default run
        Dataset<Row> n = SparkTestSession.get().read().parquet(dir.resolve("narrow").toString());
        assertTrue(a.exceptAll(n).count() > 0);

        Result both = cli("run", "--input", in, "--output", dir.resolve("x").toString(), "--range", "auto",
                "--range-lo", "-1");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--range auto and --range-lo/--range-hi exclude each other"), both.err());
        Result other = cli("run", "--input", in, "--output", dir.resolve("x").toString(), "--range", "wide");
        assertEquals(2, other.code());
        assertTrue(other.err().contains("--range takes only 'auto' (got 'wide')"), other.err());
        assertEquals(List.of("auto", "narrow", "pinned", "tokens"), entries());
    }

    @Test
    void malformedJsonAndCsvRecordsAreNamedAndNothingIsWritten() throws IOException {
        Path json = dir.resolve("in.json");
        Files.writeString(json, String.join("\n",
                "{\"seq\": \"a\", \"pos\": 0, \"q\": [1, 2], \"k\": [1, 2], \"v\": [1]}",
                "{\"seq\": \"a\", \"pos\": 1, \"q\": [1, 2], \"k\": [1, 2",
                "{\"seq\": \"a\", \"pos\": 2, \"q\": [1, 2], \"k\": [1, 2], \"v\": [1]}",
                "not json at all") + "\n");
        Result j = cli("run", "--input", json.toString(), "--format", "json", "--output", dir.resolve("out").toString());
        assertEquals(2, j.code(), j.err());
        assertTrue(j.err().contains("input " + json + ": 2 records are malformed JSON, for example in "), j.err());
        // the example is the smallest (file, text) pair: the same whatever the partitioning
        assertTrue(j.err().contains("in.json: 'not json at all' (fix or remove them)"), j.err());
        // every line malformed: no column but the corrupt-record one
        Path allBad = dir.resolve("bad.json");
        Files.writeString(allBad, "{oops\n");
        Result b = cli("run", "--input", allBad.toString(), "--format", "json", "--output", dir.resolve("out").toString());
        assertEquals(2, b.code(), b.err());
        assertTrue(b.err().contains(": 1 record is malformed JSON, for example in "), b.err());

        Path csv = dir.resolve("in.csv");
        Files.writeString(csv, "seq,pos,q,k,v\na,0,1;2,1;2,1\na,1,1;2\na,2,1;2,1;2,1\n");
        Result c = cli("run", "--input", csv.toString(), "--format", "csv", "--output", dir.resolve("out").toString());
        assertEquals(2, c.code(), c.err());
        assertTrue(c.err().contains("input " + csv + ": 1 record is malformed CSV, for example in "), c.err());
        assertTrue(c.err().contains("in.csv: 'a,1,1;2' (fix or remove it)"), c.err());

        Path noHeader = dir.resolve("noheader.csv");
        Files.writeString(noHeader, "a,0,1;2,3;4,5\na,1,1;2,1;2,1\n");
        Result h = cli("run", "--input", noHeader.toString(), "--format", "csv", "--output", dir.resolve("out").toString());
        assertEquals(2, h.code(), h.err());
        assertTrue(h.err().contains("column 'seq': not in the CSV header of " + noHeader + ", which names a, 0, 1;2, 3;4, 5; "
                + "the first line of every CSV file must be a header naming seq, pos, q, k, v"), h.err());
        assertEquals(List.of("bad.json", "in.csv", "in.json", "noheader.csv"), entries(), "nothing may be written");

        // a well-formed CSV still runs
        Path good = dir.resolve("good.csv");
        Files.writeString(good, "seq,pos,q,k,v\na,0,1;2,1;2,1\na,1,0;2,1;0,3\n");
        Result ok = cli("run", "--input", good.toString(), "--format", "csv", "--output", dir.resolve("out").toString());
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void sparkSettingsPrecedence() throws IOException {
        Path file = dir.resolve("spark-defaults.conf");
        Files.writeString(file, "# comment\nspark.sql.shuffle.partitions  9\nspark.executor.memory 2g\n");
        Map<String, String> s = SparkSessions.settings(new SparkOptions(null, Map.of("spark.executor.memory", "3g"),
                file.toString()));
        assertEquals("local[*]", s.get("spark.master"));
        assertEquals("9", s.get("spark.sql.shuffle.partitions"));
        assertEquals("3g", s.get("spark.executor.memory"));
        assertEquals("false", s.get("spark.ui.enabled"));
        assertEquals("true", s.get("spark.ui.showConsoleProgress"));
        assertEquals("false", s.get("spark.sql.types.framework.enabled"), "pinned to its default");
        assertEquals("true", SparkSessions.settings(new SparkOptions(null,
                Map.of("spark.sql.types.framework.enabled", "true"), null)).get("spark.sql.types.framework.enabled"),
                "a value the user gives wins");
        Map<String, String> local3 = SparkSessions.settings(new SparkOptions("local[3]", null, null));
        assertEquals("3", local3.get("spark.sql.shuffle.partitions"));
        Map<String, String> cluster = SparkSessions.settings(new SparkOptions("spark://127.0.0.1:7077", null, null));
        assertEquals("spark://127.0.0.1:7077", cluster.get("spark.master"));
        assertFalse(cluster.containsKey("spark.ui.enabled"));
    }
}
