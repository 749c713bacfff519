package org.gner.generate;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.gner.data.InputFormatException;
import org.gner.model.LoadedModel;

/**
 * {@code generate}: a JSONL file of {@code {"id", "prompt"}} lines in, one line per prompt out, in
 * input order: {@code {"id", "prompt", "input_ids", "token_ids", "generation"}}. {@code token_ids}
 * are the generated ids only (EOS included when produced); a prompt cut to the input limit gets
 * {@code "truncated": true}, one whose generation failed gets {@code "error"} instead of
 * {@code token_ids} and {@code generation}.
 *
 * <p>The input is checked completely before anything is generated: a bad line fails the run with its
 * file and line. Prompts are then read in chunks, so memory stays bounded; the output is written to a
 * temporary file renamed at the end.
 */
public final class PromptFileGeneration {
    /** Prompts per chunk, as a multiple of the batch size: enough to sort by length usefully. */
    private static final int CHUNK_BATCHES = 16;

    private PromptFileGeneration() {}

    /** @return the number of prompts; {@code progress} gets the running count */
    public static long run(LoadedModel model, Path input, Path output, DecodingOptions options, LongConsumer progress) {
        long total = validate(input);
        PromptRunner runner = new PromptRunner(model, options);
        int chunkSize = (int) Math.min(Integer.MAX_VALUE / 2, (long) options.maxBatchRows() * CHUNK_BATCHES);
        Path tmp = output.resolveSibling(output.getFileName() + ".tmp");
        long[] done = {0};
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8);
                BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            List<PromptLine> chunk = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    chunk.add(PromptLine.parse(stripBom(line)));
                }
                if (chunk.size() == chunkSize) {
                    writeChunk(runner, chunk, out, done, progress);
                }
            }
            writeChunk(runner, chunk, out, done, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
        }
        return total;
    }

    /** Parses every line; returns how many prompts there are. */
    static long validate(Path input) {
        String source = input.toString();
        if (!Files.isRegularFile(input)) {
            throw new InputFormatException(source, 0, "file not found");
        }
        long lineNo = 0;
        long prompts = 0;
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    PromptLine.parse(lineNo == 1 ? stripBom(line) : line);
                } catch (InputFormatException e) {
                    throw e.at(source, lineNo);
                }
                prompts++;
            }
        } catch (CharacterCodingException e) {
            throw new InputFormatException(source, lineNo + 1, "not valid UTF-8", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
        return prompts;
    }

    private static void writeChunk(PromptRunner runner, List<PromptLine> chunk, BufferedWriter out, long[] done,
            LongConsumer progress) throws IOException {
        if (chunk.isEmpty()) {
            return;
        }
        List<GuidedPrompt> prompts = chunk.stream().map(PromptLine::guided).toList();
        List<PromptResult> results = runner.runGuided(prompts, n -> progress.accept(done[0] += n));
        for (int i = 0; i < chunk.size(); i++) {
            out.write(toJson(chunk.get(i), results.get(i)));
            out.write('\n');
        }
        chunk.clear();
    }

    static String toJson(PromptLine line, PromptResult result) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = PromptLine.JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("id", line.id());
            g.writeStringField("prompt", line.prompt());
            g.writeFieldName("input_ids");
            g.writeArray(result.inputIds(), 0, result.inputIds().length);
            if (result.failed()) {
                g.writeStringField("error", result.error());
            } else {
                g.writeFieldName("token_ids");
                g.writeArray(result.tokenIds(), 0, result.tokenIds().length);
                g.writeStringField("generation", result.text());
                g.writeNumberField("decoder_passes", result.decoderPasses());
                double[] p = result.wordLabelProbabilities();
                if (p != null) { // a GNER prompt: one per word of its sentence, null where a word has none
                    g.writeArrayFieldStart("word_label_probabilities");
                    for (double v : p) {
                        if (Double.isNaN(v)) {
                            g.writeNull();
                        } else {
                            g.writeNumber(v);
                        }
                    }
                    g.writeEndArray();
                }
            }
            if (result.truncated()) {
                g.writeBooleanField("truncated", true);
            }
            g.writeEndObject();
        }
        return w.toString();
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }
}
