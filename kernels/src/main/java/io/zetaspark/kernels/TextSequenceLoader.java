package io.zetaspark.kernels;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the real long sequence of {@code shared/data/README.md}: the text of <i>War and Peace</i>
 * between the {@code *** START} and {@code *** END} lines, lower-cased, words matched by
 * {@code [a-z]+('[a-z]+)?}, words without a GloVe vector dropped. Token i has {@code pos = i},
 * {@code q_i = k_i = P x_i} (x_i the word's 25-d GloVe vector, P a seeded 25 × d Gaussian
 * projection scaled by 1/sqrt(d)) and {@code v_i = x_i}.
 *
 * <p>Pure Java, no Spark: the tests, the Spark job and the benchmarks share it, so every one of them
 * sees the same floats. The projection's entries are a pure function of (seed, row, column)
 * ({@link #projection}), so other languages can reproduce it.
 */
public final class TextSequenceLoader {
    /** The book, Project Gutenberg eBook #2600 (UTF-8, header and licence kept). */
    public static final String TEXT_FILE = "war-and-peace.txt";
    /** GloVe Twitter 27B 25-d vectors, one per line: {@code word v1 … v25}. */
    public static final String VECTORS_FILE = "glove-twitter-25d-top12k.txt";
    /** Dimension of the word vectors, and so of the value vectors. */
    public static final int VECTOR_DIM = 25;
    /** Default seed of the projection P. */
    public static final long DEFAULT_SEED = 42L;
    /** System property that names the data directory. */
    public static final String DATA_DIR_PROPERTY = "zeta.data.dir";
    /** Environment variable that names the data directory (used when the property is unset). */
    public static final String DATA_DIR_ENV = "ZETA_DATA_DIR";

    private static final Pattern WORD = Pattern.compile("[a-z]+('[a-z]+)?");
    // stream index of the projection's entries in TokenGenerator.gaussian(seed, STREAM, row, column)
    private static final long PROJECTION_STREAM = -25L;

    private TextSequenceLoader() {
    }

    /**
     * The data directory: the system property {@value #DATA_DIR_PROPERTY}, else the environment
     * variable {@value #DATA_DIR_ENV}, else the first {@code shared/data} found walking up from the
     * working directory (Maven runs a module's tests in the module's folder). Empty when none of
     * these names an existing directory.
     */
    public static Optional<Path> locateDataDir() {
        String configured = System.getProperty(DATA_DIR_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(DATA_DIR_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            Path p = Paths.get(configured);
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Where {@link #locateDataDir()} looks, for error and skip messages. */
    public static String searchedLocations() {
        String configured = System.getProperty(DATA_DIR_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(DATA_DIR_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured).toAbsolutePath().toString();
        }
        return "shared/data in " + Paths.get("").toAbsolutePath() + " or any parent directory (set -D"
                + DATA_DIR_PROPERTY + "=DIR to choose one)";
    }

    /**
     * Loads the first {@code maxTokens} tokens (all when {@code maxTokens <= 0}) of the sequence
     * with q/k dimension d and the default projection seed.
     */
    public static TokenSequence load(Path dataDir, int d, int maxTokens) {
        return load(dataDir, d, maxTokens, DEFAULT_SEED);
    }

    /** Loads the first {@code maxTokens} tokens (all when {@code maxTokens <= 0}). */
    public static TokenSequence load(Path dataDir, int d, int maxTokens, long seed) {
        if (d < 1 || d > 8) {
            throw new IllegalArgumentException("q/k dimension must be in 1..8, got " + d);
        }
        Map<String, float[]> vectors = readVectors(dataDir.resolve(VECTORS_FILE));
        List<String> words = readWords(dataDir.resolve(TEXT_FILE));
        double[] proj = projection(d, seed);
        int limit = maxTokens <= 0 ? Integer.MAX_VALUE : maxTokens;
        List<float[]> xs = new ArrayList<>();
        for (String w : words) {
            if (xs.size() >= limit) {
                break;
            }
            float[] x = vectors.get(w);
            if (x != null) {
                xs.add(x);
            }
        }
        int n = xs.size();
        long[] pos = new long[n];
        float[] q = new float[n * d];
        float[] v = new float[n * VECTOR_DIM];
        for (int i = 0; i < n; i++) {
            pos[i] = i;
            float[] x = xs.get(i);
            project(proj, d, x, q, i * d);
            System.arraycopy(x, 0, v, i * VECTOR_DIM, VECTOR_DIM);
        }
        return TokenSequence.of(pos, q, q.clone(), v, d, VECTOR_DIM);
    }

    /**
     * The projection P as a flat row-major 25 × d array: {@code P[j][m] = g(seed, j, m) / sqrt(d)},
     * g a standard normal that is a pure function of its arguments.
     */
    public static double[] projection(int d, long seed) {
        double[] p = new double[VECTOR_DIM * d];
        double scale = 1.0 / Math.sqrt(d);
        for (int j = 0; j < VECTOR_DIM; j++) {
            for (int m = 0; m < d; m++) {
                p[j * d + m] = TokenGenerator.gaussian(seed, PROJECTION_STREAM, j, m) * scale;
            }
        }
        return p;
    }

    /** {@code out[off + m] = Σ_j x_j · P[j][m]}, summed in double in order j = 0..24, stored as float. */
    public static void project(double[] proj, int d, float[] x, float[] out, int off) {
        for (int m = 0; m < d; m++) {
            double s = 0.0;
            for (int j = 0; j < VECTOR_DIM; j++) {
                s += (double) x[j] * proj[j * d + m];
            }
            out[off + m] = (float) s;
        }
    }

    /** Reads the word vectors ({@code word v1 … v25} per line; the first occurrence of a word wins). */
    public static Map<String, float[]> readVectors(Path file) {
        requireFile(file, "GloVe word vectors");
        Map<String, float[]> map = new HashMap<>(1 << 15);
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                line = line.strip();
                if (line.isEmpty()) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                if (parts.length != VECTOR_DIM + 1) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": expected a word and "
                            + VECTOR_DIM + " numbers, got " + (parts.length - 1) + " numbers");
                }
                float[] x = new float[VECTOR_DIM];
                for (int j = 0; j < VECTOR_DIM; j++) {
                    x[j] = Float.parseFloat(parts[j + 1]);
                }
                map.putIfAbsent(parts[0], x);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return map;
    }

    /**
     * The words of the book between the first line starting with {@code *** START} and the next line
     * starting with {@code *** END}, lower-cased, matched by {@code [a-z]+('[a-z]+)?}, in order.
     */
    public static List<String> readWords(Path file) {
        requireFile(file, "book text");
        List<String> words = new ArrayList<>(1 << 20);
        boolean inside = false;
        boolean sawStart = false;
        boolean sawEnd = false;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!inside) {
                    if (!sawStart && line.startsWith("*** START")) {
                        inside = true;
                        sawStart = true;
                    }
                    continue;
                }
                if (line.startsWith("*** END")) {
                    sawEnd = true;
                    break;
                }
                Matcher m = WORD.matcher(line.toLowerCase(Locale.ROOT));
                while (m.find()) {
                    words.add(m.group());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (!sawStart || !sawEnd) {
            throw new IllegalArgumentException(file + ": no '*** START' ... '*** END' section found");
        }
        return words;
    }

    private static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("real-data file missing: " + file.toAbsolutePath() + " (the "
                    + what + "; see shared/data/README.md, or set -D" + DATA_DIR_PROPERTY + "=DIR)");
        }
    }
}
