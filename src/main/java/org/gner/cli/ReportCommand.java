package org.gner.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.gner.report.DeltaEstimate;
import org.gner.report.Html;
import org.gner.report.RunComparison;
import org.gner.spark.ReportJob;
import org.gner.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write an HTML evaluation report of one or more evaluate/score output folders: F1 charts,"
                + " per-label tables, output quality, error examples, and every run compared with the first by a"
                + " paired bootstrap over sentences.",
                "Writes report.html (self-contained) and the charts as SVG under --output. Runs locally."})
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, paramLabel = "<dir>",
            description = "An evaluate or score output folder; repeat for more runs (the first is the baseline).")
    List<Path> runs;

    @Option(names = "--name", paramLabel = "<label>",
            description = "Display name of the run at the same position; default: run.json's model id, else the"
                    + " folder name.")
    List<String> names = new ArrayList<>();

    @Mixin
    OutputOptions out;

    @Option(names = "--bootstrap", paramLabel = "<n>", defaultValue = "1000",
            description = "Paired-bootstrap resamples (default: ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--seed", paramLabel = "<s>", defaultValue = "1234",
            description = "Seed of the bootstrap resampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        SparkSession spark = SparkSessions.create("gner report", "local[*]");
        ReportJob.Result result;
        try {
            result = ReportJob.run(spark, new ReportJob.Options(runs, names, out.output, resamples, seed, out.overwrite));
        } finally {
            spark.stop();
        }
        for (RunComparison c : result.content().comparisons()) {
            DeltaEstimate a = c.average();
            System.out.printf(Locale.ROOT, "%s vs %s: average ΔF1 %s%s%n", c.run(), c.baseline(), Html.points(a.delta()),
                    c.paired() ? String.format(Locale.ROOT, " [%s, %s], p = %s", Html.points(a.low()),
                            Html.points(a.high()), Html.pValue(a.pValue())) : " (not paired: " + c.note() + ")");
        }
        System.out.printf(Locale.ROOT, "report: %s (%.1f s)%n", result.report(), result.seconds());
        return 0;
    }
}
