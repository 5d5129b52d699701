package io.zetaspark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.zetaspark.job.cli.ZetaCli;
import io.zetaspark.job.data.SyntheticTokens;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real Spark standalone cluster on loopback (DESIGN.md section 4): a Master and two Workers, each
 * its own JVM, started from the test classpath; the driver is a third JVM running {@link ZetaCli}
 * against {@code spark://127.0.0.1:PORT}, and the Workers launch real executor JVMs. Results must
 * equal local mode's exactly. Tagged {@code cluster} (exclude with {@code -DexcludedGroups=cluster}).
 */
@Tag("cluster")
class StandaloneClusterTest {
    private static final int TOKENS = 6_000;
    private static final int SEQUENCES = 2;
    private static final int DV = 8;

    private static Path work;
    private static String classpath;
    private static List<String> jvmOptions;
    private static int masterPort;
    private static int masterUiPort;
    private static final List<Process> daemons = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        work = Files.createTempDirectory("zeta-cluster");
        classpath = testClassPath();
        jvmOptions = sparkJvmOptions();
        Path sparkHome = work.resolve("spark-home");
        // executors get their classpath from spark.executor.extraClassPath; jars/ only has to exist
        Files.createDirectories(sparkHome.resolve("jars"));
        masterPort = freePort();
        masterUiPort = freePort();
        daemons.add(start("master", sparkHome, "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUiPort)));
        for (int i = 1; i <= 2; i++) {
            Path dir = work.resolve("worker-" + i);
            Files.createDirectories(dir);
            daemons.add(start("worker-" + i, sparkHome, "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", String.valueOf(freePort()),
                    "--work-dir", dir.toString(), masterUrl()));
        }
        awaitAliveWorkers(2, 120);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (int i = daemons.size() - 1; i >= 0; i--) { // workers (and their executors) first
            Process p = daemons.get(i);
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (work != null) {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private static String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    private static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        assertTrue(cp.contains("spark-core"), "the test classpath must hold Spark: " + cp);
        return cp;
    }

    /** Spark's --add-opens list, taken from this JVM's own options (surefire's argLine). */
    private static List<String> sparkJvmOptions() {
        List<String> opts = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-modules") || a.startsWith("-XX:+IgnoreUnrecognized")
                    || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
                opts.add(a);
            }
        }
        return opts;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static List<String> javaCommand(String heap, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add(heap);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    private static ProcessBuilder builder(List<String> cmd, Path sparkHome, Path log) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13"); // the launcher asks for it outside a Spark build
        return pb;
    }

    private static Process start(String name, Path sparkHome, String mainClass, String... args) throws IOException {
        return builder(javaCommand("-Xmx512m", mainClass, args), sparkHome, work.resolve(name + ".log")).start();
    }

    private static String masterState() throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + masterUiPort + "/json/").openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void awaitAliveWorkers(int n, int seconds) throws Exception {
        Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "";
        while (System.nanoTime() < deadline) {
            for (Process p : daemons) {
                if (!p.isAlive()) {
                    fail("a cluster daemon exited:\n" + logs());
                }
            }
            try {
                last = masterState();
                Matcher m = alive.matcher(last);
                if (m.find() && Integer.parseInt(m.group(1)) >= n) {
                    return;
                }
            } catch (IOException notUpYet) {
                last = notUpYet.toString();
            }
            Thread.sleep(500);
        }
        fail("workers did not register within " + seconds + " s; last master state: " + last + "\n" + logs());
    }

    private static String logs() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.list(work)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".log")).sorted()::iterator) {
                String text = Files.readString(p);
                sb.append("---- ").append(p.getFileName()).append('\n')
                        .append(text, Math.max(0, text.length() - 4000), text.length()).append('\n');
            }
        }
        return sb.toString();
    }

    /** Runs the CLI as a driver JVM against the cluster; returns its output, failing on a non-zero exit. */
    private static String driver(String name, String... cliArgs) throws Exception {
        return finish(name, startDriver(name, cliArgs));
    }

    /** Starts the CLI as a driver JVM against the cluster (its log is {@code name.log}). */
    private static Process startDriver(String name, String... cliArgs) throws IOException {
        List<String> args = new ArrayList<>(Arrays.asList(cliArgs));
        args.addAll(List.of("--master", masterUrl(),
                "--conf", "spark.executor.extraClassPath=" + classpath,
                "--conf", "spark.executor.memory=512m",
                "--conf", "spark.cores.max=2",
                "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.ui.showConsoleProgress=false",
                "--conf", "spark.sql.shuffle.partitions=3")); // local mode uses 4: partitioning must not matter
        Path log = work.resolve(name + ".log");
        return builder(javaCommand("-Xmx1g", ZetaCli.class.getName(), args.toArray(new String[0])),
                work.resolve("spark-home"), log).start();
    }

    /** Waits for a driver started by {@link #startDriver}; returns its output, failing on a non-zero exit. */
    private static String finish(String name, Process p) throws Exception {
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("driver " + name + " timed out:\n" + logs());
        }
        String out = Files.readString(work.resolve(name + ".log"));
        assertEquals(0, p.exitValue(), "driver " + name + " failed:\n" + out + "\n" + logs());
        return out;
    }

    /** Same rows, bit for bit (float arrays compared element by element), in (seq, pos) order. */
    private static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
        List<Row> e = expected.orderBy("seq", "pos").collectAsList();
        List<Row> a = actual.orderBy("seq", "pos").collectAsList();
        assertEquals(e.size(), a.size());
        for (int i = 0; i < e.size(); i++) {
            assertEquals(e.get(i), a.get(i), "row " + i);
        }
    }

    private static String summary(String log, String prefix) {
        return log.lines().filter(l -> l.startsWith(prefix)).reduce((a, b) -> b).orElse("(no summary line)");
    }

    @Test
    void generateOnTheClusterEqualsLocalMode() throws Exception {
        SparkSession spark = SparkTestSession.get();
        String out = work.resolve("generated").toString();
        String log = driver("generate", "generate", "--output", out, "--tokens", String.valueOf(TOKENS),
                "--sequences", String.valueOf(SEQUENCES), "--dv", String.valueOf(DV), "--partitions", "4");
        assertTrue(log.contains("zeta generate: 6000 tokens in 2 sequences (longest 3000)"), log);
        System.out.println("cluster: " + summary(log, "zeta generate:"));
        assertTrue(masterState().contains("zeta-spark generate"), "the master did not run the application");
        Dataset<Row> local = SyntheticTokens.of(TOKENS).withSequences(SEQUENCES).withDv(DV).generate(spark, 3);
        assertSameRows(local, spark.read().parquet(out));
    }

    @Test
    void operatorOnTheClusterEqualsLocalMode() throws Exception {
        SparkSession spark = SparkTestSession.get();
        String in = work.resolve("tokens").toString();
        SyntheticTokens.of(TOKENS).withSequences(SEQUENCES).withDv(DV).withKind(SyntheticTokens.Kind.TIES)
                .generate(spark, 3).write().parquet(in);
        String out = work.resolve("attention").toString();
        long t0 = System.nanoTime();
        String log = driver("run", "run", "--input", in, "--output", out);
        assertTrue(log.contains("zeta run: 6000 tokens, 2 sequences"), log);
        System.out.printf("cluster: %s (driver JVM %.1f s)%n", summary(log, "zeta run:"), (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        Dataset<Row> local = Zeta.attention(spark.read().parquet(in));
        assertSameRows(local, spark.read().parquet(out));
        System.out.printf("local run and comparison %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** A ties input (exact duplicates of words) written once for the fault tests. */
    private static String faultInput(SparkSession spark) throws IOException {
        Path in = work.resolve("fault-tokens");
        if (!Files.exists(in)) {
            SyntheticTokens.of(TOKENS).withSequences(SEQUENCES).withDv(DV).withKind(SyntheticTokens.Kind.TIES)
                    .generate(spark, 3).write().parquet(in.toString());
        }
        return in.toString();
    }

    /** The undisturbed result: local mode, the same input through the distributed route. */
    private static Dataset<Row> undisturbed(SparkSession spark, String in) {
        return Zeta.attention(spark.read().parquet(in));
    }

    @Test
    void failedFirstAttemptsOfEveryTaskChangeNothing() throws Exception {
        SparkSession spark = SparkTestSession.get();
        String in = faultInput(spark);
        String out = work.resolve("retried").toString();
        // every stage's tasks fail once (validation, window, merge, final: the distributed route)
        String log = driver("retried", "run", "--input", in, "--output", out,
                "--conf", "spark.zeta.localEngine.maxTokens=0",
                "--conf", "spark.task.maxFailures=2",
                "--conf", io.zetaspark.job.plan.FaultInjection.FAIL_CONF + "=all");
        assertTrue(log.contains("zeta run: 6000 tokens, 2 sequences"), log);
        assertTrue(log.contains("injected fault (" + io.zetaspark.job.plan.FaultInjection.FAIL_CONF + ")"),
                "no task failed: the faults were not injected\n" + log);
        System.out.println("cluster with failed first attempts: " + summary(log, "zeta run:"));
        assertSameRows(undisturbed(spark, in), spark.read().parquet(out));
    }

    @Test
    void anExecutorKilledDuringTheWindowStageChangesNothing() throws Exception {
        SparkSession spark = SparkTestSession.get();
        String in = faultInput(spark);
        String out = work.resolve("survived").toString();
        Path markers = Files.createDirectories(work.resolve("markers"));
        Process driver = startDriver("survived", "run", "--input", in, "--output", out,
                "--conf", "spark.zeta.localEngine.maxTokens=0",
                "--conf", io.zetaspark.job.plan.FaultInjection.PAUSE_CONF + "=window:4000:" + markers);
        // the first window task to start names its executor: kill that JVM while the stage runs
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        long killed = -1;
        while (killed < 0 && System.nanoTime() < deadline && driver.isAlive()) {
            try (Stream<Path> s = Files.list(markers)) {
                Path first = s.findFirst().orElse(null);
                if (first != null) {
                    long pid = Long.parseLong(Files.readString(first).trim());
                    ProcessHandle executor = ProcessHandle.of(pid).orElseThrow();
                    // an executor JVM is a child of one of our Worker daemons (not the driver, not this JVM)
                    long parent = executor.parent().map(ProcessHandle::pid).orElse(-1L);
                    assertTrue(daemons.subList(1, daemons.size()).stream().anyMatch(w -> w.pid() == parent),
                            "the marker must name an executor JVM started by a Worker: pid " + pid + ", parent " + parent);
                    executor.destroyForcibly();
                    executor.onExit().get(30, TimeUnit.SECONDS);
                    killed = pid;
                }
            }
            Thread.sleep(100);
        }
        assertTrue(killed > 0, "no window task started\n" + logs());
        String log = finish("survived", driver);
        assertTrue(log.contains("zeta run: 6000 tokens, 2 sequences"), log);
        System.out.println("cluster with executor " + killed + " killed: " + summary(log, "zeta run:"));
        assertSameRows(undisturbed(spark, in), spark.read().parquet(out));
    }
}
