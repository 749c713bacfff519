package org.gner.model;

/**
 * The weight files of a HF checkpoint folder, by name: what the hub fetches, a folder is checked for,
 * and the weight store reads. Names only; nothing here reads a tensor.
 */
public final class CheckpointFiles {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private CheckpointFiles() {}

    /** Why a pickle-only checkpoint ({@code where}: a folder or hub id) is refused, and how to convert it. */
    public static String pickleRefusal(Object where) {
        return where + " holds only a pickle checkpoint (pytorch_model.bin). Loading pickle"
                + " runs arbitrary code, so gner-spark never does. Convert it once with Python:"
                + " AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)";
    }
}
