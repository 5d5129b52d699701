package io.zetaspark.kernels.bench;

import io.zetaspark.kernels.AttentionResult;
import io.zetaspark.kernels.ExactOracle;
import io.zetaspark.kernels.LevelBatch;
import io.zetaspark.kernels.RecallEvaluator;
import io.zetaspark.kernels.Selection;
import io.zetaspark.kernels.TokenGenerator;
import io.zetaspark.kernels.TokenSequence;
import io.zetaspark.kernels.WindowBatch;
import io.zetaspark.kernels.ZetaAttention;
import io.zetaspark.kernels.ZetaParams;
import io.zetaspark.kernels.gpu.EngineChoice;
import io.zetaspark.kernels.gpu.EngineDecision;
import io.zetaspark.kernels.gpu.GpuRuntime;
import io.zetaspark.kernels.gpu.GpuStatus;
import io.zetaspark.kernels.gpu.GpuWindowBatch;
import io.zetaspark.kernels.gpu.GpuZetaAttention;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * GPU benchmark (docs/BENCHMARKS.md, "GPU"; runbook bench/gpu/run-on-device.sh). For each length:
 * <ol>
 *   <li><b>window stage</b>: every (level, curve) window batch of the sequence (n·C queries in all),
 *       CUDA kernel against {@link WindowBatch} on all CPU cores; results must be identical;</li>
 *   <li><b>whole forward</b> on the GPU ({@code zeta_forward}: codes, sorts, selection, mean slot,
 *       values), against the Java engine up to {@code --java-forward-max} tokens (selections must
 *       be identical, out within 1e-5);</li>
 *   <li><b>recall@k</b> of the GPU selection against the exact oracle on a seeded sample.</li>
 * </ol>
 * Defaults: Gaussian tokens, d = 3, dv = 64, k = 32, other parameters at their defaults; lengths
 * 64K, 256K, 1M, 4M. One warm-up run is discarded; min and median of {@code --runs} are reported.
 * {@code --device emulate} runs the native code on the host instead (a smoke test of this program
 * on a machine without a GPU; its timings mean nothing).
 *
 * <p>Usage: {@code java -Xmx48g -cp zeta-kernels.jar io.zetaspark.kernels.bench.GpuBenchmark
 * [--sizes 65536,262144,1048576,4194304] [--runs 3] [--kind gaussian] [--threads N]
 * [--java-forward-max 1048576] [--sample 1000] [--device gpu|emulate] [--out results.md]}
 */
public final class GpuBenchmark {
    private final int[] sizes;
    private final int runs;
    private final TokenGenerator.Kind kind;
    private final int threads;
    private final int javaForwardMax;
    private final int sample;
    private final boolean emulate;
    private final Path out;
    private final ZetaParams params = ZetaParams.defaults().withK(32);
    private final int d = 3;
    private final int dv = 64;

