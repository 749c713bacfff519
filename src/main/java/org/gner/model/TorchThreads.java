package org.gner.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's intra-op thread count, which (with OpenMP) is a setting of the calling thread. A process
 * running several generation threads at once (Spark tasks) gives each its share of the cores; left
 * alone, every thread would use all cores and they would fight over them.
 */
public final class TorchThreads {
    private TorchThreads() {}

    /** Sets the calling thread's intra-op threads (at least 1); the engine is started if needed. */
    public static void setForCurrentThread(int threads) {
        int n = Math.max(1, threads);
        if (JniUtils.getNumThreads() != n) {
            JniUtils.setNumThreads(n);
        }
    }
}
