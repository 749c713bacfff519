package org.gner.model.load;

import java.io.IOException;
import java.nio.file.Path;
import org.gner.model.CheckpointInfo;
import org.gner.model.GenerativeModel;
import org.gner.model.LoadedModel;
import org.gner.model.ModelConfigs;
import org.gner.model.ModelTokenizer;
import org.gner.model.RuntimeOptions;
import org.gner.model.hub.ModelLocator;
import org.gner.model.llama.LlamaConfig;
import org.gner.model.llama.LlamaModel;
import org.gner.model.t5.T5Model;

/** Loads a GNER checkpoint (T5 or LLaMA, by its {@code model_type}) with its tokenizer. */
public final class ModelLoader {
    private ModelLoader() {}

    /** Resolves a folder or hub id and describes the checkpoint; no weights are read. */
    public static CheckpointInfo inspect(String modelIdOrPath) throws IOException {
        return inspect(ModelLocator.fromSystem().resolve(modelIdOrPath));
    }

    public static CheckpointInfo inspect(Path dir) throws IOException {
        String type = ModelConfigs.modelType(dir);
        int maxPositions = type.equals("llama")
                ? LlamaConfig.read(dir.resolve("config.json")).maxPositionEmbeddings()
                : 0;
        return new CheckpointInfo(dir, type, CheckpointDigest.of(dir), maxPositions);
    }

    public static LoadedModel load(String modelIdOrPath, RuntimeOptions options) throws IOException {
        return load(inspect(modelIdOrPath), options);
    }

    public static LoadedModel load(CheckpointInfo checkpoint, RuntimeOptions options) throws IOException {
        Path dir = checkpoint.dir();
        GenerativeModel model = switch (checkpoint.modelType()) {
            case "t5" -> T5Model.load(dir, options);
            case "llama" -> LlamaModel.load(dir, options);
            default -> throw new IOException(dir + ": model_type '" + checkpoint.modelType() + "' is not supported");
        };
        try {
            return new LoadedModel(model, ModelTokenizer.load(dir), checkpoint, options);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
