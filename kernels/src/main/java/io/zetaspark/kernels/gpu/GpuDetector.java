package io.zetaspark.kernels.gpu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tells a launcher whether this machine has a GPU, before it enables anything that needs one: the
 * RAPIDS Accelerator plugin calls System.exit when it finds no GPU, so conf/rapids/launch-check.sh
 * asks this class (or nvidia-smi directly) first. Detection asks {@code nvidia-smi -L}, which lists
 * one {@code GPU i: name (UUID: …)} line per device. {@code --native} also reports whether this
 * project's CUDA library can run on it ({@link GpuRuntime#status()}).
 *
 * <p>Command line: {@code java -cp zeta-kernels.jar io.zetaspark.kernels.gpu.GpuDetector [--native]};
 * prints {@code gpu: <n> device(s): …} and exits 0, or {@code no-gpu: <reason>} and exits 1.
 */
public final class GpuDetector {
    private static final long TIMEOUT_SECONDS = 20;

    private GpuDetector() {
    }

    /** What a detection found. */
    public static final class Detection {
        public final List<String> gpus;
        public final String reason;

        Detection(List<String> gpus, String reason) {
            this.gpus = Collections.unmodifiableList(new ArrayList<>(gpus));
            this.reason = reason;
        }

        public boolean present() {
            return !gpus.isEmpty();
        }

        @Override
        public String toString() {
            return present() ? "gpu: " + gpus.size() + " device(s): " + String.join("; ", gpus) : "no-gpu: " + reason;
        }
    }

    /** Runs {@code nvidia-smi -L}. */
    public static Detection detect() {
        return fromCommand(List.of("nvidia-smi", "-L"));
    }

    /** Runs a listing command and parses its output like {@code nvidia-smi -L}'s. */
    static Detection fromCommand(List<String> command) {
        String name = String.join(" ", command);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Detection(List.of(), name + " could not run (no NVIDIA driver tools on this machine): "
                    + e.getMessage());
        }
        try {
            String output = readAll(p.getInputStream());
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Detection(List.of(), name + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                return new Detection(List.of(), name + " failed (exit " + p.exitValue() + "): " + output.trim());
            }
            List<String> gpus = parseList(output);
            return new Detection(gpus, gpus.isEmpty() ? name + " lists no GPU" : "");
        } catch (IOException e) {
            p.destroyForcibly();
            return new Detection(List.of(), "could not read the output of " + name + ": " + e.getMessage());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Detection(List.of(), "interrupted while running " + name);
        }
    }

    /** The device lines of an {@code nvidia-smi -L} listing ("GPU 0: NVIDIA H100 … (UUID: …)"). */
    static List<String> parseList(String output) {
        List<String> gpus = new ArrayList<>();
        for (String line : output.split("\\R")) {
            String t = line.trim();
            if (t.matches("GPU \\d+: .*")) {
                gpus.add(t);
            }
        }
        return gpus;
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        return buf.toString(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) {
        boolean checkNative = false;
        for (String a : args) {
            if (a.equals("--native")) {
                checkNative = true;
            } else {
                System.err.println("usage: GpuDetector [--native]");
                System.exit(2);
            }
        }
        Detection d = detect();
        System.out.println(d);
        boolean ok = d.present();
        if (checkNative) {
            GpuStatus s = GpuRuntime.status();
            System.out.println("zeta native library: " + s);
            ok &= s.usable();
        }
        System.exit(ok ? 0 : 1);
    }
}
