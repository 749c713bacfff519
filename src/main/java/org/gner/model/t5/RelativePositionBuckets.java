package org.gner.model.t5;

/** T5's relative-position buckets, shared by the forward and by tools that shape position-bias tables. */
public final class RelativePositionBuckets {
    private RelativePositionBuckets() {}

    /**
     * HF's {@code _relative_position_bucket} for one distance {@code memory - query}, computed in
     * float32 as torch does: exact buckets for small distances, logarithmic ones up to
     * {@code maxDistance}, the last bucket beyond. Bidirectional halves the buckets between the two
     * directions; causal maps every key after the query to bucket 0.
     */
    public static int bucket(int relativePosition, boolean bidirectional, int numBuckets,
            int maxDistance) {
        int bucket = 0;
        int n = relativePosition;
        if (bidirectional) {
            numBuckets /= 2;
            if (n > 0) {
                bucket += numBuckets;
            }
            n = Math.abs(n);
        } else {
            n = -Math.min(n, 0);
        }
        int maxExact = numBuckets / 2;
        if (n < maxExact) {
            return bucket + n;
        }
        float logRatio = (float) Math.log(n / (float) maxExact);
        float scaled = logRatio / (float) Math.log(maxDistance / (double) maxExact) * (numBuckets - maxExact);
        return bucket + Math.min(maxExact + (int) scaled, numBuckets - 1);
    }
}
