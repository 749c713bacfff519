package org.gner.data;

import java.util.Objects;

/**
 * One entry of a GNER dataset-config list ({@code configs/dataset_configs/.../*_configs.json}).
 *
 * @param name             dataset folder name ({@code "dataset name"})
 * @param samplingStrategy {@code "random"} or {@code "full"} ({@code "sampling strategy"}; GNER's
 *                         default when absent is {@code "random"})
 * @param maxNumInstances  {@code "max_num_instances"}; {@link #UNLIMITED} (-1) when absent, null or
 *                         {@code "full"}
 * @param overSampling     {@code "over_sampling"} (default false)
 * @see DatasetConfigs#sample(DatasetConfig, java.util.List)
 */
public record DatasetConfig(String name, String samplingStrategy, int maxNumInstances, boolean overSampling) {
    public static final String RANDOM = "random";
    public static final String FULL = "full";
    /** {@code maxNumInstances} when the config gives no limit. */
    public static final int UNLIMITED = -1;

    public DatasetConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(samplingStrategy, "samplingStrategy");
        if (name.isBlank()) {
            throw new IllegalArgumentException("dataset name is blank");
        }
        if (!samplingStrategy.equals(RANDOM) && !samplingStrategy.equals(FULL)) {
            throw new IllegalArgumentException("sampling strategy must be 'random' or 'full', got '"
                    + samplingStrategy + "'");
        }
    }

    /** Every sentence of {@code name}, as GNER's test configs ask. */
    public static DatasetConfig full(String name) {
        return new DatasetConfig(name, FULL, UNLIMITED, false);
    }
}
