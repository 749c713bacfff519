package org.gner.bench;

import java.nio.file.Path;
import org.gner.model.t5.TinyT5Checkpoints;

/**
 * Writes a tiny random Flan-T5-style checkpoint (real Flan-T5 tokenizer, random weights) for scripts
 * that need a model folder, e.g. {@code jobs/cluster-test.sh}. Needs {@code -Dgner.shared} for the
 * tokenizer files.
 *
 * <p>Arguments: {@code <dir> [seed=1]}.
 */
public final class MakeTinyModel {
    private MakeTinyModel() {}

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: MakeTinyModel <dir> [seed]");
            System.exit(2);
        }
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        Path dir = TinyT5Checkpoints.write(Path.of(args[0]), TinyT5Checkpoints.Spec.flan(seed),
                TinyT5Checkpoints.Format.F32);
        System.out.println(dir.toAbsolutePath());
    }
}
