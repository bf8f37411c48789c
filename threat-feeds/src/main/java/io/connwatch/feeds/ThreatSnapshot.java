package io.connwatch.feeds;

import io.connwatch.net.IpAddress;
import java.time.Instant;

/**
 * An immutable view of all feeds at one moment: the threat index and the allowlist. Readers take
 * the current snapshot once per batch and so never see half a refresh.
 *
 * @param threats   indicators of all threat feeds
 * @param allowlist networks that must never alert
 * @param version   increases with every rebuild
 * @param builtAt   when it was built
 */
public record ThreatSnapshot(IpIndex threats, IpIndex allowlist, long version, Instant builtAt) {
    public static final ThreatSnapshot EMPTY = new ThreatSnapshot(IpIndex.empty(), IpIndex.empty(), 0, Instant.EPOCH);

    /** True when the address is on an allowlist. */
    public boolean allowed(IpAddress ip) {
        return allowlist.contains(ip);
    }

    /** The match for an address, or null when it has none or is allowlisted. */
    public ThreatMatch match(IpAddress ip) {
        return allowed(ip) ? null : threats.lookup(ip);
    }

    /** True when nothing is loaded. */
    public boolean isEmpty() {
        return threats.size() == 0 && allowlist.size() == 0;
    }
}
