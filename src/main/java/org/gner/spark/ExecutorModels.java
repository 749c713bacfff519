package org.gner.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.util.CollectionAccumulator;
import org.gner.model.LoadedModel;
import org.gner.model.RuntimeOptions;
import org.gner.model.TorchThreads;
import org.gner.model.load.ModelCache;

/**
 * The executor side of model loading: the task's device, then the JVM-wide {@link ModelCache}, so an
 * executor loads the model once (per GPU it drives) and all its tasks share it. Each task computes
 * with {@code spark.task.cpus} libtorch threads.
 */
public final class ExecutorModels {
    private ExecutorModels() {}

    /**
     * The model for the running task. Reports {@code executorId<TAB>loads} to {@code loads}: how many
     * times this JVM has loaded the model so far (the driver keeps the maximum per executor); null: no report.
     */
    public static LoadedModel forTask(GenerationSpec spec, CollectionAccumulator<String> loads) {
        TaskContext task = TaskContext.get();
        String device = TaskDevices.device(spec.device(), TaskDevices.gpuAddresses(task));
        LoadedModel model = ModelCache.get(spec.model(), RuntimeOptions.parse(device, spec.dtype()));
        // A task computes with its spark.task.cpus cores, so concurrent tasks of an executor share them.
        TorchThreads.setForCurrentThread(task == null ? Runtime.getRuntime().availableProcessors() : task.cpus());
        if (!model.digest().equals(spec.digest())) {
            throw new IllegalStateException("executor " + executorId() + " resolves " + spec.model() + " to "
                    + model.checkpoint().dir() + " with digest " + model.digest() + ", but the driver saw "
                    + spec.digest() + ": every executor must see the same checkpoint");
        }
        if (loads != null) {
            loads.add(executorId() + "\t" + ModelCache.loads(model.checkpoint().dir()));
        }
        return model;
    }

    static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "driver" : env.executorId();
    }
}
