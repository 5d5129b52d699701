package io.zetaspark.kernels;

/**
 * The in-memory engine's copy of one (level, curve) sorted run ({@link SortedKeyRun}'s order), packed
 * for the window walk: the codes in one array (the insertion points and the equal-code jump read
 * them) and, in a second, one row of {@code d + 1} ints per key: the key's token index followed by
 * the raw bits of its d components. A walk step then reads one stream instead of three (position,
 * vector and token index), 4(d + 1) bytes per row instead of 8 + 4d + 4, which is what the engine's
 * time is made of once a level's runs outgrow the caches (one thread, 1M tokens: the engine's
 * selection went from 27.2 to 23.3–24.4 µs per query).
 *
 * <p>Eligibility is decided on token indices instead of positions: a sequence's positions are unique
 * and ascending with the index ({@link TokenSequence}), so {@code pos < cutLo} is exactly
 * {@code index < firstIndex(pos ≥ cutLo)}, and within a run of equal codes the index order is the
 * position order. The candidates are offered to {@link TopK} with their token index in the position
 * slot; since the index order is the position order, the heap keeps the same set in the same order
 * as with positions, and the caller maps indices back to positions. {@link #collect} is the window
 * rule of {@link CurveWindow#collect} step for step (same candidates, same rows walked; a test pins
 * the two together).
 */
public final class PackedKeyRun {
    /** Codes in (code, pos) order. */
    public final long[] codes;
    /** Per row: token index, then the d components' float bits. */
    final int[] rows;
    private final int d;
    private final int stride;

    /**
     * Whether a candidate's heap payload is its row here (a site's run: what the site sends for a
     * candidate is stored in run order beside it) instead of its token index (the engine's run).
     */
    private boolean rowPayload;

    private PackedKeyRun(long[] codes, int[] rows, int d) {
        this.codes = codes;
        this.rows = rows;
        this.d = d;
        this.stride = d + 1;
    }

    /** The token index of row r. */
    public int id(int r) {
        return rows[r * stride];
    }

    /**
     * The packed runs of every curve over the first {@code keyCount} tokens.
     *
     * @param kCodes key codes, {@code kCodes[i·curves + c]} for token i on curve c
     * @param k      key vectors, d per token
     */
    public static PackedKeyRun[] forLevel(long[] kCodes, float[] k, int d, int curves, int keyCount) {
        PackedKeyRun[] runs = new PackedKeyRun[curves];
        long[] key = new long[keyCount];
        int[] order = new int[keyCount];
        long[] keyTmp = new long[keyCount];
        int[] tmp = new int[keyCount];
        int stride = d + 1;
        for (int c = 0; c < curves; c++) {
            SortedKeyRun.sortCurve(kCodes, curves, c, keyCount, key, order, keyTmp, tmp);
            long[] cc = new long[keyCount];
            int[] rr = new int[keyCount * stride];
            for (int r = 0; r < keyCount; r++) {
                int t = order[r];
                cc[r] = key[r];
                int b = r * stride;
                rr[b] = t;
                for (int m = 0; m < d; m++) {
                    rr[b + 1 + m] = Float.floatToRawIntBits(k[t * d + m]);
                }
            }
            runs[c] = new PackedKeyRun(cc, rr, d);
        }
        return runs;
    }

    /**
     * A run over the keys whose token index is below {@code keyCount}, taken in the order of a full
     * sort: {@code order[0, n)} lists the indices of {@code n} keys sorted by (code, index)
     * ({@code codeById[i]} is key i's code). A level's keys are a prefix in position order, so the
     * level's (code, pos) run is the full run with the later keys left out; a site of the
     * distributed plan sorts its keys once and derives every level's run from it. The candidates of
     * such a run carry their row as heap payload ({@link #id} gives the token index), so that what a
     * site sends for a candidate can be read from arrays in run order, next to the rows just walked.
     */
    public static PackedKeyRun ofOrder(long[] codeById, int[] order, int n, float[] k, int d, int keyCount) {
        int size = 0;
        for (int r = 0; r < n; r++) {
            if (order[r] < keyCount) {
                size++;
            }
        }
        int stride = d + 1;
        long[] cc = new long[size];
        int[] rr = new int[size * stride];
        int at = 0;
        for (int r = 0; r < n; r++) {
            int t = order[r];
            if (t >= keyCount) {
                continue;
            }
            cc[at] = codeById[t];
            int b = at * stride;
            rr[b] = t;
            for (int m = 0; m < d; m++) {
                rr[b + 1 + m] = Float.floatToRawIntBits(k[t * d + m]);
            }
            at++;
        }
        PackedKeyRun run = new PackedKeyRun(cc, rr, d);
        run.rowPayload = true;
        return run;
    }

    /** Number of key rows. */
    public int size() {
        return codes.length;
    }

