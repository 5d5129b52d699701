package io.zetaspark.job.plan;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** An iterator with one element of look-ahead, for streaming over consecutive groups of sorted rows. */
final class Peeking<T> implements Iterator<T> {
    private final Iterator<? extends T> in;
    private T head;

    Peeking(Iterator<? extends T> in) {
        this.in = in;
        this.head = in.hasNext() ? in.next() : null;
    }

    @Override
    public boolean hasNext() {
        return head != null;
    }

    /** The next element without consuming it, or null at the end. */
    T peek() {
        return head;
    }

    @Override
    public T next() {
        if (head == null) {
            throw new NoSuchElementException();
        }
        T t = head;
        head = in.hasNext() ? in.next() : null;
        return t;
    }
}
