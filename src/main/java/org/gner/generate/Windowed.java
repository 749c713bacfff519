package org.gner.generate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Decoding in bounded windows: an iterator read a window at a time (items until their weight, e.g.
 * sentences, reaches the window's), each window processed as a whole (so it can be length-sorted and
 * batched) and its outputs handed on lazily, in input order. Memory follows the window, not the input.
 */
public final class Windowed {
    private Windowed() {}

    /**
     * @param process one output per item of the window, in the window's order
     */
    public static <I, O> Iterator<O> map(Iterator<I> items, int windowWeight, ToIntFunction<I> weight,
            Function<List<I>, List<O>> process) {
        if (windowWeight < 1) {
            throw new IllegalArgumentException("window weight must be at least 1, got " + windowWeight);
        }
        return new Iterator<>() {
            private final ArrayDeque<O> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && items.hasNext()) {
                    List<I> window = new ArrayList<>();
                    int filled = 0;
                    while (items.hasNext() && filled < windowWeight) {
                        I item = items.next();
                        window.add(item);
                        filled += weight.applyAsInt(item);
                    }
                    List<O> out = process.apply(window);
                    if (out.size() != window.size()) {
                        throw new IllegalStateException(window.size() + " items in a window but " + out.size()
                                + " outputs");
                    }
                    ready.addAll(out);
                }
                return !ready.isEmpty();
            }

            @Override
            public O next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }
}
