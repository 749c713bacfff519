package org.gner.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Windows fill to their weight, keep input order, and are read only as outputs are asked for. */
class WindowedTest {

    @Test
    void windowsFillToTheirWeightAndKeepOrder() {
        List<Integer> items = IntStream.range(0, 10).boxed().toList(); // item i weighs i % 3
        List<List<Integer>> windows = new ArrayList<>();
        Iterator<String> out = Windowed.map(items.iterator(), 3, i -> i % 3, w -> {
            windows.add(w);
            return w.stream().map(i -> "#" + i).toList();
        });
        assertTrue(windows.isEmpty(), "nothing is read before it is asked for");
        assertEquals("#0", out.next());
        assertEquals(List.of(List.of(0, 1, 2)), windows);
        List<String> rest = new ArrayList<>();
        out.forEachRemaining(rest::add);
        assertEquals(IntStream.range(1, 10).mapToObj(i -> "#" + i).toList(), rest);
        assertEquals(List.of(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6, 7, 8), List.of(9)), windows);
    }

    @Test
    void weightlessItemsShareAWindowAndEmptyInputNeedsNoProcessing() {
        List<List<Integer>> windows = new ArrayList<>();
        Iterator<Integer> out = Windowed.map(List.of(1, 2, 3).iterator(), 1, i -> 0, w -> {
            windows.add(w);
            return w;
        });
        out.forEachRemaining(i -> { });
        assertEquals(List.of(List.of(1, 2, 3)), windows);
        assertTrue(!Windowed.map(List.<Integer>of().iterator(), 1, i -> 1, w -> {
            throw new AssertionError("no window");
        }).hasNext());
    }
}
