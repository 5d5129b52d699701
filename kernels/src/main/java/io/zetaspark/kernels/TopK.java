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
        return size < k || better(d, p, dist[0], pos[0]);
    }

    /**
     * Offers a candidate; the caller guarantees a position is offered at most once per query
     * (or offers duplicates with identical distance, which {@link #containsPos} can filter).
     */
    public boolean offer(double d, long p, int pay) {
        if (size < k) {
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
     */
    public int drainSorted(double[] distOut, long[] posOut, int[] payloadOut, int off) {
        int n = size;
        // heap-sort in place: repeatedly move the worst to the end
        for (int end = n - 1; end > 0; end--) {
            double d = dist[end];
            long p = pos[end];
            int pay = payload[end];
            dist[end] = dist[0];
            pos[end] = pos[0];
            payload[end] = payload[0];
            size = end;
            siftDownFromRoot(d, p, pay);
        }
        for (int i = 0; i < n; i++) {
            if (distOut != null) {
                distOut[off + i] = dist[i];
            }
            if (posOut != null) {
                posOut[off + i] = pos[i];
            }
            if (payloadOut != null) {
                payloadOut[off + i] = payload[i];
            }
        }
        size = 0;
        return n;
    }
}
