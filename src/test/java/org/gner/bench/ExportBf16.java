package org.gner.bench;

import java.nio.file.Path;
import org.gner.train.Checkpoints;

/**
 * {@code bench/run ExportBf16 <checkpoint> <output>}: the checkpoint with its weights narrowed to
 * bf16 (how {@code models/gner-t5-mini} was made from the output of {@link TrainShippedModel}).
 */
public final class ExportBf16 {
    public static void main(String[] args) throws Exception {
        Checkpoints.exportBf16(Path.of(args[0]), Path.of(args[1]));
        System.out.println("wrote " + Path.of(args[1]).resolve("model.safetensors"));
    }
}
