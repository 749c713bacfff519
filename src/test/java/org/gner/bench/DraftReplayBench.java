package org.gner.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.gner.data.GnerJsonl;
import org.gner.data.GnerRecord;
import org.gner.generate.Generated;
import org.gner.generate.GenerationConfig;
import org.gner.generate.Generator;
import org.gner.generate.Guidance;
import org.gner.generate.OutputAutomaton;
import org.gner.model.DecodeState;
import org.gner.model.GenerativeModel;
import org.gner.model.ModelSpec;
import org.gner.model.StepOutput;
import org.gner.model.ModelTokenizer;
import org.gner.structure.BackTokenizer;
import org.gner.structure.MatchKind;
import org.gner.structure.PredictionStructurer;
import org.gner.structure.StructuredPrediction;
import org.gner.testing.SharedData;

/**
 * Decoder passes per output token of speculative decoding on real GNER outputs: a scripted model
 * emits the recorded outputs of the three real GNER-T5 prediction files in ../shared, through the
 * real drafter and verifier loop ({@link Generator} with {@link Guidance}, batch 1).
 *
 * <p>The files keep the text after transformers' clean-up, not the generated ids, so each output's
 * tokens are rebuilt: where GNER's structuring matches the input words exactly, as the canonical
 * spelling of (input word, predicted label), else as the re-encoded prediction text (those
 * outputs leave the automaton and exercise re-synchronisation). Prints passes/token for k = 4, 8,
 * 16, 32 (drafting I-x after B-x or always O), checks that every output equals the recording,
 * and the share of sentences whose output left the automaton.
 *
 * <p>{@code bench/run DraftReplayBench}
 */
public final class DraftReplayBench {
    private static final long EOS = 1;
    private static final long PAD = 0;
    /** Token ids are renumbered densely over the ids these outputs and spellings use: smaller logits, same drafts. */
    private static final java.util.Map<Long, Long> DENSE = new java.util.HashMap<>();

    private static long dense(long id) {
        return DENSE.computeIfAbsent(id, k -> (long) DENSE.size() + 2); // 0 pad and 1 EOS keep their ids
    }

