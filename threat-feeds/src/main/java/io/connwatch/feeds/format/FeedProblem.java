package io.connwatch.feeds.format;

/**
 * An entry of a feed that could not be read, with where and why; the rest of the feed loads.
 *
 * @param feed     the feed's name
 * @param location {@code line 12}, or an object id such as {@code indicator--33fe...}
 * @param reason   what is wrong
 */
public record FeedProblem(String feed, String location, String reason) {
    public String message() {
        return feed + ": " + location + ": " + reason;
    }

    @Override
    public String toString() {
        return message();
    }
}
