package io.connwatch.feeds.source;

/** A fetch that failed: the message names the feed and source but never a secret. */
public final class FetchException extends Exception {
    public FetchException(String message) {
        super(message);
    }

    public FetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