    private static long[] dense(long[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i] == EOS || ids[i] == PAD ? ids[i] : dense(ids[i]);
        }
        return out;
    }

    private static int vocab;

    public static void main(String[] args) throws Exception {
        List<GnerRecord> records = new ArrayList<>();
        for (String run : List.of("gner-t5-base-dev100", "gner-t5-base-dev100-bs700", "gner-t5-large-dev100")) {
            records.addAll(GnerJsonl.readAll(SharedData.path("predictions/" + run + "/predictions.jsonl")));
        }
        List<long[]> targets = new ArrayList<>();
        List<OutputAutomaton> automata = new ArrayList<>();
        int rebuilt = 0;
        int left = 0;
        try (ModelTokenizer tokenizer = ModelTokenizer.load(SharedData.flanT5Tokenizer());
                BackTokenizer back = BackTokenizer.load(SharedData.flanT5Tokenizer())) {
            PredictionStructurer structurer = new PredictionStructurer(back);
            for (GnerRecord r : records) {
                List<String> words = r.instance().words();
                StructuredPrediction s = structurer.structure(words, r.labelList(), r.prediction());
                long[] body;
                if (s.matchKind() == MatchKind.EXACT) {
                    List<String> pieces = new ArrayList<>();
                    for (int i = 0; i < words.size(); i++) {
                        pieces.add(words.get(i) + "(" + s.labels().get(i) + ")");
                    }
                    body = tokenizer.encodeBatchWithoutSpecial(pieces).stream().flatMapToLong(Arrays::stream).toArray();
                    rebuilt++;
                } else {
                    body = tokenizer.encodeWithoutSpecial(r.prediction());
                }
                body = dense(body);
                long[] target = Arrays.copyOf(body, body.length + 1);
                target[body.length] = EOS;
                OutputAutomaton automaton = OutputAutomaton.build(words, r.labelList(),
                        texts -> tokenizer.encodeBatchWithoutSpecial(texts).stream().map(DraftReplayBench::dense)
                                .toList(), EOS);
                OutputAutomaton.Cursor c = automaton.start();
                boolean lost = false;
                for (long t : target) {
                    c.advance(t);
                    lost |= c.lost();
                }
                left += lost ? 1 : 0;
                targets.add(target);
                automata.add(automaton);
            }
        }
        vocab = DENSE.size() + 2;
        System.out.printf(Locale.ROOT, "%d distinct token ids (renumbered densely)%n", vocab);
        long tokens = targets.stream().mapToLong(t -> t.length).sum();
        System.out.printf(Locale.ROOT, "%d recorded outputs (%d rebuilt from exact matches), %d tokens;"
                + " outputs that leave the automaton (re-synchronised): %d (%.1f%%)%n", targets.size(), rebuilt, tokens,
                left, 100.0 * left / targets.size());
        System.out.printf(Locale.ROOT, "plain greedy: 1.000 passes/token%n");
        for (boolean continueEntities : new boolean[] {true, false}) {
            for (int k : continueEntities ? new int[] {4, 8, 16, 32} : new int[] {16}) {
                long passes = 0;
                long accepted = 0;
                long started = System.nanoTime();
                for (int i = 0; i < targets.size(); i++) {
                    Replay model = new Replay(targets.get(i));
                    Generated g = new Generator().generate(model, List.of(new long[] {5, EOS}),
                            GenerationConfig.greedy(640), List.of(automata.get(i)),
                            new Guidance(Guidance.Decoding.FREE, Guidance.Draft.INPUT, k, continueEntities)).get(0);
                    if (!Arrays.equals(g.tokens(), targets.get(i))) {
                        throw new IllegalStateException("output " + i + " differs from the recording");
                    }
                    passes += g.decoderPasses();
                    accepted += g.acceptedDrafts();
                }
                System.out.printf(Locale.ROOT, "k=%2d drafts %-19s %.3f passes/token (%d passes, %d accepted drafts,"
                        + " %.1f s)%n", k, continueEntities ? "I-x after B-x/I-x:" : "always O:",
                        (double) passes / tokens, passes, accepted, (System.nanoTime() - started) / 1e9);
            }
        }
    }

    /** One row that emits {@code target}: its logits put 1 on the next recorded token, 0 elsewhere. */
    private static final class Replay implements GenerativeModel {
        private final long[] target;

        Replay(long[] target) {
            this.target = target;
        }

        @Override
        public ModelSpec spec() {
            return new ModelSpec("replay", true, vocab, EOS, PAD, PAD, 0);
        }

        @Override
        public DecodeState begin(NDManager scope, List<long[]> promptIds) {
            return new DecodeState() {
                private int length; // tokens of the output fed so far

                @Override
                public int rows() {
                    return 1;
                }

                @Override
                public StepOutput prefillStep(NDManager out) {
                    return StepOutput.ofLogits(out.create(oneHot(new int[] {0}), new Shape(1, 1, vocab)));
                }

                @Override
                public StepOutput forwardStep(NDArray tokens) {
                    int n = (int) tokens.getShape().get(1);
                    int[] next = new int[n];
                    for (int j = 0; j < n; j++) {
                        next[j] = length + j + 1; // fed tokens are only checked by the caller's output
                    }
                    length += n;
                    return StepOutput.ofLogits(tokens.getManager().create(oneHot(next), new Shape(1, n, vocab)));
                }

                private float[] oneHot(int[] positions) {
                    float[] logits = new float[positions.length * vocab];
                    for (int j = 0; j < positions.length; j++) {
                        int p = positions[j];
                        logits[j * vocab + (int) (p < target.length ? target[p] : EOS)] = 1f;
                    }
                    return logits;
                }

                @Override
                public void selectRows(NDArray rows) {}

                @Override
                public void rollback(int[] drop) {
                    length -= drop[0];
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public NDManager newScope() {
            return NDManager.newBaseManager();
        }

        @Override
        public void close() {}
    }
}
