package org.gner.spark;

import java.util.Locale;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The device a task runs its model on. With {@code --device gpu}, a task takes the first GPU Spark
 * assigned it ({@code spark.task.resource.gpu.amount}); those addresses come from the executor's GPU
 * discovery script, which prints CUDA device indices ({@code jobs/gpu-discovery.sh}). {@code gpu:N}
 * pins device N whatever Spark assigned; {@code cpu} ignores GPUs.
 */
final class TaskDevices {
    private TaskDevices() {}

    /** @return {@code cpu} or {@code gpu:N}, for {@link org.gner.model.RuntimeOptions#parseDevice} */
    static String device(String requested, String[] gpuAddresses) {
        String r = requested.trim().toLowerCase(Locale.ROOT);
        if (!r.equals("gpu") && !r.equals("cuda")) {
            return r;
        }
        if (gpuAddresses == null || gpuAddresses.length == 0) {
            return "gpu:0";
        }
        String address = gpuAddresses[0].trim();
        try {
            return "gpu:" + Integer.parseInt(address);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GPU address '" + address + "' from Spark is not a CUDA device"
                    + " index; the discovery script must print indices such as \"0\"", e);
        }
    }

    /** The GPU addresses Spark assigned the running task; empty outside a task or without GPUs. */
    static String[] gpuAddresses(TaskContext task) {
        if (task == null) {
            return new String[0];
        }
        Map<String, ResourceInformation> resources = task.resourcesJMap();
        ResourceInformation gpu = resources == null ? null : resources.get("gpu");
        return gpu == null ? new String[0] : gpu.addresses();
    }
}
