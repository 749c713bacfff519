package org.gner.data;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * GNER JSONL records: one JSON object per line, as GNER's dataset builder and its prediction files
 * write them.
 *
 * <p>Parsing streams tokens from one shared, thread-safe {@link ObjectMapper} (no tree model);
 * unknown fields ({@code attention_mask}, {@code time_stamp}, {@code task}, ...) are skipped. Required:
 * {@code dataset}, {@code label_list}, {@code instance.words}, {@code instance.labels} (same length)
 * and an id ({@code instance.id}, else the top-level {@code id}; a number is accepted).
 *
 * <p>Writing follows GNER's field order, {@code id, dataset, split, label_list,
 * instance{id, words, labels, instruction_inputs, prompt_labels}, input_ids, prediction}, leaving
 * out absent (null) fields, with Python {@code json.dumps}' separators ({@code ", "} and
 * {@code ": "}) and non-ASCII characters written as UTF-8, not escaped.
 */
public final class GnerJsonl {
    /** The one mapper for GNER JSONL; thread-safe once configured. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private GnerJsonl() {}

    // ---------------------------------------------------------------- parsing

    /**
     * Parses one JSONL line.
     *
     * @throws InputFormatException without source/line (see {@link InputFormatException#at}) giving
     *                              the reason: not JSON, a missing or mistyped field, a length mismatch
     */
    public static GnerRecord parse(String line) {
        try (JsonParser p = MAPPER.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw fail("not a JSON object");
            }
            String topId = null;
            String dataset = null;
            String split = null;
            List<String> labelList = null;
            String prediction = null;
            int[] inputIds = null;
            Instance inst = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "id" -> topId = idValue(p, t, "id");
                    case "dataset" -> dataset = stringOrNull(p, t, "dataset");
                    case "split" -> split = stringOrNull(p, t, "split");
                    case "label_list" -> labelList = stringList(p, t, "label_list");
                    case "prediction" -> prediction = stringOrNull(p, t, "prediction");
                    case "input_ids" -> inputIds = intArray(p, t, "input_ids");
                    case "instance" -> inst = instance(p, t);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw fail("unexpected content after the JSON object");
            }
            if (dataset == null) {
                throw fail("missing field 'dataset'");
            }
            if (labelList == null) {
                throw fail("missing field 'label_list'");
            }
            if (inst == null) {
                throw fail("missing field 'instance'");
            }
            if (inst.words == null) {
                throw fail("missing field 'instance.words'");
            }
            if (inst.labels == null) {
                throw fail("missing field 'instance.labels'");
            }
            if (inst.words.size() != inst.labels.size()) {
                throw fail("instance.words has " + inst.words.size() + " entries but instance.labels has "
                        + inst.labels.size());
            }
            String id = inst.id != null ? inst.id : topId;
            if (id == null) {
                throw fail("missing field 'instance.id'");
            }
            return new GnerRecord(dataset, split, labelList, new NerSentence(id, inst.words, inst.labels),
                    inst.instructionInputs, inst.promptLabels, prediction, inputIds);
        } catch (JsonProcessingException e) {
            throw fail("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Instance {
        String id;
        List<String> words;
        List<String> labels;
        String instructionInputs;
        String promptLabels;
    }

    private static Instance instance(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            throw fail("field 'instance' is not a JSON object");
        }
        Instance inst = new Instance();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "id" -> inst.id = idValue(p, v, "instance.id");
                case "words" -> inst.words = stringList(p, v, "instance.words");
                case "labels" -> inst.labels = stringList(p, v, "instance.labels");
                case "instruction_inputs" -> inst.instructionInputs = stringOrNull(p, v, "instance.instruction_inputs");
                case "prompt_labels" -> inst.promptLabels = stringOrNull(p, v, "instance.prompt_labels");
                default -> p.skipChildren();
            }
        }
        return inst;
    }

    private static String stringOrNull(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw fail("field '" + field + "' is not a string");
        }
        return p.getText();
    }

    private static String idValue(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getText();
        }
        return stringOrNull(p, t, field);
    }

    private static List<String> stringList(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw fail("field '" + field + "' is not an array");
        }
        List<String> out = new ArrayList<>();
        JsonToken v;
        while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
            if (v != JsonToken.VALUE_STRING) {
                throw fail("field '" + field + "[" + out.size() + "]' is not a string");
            }
            out.add(p.getText());
        }
        return out;
    }

    private static int[] intArray(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw fail("field '" + field + "' is not an array");
        }
        int[] out = new int[64];
        int n = 0;
        JsonToken v;
        while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
            if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                throw fail("field '" + field + "[" + n + "]' is not a 32-bit integer");
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = p.getIntValue();
        }
        return Arrays.copyOf(out, n);
    }

    private static InputFormatException fail(String reason) {
        return new InputFormatException(null, 0, reason);
    }

    /**
     * Reads every non-blank line of a JSONL file; an error names the file and its 1-based line,
     * e.g. {@code preds.jsonl:12: missing field 'instance.words'}.
     */
    public static List<GnerRecord> readAll(Path jsonl) {
        String source = jsonl.toString();
        if (!Files.isRegularFile(jsonl)) {
            throw new InputFormatException(source, 0, "file not found");
        }
        List<GnerRecord> out = new ArrayList<>();
        long lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(parse(line));
                } catch (InputFormatException e) {
                    throw e.at(source, lineNo);
                }
            }
        } catch (CharacterCodingException e) {
            throw new InputFormatException(source, Utf8Lines.firstInvalidLine(jsonl), "not valid UTF-8", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
        return Collections.unmodifiableList(out);
    }

    // ---------------------------------------------------------------- writing

    /** One record as a single JSON line (no trailing newline), in GNER's field order. */
    public static String toJson(GnerRecord r) {
        StringWriter w = new StringWriter(256 + 64 * r.instance().size());
        try {
            write(r, w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** Writes records as JSONL (one line each, {@code \n}-terminated), UTF-8. */
    public static void writeAll(Path jsonl, Iterable<GnerRecord> records) {
        try (BufferedWriter out = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
            for (GnerRecord r : records) {
                write(r, out);
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + jsonl, e);
        }
    }

    private static void write(GnerRecord r, Writer w) throws IOException {
        try (JsonGenerator g = MAPPER.createGenerator(w)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setPrettyPrinter(PythonStyle.INSTANCE);
            g.writeStartObject();
            g.writeStringField("id", r.instance().id());
            g.writeStringField("dataset", r.dataset());
            if (r.split() != null) {
                g.writeStringField("split", r.split());
            }
            g.writeFieldName("label_list");
            writeStrings(g, r.labelList());
            g.writeFieldName("instance");
            g.writeStartObject();
            g.writeStringField("id", r.instance().id());
            g.writeFieldName("words");
            writeStrings(g, r.instance().words());
            g.writeFieldName("labels");
            writeStrings(g, r.instance().labels());
            if (r.instructionInputs() != null) {
                g.writeStringField("instruction_inputs", r.instructionInputs());
            }
            if (r.promptLabels() != null) {
                g.writeStringField("prompt_labels", r.promptLabels());
            }
            g.writeEndObject();
            int[] ids = r.inputIds();
            if (ids != null) {
                g.writeFieldName("input_ids");
                g.writeArray(ids, 0, ids.length);
            }
            if (r.prediction() != null) {
                g.writeStringField("prediction", r.prediction());
            }
            g.writeEndObject();
        }
    }

    private static void writeStrings(JsonGenerator g, List<String> values) throws IOException {
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** Python {@code json.dumps} layout: one line, {@code ", "} between entries, {@code ": "} after keys. */
    private static final class PythonStyle implements PrettyPrinter {
        static final PythonStyle INSTANCE = new PythonStyle();

        @Override public void writeRootValueSeparator(JsonGenerator g) throws IOException { g.writeRaw(' '); }
        @Override public void writeStartObject(JsonGenerator g) throws IOException { g.writeRaw('{'); }
        @Override public void writeEndObject(JsonGenerator g, int n) throws IOException { g.writeRaw('}'); }
        @Override public void writeObjectEntrySeparator(JsonGenerator g) throws IOException { g.writeRaw(", "); }
        @Override public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException { g.writeRaw(": "); }
        @Override public void writeStartArray(JsonGenerator g) throws IOException { g.writeRaw('['); }
        @Override public void writeEndArray(JsonGenerator g, int n) throws IOException { g.writeRaw(']'); }
        @Override public void writeArrayValueSeparator(JsonGenerator g) throws IOException { g.writeRaw(", "); }
        @Override public void beforeArrayValues(JsonGenerator g) {}
        @Override public void beforeObjectEntries(JsonGenerator g) {}
    }
}
