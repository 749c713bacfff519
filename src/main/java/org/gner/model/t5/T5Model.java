package org.gner.model.t5;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.gner.model.DecodeState;
import org.gner.model.GenerativeModel;
import org.gner.model.ModelSpec;
import org.gner.model.RuntimeOptions;
import org.gner.model.weights.WeightStore;

/**
 * T5 (v1.0, v1.1, Flan-T5, GNER-T5) running on DJL's PyTorch engine, with the semantics of HF's
 * {@code modeling_t5.py}: RMS layer norm, unscaled attention, bucketed relative position bias owned
 * by block 0 of each stack, cross-attention without position bias, gated-gelu or relu FFN, and a
 * tied lm_head scaled by {@code d_model^-0.5}.
 *
 * <p>Load-time rewrites, exact up to float rounding: every layer norm's weight is folded into the
 * projection that consumes its output ({@code (w * x) W = x (diag(w) W)}), as is the tied-lm_head
 * scale; q|k|v, cross k|v and wi_0|wi_1 are fused into one matmul each; weights are stored
 * {@code [in, out]} (wo excepted), the layout MKL streams fastest for one-row decoding.
 *
 * <p>Decoding: cross-attention keys/values are computed once per batch in {@link #begin}; the
 * self-attention cache is one preallocated buffer per layer written in place; the position bias of a
 * step is built in Java for the new query rows only; attention reads keys through a transposed view
 * (a strided operand MKL handles much faster than a pre-transposed copy).
 *
 * <p>Precision: weights in the requested dtype (fp32, or fp16 where {@code wo} stays fp32 as HF keeps
 * it); the residual stream, the norm statistics, the softmax and the logits are fp32.
 *
 * <p>The parts: {@link T5Weights} (the weights in either form, their loading and export), {@link T5Layers}
 * (the forward's blocks), {@link T5DecodeState} (cached decoding, the inference path) and
 * {@link T5TeacherForcing} (every position at once, the training path).
 *
 * <p>Training ({@link #loadForTraining}): the same forward code, fp32, with every weight a leaf that
 * requires a gradient. Folded weights are not HF's trainable tensors, so a training model skips the
 * folding: it keeps the layer norms' weights and applies them (and the tied-lm_head scale) in the
 * forward, reads the tied lm_head from {@code shared} at use, and gathers the position bias from the
 * bias tables as arrays. Arithmetic is out of place where autograd needs the overwritten operand. The
 * optimiser updates the fused {@code [in, out]} arrays directly (AdamW is element-wise, so this is the
 * same update as on HF's tensors); {@link #checkpointTensors} splits and transposes them back into
 * HF's names.
 */
public final class T5Model implements GenerativeModel {

    private final ModelSpec spec;
    private final NDManager root;
    private final T5Weights weights;
    private final T5Layers layers;
    private final T5TeacherForcing teacherForcing;

    /**
     * Loads a HF T5 folder ({@code config.json} + safetensors). Every tensor's shape is checked
     * against the config before anything is loaded; bf16 compute is refused (DJL has no bfloat16),
     * bf16 files are widened to the requested dtype.
     */
    public static T5Model load(Path dir, RuntimeOptions options) throws IOException {
        return load(dir, options, false);
    }

    /**
     * Loads a checkpoint for training: fp32, norms not folded, every weight a leaf requiring a gradient
     * (see the class comment). The same forward runs; {@link #parameters} are the optimiser's arrays.
     */
    public static T5Model loadForTraining(Path dir, Device device) throws IOException {
        return load(dir, new RuntimeOptions(device, DataType.FLOAT32), true);
    }

    private static T5Model load(Path dir, RuntimeOptions options, boolean trainable) throws IOException {
        T5Config config = T5Config.read(dir.resolve("config.json"));
        WeightStore store = WeightStore.open(dir);
        T5Weights.checkShapes(store, config);
        DataType dtype = options.dtype();
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
            throw new UnsupportedOperationException("T5 runs in fp32 or fp16, not " + dtype
                    + " (DJL's PyTorch engine has no bfloat16; bf16 checkpoints are widened on load)");
        }
        NDManager root = NDManager.newBaseManager(options.device());
        try {
            return new T5Model(config, store, dtype, root, trainable);
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    private T5Model(T5Config config, WeightStore store, DataType dtype, NDManager root, boolean trainable) {
        this.root = root;
        this.spec = new ModelSpec("t5", true, config.vocabSize(), config.eosTokenId(), config.padTokenId(),
                config.decoderStartTokenId(), 0);
        this.weights = new T5Weights(config, store, dtype, root, trainable);
        this.layers = new T5Layers(weights);
        this.teacherForcing = new T5TeacherForcing(layers);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    public T5Config config() {
        return weights.config;
    }

    @Override
    public NDManager newScope() {
        return root.newSubManager();
    }

    /** Runs the encoder and caches every decoder layer's cross-attention keys and values. */
    @Override
    public DecodeState begin(NDManager scope, List<long[]> promptIds) {
        NDManager stateManager = scope.newSubManager();
        try {
            return new T5DecodeState(layers, stateManager, promptIds);
        } catch (RuntimeException e) {
            stateManager.close();
            throw e;
        }
    }

    /**
     * Uncached teacher-forced logits (the training forward; also the tests' reference): every prompt
     * encoded, every decoder input row fed at once with full causal self-attention recomputed from
     * scratch. Returns fp32 {@code [batch, tgt, vocab]} attached to {@code out}.
     */
    public NDArray logits(NDManager out, List<long[]> prompts, List<long[]> decoderInputs) {
        return teacherForcing.logits(out, prompts, decoderInputs, null, null);
    }

    /**
     * The trainable model's teacher-forced scores of chosen tokens only: at the flat decoder positions
     * {@code positions} ({@code row * tgt + i}), the logits of {@code k} candidate ids each
     * ({@code candidates}, {@code [positions.length * k]}). Skips the full-vocabulary head, the most
     * expensive part of a small model's step. Returns fp32 {@code [positions, k]} attached to {@code out}.
     */
    public NDArray candidateLogits(NDManager out, List<long[]> prompts, List<long[]> decoderInputs, long[] positions,
            long[] candidates) {
        if (!weights.trainable) {
            throw new IllegalStateException("candidate logits need a model loaded for training");
        }
        if (positions.length == 0 || candidates.length % positions.length != 0) {
            throw new IllegalArgumentException("candidates must be k per position, with at least one position");
        }
        return teacherForcing.logits(out, prompts, decoderInputs, positions, candidates);
    }

    /**
     * Training mode only: the trainable arrays in the model's own layout, by name (an HF tensor name,
     * or {@code a|b|c} for a fused one), in load order. They are the leaves the optimiser updates in
     * place.
     */
    public Map<String, NDArray> parameters() {
        return weights.parameters();
    }

    /**
     * Training mode only: the weights under HF's names and layouts ({@code [out, in]} Linear weights,
     * fused arrays split, layer norm weights as they are), as new arrays in {@code out}: what
     * {@code model.safetensors} holds. A tied head is not written ({@code shared.weight} is it).
     */
    public Map<String, NDArray> checkpointTensors(NDManager out) {
        return weights.checkpointTensors(out);
    }

    /** Whether this model was loaded for training (norms unfolded, weights requiring gradients). */
    public boolean trainable() {
        return weights.trainable;
    }

    @Override
    public void close() {
        root.close();
    }
}
