package io.zetaspark.job;

import java.io.Serializable;
import java.util.Arrays;

/** A growable run of keys (position + d floats) on primitive arrays, for the window stage. */
final class KeyBuffer implements Serializable {
    private static final long serialVersionUID = 1L;

    final int d;
    long[] pos;
    float[] vec;
    int size;

    KeyBuffer(int d, int capacity) {
        this.d = d;
        this.pos = new long[Math.max(4, capacity)];
        this.vec = new float[pos.length * d];
    }

    void clear() {
        size = 0;
    }

    void add(long p, float[] v, int off) {
        if (size == pos.length) {
            int cap = pos.length * 2;
            pos = Arrays.copyOf(pos, cap);
            vec = Arrays.copyOf(vec, cap * d);
        }
        pos[size] = p;
        System.arraycopy(v, off, vec, size * d, d);
        size++;
    }

    void addAll(KeyBuffer other) {
        for (int i = 0; i < other.size; i++) {
            add(other.pos[i], other.vec, i * d);
        }
    }

    /** A copy holding rows [from, to). */
    KeyBuffer slice(int from, int to) {
        KeyBuffer b = new KeyBuffer(d, to - from);
        for (int i = from; i < to; i++) {
            b.add(pos[i], vec, i * d);
        }
        return b;
    }
}
