package org.gner.model;

/**
 * A model ready to generate: its weights, its tokenizer and where they came from. Closing it frees
 * both. Thread-safe for generation: the weights are read-only and every batch works in its own scope.
 */
public final class LoadedModel implements AutoCloseable {
    private final GenerativeModel model;
    private final ModelTokenizer tokenizer;
    private final CheckpointInfo checkpoint;
    private final RuntimeOptions options;

    public LoadedModel(GenerativeModel model, ModelTokenizer tokenizer, CheckpointInfo checkpoint,
            RuntimeOptions options) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.checkpoint = checkpoint;
        this.options = options;
    }

    public GenerativeModel model() {
        return model;
    }

    public ModelTokenizer tokenizer() {
        return tokenizer;
    }

    public CheckpointInfo checkpoint() {
        return checkpoint;
    }

    public RuntimeOptions options() {
        return options;
    }

    public ModelSpec spec() {
        return model.spec();
    }

    public String digest() {
        return checkpoint.digest();
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            tokenizer.close();
        }
    }
}
