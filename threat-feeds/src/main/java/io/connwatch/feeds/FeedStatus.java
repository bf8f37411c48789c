package io.connwatch.feeds;

import java.time.Instant;

/**
 * How one feed is doing, for logs and the status API.
 *
 * @param name         the feed
 * @param source       path or URL without secrets
 * @param indicators   threat indicators in the last good load
 * @param allowEntries allowlist networks in the last good load
 * @param problems     entries of the last good load that could not be read
 * @param skipped      entries of the last good load passed over on purpose
 * @param lastSuccess  when the last good load finished (null before the first)
 * @param lastAttempt  when the last check finished
 * @param lastError    what went wrong in the last check, or null when it went well
 * @param nextRefresh  when the next check is due
 */
public record FeedStatus(String name, String source, int indicators, int allowEntries, int problems, int skipped,
                         Instant lastSuccess, Instant lastAttempt, String lastError, Instant nextRefresh) {
}
