package io.connwatch.feeds.source;

/**
 * What one check of a feed's source found.
 *
 * @param changed      false when the source is unchanged (HTTP 304, or the same file)
 * @param body         the content when changed
 * @param etag         the validator to send next time (HTTP ETag), or null
 * @param lastModified the Last-Modified value to send next time, or the file's modification time
 */
public record FetchResult(boolean changed, byte[] body, String etag, String lastModified) {
    public static FetchResult unchanged(String etag, String lastModified) {
        return new FetchResult(false, null, etag, lastModified);
    }
}
