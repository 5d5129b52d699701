package io.zetaspark.job.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zetaspark.job.SparkTestSession;
import io.zetaspark.job.cli.ZetaCli;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zeta run --report}: the page holds the recall the run printed, refuses to replace an
 * existing report without --overwrite, and renders in headless Chromium (Debian's package, which
 * .ci/run installs) to a screenshot that is not blank and shows the charts' bars. Without a
 * Chromium binary the rendering test is skipped locally and fails under CI=true.
 */
class RunReportTest {
    @TempDir
    static Path dir;
    private static Path report;
    private static String summary;

    @BeforeAll
    static void runOnce() {
        SparkTestSession.get();
        String in = dir.resolve("tokens").toString();
        cli("generate", "--output", in, "--tokens", "6000", "--kind", "mix", "--dv", "4", "--partitions", "2");
        report = dir.resolve("run.html");
        String[] r = cli("run", "--input", in, "--output", dir.resolve("out").toString(), "--report", report.toString(),
                "--evaluate", "200");
        summary = r[0];
        assertTrue(summary.contains("report " + report), summary + r[1]);
    }

    /** Runs the CLI; returns {stdout, stderr} and fails on a non-zero exit. */
    private static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ZetaCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(0, code, out + "\n" + err);
        return new String[] {out.toString(), err.toString()};
    }

    private static String recallInSummary() {
        Matcher m = Pattern.compile("recall@32 ([0-9.]+) over 200 queries").matcher(summary);
        assertTrue(m.find(), summary);
        return m.group(1);
    }

    @Test
    void pageHoldsTheRunsRecallStagesAndHistograms() throws IOException {
        String html = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(html.contains("<span id=\"recall\" class=\"big\">" + recallInSummary() + "</span>"), html);
        for (String id : List.of("id=\"stages\"", "id=\"stage-times\"", "id=\"phases\"", "id=\"selected\"",
                "id=\"nn-dist\"", "id=\"weights\"", "id=\"mean-share\"")) {
            assertTrue(html.contains(id), "report lacks " + id);
        }
        assertTrue(html.contains("<td>attention + write</td>"), "stages are labelled with their phase");
        assertTrue(html.contains("<th>longest task s</th>") && html.contains("<th>shuffle bytes written</th>"), html);
        String outside = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assertTrue(!outside.contains("<script") && !outside.contains("src=") && !outside.contains("http"),
                "self-contained: nothing to fetch");
    }

    @Test
    void anExistingReportIsReplacedOnlyWithOverwrite() throws IOException {
        Path existing = dir.resolve("kept.html");
        Files.writeString(existing, "mine");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ZetaCli.execute(new PrintWriter(out), new PrintWriter(err), "run", "--input",
                dir.resolve("tokens").toString(), "--output", dir.resolve("out2").toString(), "--report", existing.toString());
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains(existing.toString()), err.toString());
        assertEquals("mine", Files.readString(existing));
        assertTrue(!Files.exists(dir.resolve("out2")), "nothing written when the report target is refused");
    }

    @Test
    void rendersInHeadlessChromium() throws Exception {
        String chromium = chromium();
        Path png = dir.resolve("shot.png");
        List<String> shot = headless(chromium);
        shot.addAll(List.of("--window-size=1100,1600", "--screenshot=" + png, report.toUri().toString()));
        run(shot, dir.resolve("shot.log"));
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img != null && img.getWidth() == 1100 && img.getHeight() == 1600, "screenshot " + png);
        long nonWhite = 0;
        long bar = 0;
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                nonWhite += rgb != 0xffffff ? 1 : 0;
                bar += rgb == 0x3b6ea8 ? 1 : 0;
            }
        }
        long sampled = (long) (img.getWidth() / 2) * (img.getHeight() / 2);
        assertTrue(nonWhite > sampled / 50, "screenshot is nearly blank: " + nonWhite + " of " + sampled + " non-white");
        assertTrue(colours.size() > 20, "screenshot has only " + colours.size() + " colours");
        assertTrue(bar > 200, "the charts' bars are not on the screenshot (" + bar + " bar pixels)");

        List<String> dom = headless(chromium);
        dom.addAll(List.of("--dump-dom", report.toUri().toString()));
        String rendered = run(dom, dir.resolve("dom.log"));
        assertTrue(rendered.contains("id=\"recall\" class=\"big\">" + recallInSummary() + "<"),
                "the rendered page lacks the recall figure:\n" + rendered.substring(0, Math.min(2000, rendered.length())));
    }

    /** The flags the issue names, with a fresh profile directory per start. */
    private static List<String> headless(String chromium) throws IOException {
        return new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-profile")));
    }

    private static String chromium() {
        for (String name : new String[] {System.getenv("ZETA_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (name != null && new File(name).canExecute()) {
                return name;
            }
        }
        String msg = "no Chromium binary (Debian package chromium; .ci/run installs it; or set ZETA_CHROMIUM)";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(msg);
        }
        Assumptions.abort(msg);
        return null;
    }

    /** Runs a command with a time limit; returns its stdout (stderr goes to {@code log}). */
    private static String run(List<String> cmd, Path log) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(dir, "stdout", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + cmd);
        }
        assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(log));
        return Files.readString(stdout);
    }
}
