package org.gner.bench;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.gner.testing.SharedData;
import org.gner.train.TargetStyle;
import org.gner.train.TrainJob;
import org.gner.train.TrainerState;
import org.gner.train.TrainingOptions;

/**
 * Trains the small shipped GNER model ({@code models/gner-t5-mini}) from scratch: T5 (gated-gelu,
 * tied embeddings), d_model 128, 2+2 layers, 4 heads of 32, d_ff 512, the Flan-T5 tokenizer, on
 * {@code datasets/configs/shipped} (the full train splits of mit-movie, mit-restaurant and conll2003),
 * lr 2e-3 with 1% warm-up, 2,048-token batches; the same run as the model card's {@code jobs/gner train}
 * command.
 *
 * <p>{@code bench/run TrainShippedModel <output> [maxSteps] [epochs] [full|entities]}; the last picks
 * GNER's full targets (default) or the entity-only ablation. {@code maxSteps} > 0 stops early
 * (to measure steps/s and tokens/s; the progress line gives the ETA of the full run). Re-running with
 * the same output resumes from its latest checkpoint.
 */
public final class TrainShippedModel {
    public static void main(String[] args) throws Exception {
        Path output = Path.of(args.length > 0 ? args[0] : "out/shipped-model");
        long maxSteps = args.length > 1 ? Long.parseLong(args[1]) : 0;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        TargetStyle targets = args.length > 3 ? TargetStyle.parse(args[3]) : TargetStyle.FULL;
        Path configDir = output.resolve("config");
        Files.createDirectories(configDir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.putArray("architectures").add("T5ForConditionalGeneration");
        c.put("model_type", "t5");
        c.put("vocab_size", 32128);
        c.put("d_model", 128);
        c.put("d_kv", 32);
        c.put("d_ff", 512);
        c.put("num_layers", 2);
        c.put("num_decoder_layers", 2);
        c.put("num_heads", 4);
        c.put("relative_attention_num_buckets", 32);
        c.put("relative_attention_max_distance", 128);
        c.put("dropout_rate", 0.0);
        c.put("layer_norm_epsilon", 1e-6);
        c.put("initializer_factor", 1.0);
        c.put("feed_forward_proj", "gated-gelu");
        c.put("tie_word_embeddings", true);
        c.put("pad_token_id", 0);
        c.put("eos_token_id", 1);
        c.put("decoder_start_token_id", 0);
        Files.writeString(configDir.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(c));
        for (String name : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            Files.copy(SharedData.path("tokenizers/flan-t5/" + name), configDir.resolve(name),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        TrainingOptions options = new TrainingOptions(epochs, 2e-3, 0.01, 0.0, 1.0, 2048, 512, 384, 1234L, 500, 3,
                50, maxSteps, 0, targets, org.gner.train.LossTarget.TOKENS, 0);
        boolean resume = Files.isDirectory(output) && org.gner.train.Checkpoints.latest(output).isPresent();
        TrainerState state = TrainJob.run(new TrainJob.Request(configDir.toString(), configDir,
                List.of(SharedData.zeroShotDataDir(), SharedData.path("datasets/supervised")),
                Path.of("datasets/configs/shipped/train_configs.json").toString(), output, options, Device.cpu(),
                resume, 42, "dev"), System.err);
        System.out.println("stopped after " + state.step() + " steps");
    }
}
