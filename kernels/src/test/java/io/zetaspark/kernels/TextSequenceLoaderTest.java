package io.zetaspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real-data loader on a tiny hand-written book and vocabulary. */
class TextSequenceLoaderTest {

    private static String vectorLine(String word, float base) {
        StringBuilder sb = new StringBuilder(word);
        for (int j = 0; j < TextSequenceLoader.VECTOR_DIM; j++) {
            sb.append(' ').append(base + j * 0.01f);
        }
        return sb.toString();
    }

    private static void writeFixture(Path dir) throws IOException {
        Files.writeString(dir.resolve(TextSequenceLoader.TEXT_FILE), String.join("\n",
                "The Project Gutenberg eBook header: war peace words before START",
                "*** START OF THIS PROJECT GUTENBERG EBOOK TEST ***",
                "War and PEACE, it's war! Unknown-words; don't 42 peace",
                "",
                "and war.",
                "*** END OF THIS PROJECT GUTENBERG EBOOK TEST ***",
                "war peace after the end",
                "*** START: FULL LICENSE ***",
                "war"), StandardCharsets.UTF_8);
        Files.write(dir.resolve(TextSequenceLoader.VECTORS_FILE), List.of(
                vectorLine("war", 1f), vectorLine("peace", -1f), vectorLine("and", 0.5f), vectorLine("it's", 2f),
                vectorLine("war", 99f)), StandardCharsets.UTF_8);
    }

    @Test
    void readsOnlyTheBookBetweenStartAndEndWithTheWordRegex(@TempDir Path dir) throws IOException {
        writeFixture(dir);
        List<String> words = TextSequenceLoader.readWords(dir.resolve(TextSequenceLoader.TEXT_FILE));
        assertEquals(List.of("war", "and", "peace", "it's", "war", "unknown", "words", "don't", "peace", "and", "war"), words);
    }

    @Test
    void dropsWordsWithoutAVectorAndProjectsTheRest(@TempDir Path dir) throws IOException {
        writeFixture(dir);
        TokenSequence s = TextSequenceLoader.load(dir, 3, 0, 7);
        // war and peace it's war peace and war (unknown, words, don't dropped)
        assertEquals(8, s.size());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, s.pos());
        assertEquals(TextSequenceLoader.VECTOR_DIM, s.dv());
        assertArrayEquals(s.q(), s.k());
        double[] proj = TextSequenceLoader.projection(3, 7);
        float[] war = new float[TextSequenceLoader.VECTOR_DIM];
        for (int j = 0; j < war.length; j++) {
            war[j] = 1f + j * 0.01f; // the first vector line of a word wins
        }
        assertArrayEquals(war, java.util.Arrays.copyOfRange(s.v(), 0, 25));
        for (int m = 0; m < 3; m++) {
            double x = 0;
            for (int j = 0; j < 25; j++) {
                x += war[j] * proj[j * 3 + m];
            }
            assertEquals((float) x, s.q()[m]);
            assertEquals(s.q()[m], s.q()[4 * 3 + m], "the same word gives the same q");
        }
        assertEquals(3, TextSequenceLoader.load(dir, 3, 3, 7).size(), "maxTokens");
    }

    @Test
    void projectionIsSeededGaussianScaledByOneOverSqrtD() {
        double[] a = TextSequenceLoader.projection(3, 42);
        assertArrayEquals(a, TextSequenceLoader.projection(3, 42));
        double[] b = TextSequenceLoader.projection(3, 43);
        assertTrue(a[0] != b[0]);
        double sq = 0;
        double[] big = TextSequenceLoader.projection(8, 1);
        for (double x : big) {
            sq += x * x;
        }
        // entries ~ N(0, 1/d): the mean square times d is close to 1 over 200 entries
        assertEquals(1.0, sq / big.length * 8, 0.3);
    }

    @Test
    void missingFilesAreNamedInTheError(@TempDir Path dir) throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextSequenceLoader.load(dir, 3, 10));
        assertTrue(e.getMessage().contains(TextSequenceLoader.VECTORS_FILE), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
        Files.write(dir.resolve(TextSequenceLoader.VECTORS_FILE), List.of(vectorLine("war", 1f)));
        e = assertThrows(IllegalArgumentException.class, () -> TextSequenceLoader.load(dir, 3, 10));
        assertTrue(e.getMessage().contains(TextSequenceLoader.TEXT_FILE), e.getMessage());
    }

    @Test
    void aBookWithoutStartAndEndMarkersIsRejected(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(TextSequenceLoader.TEXT_FILE), "just words\nno markers\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextSequenceLoader.readWords(dir.resolve(TextSequenceLoader.TEXT_FILE)));
        assertTrue(e.getMessage().contains("*** START"), e.getMessage());
    }

    @Test
    void dataDirPropertyWins(@TempDir Path dir) {
        String old = System.getProperty(TextSequenceLoader.DATA_DIR_PROPERTY);
        try {
            System.setProperty(TextSequenceLoader.DATA_DIR_PROPERTY, dir.toString());
            assertEquals(dir, TextSequenceLoader.locateDataDir().orElseThrow());
            System.setProperty(TextSequenceLoader.DATA_DIR_PROPERTY, dir.resolve("absent").toString());
            assertTrue(TextSequenceLoader.locateDataDir().isEmpty());
            assertTrue(TextSequenceLoader.searchedLocations().contains("absent"));
        } finally {
            if (old == null) {
                System.clearProperty(TextSequenceLoader.DATA_DIR_PROPERTY);
            } else {
                System.setProperty(TextSequenceLoader.DATA_DIR_PROPERTY, old);
            }
        }
    }
}
