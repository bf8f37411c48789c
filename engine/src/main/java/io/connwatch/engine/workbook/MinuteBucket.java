package io.connwatch.engine.workbook;

import io.connwatch.engine.facts.BoundPort;
import io.connwatch.engine.facts.Connection;
import io.connwatch.engine.facts.ThreatVerdict;
import io.connwatch.net.IpAddress;

/**
 * What one machine reported in one minute, summed: links per direction, bytes, responses, the
 * malicious share, and counters by remote address, process, listening port and threat. Guarded by
 * its machine's lock.
 */
final class MinuteBucket {
    /** A remote endpoint of VMConnection rows. */
    record Remote(IpAddress ip, String country) {
    }

    /** A listening port of VMBoundPort rows; {@code wildcard}: open on every interface. */
    record Port(String process, IpAddress ip, int port, boolean wildcard) {
    }

    /** A threat verdict on connections' remote addresses. */
    record Threat(String type, String indicator, String country, boolean inbound, String source) {
    }

    // columns of the remote and process counters
    static final int SENT = 0;
    static final int RECEIVED = 1;
    static final int ESTABLISHED = 2;
    static final int FAILED = 3;
    static final int ROWS = 4;
    static final int REMOTE_COLUMNS = 5;
    static final int IN_ESTABLISHED = 5;
    static final int OUT_ESTABLISHED = 6;
    static final int PROCESS_COLUMNS = 7;
    // columns of the port counters (SENT, RECEIVED, ESTABLISHED as above)
    static final int LIVE = 3;
    static final int PORT_COLUMNS = 4;
    // columns of the threat counters
    static final int THREAT_ROWS = 0;
    static final int THREAT_LINKS = 1;
    static final int THREAT_BYTES = 2;
    static final int THREAT_COLUMNS = 3;

    final long minute;
    long inRows;
    long inEstablished;
    long inLive;
    long inTerminated;
    long outRows;
    long outEstablished;
    long outLive;
    long outFailed;
    long outTerminated;
    long inFailed;
    long bytesSent;
    long bytesReceived;
    long responses;
    long responseTimeSum;
    long maliciousInbound;
    long maliciousOutbound;
    Keyed<Remote> remotes;
    Keyed<String> processes;
    Keyed<Port> ports;
    Keyed<Threat> threats;

    MinuteBucket(long minute) {
        this.minute = minute;
    }

    void add(Connection c, Remote remote, int maxKeys) {
        long established = c.getLinksEstablished();
        long failed = c.getLinksFailed();
        if (c.isInbound()) {
            inRows++;
            inEstablished += established;
            inLive += c.getLinksLive();
            inTerminated += c.getLinksTerminated();
            inFailed += failed;
        } else {
            outRows++;
            outEstablished += established;
            outLive += c.getLinksLive();
            outTerminated += c.getLinksTerminated();
            outFailed += failed;
        }
        long sent = c.getBytesSent();
        long received = c.getBytesReceived();
        bytesSent += sent;
        bytesReceived += received;
        responses += c.getResponses();
        Long rt = c.getResponseTimeSum();
        if (rt != null) {
            responseTimeSum += rt;
        }
        if (remotes == null) {
            remotes = new Keyed<>(REMOTE_COLUMNS);
            processes = new Keyed<>(PROCESS_COLUMNS);
        }
        remotes.add(remote, maxKeys, sent, received, established, failed, 1, 0, 0);
        boolean in = c.isInbound();
        processes.add(c.getProcessLabel(), maxKeys, sent, received, established, failed, 1, in ? established : 0, in ? 0 : established);
        ThreatVerdict threat = c.getThreat();
        if (threat != null) {
            if (c.isInbound()) {
                maliciousInbound++;
            } else {
                maliciousOutbound++;
            }
            if (threats == null) {
                threats = new Keyed<>(THREAT_COLUMNS);
            }
            threats.add(new Threat(threat.threatType() == null ? null : threat.threatType().azureName(), threat.indicator(),
                c.getRemoteCountry(), c.isInbound(), threat.source()), maxKeys, 1, established + failed, sent + received, 0, 0, 0, 0);
        }
    }

    void add(BoundPort b, Port key, int maxKeys) {
        if (ports == null) {
            ports = new Keyed<>(PORT_COLUMNS);
        }
        ports.add(key, maxKeys, b.getBytesSent(), b.getBytesReceived(), b.getLinksEstablished(), b.getLinksLive(), 0, 0, 0);
    }

    /** Cuts the remote and process counters to the top {@code n} by bytes and by links; ports and threats are kept whole. */
    void seal(int n) {
        if (remotes != null) {
            remotes.seal(n, MinuteBucket::bytes, MinuteBucket::links);
            processes.seal(n, MinuteBucket::bytes, MinuteBucket::links);
        }
        if (ports != null) {
            ports.seal(Integer.MAX_VALUE);
        }
        if (threats != null) {
            threats.seal(Integer.MAX_VALUE);
        }
    }

    static long bytes(long[] row) {
        return row[SENT] + row[RECEIVED];
    }

    static long links(long[] row) {
        return row[ESTABLISHED] + row[FAILED];
    }

    long maliciousRows() {
        return maliciousInbound + maliciousOutbound;
    }

    long connectionRows() {
        return inRows + outRows;
    }
}
