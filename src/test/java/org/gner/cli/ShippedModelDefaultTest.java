package org.gner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** evaluate, annotate and generate default --model to the shipped model under the project folder. */
class ShippedModelDefaultTest {

    @Test
    void defaultModelIsTheShippedOneUnderGnerHome() {
        String before = System.getProperty("gner.home");
        System.setProperty("gner.home", "/opt/gner-spark");
        try {
            for (String command : new String[] {"evaluate", "annotate", "generate"}) {
                CommandLine cli = new CommandLine(new GnerCli());
                String[] args = switch (command) {
                    case "evaluate" -> new String[] {command, "--data-dir", "d", "--datasets", "x", "--output", "o"};
                    case "annotate" -> new String[] {command, "--labels", "person", "--input", "i", "--output", "o"};
                    default -> new String[] {command, "--input", "i", "--output", "o"};
                };
                CommandLine.ParseResult parsed = cli.parseArgs(args);
                ModelOptions model = modelOptions(parsed.subcommand().commandSpec().userObject());
                assertEquals("/opt/gner-spark/models/gner-t5-mini", model.model, command);
                CommandLine.ParseResult explicit = new CommandLine(new GnerCli())
                        .parseArgs(append(args, "--model", "org/other"));
                assertEquals("org/other", modelOptions(explicit.subcommand().commandSpec().userObject()).model);
            }
        } finally {
            if (before == null) {
                System.clearProperty("gner.home");
            } else {
                System.setProperty("gner.home", before);
            }
        }
    }

    private static ModelOptions modelOptions(Object command) {
        if (command instanceof EvaluateCommand e) {
            return e.model;
        }
        if (command instanceof AnnotateCommand a) {
            return a.model;
        }
        return ((GenerateCommand) command).model;
    }

    private static String[] append(String[] args, String... more) {
        String[] out = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, out, args.length, more.length);
        return out;
    }
}
