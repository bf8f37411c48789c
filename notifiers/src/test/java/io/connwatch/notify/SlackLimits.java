package io.connwatch.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a Slack message against Block Kit's published limits and lists every breach: at most 50
 * blocks; section text 1..3,000 characters; at most 10 section fields of 1..2,000 characters;
 * header text 1..150; at most 10 context elements of 1..3,000; at most 25 action elements, a
 * button's text 1..75 and its URL 1..3,000 characters; the top-level fallback text at most 4,000
 * (our own limit: Slack cuts at 40,000, but a longer one is unreadable).
 */
final class SlackLimits {
    static final int MAX_BLOCKS = 50;
    static final int MAX_SECTION_TEXT = 3000;
    static final int MAX_FIELDS = 10;
    static final int MAX_FIELD_TEXT = 2000;
    static final int MAX_HEADER_TEXT = 150;
    static final int MAX_CONTEXT_ELEMENTS = 10;
    static final int MAX_TEXT_OBJECT = 3000;
    static final int MAX_FALLBACK_TEXT = 4000;
    static final int MAX_ACTION_ELEMENTS = 25;
    static final int MAX_BUTTON_TEXT = 75;
    static final int MAX_BUTTON_URL = 3000;
    static final int MAX_ACTION_ID = 255;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SlackLimits() {
    }

    /** The breaches of a message's JSON; empty when Slack would accept its shape. */
    static List<String> breaches(String message) {
        JsonNode root;
        try {
            root = JSON.readTree(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> out = new ArrayList<>();
        length(out, "text", root.path("text"), MAX_FALLBACK_TEXT);
        JsonNode blocks = root.path("blocks");
        if (blocks.size() > MAX_BLOCKS) {
            out.add(blocks.size() + " blocks > " + MAX_BLOCKS);
        }
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = blocks.get(i);
            String at = "blocks[" + i + "]";
            switch (b.path("type").asText()) {
                case "header" -> length(out, at + ".text", b.path("text").path("text"), MAX_HEADER_TEXT);
                case "section" -> {
                    if (b.has("text")) {
                        length(out, at + ".text", b.path("text").path("text"), MAX_SECTION_TEXT);
                    }
                    JsonNode fields = b.path("fields");
                    if (fields.size() > MAX_FIELDS) {
                        out.add(at + ": " + fields.size() + " fields > " + MAX_FIELDS);
                    }
                    for (int f = 0; f < fields.size(); f++) {
                        length(out, at + ".fields[" + f + "]", fields.get(f).path("text"), MAX_FIELD_TEXT);
                    }
                }
                case "context" -> {
                    JsonNode elements = b.path("elements");
                    if (elements.size() > MAX_CONTEXT_ELEMENTS) {
                        out.add(at + ": " + elements.size() + " elements > " + MAX_CONTEXT_ELEMENTS);
                    }
                    for (int e = 0; e < elements.size(); e++) {
                        length(out, at + ".elements[" + e + "]", elements.get(e).path("text"), MAX_TEXT_OBJECT);
                    }
                }
                case "actions" -> {
                    JsonNode elements = b.path("elements");
                    if (elements.size() < 1 || elements.size() > MAX_ACTION_ELEMENTS) {
                        out.add(at + ": " + elements.size() + " elements, expected 1.." + MAX_ACTION_ELEMENTS);
                    }
                    for (int e = 0; e < elements.size(); e++) {
                        JsonNode button = elements.get(e);
                        String el = at + ".elements[" + e + "]";
                        if (!button.path("type").asText().equals("button")) {
                            out.add(el + ": unexpected element type " + button.path("type"));
                        }
                        length(out, el + ".text", button.path("text").path("text"), MAX_BUTTON_TEXT);
                        length(out, el + ".url", button.path("url"), MAX_BUTTON_URL);
                        length(out, el + ".action_id", button.path("action_id"), MAX_ACTION_ID);
                    }
                }
                case "divider" -> {
                }
                default -> out.add(at + ": unexpected block type " + b.path("type"));
            }
        }
        return out;
    }

    private static void length(List<String> out, String at, JsonNode text, int max) {
        if (!text.isTextual()) {
            out.add(at + ": no text");
            return;
        }
        // Slack counts characters; counting UTF-16 units is the stricter of the two readings.
        int n = text.asText().length();
        if (n < 1 || n > max) {
            out.add(at + ": " + n + " characters, expected 1.." + max);
        }
    }
}
