package org.gner.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.gner.model.CheckpointInfo;
import org.gner.model.load.ModelLoader;

/** The driver's look at a model before a job or stage runs it: its folder, spec and checkpoint digest. */
public final class ModelReference {
    private ModelReference() {}

    /** The checkpoint a model folder or hub id names; an error naming the model when it cannot be used. */
    public static CheckpointInfo inspect(String model) {
        try {
            return ModelLoader.inspect(model);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use model " + model + ": " + e.getMessage(), e);
        }
    }
}
