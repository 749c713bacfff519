package org.gner.cli;

import picocli.CommandLine.Option;

/** The output folder and whether an existing one may be replaced: every job that writes a folder. */
class OutputOptions {

    @Option(names = "--output", required = true, paramLabel = "<dir>", description = "Output folder.")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output folder.")
    boolean overwrite;
}
