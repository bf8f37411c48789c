package io.connwatch.feeds;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One configured feed.
 *
 * @param name       unique name, shown as provenance on every match
 * @param format     a name from {@code FeedFormats.NAMES}
 * @param path       a local file (re-read when it changes), or null
 * @param url        an HTTP(S) URL (fetched with conditional requests), or null; exactly one of the two
 * @param interval   how often to check the source
 * @param timeout    connect and read timeout of one fetch
 * @param maxBytes   a larger download is refused (and the last good data kept)
 * @param headers    extra request headers, e.g. an API key; values are secrets and never logged
 * @param defaults   what indicators get for fields the feed lacks
 * @param csvMapping columns of a {@code csv} feed
 */
public record FeedConfig(String name, String format, Path path, URI url, Duration interval, Duration timeout, long maxBytes,
                         Map<String, String> headers, FeedDefaults defaults, Map<String, String> csvMapping) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_BYTES = 256L << 20;

    public FeedConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        if ((path == null) == (url == null)) {
            throw new IllegalArgumentException("feed " + name + ": give exactly one of path and url");
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        csvMapping = csvMapping == null ? Map.of() : Map.copyOf(csvMapping);
    }

    /** The source as it may be shown: the path, or the URL without query, user info or fragment. */
    public String displaySource() {
        if (path != null) {
            return path.toString();
        }
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
            + (url.getPath() == null ? "" : url.getPath());
    }

    @Override
    public String toString() {
        return "FeedConfig[" + name + ", " + format + ", " + displaySource() + "]";
    }
}