    private GpuBenchmark(String[] args) {
        int[] sz = {65_536, 262_144, 1_048_576, 4_194_304};
        int r = 3;
        TokenGenerator.Kind kd = TokenGenerator.Kind.GAUSSIAN;
        int th = Runtime.getRuntime().availableProcessors();
        int jfm = 1_048_576;
        int smp = 1_000;
        boolean emu = false;
        Path o = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--sizes":
                    sz = Arrays.stream(need(a, v).split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                    i++;
                    break;
                case "--runs":
                    r = Integer.parseInt(need(a, v));
                    i++;
                    break;
                case "--kind":
                    kd = TokenGenerator.Kind.parse(need(a, v));
                    i++;
                    break;
                case "--threads":
                    th = Integer.parseInt(need(a, v));
                    i++;
                    break;
                case "--java-forward-max":
                    jfm = Integer.parseInt(need(a, v));
                    i++;
                    break;
                case "--sample":
                    smp = Integer.parseInt(need(a, v));
                    i++;
                    break;
                case "--device":
                    String dev = need(a, v);
                    if (!dev.equals("gpu") && !dev.equals("emulate")) {
                        throw new IllegalArgumentException("--device must be gpu or emulate, got " + dev);
                    }
                    emu = dev.equals("emulate");
                    i++;
                    break;
                case "--out":
                    o = Paths.get(need(a, v));
                    i++;
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (r < 1) {
            throw new IllegalArgumentException("--runs must be >= 1");
        }
        sizes = sz;
        runs = r;
        kind = kd;
        threads = Math.max(1, th);
        javaForwardMax = jfm;
        sample = smp;
        emulate = emu;
        out = o;
    }

    private static String need(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    public static void main(String[] args) throws Exception {
        new GpuBenchmark(args).run();
    }

    private final List<String> report = new ArrayList<>();

    private void line(String s) {
        System.out.println(s);
        report.add(s);
    }

    private void run() throws Exception {
        GpuStatus status = GpuRuntime.status();
        if (emulate ? !status.libraryLoaded() : !status.usable()) {
            System.err.println("cannot run the GPU benchmark: " + status);
            System.exit(1);
        }
        line("GPU benchmark: " + (emulate ? "HOST EMULATION (timings meaningless)" : status.device()));
        line(String.format(Locale.ROOT, "Java %s, %d CPU threads for the Java window stage; %s tokens, d=%d, dv=%d, %s",
                System.getProperty("java.version"), threads, kind.toString().toLowerCase(Locale.ROOT), d, dv, params));
        line("Times in ms: min / median of " + runs + " runs after one discarded warm-up. GPU \"call\" = JNI call"
                + " including host<->device transfers; \"device\" = CUDA-event time of the kernels alone.");
        line("");
        line("| n | window batches (queries) | Java window, " + threads + " threads | GPU window call | GPU window device"
                + " | speed-up (call) | GPU forward call | GPU forward device | Java forward (1 thread) | recall@32 (sample)"
                + " | GPU = CPU |");
        line("|---|---|---|---|---|---|---|---|---|---|---|");
        for (int n : sizes) {
            benchmark(n);
        }
        if (out != null) {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.write(out, (String.join("\n", report) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            System.out.println("written to " + out);
        }
    }

    /** The GPU when measuring it; with --device emulate the engines' native calls run on the host. */
    private EngineDecision decision() {
        return emulate ? EngineChoice.CPU.decide() : EngineChoice.GPU.decide();
    }

    private long javaWindow(ExecutorService pool, LevelBatch b, int k, int[] count, double[] dist, long[] pos)
            throws Exception {
        int half = params.halfWindow();
        int nq = b.nq();
        int parts = Math.min(threads, Math.max(1, nq / 1024));
        List<Future<Long>> futures = new ArrayList<>();
        for (int t = 0; t < parts; t++) {
            int from = (int) ((long) nq * t / parts);
            int to = (int) ((long) nq * (t + 1) / parts);
            futures.add(pool.submit(() -> WindowBatch.runRange(null, d, half, k, b.run.pos, b.run.vec, 0, b.run.size(), from,
                    to, b.ins, b.cutLo, b.cutHi, b.qVec, count, dist, pos)));
        }
        long walked = 0;
        for (Future<Long> f : futures) {
            walked += f.get();
        }
        return walked;
    }

    private void benchmark(int n) throws Exception {
        TokenSequence s = new TokenGenerator(kind, 20250101L, d, dv).sequence(0, n, 1);
        int k = params.k();
        List<LevelBatch> batches = new ArrayList<>();
        LevelBatch.forEach(s, params, batches::add);
        long queries = batches.stream().mapToLong(LevelBatch::nq).sum();
        int batchCount = batches.size();
        GpuWindowBatch gpuStage = GpuWindowBatch.create(decision());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        boolean identical = true;
        double[] javaMs = new double[runs];
        double[] gpuCallMs = new double[runs];
        double[] gpuDevMs = new double[runs];
        try {
            for (int r = -1; r < runs; r++) {
                double jt = 0;
                double gc = 0;
                double gd = 0;
                for (LevelBatch b : batches) {
                    int nq = b.nq();
                    int[] c1 = new int[nq];
                    double[] d1 = new double[nq * k];
                    long[] p1 = new long[nq * k];
                    long t0 = System.nanoTime();
                    long w1 = javaWindow(pool, b, k, c1, d1, p1);
                    jt += (System.nanoTime() - t0) / 1e6;
                    int[] c2 = new int[nq];
                    double[] d2 = new double[nq * k];
                    long[] p2 = new long[nq * k];
                    long w2 = gpuStage.runNative(emulate, d, params.halfWindow(), k, b.run.pos, b.run.vec, 0,
                            b.run.size(), nq, b.ins, b.cutLo, b.cutHi, b.qVec, c2, d2, p2);
                    gc += gpuStage.lastTiming().libraryMillis;
                    gd += gpuStage.lastTiming().deviceMillis;
                    if (r == -1) {
                        identical &= w1 == w2 && Arrays.equals(c1, c2) && Arrays.equals(d1, d2) && Arrays.equals(p1, p2);
                    }
                }
                if (r >= 0) {
                    javaMs[r] = jt;
                    gpuCallMs[r] = gc;
                    gpuDevMs[r] = gd;
                }
            }
        } finally {
            pool.shutdown();
        }
        batches = null; // let the runs go before the forward

        GpuZetaAttention forward = new GpuZetaAttention(params, decision());
        double[] fwdCall = new double[runs];
        double[] fwdDev = new double[runs];
        AttentionResult gpuResult = null;
        for (int r = -1; r < runs; r++) {
            gpuResult = forward.runNative(emulate, s);
            if (r >= 0) {
                fwdCall[r] = forward.lastTiming().libraryMillis;
                fwdDev[r] = forward.lastTiming().deviceMillis;
            }
        }
        String javaForward = "skipped (n > " + javaForwardMax + ")";
        if (n <= javaForwardMax) {
            ZetaAttention cpu = new ZetaAttention(params);
            cpu.run(s.prefix(Math.min(n, 65_536))); // warm-up
            long t0 = System.nanoTime();
            AttentionResult cpuResult = cpu.run(s);
            javaForward = fmt((System.nanoTime() - t0) / 1e6);
            Selection a = cpuResult.selection;
            Selection b = gpuResult.selection;
            boolean same = Arrays.equals(a.count, b.count) && Arrays.equals(a.pos, b.pos) && Arrays.equals(a.dist, b.dist)
                    && a.rowsWalked == b.rowsWalked;
            RecallEvaluator outErr = RecallEvaluator.compare(gpuResult, cpuResult);
            same &= outErr.maxRelativeError() <= 1e-5;
            identical &= same;
            javaForward += String.format(Locale.ROOT, " (out max rel. diff %.1e)", outErr.maxRelativeError());
        }
        int[] queriesSample = new int[Math.min(sample, n)];
        for (int r = 0; r < queriesSample.length; r++) {
            queriesSample[r] = (int) ((long) n * r / queriesSample.length + (long) n / (2L * queriesSample.length));
        }
        Selection exact = ExactOracle.selectFor(s, params, queriesSample);
        RecallEvaluator ev = new RecallEvaluator();
        for (int r = 0; r < queriesSample.length; r++) {
            int i = queriesSample[r];
            ev.add(gpuResult.selection.dist, i * k, gpuResult.selection.count[i], exact.dist, r * k, exact.count[r],
                    null, 0, null, 0, 0);
        }
        line(String.format(Locale.ROOT, "| %d | %d (%d) | %s | %s | %s | %.1fx | %s | %s | %s | %.4f (%d) | %s |", n,
                batchCount, queries, minMed(javaMs), minMed(gpuCallMs), minMed(gpuDevMs),
                median(javaMs) / median(gpuCallMs), minMed(fwdCall), minMed(fwdDev), javaForward, ev.recall(),
                queriesSample.length, identical ? "yes" : "NO"));
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    private static String minMed(double[] v) {
        return fmt(Arrays.stream(v).min().orElse(0)) + " / " + fmt(median(v));
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, ms < 10 ? "%.2f" : "%.0f", ms);
    }

}
