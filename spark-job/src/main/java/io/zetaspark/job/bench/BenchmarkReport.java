package io.zetaspark.job.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Replaces one "## " section of a Markdown benchmark document, keeping the others. */
final class BenchmarkReport {
    private BenchmarkReport() {
    }

    static void replaceSection(Path file, String heading, String body) throws IOException {
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n\n";
        int start = text.indexOf(heading);
        String updated;
        if (start < 0) {
            updated = text.endsWith("\n") ? text + "\n" + body : text + "\n\n" + body;
        } else {
            int end = text.indexOf("\n## ", start + heading.length());
            updated = text.substring(0, start) + body + (end < 0 ? "" : text.substring(end + 1));
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }
}
