package io.zetaspark.job.plan;

import java.io.Serializable;
import java.util.Arrays;

/** A growable run of keys (code, position, d floats) on primitive arrays, for the window stage. */
final class KeyBuffer implements Serializable {
    private static final long serialVersionUID = 1L;

    final int d;
    long[] code;
    long[] pos;
    float[] vec;
    int size;

    KeyBuffer(int d, int capacity) {
        this.d = d;
        this.pos = new long[Math.max(4, capacity)];
        this.code = new long[pos.length];
        this.vec = new float[pos.length * d];
    }

    void clear() {
        size = 0;
    }

    void add(long c, long p, float[] v, int off) {
        if (size == pos.length) {
            int cap = pos.length * 2;
            code = Arrays.copyOf(code, cap);
            pos = Arrays.copyOf(pos, cap);
            vec = Arrays.copyOf(vec, cap * d);
        }
        code[size] = c;
        pos[size] = p;
        System.arraycopy(v, off, vec, size * d, d);
        size++;
    }

    void addAll(KeyBuffer other) {
        for (int i = 0; i < other.size; i++) {
            add(other.code[i], other.pos[i], other.vec, i * d);
        }
    }

    /** A copy holding rows [from, to). */
    KeyBuffer slice(int from, int to) {
        KeyBuffer b = new KeyBuffer(d, to - from);
        for (int i = from; i < to; i++) {
            b.add(code[i], pos[i], vec, i * d);
        }
        return b;
    }
}
