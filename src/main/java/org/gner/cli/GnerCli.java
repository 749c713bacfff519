package org.gner.cli;

import java.io.File;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.PropertiesDefaultProvider;

/**
 * {@code gner}: the command line of gner-spark. Exit code 0 on success; otherwise a one-line reason
 * on stderr and a non-zero code (2 for bad usage, 1 for a failed job).
 */
@Command(name = "gner", mixinStandardHelpOptions = true, version = "gner-spark 0.1.0",
        description = "Generative NER (GNER) on Apache Spark and DJL.",
        subcommands = {ScoreCommand.class, GenerateCommand.class, EvaluateCommand.class, AnnotateCommand.class,
                TrainCommand.class, ReportCommand.class, CommandLine.HelpCommand.class})
public final class GnerCli {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (used by tests and the launcher alike). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new GnerCli());
        File defaults = jobDefaults();
        if (defaults != null) {
            cli.setDefaultValueProvider(new PropertiesDefaultProvider(defaults));
        }
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("gner " + commandLine.getCommandName() + ": " + oneLine(e));
            if (System.getenv("GNER_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        cli.setErr(new PrintWriter(System.err, true));
        return cli.execute(args);
    }

    /** {@code $GNER_CONF_DIR/gner-defaults.properties}: option defaults keyed by long option name. */
    private static File jobDefaults() {
        String dir = System.getenv("GNER_CONF_DIR");
        if (dir == null || dir.isBlank()) {
            return null;
        }
        File file = new File(dir, "gner-defaults.properties");
        return file.isFile() ? file : null;
    }

    /** The innermost meaningful message, on one line. */
    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString()))) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
