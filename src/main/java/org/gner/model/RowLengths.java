package org.gner.model;

/**
 * Cached tokens per batch row, as the decode states keep them once speculative decoding's
 * {@link DecodeState#rollback} lets rows stand at different lengths.
 */
public final class RowLengths {
    private RowLengths() {}

    public static int max(int[] lengths) {
        int max = 0;
        for (int length : lengths) {
            max = Math.max(max, length);
        }
        return max;
    }

    /** Whether every row holds as many tokens (one slice serves all rows then). */
    public static boolean uniform(int[] lengths) {
        for (int length : lengths) {
            if (length != lengths[0]) {
                return false;
            }
        }
        return true;
    }
}