    /**
     * For each of {@code nq} queries with code {@code qCode[i]} and index bound {@code qId[i]}, the
     * first row whose (code, token index) is not below (qCode, qId): a causal query's insertion point
     * when qId is the index of its first ineligible key (the keys of its code at or after its cut are
     * ineligible, so the window is the same as from after every key of its code, and the Spark plan
     * places the query there). One merge of the sorted queries with the run.
     */
    public int[] lowerBounds(long[] qCode, int[] qId, int nq) {
        int[] order = new int[nq];
        for (int i = 0; i < nq; i++) {
            order[i] = i;
        }
        // LSD: by index, then stably by code
        long[] key = new long[nq];
        for (int i = 0; i < nq; i++) {
            key[i] = qId[i];
        }
        LongIndexSort.sortPairs(key, order, 0, nq, new long[nq], new int[nq]);
        for (int i = 0; i < nq; i++) {
            key[i] = qCode[order[i]];
        }
        LongIndexSort.sortPairs(key, order, 0, nq, new long[nq], new int[nq]);
        int[] ins = new int[nq];
        int at = 0;
        int to = codes.length;
        for (int r = 0; r < nq; r++) {
            int i = order[r];
            long code = qCode[i];
            int id = qId[i];
            while (at < to && (codes[at] < code || (codes[at] == code && rows[at * stride] < id))) {
                at++;
            }
            ins[i] = at;
        }
        return ins;
    }

    /**
     * Offers the window candidates of one query ({@code q[qOff .. qOff+d)}, insertion point
     * {@code ins}) to {@code top} as (squared distance, token index, token index), deduplicated
     * across curves with {@link TopK#offerDistinct}. A key is eligible when its token index is below
     * {@code lowIdx} or at least {@code hiIdx} (the indices of the first positions at or above
     * the cut positions of {@link CurveWindow#collect}).
     *
     * @return the number of key rows walked
     */
    public int collect(int ins, int lowIdx, int hiIdx, int half, float[] q, int qOff, TopK top, boolean distinct) {
        return collectSides(ins, lowIdx, hiIdx, half, half, q, qOff, top, distinct, null);
    }

    /**
     * {@link #collect} with a number of eligible keys to take on each side: up to {@code needBefore}
     * walking down from {@code ins − 1} and up to {@code needFrom} walking up from {@code ins} (0
     * skips a side). When {@code taken} is given, {@code taken[0]} and {@code taken[1]} receive how
     * many each side took: fewer than asked means the walk reached that end of the run, where the
     * Spark plan's site continues it in the neighbouring site's run. A walk that starts at an end
     * ({@code ins = size()} walking down, {@code ins = 0} walking up) is such a continuation.
     *
     * @return the number of key rows walked
     */
    public int collectSides(int ins, int lowIdx, int hiIdx, int needBefore, int needFrom, float[] q, int qOff,
                            TopK top, boolean distinct, int[] taken) {
        int need = Math.max(needBefore, needFrom);
        if (picked.length < need) {
            picked = new int[need];
        }
        int walked = 0;
        int takenBefore = 0;
        final int[] rows = this.rows;
        final long[] codes = this.codes;
        final int stride = this.stride;
        final int[] picked = this.picked;
        final int to = codes.length;
        // each side in two passes: the walk only reads token indices and picks the rows (no branch
        // on eligibility: the pick is written every step and kept when eligible), then the picked
        // rows' distances are computed and offered in walk order, a loop without control flow that
        // the processor overlaps; the offers and their order are those of a single pass
        int i = ins - 1;
        while (i >= 0 && takenBefore < needBefore) {
            walked++;
            int id = rows[i * stride];
            int eligible = ((id - lowIdx) >>> 31) | ((hiIdx - 1 - id) >>> 31); // id < lowIdx || id >= hiIdx
            picked[takenBefore] = i;
            takenBefore += eligible;
            if (eligible == 0 && i > 0 && codes[i - 1] == codes[i] && rows[(i - 1) * stride] >= lowIdx) {
                // first row of this code run at or above lowIdx; everything from there to i is ineligible
                i = lowerBound(0, i, codes[i], lowIdx) - 1;
            } else {
                i--;
            }
        }
        offerPicked(takenBefore, q, qOff, top, distinct);
        int takenFrom = 0;
        i = ins;
        while (i < to && takenFrom < needFrom) {
            walked++;
            int id = rows[i * stride];
            int eligible = ((id - lowIdx) >>> 31) | ((hiIdx - 1 - id) >>> 31);
            picked[takenFrom] = i;
            takenFrom += eligible;
            if (eligible == 0 && i + 1 < to && codes[i + 1] == codes[i] && rows[(i + 1) * stride] < hiIdx) {
                // first row of this code run at or above hiIdx (or the run's end)
                i = lowerBound(i + 1, to, codes[i], hiIdx);
            } else {
                i++;
            }
        }
        offerPicked(takenFrom, q, qOff, top, distinct);
        if (taken != null) {
            taken[0] = takenBefore;
            taken[1] = takenFrom;
        }
        return walked;
    }

