package io.zetaspark.job.report;

import io.zetaspark.job.io.OutputExistsException;
import io.zetaspark.kernels.RecallEvaluator;
import io.zetaspark.kernels.ZetaParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run report ({@code zeta run --report PATH}): one self-contained HTML page (inline CSS and
 * SVG, nothing fetched) that shows whether a run was healthy: the input and parameters, health
 * checks, sampled recall@k against the exact oracle, per-phase and per-stage timings with Spark's
 * shuffle metrics, selected keys per query, and histograms of distances and weights. The page is
 * written to a temporary sibling and moved into place, so a reader never sees half of it, and an
 * existing report is replaced only with overwrite.
 */
public final class RunReport {
    /** Stages drawn in the timing chart (the table lists all). */
    private static final int TOP_STAGES = 12;
    private final Map<String, String> facts = new LinkedHashMap<>();
    private final List<String[]> checks = new ArrayList<>();
    private final Map<String, Double> phases = new LinkedHashMap<>();
    private List<StageMetrics.Stage> stages = List.of();
    private RecallEvaluator recall;
    private OutputHistograms histograms;
    private ZetaParams params;
    private long tokens;

    /** Fails before any job when {@code path} exists and {@code overwrite} is false. */
    public static void checkTarget(Path path, boolean overwrite) {
        if (!overwrite && Files.exists(path)) {
            throw new OutputExistsException(path.toString());
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("report directory " + parent + " does not exist");
        }
    }

    /** A line of the run's summary table (input, parameters, engine, versions). */
    public RunReport fact(String name, String value) {
        facts.put(name, value);
        return this;
    }

    public RunReport params(ZetaParams p, long tokenCount) {
        this.params = p;
        this.tokens = tokenCount;
        return this;
    }

    /** Wall-clock seconds of one phase of the run (validation, attention and write, evaluation, ...). */
    public RunReport phase(String name, double seconds) {
        phases.put(name, seconds);
        return this;
    }

    public RunReport stages(List<StageMetrics.Stage> s) {
        this.stages = s;
        return this;
    }

    public RunReport recall(RecallEvaluator ev) {
        this.recall = ev;
        return this;
    }

    public RunReport histograms(OutputHistograms h) {
        this.histograms = h;
        return this;
    }

    /** A health check: its name, whether it passed, and what was measured. */
    public RunReport check(String name, boolean ok, String measured) {
        checks.add(new String[] {name, ok ? "ok" : "check", measured});
        return this;
    }

    /** Renders the page. */
    public String html() {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>zeta-spark run report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222}")
                .append("table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;")
                .append("font-size:13px}th{background:#eef2f7;text-align:left}td.n{text-align:right;font-variant-numeric:")
                .append("tabular-nums}.ok{color:#176b2c;font-weight:bold}.check{color:#a35a00;font-weight:bold}")
                .append(".big{font-size:28px;font-weight:bold;color:#1f4e85}svg{margin:4px 12px 12px 0}")
                .append("h2{border-bottom:2px solid #3b6ea8;padding-bottom:2px}</style></head><body>\n");
        b.append("<h1>zeta-spark run report</h1>\n");
        b.append("<table>\n");
        for (Map.Entry<String, String> e : facts.entrySet()) {
            b.append(Html.row(false, e.getKey(), e.getValue()));
        }
        b.append("</table>\n");

        b.append("<h2>Health</h2>\n");
        if (recall != null && params != null) {
            b.append(String.format(Locale.ROOT, "<p>Sampled recall@%d against the exact oracle: <span id=\"recall\" "
                            + "class=\"big\">%.4f</span> over %,d queries (min per query %.3f, fully correct %.1f%%; "
                            + "relative L2 error of out: mean %.2e, max %.2e).</p>\n", params.k(), recall.recall(),
                    recall.queries(), recall.minQueryRecall(), 100 * recall.perfectFraction(),
                    recall.meanRelativeError(), recall.maxRelativeError()));
        } else {
            b.append("<p id=\"recall\">Recall was not evaluated.</p>\n");
        }
        b.append("<table>\n").append(Html.row(true, "check", "status", "measured"));
        for (String[] c : checks) {
            b.append("<tr><td>").append(Html.escape(c[0])).append("</td><td class=\"").append(c[1]).append("\">")
                    .append(c[1]).append("</td><td>").append(Html.escape(c[2])).append("</td></tr>\n");
        }
        b.append("</table>\n");

