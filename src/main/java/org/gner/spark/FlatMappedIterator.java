package org.gner.spark;

import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** A lazy {@code flatMap} over an iterator. */
final class FlatMappedIterator<A, B> implements Iterator<B> {
    private final Iterator<A> source;
    private final Function<A, Iterator<B>> f;
    private Iterator<B> current = Collections.emptyIterator();

    FlatMappedIterator(Iterator<A> source, Function<A, Iterator<B>> f) {
        this.source = source;
        this.f = f;
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext() && source.hasNext()) {
            current = f.apply(source.next());
        }
        return current.hasNext();
    }

    @Override
    public B next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }
}