    /**
     * One side of a walk without a heap: from {@code start} downwards ({@code down}: rows start−1,
     * start−2, ...) or upwards (rows start, start+1, ...), the first {@code need} eligible keys, in walk
     * order, into {@code idsOut} (token indices) and {@code distOut} (their squared distances to the
     * query). Returns how many were taken (fewer than {@code need} when the run ended). The rows
     * walked and the keys taken are those of {@link #collectSides} on that side.
     */
    public int walkSide(int start, boolean down, int lowIdx, int hiIdx, int need, float[] q, int qOff, int[] idsOut,
                        double[] distOut) {
        int taken = 0;
        final int to = codes.length;
        if (down) {
            int i = start - 1;
            while (i >= 0 && taken < need) {
                int id = rows[i * stride];
                if (id < lowIdx || id >= hiIdx) {
                    idsOut[taken] = id;
                    distOut[taken++] = distance(q, qOff, i);
                    i--;
                } else if (i > 0 && codes[i - 1] == codes[i] && rows[(i - 1) * stride] >= lowIdx) {
                    i = lowerBound(0, i, codes[i], lowIdx) - 1;
                } else {
                    i--;
                }
            }
        } else {
            int i = start;
            while (i < to && taken < need) {
                int id = rows[i * stride];
                if (id < lowIdx || id >= hiIdx) {
                    idsOut[taken] = id;
                    distOut[taken++] = distance(q, qOff, i);
                    i++;
                } else if (i + 1 < to && codes[i + 1] == codes[i] && rows[(i + 1) * stride] < hiIdx) {
                    i = lowerBound(i + 1, to, codes[i], hiIdx);
                } else {
                    i++;
                }
            }
        }
        return taken;
    }

    /**
     * How many keys {@link #walkSide} would take, without their distances: the engines that compute
     * the candidates elsewhere (the GPU window kernel) learn here whether a walk leaves the run.
     */
    public int countSide(int start, boolean down, int lowIdx, int hiIdx, int need) {
        int taken = 0;
        final int to = codes.length;
        if (down) {
            int i = start - 1;
            while (i >= 0 && taken < need) {
                int id = rows[i * stride];
                if (id < lowIdx || id >= hiIdx) {
                    taken++;
                    i--;
                } else if (i > 0 && codes[i - 1] == codes[i] && rows[(i - 1) * stride] >= lowIdx) {
                    i = lowerBound(0, i, codes[i], lowIdx) - 1;
                } else {
                    i--;
                }
            }
        } else {
            int i = start;
            while (i < to && taken < need) {
                int id = rows[i * stride];
                if (id < lowIdx || id >= hiIdx) {
                    taken++;
                    i++;
                } else if (i + 1 < to && codes[i + 1] == codes[i] && rows[(i + 1) * stride] < hiIdx) {
                    i = lowerBound(i + 1, to, codes[i], hiIdx);
                } else {
                    i++;
                }
            }
        }
        return taken;
    }

    /** Row r's key component m. */
    public float component(int r, int m) {
        return Float.intBitsToFloat(rows[r * stride + 1 + m]);
    }

    /** Scratch: the rows one side of a walk picked, and their distances (one run is walked by one thread at a time). */
    private int[] picked = new int[0];
    private double[] pickedDist = new double[0];

    /**
     * The picked rows' distances first (a loop of arithmetic only, the query's components held in
     * registers; d = 3 unrolled), then the offers in walk order: the same offers as one pass.
     */
    private void offerPicked(int count, float[] q, int qOff, TopK top, boolean distinct) {
        if (pickedDist.length < count) {
            pickedDist = new double[picked.length];
        }
        final double[] out = pickedDist;
        final int[] picked = this.picked;
        final int[] rows = this.rows;
        final int stride = this.stride;
        if (d == 3) {
            double q0 = q[qOff];
            double q1 = q[qOff + 1];
            double q2 = q[qOff + 2];
            for (int j = 0; j < count; j++) {
                int b = picked[j] * 4 + 1;
                double x = q0 - (double) Float.intBitsToFloat(rows[b]);
                double y = q1 - (double) Float.intBitsToFloat(rows[b + 1]);
                double z = q2 - (double) Float.intBitsToFloat(rows[b + 2]);
                double s = x * x; // 0.0 + x·x, the first step of Distances.squared
                s += y * y;
                s += z * z;
                out[j] = s;
            }
        } else {
            for (int j = 0; j < count; j++) {
                out[j] = distance(q, qOff, picked[j]);
            }
        }
        for (int j = 0; j < count; j++) {
            int r = picked[j];
            offer(top, distinct, out[j], rows[r * stride], rowPayload ? r : rows[r * stride]);
        }
    }

    private static void offer(TopK top, boolean distinct, double dist, int id, int payload) {
        if (distinct) {
            top.offerDistinct(dist, id, payload);
        } else {
            top.offer(dist, id, payload);
        }
    }

    /** {@link Distances#squared} of the query and row r's key: the same operations in the same order. */
    private double distance(float[] q, int qOff, int r) {
        int b = r * stride + 1;
        double s = 0.0;
        for (int m = 0; m < d; m++) {
            double diff = (double) q[qOff + m] - (double) Float.intBitsToFloat(rows[b + m]);
            s += diff * diff;
        }
        return s;
    }

    /** First row in [lo, hi) whose (code, token index) is not below (code, id). */
    private int lowerBound(int lo, int hi, long code, int id) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (codes[mid] < code || (codes[mid] == code && rows[mid * stride] < id)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
