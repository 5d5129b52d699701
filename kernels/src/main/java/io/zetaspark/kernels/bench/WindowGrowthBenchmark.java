package io.zetaspark.kernels.bench;

import io.zetaspark.kernels.ExactOracle;
import io.zetaspark.kernels.NestedLevels;
import io.zetaspark.kernels.RecallEvaluator;
import io.zetaspark.kernels.Selection;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;

/**
 * What it costs to keep recall@32 at 0.97 on long sequences by letting the window grow with the
 * nested level, measured on the in-memory engine (the Spark plan and the GPU give its bytes) and
 * written into the section "Recall at scale: a window that grows with the level" of
 * {@code docs/BENCHMARKS.md}.
 *
 * <p>A query of level ℓ searches a block of about 2^ℓ chunks; with a fixed window W its four windows
 * cover a smaller share of that block as ℓ grows, which is why recall falls from 0.973 at 65K tokens
 * to about 0.96 at 4M. The operator has one W for every level; this program measures the rule
 * "W(ℓ)" without building it into every path: the queries of each level are run through
 * {@link ZetaAttention#cursor(TokenSequence, int)} on the level's prefix with that level's window,
 * which gives exactly the selection a level-dependent window would give (a query's selection
 * depends only on its level's keys and the window), and the cursor loops are timed (the prefix
 * copies and the cursors' set-up, which a real implementation would do once, are not). recall@32 is
 * measured against the exact oracle on a seeded sample of queries, overall and per level.
 *
 * <pre>
 *   java -Xmx12g -cp kernels/target/classes io.zetaspark.kernels.bench.WindowGrowthBenchmark [OUTPUT.md]
 *        [--tokens 4194304] [--sample 2000]
 * </pre>
 */
public final class WindowGrowthBenchmark {
    static final String SECTION = "## Recall at scale: a window that grows with the level";
    private static final int D = 3;
    private static final int DV = 4; // the window changes the selection only; small values keep the outputs cheap

    private WindowGrowthBenchmark() {
    }

    /** A window rule: the window of each level. */
    static final class Scheme {
        final String name;
        final IntUnaryOperator window;

        Scheme(String name, IntUnaryOperator window) {
            this.name = name;
            this.window = window;
        }
    }

    /** The fixed default, two rules that grow above the level of 65,536 tokens (ℓ = 8), and a fixed 384. */
    static List<Scheme> schemes() {
        int w = ZetaParams.DEFAULT_WINDOW;
        List<Scheme> list = new ArrayList<>();
        list.add(new Scheme("fixed W = " + w + " (default)", l -> w));
        list.add(new Scheme("W = 192 + 16·(ℓ − 8) above ℓ = 8", l -> w + 16 * Math.max(0, l - 8)));
        list.add(new Scheme("W = 192 + 32·(ℓ − 8) above ℓ = 8", l -> w + 32 * Math.max(0, l - 8)));
        list.add(new Scheme("fixed W = 384", l -> 384));
        return list;
    }

    /** One scheme's result. */
    static final class Result {
        Scheme scheme;
        double seconds;
        double candidatesPerQuery;
        RecallEvaluator all = new RecallEvaluator();
        RecallEvaluator[] byLevel;
        int[] windowByLevel;
    }

