package io.connwatch.feeds.format;

import io.connwatch.feeds.FeedDefaults;
import java.io.IOException;
import java.io.Reader;

/** Reads one feed file format into indicators. One implementation per format; stateless. */
public interface FeedFormat {
    /** The name used in configuration and on the command line, e.g. {@code spamhaus-drop}. */
    String name();

    /**
     * Reads a whole feed. Entries that cannot be read are reported in the result and skipped;
     * the rest load.
     *
     * @throws IOException only when the reader fails, or the file as a whole is not of this format
     */
    FeedParse parse(String feed, Reader in, FeedDefaults defaults) throws IOException;
}
