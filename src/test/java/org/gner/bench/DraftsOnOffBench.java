package org.gner.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.gner.data.GnerJsonl;
import org.gner.data.GnerRecord;
import org.gner.generate.GenerationConfig;
import org.gner.generate.Generated;
import org.gner.generate.Generator;
import org.gner.generate.Guidance;
import org.gner.generate.OutputAutomaton;
import org.gner.model.CheckpointFiles;
import org.gner.model.ModelTokenizer;
import org.gner.model.RuntimeOptions;
import org.gner.model.t5.T5Model;
import org.gner.model.t5.TinyT5Checkpoints;
import org.gner.testing.SharedData;

/**
 * {@code bench/run DraftsOnOffBench [model dir|base] [sentences=48] [maxNewTokens=640] [batches=1,8] [rounds=2]}:
 * greedy decoding with drafts on ({@code --draft input}) against off ({@code none}), free and constrained,
 * on GNER prompts of the shared zero-shot test sample (real words and label sets), alternating on and off
 * in each round and keeping the best time of each. Prints output tokens/s, passes per token and the
 * on/off speed ratio per mode and batch size, and checks that drafts change no output. {@code base}: a
 * random GNER-T5-base-shaped checkpoint (written once under target/bench; its outputs are noise, so
 * drafts are rejected: what a model that does not follow its input costs).
 */
public final class DraftsOnOffBench {
    private DraftsOnOffBench() {}

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "models/gner-t5-mini";
        int sentences = args.length > 1 ? Integer.parseInt(args[1]) : 48;
        int maxNew = args.length > 2 ? Integer.parseInt(args[2]) : 640;
        int[] batches = Arrays.stream((args.length > 3 ? args[3] : "1,8").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        Path dir = which.equals("base") ? baseShape() : Path.of(which);
        List<GnerRecord> records = GnerJsonl.readAll(SharedData.path("datasets/gner-jsonl/zero-shot-test-100.jsonl"))
                .stream().limit(sentences).toList();
        try (T5Model model = T5Model.load(dir, RuntimeOptions.CPU_FP32);
                ModelTokenizer tokenizer = ModelTokenizer.load(which.equals("base") ? Path.of("models/gner-t5-mini") : dir)) {
            List<long[]> prompts = new ArrayList<>();
            List<OutputAutomaton> automata = new ArrayList<>();
            for (GnerRecord r : records) {
                prompts.add(tokenizer.encode(r.instructionInputs()));
                automata.add(OutputAutomaton.build(r.instance().words(), r.labelList(),
                        tokenizer::encodeBatchWithoutSpecial, model.spec().eosTokenId()));
            }
            System.out.printf(Locale.ROOT, "%s: %d sentences, max %d new tokens%n", dir, sentences, maxNew);
            for (Guidance.Decoding decoding : Guidance.Decoding.values()) {
                for (int batch : batches) {
                    double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
                    long[] tokens = new long[2];
                    long[] passes = new long[2];
                    List<List<long[]>> outputs = new ArrayList<>(List.of(new ArrayList<>(), new ArrayList<>()));
                    for (int round = 0; round < rounds; round++) {
                        for (int o = 0; o < 2; o++) {
                            int mode = round % 2 == 0 ? o : 1 - o; // alternate which runs first
                            Guidance.Draft draft = mode == 0 ? Guidance.Draft.INPUT : Guidance.Draft.NONE;
                            List<long[]> out = new ArrayList<>();
                            long count = 0;
                            long passCount = 0;
                            long started = System.nanoTime();
                            for (int from = 0; from < prompts.size(); from += batch) {
                                int to = Math.min(prompts.size(), from + batch);
                                for (Generated g : new Generator().generate(model, prompts.subList(from, to),
                                        GenerationConfig.greedy(maxNew), automata.subList(from, to),
                                        new Guidance(decoding, draft, 0, true))) {
                                    out.add(g.tokens());
                                    count += g.tokens().length;
                                    passCount += g.decoderPasses();
                                }
                            }
                            best[mode] = Math.min(best[mode], (System.nanoTime() - started) / 1e9);
                            tokens[mode] = count;
                            passes[mode] = passCount;
                            outputs.set(mode, out);
                        }
                    }
                    int differ = 0;
                    for (int i = 0; i < prompts.size(); i++) {
                        differ += Arrays.equals(outputs.get(0).get(i), outputs.get(1).get(i)) ? 0 : 1;
                    }
                    System.out.printf(Locale.ROOT, "%-11s batch %2d: drafts on %7.1f tokens/s (%.3f passes/token),"
                            + " off %7.1f tokens/s (%.3f): on/off %.2fx; outputs differing: %d%n", decoding, batch,
                            tokens[0] / best[0], (double) passes[0] / tokens[0], tokens[1] / best[1],
                            (double) passes[1] / tokens[1], best[1] / best[0], differ);
                }
            }
        }
    }

    private static Path baseShape() throws Exception {
        Path dir = Path.of("target/bench/gner-t5-base-random");
        if (!Files.exists(dir.resolve(CheckpointFiles.SINGLE_FILE))) {
            TinyT5Checkpoints.write(dir, new TinyT5Checkpoints.Spec(TinyT5Checkpoints.Style.FLAN, 768, 64, 2048, 12, 12,
                    12, 1234), TinyT5Checkpoints.Format.BF16);
        }
        return dir;
    }
}
