package org.gner.model.t5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

/**
 * T5's bucketing with 32 buckets and max distance 128, as worked out by hand from HF's
 * {@code _relative_position_bucket}.
 *
 * <p>Bidirectional (encoder): 16 buckets per direction, +16 when the key comes after the query;
 * distances 0..7 are exact, then {@code 8 + floor(8 * ln(n / 8) / ln(16))} = {@code 8 + floor(2 log2(n) - 6)}
 * capped at 15: 8..11 -> 8, 12..15 -> 9, 16..22 -> 10, 23..31 -> 11, 32..45 -> 12, 46..63 -> 13,
 * 64..90 -> 14, 91.. -> 15. The boundaries 16, 32 and 64 are exact powers (2 log2 n - 6 = 2, 4, 6).
 *
 * <p>Causal (decoder): keys after the query count as distance 0; distances 0..15 are exact, then
 * {@code 16 + floor(16 * ln(n / 16) / ln(8))} = {@code 16 + floor(16/3 log2(n / 16))} capped at 31:
 * 16..18 -> 16, 19..20 -> 17, 21..23 -> 18, 24 -> 19, 31..34 -> 21, 35 -> 22, 63..65 -> 26,
 * 127 -> 31 (15.94), 128 -> 32 capped to 31.
 */
class RelativePositionBucketTest {

    private static int bidirectional(int relative) {
        return RelativePositionBuckets.bucket(relative, true, 32, 128);
    }

    private static int causal(int relative) {
        return RelativePositionBuckets.bucket(relative, false, 32, 128);
    }

    @Test
    void bidirectionalBucketsMatchTheHandTable() {
        // {memory - query, bucket}
        int[][] table = {
            {0, 0}, {-1, 1}, {-7, 7}, {-8, 8}, {-11, 8}, {-12, 9}, {-15, 9}, {-16, 10}, {-22, 10}, {-23, 11},
            {-31, 11}, {-32, 12}, {-45, 12}, {-46, 13}, {-63, 13}, {-64, 14}, {-90, 14}, {-91, 15}, {-127, 15},
            {-128, 15}, {-1000, 15},
            {1, 17}, {7, 23}, {8, 24}, {11, 24}, {12, 25}, {15, 25}, {16, 26}, {22, 26}, {23, 27}, {31, 27},
            {32, 28}, {45, 28}, {46, 29}, {63, 29}, {64, 30}, {90, 30}, {91, 31}, {128, 31}, {1000, 31},
        };
        for (int[] row : table) {
            assertEquals(row[1], bidirectional(row[0]), "relative position " + row[0]);
        }
    }

    @Test
    void causalBucketsMatchTheHandTable() {
        int[][] table = {
            {5, 0}, {1, 0}, {0, 0}, {-1, 1}, {-15, 15}, {-16, 16}, {-18, 16}, {-19, 17}, {-20, 17}, {-21, 18},
            {-23, 18}, {-24, 19}, {-31, 21}, {-32, 21}, {-34, 21}, {-35, 22}, {-63, 26}, {-64, 26}, {-65, 26},
            {-127, 31}, {-128, 31}, {-1000, 31},
        };
        for (int[] row : table) {
            assertEquals(row[1], causal(row[0]), "relative position " + row[0]);
        }
    }

    /** The same formula evaluated by libtorch in float32, as HF runs it, over a wide range. */
    @Test
    void agreesWithTheFormulaEvaluatedByTorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray relative = m.arange(-700, 701).toType(DataType.INT64, false);
            for (boolean bi : new boolean[] {true, false}) {
                int buckets = bi ? 16 : 32;
                int maxExact = buckets / 2;
                NDArray base = bi ? relative.gt(0).toType(DataType.INT64, false).mul(buckets) : relative.zerosLike();
                NDArray n = bi ? relative.abs() : relative.minimum(0).neg();
                NDArray large = n.toType(DataType.FLOAT32, false).div(maxExact).log()
                        .div(Math.log(128.0 / maxExact)).mul(buckets - maxExact)
                        .toType(DataType.INT64, false).add(maxExact).minimum(buckets - 1);
                long[] torch = base.add(NDArrays.where(n.lt(maxExact), n, large)).toLongArray();
                long[] java = new long[torch.length];
                for (int i = 0; i < java.length; i++) {
                    java[i] = RelativePositionBuckets.bucket(i - 700, bi, 32, 128);
                }
                assertArrayEquals(torch, java, bi ? "bidirectional" : "causal");
            }
        }
    }
}
