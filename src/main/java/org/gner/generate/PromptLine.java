package org.gner.generate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.gner.data.InputFormatException;

/** One line of {@code generate}'s input: {@code {"id": ..., "prompt": ...}} (other fields ignored). */
public record PromptLine(String id, String prompt) {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Parses a line; the exception carries the reason only (see {@link InputFormatException#at}). */
    public static PromptLine parse(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InputFormatException(null, 0, "not a JSON object");
            }
            String id = null;
            String prompt = null;
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
            return new PromptLine(id, prompt);
        } catch (JsonProcessingException e) {
            throw new InputFormatException(null, 0, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
