package io.zetaspark.job.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The lending rule against its definition: a key is lent iff it is among the first W/2 usable keys of some cut. */
class HaloCutsTest {

    /** Brute force: for every cut, mark the first {@code needed} keys (in walk order) with pos below it. */
    private static boolean[] needed(long[] cuts, long[] walk, int needed) {
        boolean[] used = new boolean[walk.length];
        for (long c : cuts) {
            int found = 0;
            for (int i = 0; i < walk.length && found < needed; i++) {
                if (walk[i] < c) {
                    used[i] = true;
                    found++;
                }
            }
        }
        return used;
    }

    @Test
    void lendsExactlyTheKeysSomeCutUsesAndStopsWhenAllHaveThem() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 500; trial++) {
            int m = 1 + r.nextInt(12);
            long[] raw = new long[m];
            for (int i = 0; i < m; i++) {
                raw[i] = 32L * r.nextInt(20);
            }
            HaloCuts cuts = HaloCuts.of(raw, m);
            int needed = 1 + r.nextInt(6);
            long[] walk = new long[r.nextInt(200)];
            for (int i = 0; i < walk.length; i++) {
                walk[i] = r.nextInt(700);
            }
            boolean[] expected = needed(cuts.cuts, walk, needed);
            HaloCuts.Walk w = cuts.walk(needed);
            int lent = 0;
            int i = 0;
            for (; i < walk.length && !w.satisfied(); i++) {
                boolean got = w.offer(walk[i]);
                assertEquals(expected[i], got, "trial " + trial + ", key " + i);
                lent += got ? 1 : 0;
            }
            for (; i < walk.length; i++) {
                assertTrue(!expected[i], "trial " + trial + ": the walk stopped before key " + i + ", which a cut needs");
            }
            assertTrue(lent <= cuts.bound(needed), lent + " lent, bound " + cuts.bound(needed));
        }
    }

    @Test
    void cutsAreDistinctSortedAndUnitedAlongAChain() {
        assertNull(HaloCuts.of(new long[4], 0));
        HaloCuts a = HaloCuts.of(new long[] {64, 0, 64, 32}, 4);
        assertArrayEquals(new long[] {0, 32, 64}, a.cuts);
        HaloCuts b = HaloCuts.of(new long[] {96, 32}, 2);
        assertArrayEquals(new long[] {0, 32, 64, 96}, HaloCuts.union(a, b).cuts);
        assertArrayEquals(a.cuts, HaloCuts.union(a, null).cuts);
        assertArrayEquals(b.cuts, HaloCuts.union(null, b).cuts);
        assertEquals(12, a.bound(4));
    }
}
