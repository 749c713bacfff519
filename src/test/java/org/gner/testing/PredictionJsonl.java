package org.gner.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads GNER prediction JSONL ({@code dataset, label_list, instance{words, labels}, prediction}) with
 * Jackson's streaming parser, skipping the bulky fields ({@code input_ids}, instructions) unread.
 */
public final class PredictionJsonl {
    private static final JsonFactory JSON = new JsonFactory();

    private PredictionJsonl() {}

    public static List<String> lines(Path jsonl) {
        try {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<PredictionRecord> read(Path jsonl) {
        List<PredictionRecord> records = new ArrayList<>();
        for (String line : lines(jsonl)) {
            records.add(parse(line));
        }
        return records;
    }

    public static PredictionRecord parse(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            String dataset = null;
            String prediction = null;
            List<String> labelList = null;
            List<String> words = null;
            List<String> labels = null;
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "dataset" -> dataset = p.getText();
                    case "prediction" -> prediction = p.getText();
                    case "label_list" -> labelList = strings(p);
                    case "instance" -> {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String inner = p.currentName();
                            p.nextToken();
                            switch (inner) {
                                case "words" -> words = strings(p);
                                case "labels" -> labels = strings(p);
                                default -> p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (dataset == null || prediction == null || labelList == null || words == null || labels == null) {
                throw new IllegalArgumentException("incomplete prediction record: " + abbreviate(line));
            }
            return new PredictionRecord(dataset, labelList, words, labels, prediction);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> strings(JsonParser p) throws IOException {
        expect(p.currentToken(), JsonToken.START_ARRAY);
        List<String> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            values.add(p.getText());
        }
        return values;
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("expected " + expected + " but found " + actual);
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 120 ? line : line.substring(0, 120) + "...";
    }
}
