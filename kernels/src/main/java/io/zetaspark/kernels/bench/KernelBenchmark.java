package io.zetaspark.kernels.bench;

import io.zetaspark.kernels.AttentionResult;
import io.zetaspark.kernels.ExactOracle;
import io.zetaspark.kernels.RecallEvaluator;
import io.zetaspark.kernels.Selection;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Times the in-memory engine ({@link ZetaAttention}) against the exact oracle ({@link ExactOracle})
 * and writes a Markdown table into the section "Kernels: in-memory engine vs exact oracle" of
 * {@code docs/BENCHMARKS.md}, leaving every other section of that file as it is.
 *
 * <p>For each row (d = 3, dv = 64, k = 32, default parameters): the engine runs on the whole
 * sequence (selection, then weights and outputs); the oracle is O(n²), so it selects for a seeded
 * sample of queries only and its throughput is queries per second of that sample. recall@32 is
 * measured on the same sample. One warm-up round is discarded, then min and median of the timed
 * rounds are reported (a fresh JVM's first run is often 2–3× slower on small VMs).
 *
 * <p>Run from the repository root after {@code mvn -B -ntp -pl kernels compile}:
 * <pre>
 *   java -Xmx4g -cp kernels/target/classes io.zetaspark.kernels.bench.KernelBenchmark [OUTPUT.md]
 *        [--sizes 16384,65536,262144] [--ties 262144] [--runs 3] [--sample 2000]
 * </pre>
 * A relative OUTPUT path (default {@code docs/BENCHMARKS.md}) is resolved against the repository
 * root, found by walking up from the working directory to the folder holding {@code kernels/}.
 */
public final class KernelBenchmark {
    static final String SECTION = "## Kernels: in-memory engine vs exact oracle";
    private static final int D = 3;
    private static final int DV = 64;

    private KernelBenchmark() {
    }

    /** One measured row. */
    static final class Row {
        String kind;
        int n;
        int sample;
        double[] selectS;
        double[] attendS;
        double[] runS;
        double[] oracleS;
        double[] selectCpuS;
        double[] runCpuS;
        double[] oracleCpuS;
        double recall;
        double minRecall;
        double walkedPerQuery;
        long clamped;
    }

    public static void main(String[] args) {
        String output = "docs/BENCHMARKS.md";
        int[] sizes = {16_384, 65_536, 262_144};
        int[] tiesSizes = {262_144};
        int runs = 3;
        int sample = 2_000;
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--sizes":
                    sizes = parseInts(args[++a]);
                    break;
                case "--ties":
                    tiesSizes = args[++a].isBlank() ? new int[0] : parseInts(args[a]);
                    break;
                case "--runs":
                    runs = Integer.parseInt(args[++a]);
                    break;
                case "--sample":
                    sample = Integer.parseInt(args[++a]);
                    break;
                case "-h":
                case "--help":
                    System.out.println("usage: KernelBenchmark [OUTPUT.md] [--sizes N,N,...] [--ties N,...] [--runs R]"
                            + " [--sample Q]");
                    return;
                default:
                    if (args[a].startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + args[a]);
                    }
                    output = args[a];
            }
        }
        if (runs < 1 || sample < 1) {
            throw new IllegalArgumentException("--runs and --sample must be >= 1");
        }
        Path out = resolveOutput(output);
        String loadBefore = loadAverage();
        long t0 = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        for (int n : sizes) {
            rows.add(measure(TokenGenerator.Kind.GAUSSIAN, n, runs, sample));
        }
        for (int n : tiesSizes) {
            rows.add(measure(TokenGenerator.Kind.TIES, n, runs, sample));
        }
        double total = (System.nanoTime() - t0) / 1e9;
        String load = loadBefore.isEmpty() ? "" : "load average (1 min) " + loadBefore + " at start, " + loadAverage()
                + " at end";
        String section = render(rows, runs, sample, total, String.join(" ", args), load);
        writeSection(out, section);
        System.out.println(section);
        System.out.println("wrote section '" + SECTION.substring(3) + "' of " + out);
    }

    static int[] parseInts(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .mapToInt(x -> Integer.parseInt(x.replace("_", ""))).toArray();
    }

    static Row measure(TokenGenerator.Kind kind, int n, int runs, int sample) {
        TokenSequence s = new TokenGenerator(kind, 1, D, DV).sequence(0, n, 1);
        ZetaParams p = ZetaParams.defaults();
        int[] queries = sampleQueries(n, Math.min(sample, n));
        Row row = new Row();
        row.kind = kind.name().toLowerCase(Locale.ROOT);
        row.n = n;
        row.sample = queries.length;
        row.selectS = new double[runs];
        row.attendS = new double[runs];
        row.runS = new double[runs];
        row.oracleS = new double[runs];
        row.selectCpuS = new double[runs];
        row.runCpuS = new double[runs];
        row.oracleCpuS = new double[runs];
        ZetaAttention engine = new ZetaAttention(p);
        AttentionResult last = null;
        Selection exact = null;
        for (int r = -1; r < runs; r++) { // r = -1: warm-up, discarded
            long ca = cpuNanos();
            long a = System.nanoTime();
            Selection sel = engine.select(s);
            long b = System.nanoTime();
            long cb = cpuNanos();
            last = ZetaAttention.attend(s, sel, p);
            long c = System.nanoTime();
            long cc = cpuNanos();
            exact = ExactOracle.selectFor(s, p, queries);
            long e = System.nanoTime();
            long ce = cpuNanos();
            if (r >= 0) {
                row.selectS[r] = (b - a) / 1e9;
                row.attendS[r] = (c - b) / 1e9;
                row.runS[r] = (c - a) / 1e9;
                row.oracleS[r] = (e - c) / 1e9;
                row.selectCpuS[r] = (cb - ca) / 1e9;
                row.runCpuS[r] = (cc - ca) / 1e9;
                row.oracleCpuS[r] = (ce - cc) / 1e9;
            }
            System.out.printf(Locale.ROOT, "%s n=%d %s: engine select %.3f s + attend %.3f s, oracle %d queries %.3f s%n",
                    row.kind, n, r < 0 ? "warm-up" : "run " + (r + 1), (b - a) / 1e9, (c - b) / 1e9, queries.length,
                    (e - c) / 1e9);
        }
        RecallEvaluator ev = new RecallEvaluator();
        int k = p.k();
        for (int r = 0; r < queries.length; r++) {
            int i = queries[r];
            ev.add(last.selection.dist, i * k, last.selection.count[i], exact.dist, r * k, exact.count[r],
                    null, 0, null, 0, 0);
        }
        row.recall = ev.recall();
        row.minRecall = ev.minQueryRecall();
        row.walkedPerQuery = last.selection.rowsWalked / (double) n;
        row.clamped = last.selection.clampedComponents;
        return row;
    }

    /** CPU time of the current thread (immune to other jobs on a shared machine), or wall time where unsupported. */
    static long cpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        return mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** A seeded, sorted sample of distinct query indices spread over the whole sequence. */
    static int[] sampleQueries(int n, int count) {
        SplittableRandom rnd = new SplittableRandom(20250101L + n);
        int[] q = rnd.ints(count * 4L, 0, n).distinct().limit(count).toArray();
        Arrays.sort(q);
        return q;
    }

    static double min(double[] a) {
        return Arrays.stream(a).min().orElse(Double.NaN);
    }

    static double median(double[] a) {
        double[] b = a.clone();
        Arrays.sort(b);
        int m = b.length / 2;
        return b.length % 2 == 1 ? b[m] : (b[m - 1] + b[m]) / 2;
    }

    static String render(List<Row> rows, int runs, int sample, double totalSeconds, String args, String load) {
        StringBuilder sb = new StringBuilder();
        sb.append(SECTION).append("\n\n");
        sb.append(String.format(Locale.ROOT, "Measured %s (UTC) by `io.zetaspark.kernels.bench.KernelBenchmark`%s. ",
                LocalDate.now(ZoneOffset.UTC), args.isBlank() ? "" : " `" + args + "`"));
        sb.append(String.format(Locale.ROOT,
                "Machine: %d cores (`availableProcessors`)%s, %s %s, JDK %s (%s), max heap %d MiB, single-threaded kernels%s.%n%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().maxMemory() >> 20,
                load.isEmpty() ? "" : "; " + load + " (other jobs share the machine)"));
        sb.append(String.format(Locale.ROOT,
                "Setup: d = %d, dv = %d, k = 32, default parameters (%d curves, W = %d, M = %d, causal, mean slot on, "
                        + "Cauchy kernel); tokens from `TokenGenerator` (seed 1, positions 0..n-1). One warm-up round "
                        + "discarded, then %d timed rounds: min and median in seconds. The engine runs on the whole "
                        + "sequence (select = curve/own-chunk selection, run = select + weights and outputs); "
                        + "throughput is tokens/s of the median run. The exact oracle is O(n^2): it selects for a "
                        + "seeded uniform sample of %d queries (`ExactOracle.selectFor`, selection only, no outputs) "
                        + "and its throughput is sampled queries/s; `oracle, all n` extrapolates that to every "
                        + "query. Speed-up = engine select tokens/s / oracle queries/s (both selection only). "
                        + "recall@32 is measured on the same sample (a key at the exact 32nd distance counts).%n%n",
                D, DV, ZetaParams.DEFAULT_CURVES, ZetaParams.DEFAULT_WINDOW, ZetaParams.DEFAULT_CHUNK, runs, sample));
        sb.append("| tokens | n | engine select s (min / med) | engine run s (min / med) | engine run CPU s (med) "
                + "| engine tokens/s (wall / CPU) | oracle sample | oracle s (min / med) | oracle CPU s (med) "
                + "| oracle queries/s (wall / CPU) | oracle, all n (s, est.) | speed-up, select (wall / CPU) "
                + "| recall@32 (min/query) | rows walked/query |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            double runMed = median(r.runS);
            double selMed = median(r.selectS);
            double oraMed = median(r.oracleS);
            double oracleQps = r.sample / oraMed;
            double oracleCpuQps = r.sample / median(r.oracleCpuS);
            sb.append(String.format(Locale.ROOT,
                    "| %s | %,d | %.3f / %.3f | %.3f / %.3f | %.3f | %s / %s | %,d | %.3f / %.3f | %.3f | %s / %s | %.1f "
                            + "| %.0f× / %.0f× | %.4f (%.3f) | %.0f |%n",
                    r.kind, r.n, min(r.selectS), selMed, min(r.runS), runMed, median(r.runCpuS), rate(r.n / runMed),
                    rate(r.n / median(r.runCpuS)), r.sample, min(r.oracleS), oraMed, median(r.oracleCpuS),
                    rate(oracleQps), rate(oracleCpuQps), r.n / oracleQps, (r.n / selMed) / oracleQps,
                    (r.n / median(r.selectCpuS)) / oracleCpuQps, r.recall, r.minRecall, r.walkedPerQuery));
        }
        sb.append(String.format(Locale.ROOT,
                "%nAttention (weights, mean slot, gather of k = 32 value rows of dv = 64 per query) is the median "
                        + "run minus the median select. Wall times suffer when other jobs share the cores; the CPU "
                        + "columns (the benchmark thread's CPU time) do not. Clamped q/k components: %s. Whole "
                        + "benchmark: %.0f s.%n%n",
                clampedSummary(rows), totalSeconds));
        sb.append("Reproduce (repository root, after `mvn -B -ntp -pl kernels compile`):\n\n");
        sb.append("```\njava -Xmx4g -cp kernels/target/classes io.zetaspark.kernels.bench.KernelBenchmark docs/BENCHMARKS.md\n```\n");
        return sb.toString();
    }

    private static String clampedSummary(List<Row> rows) {
        long total = 0;
        for (Row r : rows) {
            total += r.clamped;
        }
        return total == 0 ? "none" : String.valueOf(total);
    }

    static String rate(double perSecond) {
        if (perSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", perSecond / 1e6);
        }
        if (perSecond >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    /** The 1-minute load average from /proc/loadavg, or "" where there is none. */
    private static String loadAverage() {
        try {
            Path p = Paths.get("/proc/loadavg");
            if (Files.isReadable(p)) {
                return Files.readString(p, StandardCharsets.US_ASCII).trim().split("\\s+")[0];
            }
        } catch (IOException | RuntimeException e) {
            // decoration only
        }
        return "";
    }

    private static String cpuModel() {
        try {
            Path info = Paths.get("/proc/cpuinfo");
            if (Files.isReadable(info)) {
                for (String line : Files.readAllLines(info, StandardCharsets.UTF_8)) {
                    if (line.startsWith("model name")) {
                        return ", " + line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the model name is decoration only
        }
        return "";
    }

    /** Resolves a relative output path against the repository root (the folder that holds kernels/). */
    static Path resolveOutput(String output) {
        Path p = Paths.get(output);
        if (p.isAbsolute()) {
            return p;
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("kernels")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir.resolve(p);
            }
        }
        return p.toAbsolutePath();
    }

    /**
     * Replaces this benchmark's section (from its heading to the next heading of level 1 or 2, or
     * the end) in the file, appending it when absent and creating the file when needed.
     */
    static void writeSection(Path file, String section) {
        writeSection(file, SECTION, section);
    }

    /** As {@link #writeSection(Path, String)} for the section under another heading (the other kernel benchmarks). */
    static void writeSection(Path file, String heading, String section) {
        try {
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8)
                    : "# Benchmarks\n\nMeasured figures of zeta-spark; each section is written by the program it names.\n";
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, replaceSection(text, heading, section), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The text with this benchmark's section replaced (or appended). */
    static String replaceSection(String text, String section) {
        return replaceSection(text, SECTION, section);
    }

    /** The text with the section under {@code heading} replaced (or appended). */
    static String replaceSection(String text, String heading, String section) {
        String body = section.endsWith("\n") ? section : section + "\n";
        String[] lines = text.split("\n", -1);
        int start = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].trim().equals(heading)) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            String base = text.endsWith("\n") ? text : text + "\n";
            return base + "\n" + body;
        }
        int end = lines.length;
        boolean inFence = false;
        for (int i = start + 1; i < lines.length; i++) {
            if (lines[i].startsWith("```")) {
                inFence = !inFence;
            }
            if (!inFence && (lines[i].startsWith("# ") || lines[i].startsWith("## "))) {
                end = i;
                break;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < start; i++) {
            sb.append(lines[i]).append('\n');
        }
        sb.append(body);
        if (end < lines.length) {
            sb.append('\n');
            for (int i = end; i < lines.length; i++) {
                sb.append(lines[i]);
                if (i < lines.length - 1) {
                    sb.append('\n');
                }
            }
        }
        return sb.toString();
    }
}
