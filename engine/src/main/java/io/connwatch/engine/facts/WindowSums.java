package io.connwatch.engine.facts;

import java.util.List;

/**
 * Sums of the connection counters of a key's minutes in a window: what
 * {@code accumulate( ..., sum(linksFailed), sum(linksEstablished), sum(bytesSent), count(), collectList(failedRemotes) )}
 * gave.
 */
public final class WindowSums {
    static final WindowSums EMPTY = new WindowSums(0, 0, 0, 0, List.of());

    private final long failed;
    private final long established;
    private final long bytesSent;
    private final int minutes;
    private final List<TopRemotes> failedRemotes;

    WindowSums(long failed, long established, long bytesSent, int minutes, List<TopRemotes> failedRemotes) {
        this.failed = failed;
        this.established = established;
        this.bytesSent = bytesSent;
        this.minutes = minutes;
        this.failedRemotes = failedRemotes;
    }

    /** Failed links (LinksFailed) summed over the window's minutes. */
    public long getFailed() {
        return failed;
    }

    /** Established links (LinksEstablished) summed. */
    public long getEstablished() {
        return established;
    }

    /** Bytes sent summed. */
    public long getBytesSent() {
        return bytesSent;
    }

    /** Minutes with traffic in the window (rollups exist only for those). */
    public int getMinutes() {
        return minutes;
    }

    /** Failed links per minute with traffic; 0 when the window has none. */
    public double getFailedPerMinute() {
        return minutes == 0 ? 0 : (double) failed / minutes;
    }

    /** Bytes sent per minute with traffic; 0 when the window has none. */
    public double getMeanBytesSent() {
        return minutes == 0 ? 0 : (double) bytesSent / minutes;
    }

    /** Each minute's top remote endpoints by failed links, for {@link TopRemotes#describe}. */
    public List<TopRemotes> getFailedRemotes() {
        return failedRemotes;
    }

    @Override
    public String toString() {
        return "WindowSums[minutes=" + minutes + ", failed=" + failed + ", established=" + established + ", bytesSent=" + bytesSent + "]";
    }
}