    public static void main(String[] args) {
        String output = "docs/BENCHMARKS.md";
        int n = 1 << 22;
        int sample = 2_000;
        List<String> options = new ArrayList<>(); // the arguments but the output path, for the report
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--tokens":
                    n = Integer.parseInt(args[++a].replace("_", ""));
                    options.add("--tokens " + args[a]);
                    break;
                case "--sample":
                    sample = Integer.parseInt(args[++a]);
                    options.add("--sample " + args[a]);
                    break;
                case "-h":
                case "--help":
                    System.out.println("usage: WindowGrowthBenchmark [OUTPUT.md] [--tokens N] [--sample Q]");
                    return;
                default:
                    if (args[a].startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + args[a]);
                    }
                    output = args[a];
            }
        }
        if (n < 1024 || sample < 1) {
            throw new IllegalArgumentException("--tokens must be >= 1024 and --sample >= 1");
        }
        Path out = KernelBenchmark.resolveOutput(output);
        long t0 = System.nanoTime();
        TokenSequence s = new TokenGenerator(TokenGenerator.Kind.GAUSSIAN, 1, D, DV).sequence(0, n, 1);
        ZetaParams base = ZetaParams.defaults();
        int[] queries = KernelBenchmark.sampleQueries(n, Math.min(sample, n));
        Selection exact = ExactOracle.selectFor(s, base, queries);
        List<NestedLevels.Step> steps = NestedLevels.plan(s.pos(), n, base.chunkSize(), true);
        int top = steps.get(steps.size() - 1).level;
        // warm-up: the default on the first quarter, discarded
        measure(s.prefix(n / 4), new Scheme("warm-up", l -> ZetaParams.DEFAULT_WINDOW), base,
                NestedLevels.plan(s.pos(), n / 4, base.chunkSize(), true), new int[0], exact, top);
        List<Result> results = new ArrayList<>();
        for (Scheme sc : schemes()) {
            Result r = measure(s, sc, base, steps, queries, exact, top);
            System.out.printf(Locale.ROOT, "%s: %.1f s, recall %.4f%n", sc.name, r.seconds, r.all.recall());
            results.add(r);
        }
        String section = render(results, n, queries.length, top, (System.nanoTime() - t0) / 1e9, String.join(" ", options));
        KernelBenchmark.writeSection(out, SECTION, section);
        System.out.println(section);
        System.out.println("wrote section '" + SECTION.substring(3) + "' of " + out);
    }

    static Result measure(TokenSequence s, Scheme sc, ZetaParams base, List<NestedLevels.Step> steps, int[] queries,
                          Selection exact, int top) {
        Result r = new Result();
        r.scheme = sc;
        r.byLevel = new RecallEvaluator[top + 1];
        r.windowByLevel = new int[top + 1];
        for (int l = 0; l <= top; l++) {
            r.byLevel[l] = new RecallEvaluator();
            r.windowByLevel[l] = sc.window.applyAsInt(l);
        }
        int k = base.k();
        int n = s.size();
        double candidates = 0;
        long nanos = 0;
        int next = 0; // the next sampled query
        for (NestedLevels.Step st : steps) {
            int w = sc.window.applyAsInt(st.level);
            ZetaParams p = base.withWindow(w);
            TokenSequence prefix = st.queryTo == n ? s : s.prefix(st.queryTo);
            ZetaAttention.Cursor c = new ZetaAttention(p).cursor(prefix, st.queryFrom);
            long a = System.nanoTime();
            while (c.hasNext()) {
                c.advance();
                if (next < queries.length && queries[next] == c.index) {
                    r.all.add(c.nbrDist, 0, c.count, exact.dist, next * k, exact.count[next], null, 0, null, 0, 0);
                    r.byLevel[st.level].add(c.nbrDist, 0, c.count, exact.dist, next * k, exact.count[next],
                            null, 0, null, 0, 0);
                    next++;
                }
            }
            nanos += System.nanoTime() - a;
            if (st.keyCount > 0) {
                candidates += (double) (st.queryTo - st.queryFrom) * p.curves() * w;
            }
        }
        if (next != queries.length) {
            throw new IllegalStateException("sampled queries not met: " + next + " of " + queries.length);
        }
        r.seconds = nanos / 1e9;
        r.candidatesPerQuery = candidates / n;
        return r;
    }

    static String render(List<Result> results, int n, int sample, int top, double total, String args) {
        StringBuilder sb = new StringBuilder(SECTION).append("\n\n");
        sb.append(String.format(Locale.ROOT, "Measured %s (UTC) by `io.zetaspark.kernels.bench.WindowGrowthBenchmark`%s. "
                        + "Machine: %d cores, JDK %s, one thread. One Gaussian sequence of %,d tokens (d = 3, positions "
                        + "0..n−1), k = 32, 4 curves, M = 256, causal, mean slot on; levels 1..%d. Each rule runs the queries "
                        + "of every level through the engine's cursor on the level's prefix with that level's window (exactly "
                        + "what a level-dependent window selects); time = the cursor loops (selection and outputs at dv = %d), "
                        + "one run after a discarded warm-up on the first quarter. recall@32 on %,d seeded sampled queries "
                        + "against the exact oracle (a key at the exact 32nd distance counts).%n%n",
                LocalDate.now(ZoneOffset.UTC), args.isBlank() ? "" : " `" + args + "`",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), n, top, DV, sample));
        double baseSeconds = results.get(0).seconds;
        sb.append("| window rule | W at the top level | curve candidates/query (mean) | engine s | time / default "
                + "| recall@32 (min/query) | recall ≥ 0.97 |\n|---|---:|---:|---:|---:|---:|---|\n");
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %.1f | %.2f× | %.4f (%.3f) | %s |%n", r.scheme.name,
                    r.windowByLevel[top], r.candidatesPerQuery, r.seconds, r.seconds / baseSeconds, r.all.recall(),
                    r.all.minQueryRecall(), r.all.recall() >= 0.97 ? "yes" : "**no**"));
        }
        sb.append("\nrecall@32 by level (sampled queries of each level; the top level holds half of the queries):\n\n");
        sb.append("| window rule |");
        StringBuilder rule = new StringBuilder("|---|");
        int first = 1;
        for (int l = first; l <= top; l++) {
            sb.append(" ℓ=").append(l).append(" |");
            rule.append("---:|");
        }
        sb.append('\n').append(rule).append('\n');
        sb.append("| sampled queries |");
        for (int l = first; l <= top; l++) {
            sb.append(' ').append(results.get(0).byLevel[l].queries()).append(" |");
        }
        sb.append('\n');
        for (Result r : results) {
            sb.append("| ").append(r.scheme.name).append(" |");
            for (int l = first; l <= top; l++) {
                RecallEvaluator ev = r.byLevel[l];
                sb.append(ev.queries() == 0 ? " – |" : String.format(Locale.ROOT, " %.3f |", ev.recall()));
            }
            sb.append('\n');
        }
        sb.append(String.format(Locale.ROOT, "%nWhole benchmark: %.0f s. Reproduce (repository root, after `mvn -B -ntp -pl "
                + "kernels compile`): `java -Xmx12g -cp kernels/target/classes "
                + "io.zetaspark.kernels.bench.WindowGrowthBenchmark docs/BENCHMARKS.md%s`.%n", total,
                args.isBlank() ? "" : " " + args));
        return sb.toString();
    }
}