        if (histograms != null) {
            b.append("<h2>Selection and weights</h2>\n");
            if (params != null) {
                b.append(String.format(Locale.ROOT, "<p>Candidate budget per query: %d curves × %d window keys "
                                + "(%d) plus the eligible keys of its own chunk (up to %d positions); the best %d are kept.</p>\n",
                        params.curves(), params.window(), params.curves() * params.window(), params.chunkSize(), params.k()));
            }
            if (histograms.selected != null) {
                long[] sel = histograms.selected;
                String[] labels = new String[sel.length];
                double[] values = new double[sel.length];
                for (int i = 0; i < sel.length; i++) {
                    labels[i] = Integer.toString(i);
                    values[i] = sel[i];
                }
                b.append(Svg.bars("selected", "Queries by selected keys", labels, values, "selected keys per query",
                        "queries", Math.max(1, sel.length / 16)));
            }
            b.append(histogram("nn-dist", "Nearest selected distance (nn_dist)", histograms.nnDist, "nn_dist",
                    " queries with nothing eligible (nn_dist = +∞) are not drawn"));
            b.append(histogram("weights", "Normalised weights of the selected keys (nbr_w)", histograms.weights,
                    "weight", ""));
            b.append(histogram("mean-share", "Weight left to the mean slot per query (1 − Σ nbr_w)",
                    histograms.meanShare, "share", ""));
        }
        b.append("<h2>Time</h2>\n");
        if (!phases.isEmpty()) {
            b.append(Svg.rows("phases", "Seconds per phase", phases.keySet().toArray(new String[0]),
                    phases.values().stream().mapToDouble(Double::doubleValue).toArray(), "s"));
        }
        b.append(stageSection());

        b.append("</body></html>\n");
        return b.toString();
    }

    private String stageSection() {
        if (stages.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        long rows = 0;
        long bytes = 0;
        for (StageMetrics.Stage s : stages) {
            rows += s.shuffleWriteRecords;
            bytes += s.shuffleWriteBytes;
        }
        List<StageMetrics.Stage> slowest = new ArrayList<>(stages);
        slowest.sort((x, y) -> Double.compare(y.seconds, x.seconds));
        slowest = slowest.subList(0, Math.min(TOP_STAGES, slowest.size()));
        String[] labels = new String[slowest.size()];
        double[] secs = new double[slowest.size()];
        for (int i = 0; i < labels.length; i++) {
            StageMetrics.Stage s = slowest.get(i);
            labels[i] = "#" + s.id + " " + shortName((s.phase.isEmpty() ? "" : s.phase + " · ") + s.name);
            secs[i] = s.seconds;
        }
        b.append(Svg.rows("stage-times", String.format(Locale.ROOT, "The %d slowest of %d Spark stages (seconds)",
                labels.length, stages.size()), labels, secs, "s"));
        double per = tokens > 0 ? tokens : 1;
        b.append(String.format(Locale.ROOT, "<p>Shuffle written over the run: %,d rows (%.2f per token), %,d bytes "
                + "(%.0f per token); from Spark's task metrics.</p>\n", rows, rows / per, bytes, bytes / per));
        b.append("<table id=\"stages\">\n").append(Html.row(true, "stage", "phase", "created at", "tasks", "seconds",
                "longest task s", "median task s", "peak execution memory MiB",
                "shuffle rows written", "shuffle bytes written", "shuffle rows read", "input rows"));
        for (StageMetrics.Stage s : stages) {
            b.append(Html.row(false, s.id, s.phase, s.name, s.tasks, String.format(Locale.ROOT, "%.2f", s.seconds),
                    String.format(Locale.ROOT, "%.2f", s.longestTask), String.format(Locale.ROOT, "%.2f", s.medianTask),
                    String.format(Locale.ROOT, "%.1f", s.peakExecutionMemory / (double) (1 << 20)),
                    String.format(Locale.ROOT, "%,d", s.shuffleWriteRecords),
                    String.format(Locale.ROOT, "%,d", s.shuffleWriteBytes),
                    String.format(Locale.ROOT, "%,d", s.shuffleReadRecords),
                    String.format(Locale.ROOT, "%,d", s.inputRecords)));
        }
        return b.append("</table>\n").toString();
    }

    private static String shortName(String name) {
        return name.length() > 36 ? name.substring(0, 35) + "…" : name;
    }

    private static String histogram(String id, String title, OutputHistograms.Histogram h, String x, String excludedNote) {
        if (h == null) {
            return "<p>" + Html.escape(title) + ": the column is not in the output.</p>\n";
        }
        String[] labels = new String[h.counts.length];
        double[] values = new double[h.counts.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = h.label(i);
            values[i] = h.counts[i];
        }
        String svg = Svg.bars(id, title, labels, values, x, "count", Math.max(1, labels.length / 8));
        if (h.excluded > 0 && !excludedNote.isEmpty()) {
            svg += String.format(Locale.ROOT, "<p>%,d%s.</p>\n", h.excluded, Html.escape(excludedNote));
        }
        return svg + "\n";
    }

    /** Writes the page to {@code path}: a temporary sibling first, then an atomic move. */
    public void write(Path path, boolean overwrite) {
        checkTarget(path, overwrite);
        Path abs = path.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + "._tmp-" + java.util.UUID.randomUUID());
        try {
            Files.write(tmp, html().getBytes(StandardCharsets.UTF_8));
            if (overwrite) {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the report " + path + " failed: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the move succeeded or the write failed; nothing more to clean
            }
        }
    }
}
