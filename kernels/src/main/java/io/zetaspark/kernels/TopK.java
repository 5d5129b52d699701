package io.zetaspark.kernels;

/**
 * Bounded selection of the k best candidates in candidate order (smaller distance first; on equal
 * distance the larger position first, docs/ALGORITHM.md), without boxing: a binary max-heap over
 * parallel primitive arrays whose root is the worst kept candidate. One instance is reused across
 * queries via {@link #reset(int)}.
 */
public final class TopK {
    private double[] dist;
    private long[] pos;
    private int[] payload;
    private int k;
    private int size;
    /** A candidate must come before this one to enter (reset: none). */
    private boolean bounded;
    private double boundDist;
    private long boundPos;

    public TopK(int capacity) {
        dist = new double[Math.max(1, capacity)];
        pos = new long[dist.length];
        payload = new int[dist.length];
        k = capacity;
    }

    /** Empties the heap and sets its bound to k (growing the arrays when needed). */
    public void reset(int newK) {
        if (newK > dist.length) {
            dist = new double[newK];
            pos = new long[newK];
            payload = new int[newK];
        }
        k = newK;
        size = 0;
        bounded = false;
    }

    /**
     * {@link #reset(int)}, keeping only candidates that come before ({@code d}, {@code p}) in
     * candidate order: the k-th candidate a query already has from elsewhere, so that nothing that
     * cannot be among its best k of the union is kept (or costs a heap step).
     */
    public void resetBefore(int newK, double d, long p) {
        reset(newK);
        bounded = true;
        boundDist = d;
        boundPos = p;
    }

    public int size() {
        return size;
    }

    public int bound() {
        return k;
    }

    /** True when (d1, p1) comes strictly before (d2, p2) in candidate order. */
    public static boolean better(double d1, long p1, double d2, long p2) {
        return d1 < d2 || (d1 == d2 && p1 > p2);
    }

    /** True when a candidate (d, p) would enter the heap now. */
    public boolean accepts(double d, long p) {
        return size < k ? !bounded || better(d, p, boundDist, boundPos) : better(d, p, dist[0], pos[0]);
    }

    /**
     * Offers a candidate; the caller guarantees a position is offered at most once per query
     * (or offers duplicates with identical distance, which {@link #containsPos} can filter).
     */
    public boolean offer(double d, long p, int pay) {
        if (size < k) {
            if (bounded && !better(d, p, boundDist, boundPos)) {
                return false;
            }
            int i = size++;
            // sift up: parent must be worse-or-equal than child in a max-heap of "worseness"
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!better(dist[parent], pos[parent], d, p)) {
                    break;
                }
                dist[i] = dist[parent];
                pos[i] = pos[parent];
                payload[i] = payload[parent];
                i = parent;
            }
            dist[i] = d;
            pos[i] = p;
            payload[i] = pay;
            return true;
        }
        if (k == 0 || !better(d, p, dist[0], pos[0])) {
            return false;
        }
        siftDownFromRoot(d, p, pay);
        return true;
    }

    private void siftDownFromRoot(double d, long p, int pay) {
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && better(dist[child], pos[child], dist[right], pos[right])) {
                child = right; // the worse of the two children
            }
            if (!better(d, p, dist[child], pos[child])) {
                break;
            }
            dist[i] = dist[child];
            pos[i] = pos[child];
            payload[i] = payload[child];
            i = child;
        }
        dist[i] = d;
        pos[i] = p;
        payload[i] = pay;
    }

    /**
     * Offers a candidate that may already have been offered for this query (from another curve or
     * list), keeping each position at most once. A repeat carries the same (distance, position):
     * while the heap holds it, {@link #containsPos} finds it; once it was refused or evicted, the
     * root is better than it and {@link #accepts} refuses it again. So the kept set equals the best
     * k of the deduplicated candidates, and only accepted candidates pay for the linear check.
     */
    public boolean offerDistinct(double d, long p, int pay) {
        if (!accepts(d, p) || containsPos(p)) {
            return false;
        }
        return offer(d, p, pay);
    }

    /** Linear check used to deduplicate when a position may arrive from several sources. */
    public boolean containsPos(long p) {
        for (int i = 0; i < size; i++) {
            if (pos[i] == p) {
                return true;
            }
        }
        return false;
    }

    /**
     * Moves the kept candidates, best first, into the output arrays (each at least {@link #size()}
     * long from offset {@code off}) and empties the heap. Returns the number written.
     *
     * <p>An insertion sort of the at most k kept entries into the output: for the heap sizes the
     * operator uses (k = 32) it does fewer moves than sifting the heap down k times, and the order is
     * the same (the candidate order is total on distinct positions).
     */
    public int drainSorted(double[] distOut, long[] posOut, int[] payloadOut, int off) {
        int n = size;
        if (sortDist.length < n) {
            sortDist = new double[dist.length];
            sortPos = new long[dist.length];
            sortPay = new int[dist.length];
        }
        final double[] sd = sortDist;
        final long[] sp = sortPos;
        final int[] sy = sortPay;
        // leaves first: a max-heap of "worseness" keeps its better entries towards the end of the
        // array, so reading it backwards meets them early and the later (worse) ones move little
        for (int i = 0; i < n; i++) {
            double d = dist[n - 1 - i];
            long p = pos[n - 1 - i];
            int y = payload[n - 1 - i];
            int j = i - 1;
            while (j >= 0 && better(d, p, sd[j], sp[j])) {
                sd[j + 1] = sd[j];
                sp[j + 1] = sp[j];
                sy[j + 1] = sy[j];
                j--;
            }
            sd[j + 1] = d;
            sp[j + 1] = p;
            sy[j + 1] = y;
        }
        if (distOut != null) {
            System.arraycopy(sd, 0, distOut, off, n);
        }
        if (posOut != null) {
            System.arraycopy(sp, 0, posOut, off, n);
        }
        if (payloadOut != null) {
            System.arraycopy(sy, 0, payloadOut, off, n);
        }
        size = 0;
        return n;
    }

    private double[] sortDist = new double[0];
    private long[] sortPos = new long[0];
    private int[] sortPay = new int[0];
}
