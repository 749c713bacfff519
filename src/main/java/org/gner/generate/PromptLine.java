package org.gner.generate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.gner.data.InputFormatException;

/**
 * One line of {@code generate}'s input: {@code {"id": ..., "prompt": ...}}, optionally with the
 * sentence's {@code words} and {@code label_list} (arrays of strings) for the output automaton;
 * other fields are ignored.
 */
public record PromptLine(String id, String prompt, List<String> words, List<String> labelList) {

    public PromptLine(String id, String prompt) {
        this(id, prompt, null, null);
    }

    GuidedPrompt guided() {
        return new GuidedPrompt(prompt, words, labelList);
    }

    static final ObjectMapper JSON = new ObjectMapper();

    /** Parses a line; the exception carries the reason only (see {@link InputFormatException#at}). */
    public static PromptLine parse(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InputFormatException(null, 0, "not a JSON object");
            }
            String id = null;
            String prompt = null;
            List<String> words = null;
            List<String> labelList = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("id") && (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT)) {
                    id = p.getText();
                } else if (field.equals("id")) {
                    throw new InputFormatException(null, 0, "field 'id' must be a string or an integer");
                } else if (field.equals("prompt") && t == JsonToken.VALUE_STRING) {
                    prompt = p.getText();
                } else if (field.equals("prompt")) {
                    throw new InputFormatException(null, 0, "field 'prompt' must be a string");
                } else if (field.equals("words") || field.equals("label_list")) {
                    List<String> values = strings(p, t, field);
                    if (field.equals("words")) {
                        words = values;
                    } else {
                        labelList = values;
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new InputFormatException(null, 0, "unexpected content after the JSON object");
            }
            if (id == null) {
                throw new InputFormatException(null, 0, "missing field 'id'");
            }
            if (prompt == null) {
                throw new InputFormatException(null, 0, "missing field 'prompt'");
            }
            if ((words == null) != (labelList == null)) {
                throw new InputFormatException(null, 0, "fields 'words' and 'label_list' go together");
            }
            return new PromptLine(id, prompt, words, labelList);
        } catch (JsonProcessingException e) {
            throw new InputFormatException(null, 0, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> strings(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            throw new InputFormatException(null, 0, "field '" + field + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw new InputFormatException(null, 0, "field '" + field + "' must be an array of strings");
            }
            out.add(p.getText());
        }
        return List.copyOf(out);
    }
}
