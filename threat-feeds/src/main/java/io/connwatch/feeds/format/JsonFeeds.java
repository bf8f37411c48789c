package io.connwatch.feeds.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;

/** Reading a whole JSON feed document, for the JSON formats. */
final class JsonFeeds {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonFeeds() {
    }

    /** @throws IOException naming the feed when the document is not JSON */
    static JsonNode read(String feed, Reader in) throws IOException {
        try {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IOException(feed + ": not JSON: " + e.getMessage(), e);
        }
    }
}
