package io.connwatch.feeds;

import java.util.List;

/**
 * What the index knows of an address: the indicator that won (the most specific prefix, then the
 * highest severity, then the highest confidence) and every feed with an indicator covering the
 * address, as provenance.
 *
 * @param indicator the winning indicator
 * @param feeds     names of all feeds that list the address or a network containing it, sorted
 */
public record ThreatMatch(Indicator indicator, List<String> feeds) {
    public ThreatMatch {
        feeds = List.copyOf(feeds);
    }
}
