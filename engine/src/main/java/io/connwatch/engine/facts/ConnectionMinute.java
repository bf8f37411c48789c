package io.connwatch.engine.facts;

import java.util.Map;

/**
 * The VMConnection rows of one minute, summed: the six counters a machine's minute
 * ({@link MachineMinute}) and a process's minute ({@link ProcessMinute}) both carry and rules
 * read by name ({@code rows}, {@code linksFailed}, {@code bytesSent}, ...).
 */
abstract sealed class ConnectionMinute extends MinuteRollupFact permits MachineMinute, ProcessMinute {
    long rows;
    long linksEstablished;
    long linksTerminated;
    long linksFailed;
    long bytesSent;
    long bytesReceived;
    /** The remotes with the most failed links this minute; null until a row has failed links. */
    TopRemotes failedRemotes;

    ConnectionMinute(String machine, String computer, long minuteStartMillis) {
        super(machine, computer, minuteStartMillis);
    }

    /** Adds one row of this minute to the counters. */
    void add(Connection c) {
        rows++;
        linksEstablished += c.linksEstablished;
        linksTerminated += c.linksTerminated;
        linksFailed += c.linksFailed;
        bytesSent += c.bytesSent;
        bytesReceived += c.bytesReceived;
        if (c.linksFailed > 0) {
            if (failedRemotes == null) {
                failedRemotes = new TopRemotes();
            }
            failedRemotes.add(c.remoteIp, c.destinationPort, c.linksFailed);
        }
    }

    /** VMConnection rows summed into this minute. */
    public long getRows() {
        return rows;
    }

    public long getLinksEstablished() {
        return linksEstablished;
    }

    public long getLinksTerminated() {
        return linksTerminated;
    }

    public long getLinksFailed() {
        return linksFailed;
    }

    public long getBytesSent() {
        return bytesSent;
    }

    public long getBytesReceived() {
        return bytesReceived;
    }

    /** The remote IPs and ports with the most failed links this minute (none when no link failed), for window rules' evidence. */
    public TopRemotes getFailedRemotes() {
        return failedRemotes != null ? failedRemotes : TopRemotes.NONE;
    }

    /** The counters as evidence columns, in the order every connection minute lists them. */
    void putCounters(Map<String, Object> m) {
        m.put("Rows", rows);
        m.put("LinksEstablished", linksEstablished);
        m.put("LinksTerminated", linksTerminated);
        m.put("LinksFailed", linksFailed);
        m.put("BytesSent", bytesSent);
        m.put("BytesReceived", bytesReceived);
    }
}
