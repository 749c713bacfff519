package org.gner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The option groups declared once as mixins still reach every command that had them, with their defaults. */
class CliOptionsTest {
    private static final List<String> OUTPUT = List.of("--output", "--overwrite");
    private static final List<String> SPARK = List.of("--output", "--overwrite", "--master");
    private static final List<String> MODEL = List.of("--model", "--device", "--dtype");
    private static final List<String> DECODING = List.of("--max-new-tokens", "--num-beams", "--batch-tokens",
            "--max-input-tokens", "--decoding", "--draft", "--draft-tokens", "--o-bias");

    private static CommandSpec command(String name) {
        return new CommandLine(new GnerCli()).getSubcommands().get(name).getCommandSpec();
    }

    private static Set<String> options(String name) {
        Set<String> names = new TreeSet<>();
        command(name).options().forEach(o -> names.addAll(List.of(o.names())));
        return names;
    }

    @Test
    void everyCommandHasItsOptionGroups() {
        Map<String, List<List<String>>> groups = Map.of(
                "score", List.of(SPARK),
                "evaluate", List.of(SPARK, MODEL, DECODING),
                "annotate", List.of(SPARK, MODEL, DECODING),
                "generate", List.of(MODEL, DECODING, OUTPUT),
                "report", List.of(OUTPUT),
                "train", List.of(List.of("--model", "--device", "--output", "--batch-tokens")));
        groups.forEach((command, lists) -> lists.forEach(list -> assertTrue(options(command).containsAll(list),
                command + " lacks some of " + list + ": " + options(command))));
    }

    @Test
    void sharedOptionsKeepTheirDefaults() {
        for (String command : List.of("evaluate", "annotate", "generate")) {
            CommandSpec spec = command(command);
            assertEquals("cpu", spec.findOption("--device").defaultValue(), command);
            assertEquals("fp32", spec.findOption("--dtype").defaultValue(), command);
            assertEquals("640", spec.findOption("--max-new-tokens").defaultValue(), command);
            assertEquals("8192", spec.findOption("--batch-tokens").defaultValue(), command);
        }
        assertEquals("cpu", command("train").findOption("--device").defaultValue());
        assertTrue(command("evaluate").findOption("--output").required());
        assertTrue(command("report").findOption("--output").required());
    }
}
