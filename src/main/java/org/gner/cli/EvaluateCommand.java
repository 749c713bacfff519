package org.gner.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.gner.prompt.LabelOrder;
import org.gner.spark.EvaluateJob;
import org.gner.spark.MetricsOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"GNER zero-shot evaluation as a Spark job: prompts built from GNER datasets, generation on"
                + " the executors (model loaded once per executor), GNER's metrics.",
                "Writes predictions/ (Parquet by dataset), metrics/, label_metrics/, metrics.json, predictions.jsonl"
                        + " (GNER's format) and run.json under --output."})
final class EvaluateCommand extends ModelJobCommand implements Callable<Integer> {

    @Option(names = "--data-dir", required = true, paramLabel = "<dir>",
            description = "GNER data folder: <dataset>/<split>.txt and <dataset>/label.txt.")
    Path dataDir;

    @Option(names = "--datasets", required = true, paramLabel = "<config.json|name,...>",
            description = "GNER dataset-config JSON (sampling, max_num_instances) or dataset names.")
    String datasets;

    @Option(names = "--split", defaultValue = "test", description = "Split to evaluate (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--label-order", defaultValue = "seeded", paramLabel = "seeded|file",
            description = "Label order in each prompt: seeded shuffle per sentence (reproducible stand-in for GNER's"
                    + " random.shuffle) or label.txt order (default: ${DEFAULT-VALUE}).")
    String labelOrder;

    @Option(names = "--seed", defaultValue = "1234", description = "Seed of the seeded label order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        decoding.warnIfAgainst(model.model);
        LabelOrder order = labelOrder.strip().equalsIgnoreCase("seeded") ? LabelOrder.seeded(seed)
                : LabelOrder.parse(labelOrder);
        EvaluateJob.Result result = job.inSession("gner evaluate", spark -> EvaluateJob.run(spark,
                new EvaluateJob.Options(model.model, dataDir, datasets, split, job.output, job.overwrite,
                        decoding.toOptions(Integer.MAX_VALUE), order, model.device, model.dtype)));
        MetricsOutput.printTable(result.metrics(), System.out);
        System.out.printf(Locale.ROOT, "%d sentences, %d failed, %d prompts truncated; model loads per executor:"
                + " %s; outputs in %s%n", result.sentences(), result.errors(), result.truncated(),
                result.modelLoads(), job.output);
        return 0;
    }
}
