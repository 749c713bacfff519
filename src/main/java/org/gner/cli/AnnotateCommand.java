package org.gner.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.gner.data.TextSegmenter;
import org.gner.spark.AnnotateJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "annotate", mixinStandardHelpOptions = true,
        description = {"Label a corpus with GNER as a Spark job: documents are split into sentences and words,"
                + " each sentence is labelled with --labels, entities get character offsets into the document.",
                "Writes annotations/ (Parquet, one row per sentence, every input row present) and run.json under"
                        + " --output."})
final class AnnotateCommand extends ModelJobCommand implements Callable<Integer> {

    @Option(names = "--labels", required = true, paramLabel = "<type,...>",
            description = "Entity types to find, comma-separated, in prompt order, e.g. \"person,organization\".")
    String labels;

    @Option(names = "--input", required = true, paramLabel = "<path>",
            description = "Text file(s) (one document per line), JSONL ({\"id\", \"text\"}) or Parquet; a file or"
                    + " a folder, on any Hadoop file system.")
    String input;

    @Option(names = "--input-format", defaultValue = "auto", paramLabel = "auto|text|jsonl|parquet",
            description = "auto: .parquet (or a folder of them) is Parquet, .jsonl/.json is JSONL, else text.")
    String inputFormat;

    @Option(names = "--text-column", defaultValue = "text", paramLabel = "<name>",
            description = "Text field of JSONL or column of Parquet (default: ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(names = "--id-column", defaultValue = "id", paramLabel = "<name>",
            description = "Id field or column (default: ${DEFAULT-VALUE}); without it, the line or row number.")
    String idColumn;

    @Option(names = "--max-words", defaultValue = "" + TextSegmenter.DEFAULT_MAX_WORDS, paramLabel = "<n>",
            description = "Longer sentences are cut into pieces of this many words (default: ${DEFAULT-VALUE}).")
    int maxWords;

    @Override
    public Integer call() {
        AnnotateJob.Result r = job.inSession("gner annotate", spark -> AnnotateJob.run(spark,
                new AnnotateJob.Options(model.model, AnnotateJob.parseLabels(labels), input, inputFormat, idColumn,
                        textColumn, job.output, job.overwrite, decoding.toOptions(Integer.MAX_VALUE), model.device,
                        model.dtype, maxWords)));
        System.out.printf(Locale.ROOT, "%d rows, %d sentences, %d entities, %d failed; model loads per executor:"
                + " %s; annotations in %s/annotations%n", r.rows(), r.sentences(), r.entities(), r.errors(),
                r.modelLoads(), job.output);
        return 0;
    }
}
