package io.zetaspark.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * conf/rapids/launch-check.sh and getGpusResources.sh against fake nvidia-smi commands: the plugin
 * is enabled only when a GPU is listed and the jar exists, and every refusal says why.
 */
class RapidsScriptsTest {
    private static final Path RAPIDS = Paths.get(System.getProperty("user.dir")).resolve("../conf/rapids").normalize();

    @TempDir
    Path dir;

    @BeforeEach
    void scriptsPresent() {
        assumeTrue(Files.isRegularFile(RAPIDS.resolve("launch-check.sh")), "conf/rapids not found at " + RAPIDS);
    }

    private static final class Result {
        final int exit;
        final String out;
        final String err;

        Result(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }
    }

    private Result run(Map<String, String> env, String... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Path errFile = dir.resolve("stderr.txt");
        pb.redirectError(errFile.toFile());
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        int exit = p.waitFor();
        return new Result(exit, out.toString(StandardCharsets.UTF_8), Files.readString(errFile));
    }

    private Path fakeSmi(String body) throws IOException {
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\n" + body + "\n");
        assertTrue(smi.toFile().setExecutable(true));
        return smi;
    }

    private Path jar() throws IOException {
        return Files.writeString(dir.resolve("rapids.jar"), "jar");
    }

    private static final String LISTING = "echo 'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1234)'";

    @Test
    void refusesWithoutNvidiaSmi() throws Exception {
        Result r = run(Map.of("NVIDIA_SMI", dir.resolve("missing").toString(), "RAPIDS_JAR", jar().toString()),
                RAPIDS.resolve("launch-check.sh").toString());
        assertEquals(1, r.exit);
        assertTrue(r.out.startsWith("refuse: '" + dir.resolve("missing") + " -L' failed or is missing"), r.out);
    }

    @Test
    void refusesWhenNoGpuIsListedOrTheJarIsMissing() throws Exception {
        Result none = run(Map.of("NVIDIA_SMI", fakeSmi("echo 'No devices were found'").toString(),
                "RAPIDS_JAR", jar().toString()), RAPIDS.resolve("launch-check.sh").toString());
        assertEquals(1, none.exit);
        assertTrue(none.out.contains("lists no GPU"), none.out);
        Result noJar = run(Map.of("NVIDIA_SMI", fakeSmi(LISTING).toString(), "RAPIDS_JAR", dir.resolve("no.jar").toString()),
                RAPIDS.resolve("launch-check.sh").toString());
        assertEquals(1, noJar.exit);
        assertTrue(noJar.out.contains("no plugin jar at " + dir.resolve("no.jar") + " (run conf/rapids/fetch-rapids.sh"),
                noJar.out);
    }

    @Test
    void enablesWithAListedGpuAndPrintsTheConf() throws Exception {
        Map<String, String> env = Map.of("NVIDIA_SMI", fakeSmi(LISTING).toString(), "RAPIDS_JAR", jar().toString());
        Result r = run(env, RAPIDS.resolve("launch-check.sh").toString());
        assertEquals(0, r.exit, r.err);
        assertEquals("enable: GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1234)\n", r.out);
        Result args = run(env, RAPIDS.resolve("launch-check.sh").toString(), "--args");
        assertEquals(0, args.exit, args.err);
        List<String> lines = List.of(args.out.split("\n"));
        assertTrue(lines.contains("spark.plugins=com.nvidia.spark.SQLPlugin"), args.out);
        assertTrue(lines.contains("spark.executor.resource.gpu.discoveryScript=" + RAPIDS + "/getGpusResources.sh"),
                args.out);
        assertTrue(lines.contains("spark.executor.extraClassPath=" + dir.resolve("rapids.jar")), args.out);
        assertEquals(lines.size() / 2, lines.stream().filter("--conf"::equals).count(), args.out);
        assertTrue(lines.stream().noneMatch(l -> l.contains("@")), "placeholders left: " + args.out);
    }

    @Test
    void execInsertsTheConfOrFallsBackOnlyWhenAskedTo() throws Exception {
        Path launch = RAPIDS.resolve("launch-check.sh");
        Map<String, String> gpu = Map.of("NVIDIA_SMI", fakeSmi(LISTING).toString(), "RAPIDS_JAR", jar().toString());
        Result on = run(gpu, launch.toString(), "--exec", "echo", "--class", "Main");
        assertEquals(0, on.exit, on.err);
        assertTrue(on.out.startsWith("--conf spark.plugins=com.nvidia.spark.SQLPlugin"), on.out);
        assertTrue(on.out.trim().endsWith("--class Main"), on.out);

        Map<String, String> noGpu = Map.of("NVIDIA_SMI", dir.resolve("missing").toString(), "RAPIDS_JAR", jar().toString());
        Result refused = run(noGpu, launch.toString(), "--exec", "echo", "--class", "Main");
        assertEquals(1, refused.exit);
        assertEquals("", refused.out);
        assertTrue(refused.err.startsWith("launch-check: refusing to enable RAPIDS:"), refused.err);
        Result cpu = run(noGpu, launch.toString(), "--exec", "--fallback-cpu", "echo", "--class", "Main");
        assertEquals(0, cpu.exit);
        assertEquals("--class Main\n", cpu.out);
        assertTrue(cpu.err.startsWith("launch-check: RAPIDS not enabled, running on the CPU:"), cpu.err);
    }

    @Test
    void discoveryScriptListsTheGpusAsSparkJson() throws Exception {
        Path smi = fakeSmi("echo 0; echo 1");
        String path = smi.getParent() + ":" + System.getenv("PATH");
        Result r = run(Map.of("PATH", path), RAPIDS.resolve("getGpusResources.sh").toString());
        assertEquals(0, r.exit, r.err);
        assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}\n", r.out);
        Result none = run(Map.of("PATH", fakeSmi("exit 9").getParent() + ":" + System.getenv("PATH")),
                RAPIDS.resolve("getGpusResources.sh").toString());
        assertEquals(1, none.exit);
        assertEquals("{\"name\": \"gpu\", \"addresses\": []}\n", none.out);
    }
}
